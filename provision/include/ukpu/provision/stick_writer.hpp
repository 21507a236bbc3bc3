// Making keys: an image file, or sticks that passed the safety rules and were confirmed
// (device_safety.hpp), several at once, one thread each, with progress; each key then read back
// past the page cache and verified as the firmware would. Shared by `ukpu build`, `ukpu keys
// generate --device` and the window.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ukpu/devices/discovery.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/key_writer.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "ukpu/provision/context.hpp"
#include "ukpu/provision/reporter.hpp"
#include "ukpu/provision/status.hpp"

namespace ukpu::provision {

// One stick to write: checked and confirmed, the name it was given, its setup.bin, and the
// volume serial number of its key (write_sticks gives each key without one its own:
// assign_volume_ids).
struct StickJob {
    devices::DeviceInfo disk;
    std::string target;
    std::vector<std::uint8_t> setup;
    std::optional<std::uint32_t> volume_id;
    std::string label;  // its volume label ("B0042K003"); empty: the run's (KeyOptions::label)
};

// A key as it was written and read back.
struct WrittenKey {
    fat::KeyLayout layout;
    fat::IoStats io;
    bool read_back_identical = false;
    fat::VerifyReport verify;  // by the generations the key was made for
    // Each of those generations that cannot use the key, with why: "legacy BIOS: FAT12, legacy
    // BIOSes read FAT16 only". Empty when every one of them would apply its next record.
    std::vector<std::string> unusable;
    bool usable() const { return unusable.empty(); }
};

// What became of one key.
struct KeyOutcome {
    std::string target;
    std::optional<devices::DeviceInfo> device;  // the stick, when one was written
    std::optional<std::uint32_t> volume_id;     // the key's volume serial, when one was written
    // ok: written, read back identical and usable by every generation it was made for;
    // problems: written, but a generation cannot use it (which and why in `message` and
    // key->unusable); anything else: the failure, said in `message`.
    Status status = Status::ok;
    std::string message;
    std::optional<WrittenKey> key;  // when it was written and read back
};

// An image file to make.
struct ImageTarget {
    std::string path;
    std::uint64_t size = 0;
    std::uint32_t sector_size = 512;
    bool overwrite = false;
};

// Makes an image file, then reads it back and verifies it by `generations`. The layout is
// planned first, then the image is written under a temporary name beside it
// (".NAME.ukpu-XXXXXX", 0600) and renamed into place only once it reads back identical: a
// failure, a stop request (Ctrl-C) or a full disk leaves no file at `image.path` and removes the
// temporary one; an existing image is refused unless `image.overwrite`, and is then replaced only
// by a complete image. Throws Error.
KeyOutcome make_key_image(const Context& ctx, Reporter& reporter, const ImageTarget& image,
                          const std::vector<std::uint8_t>& setup,
                          const std::vector<fat::KeyFile>& extras, const fat::KeyOptions& ko,
                          const fat::VerifyOptions& generations);

// Writes every stick (at once when there are several), each with its own volume id, then reads
// each back and verifies it by `generations`. A stop request (Ctrl-C, Stop) ends every write at
// its next safe point. Each outcome says what state its stick is in (a failure also reported as
// an error); with a single stick, its failure is thrown instead (Error), as every command
// reports one failure.
std::vector<KeyOutcome> write_sticks(const Context& ctx, Reporter& reporter,
                                     std::vector<StickJob> jobs,
                                     const std::vector<fat::KeyFile>& extras,
                                     const fat::KeyOptions& ko,
                                     const fat::VerifyOptions& generations);

// The layout as one line of text: "mbr, FAT16 of 63.0 MiB at sector 2048, clusters of 2 KiB;
// SETUP.BIN in root slot 0, clusters 2-3".
std::string layout_text(const fat::KeyLayout& k);

// The time written into the key's directory entries: SOURCE_DATE_EPOCH when set (reproducible
// builds; Error bad_argument when it is not a number), else now.
std::int64_t key_timestamp();
// A volume serial number from the CSPRNG.
std::uint32_t random_volume_id();
// The volume id of a key: `given` (8 hex digits; Error bad_argument otherwise), else derived from
// the setup.bin, SOURCE_DATE_EPOCH when that is set and the key's place `index` among the keys
// of one run (reproducible builds), else random.
std::uint32_t volume_id_for(const std::string& given, const std::vector<std::uint8_t>& setup,
                            std::size_t index = 0);
// Gives every job without a volume id its own (volume_id_for with its index), distinct from every
// other job's: two sticks of one run never share a volume serial, and so never a repair journal
// name. `given` (--volume-id) names one key's serial: with several jobs it is refused (Error
// bad_argument).
void assign_volume_ids(std::vector<StickJob>& jobs, const std::string& given = {});

}  // namespace ukpu::provision
