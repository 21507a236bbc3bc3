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

// One stick to write: checked and confirmed, the name it was given, and its setup.bin.
struct StickJob {
    devices::DeviceInfo disk;
    std::string target;
    std::vector<std::uint8_t> setup;
};

// A key as it was written and read back.
struct WrittenKey {
    fat::KeyLayout layout;
    fat::IoStats io;
    bool read_back_identical = false;
    fat::VerifyReport verify;
    // Found by the generations its layout is for (legacy BIOSes for FAT16 without a label
    // entry, UEFI always).
    bool found = false;
};

// What became of one key.
struct KeyOutcome {
    std::string target;
    std::optional<devices::DeviceInfo> device;  // the stick, when one was written
    // ok: written, read back identical and found; problems: written but not found by every
    // generation it is for; anything else: the failure, said in `message`.
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

// Makes an image file (planned first: nothing is created for a layout that cannot be made),
// then reads it back and verifies it. Throws Error.
KeyOutcome make_key_image(Reporter& reporter, const ImageTarget& image,
                          const std::vector<std::uint8_t>& setup,
                          const std::vector<fat::KeyFile>& extras, const fat::KeyOptions& ko);

// Writes every stick (at once when there are several), then reads each back and verifies it.
// A stop request (Ctrl-C, Stop) ends every write at its next safe point. Each outcome says what
// state its stick is in (a failure also reported as an error); with a single stick, its failure
// is thrown instead (Error), as every command reports one failure.
std::vector<KeyOutcome> write_sticks(const Context& ctx, Reporter& reporter,
                                     const std::vector<StickJob>& jobs,
                                     const std::vector<fat::KeyFile>& extras,
                                     const fat::KeyOptions& ko);

// The layout as one line of text: "mbr, FAT16 of 63.0 MiB at sector 2048, clusters of 2 KiB;
// SETUP.BIN in root slot 0, clusters 2-3".
std::string layout_text(const fat::KeyLayout& k);

// The time written into the key's directory entries: SOURCE_DATE_EPOCH when set (reproducible
// builds; Error bad_argument when it is not a number), else now.
std::int64_t key_timestamp();
// A volume serial number from the CSPRNG.
std::uint32_t random_volume_id();
// The volume id of a key: `given` (8 hex digits; Error bad_argument otherwise), else derived from
// the setup.bin and SOURCE_DATE_EPOCH when that is set (reproducible builds), else random.
std::uint32_t volume_id_for(const std::string& given, const std::vector<std::uint8_t>& setup);

}  // namespace ukpu::provision
