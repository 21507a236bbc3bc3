// Reading back which records of a key the firmware consumed, and marking exactly those in the
// store. A key is matched to its key file by what survives on it: the PIDs of the records still
// on it, and for a key whose records are all consumed (the firmware zeroes each record it takes)
// the identity ukpu recorded when it wrote the key: its volume id, and the stick's serial when it
// was written straight to a stick. Nothing else names a key file; a key file named by the caller
// that the key does not match is refused with nothing marked.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/keys/key_store.hpp"

namespace ukpu::keys {

struct KeyConsumption {
    std::uint32_t record_count = 0;
    std::uint32_t records_consumed = 0;  // the header's DataRecordsConsumed
    bool reusable = false;
    std::set<std::uint32_t> consumed;  // record numbers (1-based) of consumed records
    // Record number and PID of each record still on the key.
    std::vector<std::pair<std::uint32_t, std::string>> remaining;
};

// Throws Error(bad_input) for a file that does not parse or holds a record without a PID.
KeyConsumption read_consumption(std::span<const std::uint8_t> setup_bin);

// A key as read from its FAT volume: \setup.bin and the volume id of the boot sector (none when
// the boot sector carries no extended boot record).
struct KeyRead {
    std::vector<std::uint8_t> setup_bin;
    std::optional<std::uint32_t> volume_id;
    std::string label;  // of the boot sector, trailing spaces removed (empty: none)
};

// The key of the FAT volume on `device` (MBR partition or superfloppy). Throws Error
// (bad_input) naming what is missing or broken, io.
KeyRead read_key(ukpu::fat::BlockDevice& device);
// read_key(device).setup_bin.
std::vector<std::uint8_t> read_setup_bin(ukpu::fat::BlockDevice& device);

// What identifies the key read besides its records, as far as it is known.
struct KeyIdentity {
    std::optional<std::uint32_t> volume_id;  // its boot sector's; none for a bare setup.bin
    // The serial of the stick it was read from, when the machine identifies that stick (empty
    // when the stick reports none); none for an image or a setup.bin file.
    std::optional<std::string> serial;
    // Its volume label ("B0042K003"); none for a bare setup.bin.
    std::optional<std::string> label;
};

struct SyncResult {
    KeyFileInfo file;
    std::uint32_t consumed_on_key = 0;  // records the key shows consumed
    std::uint32_t newly_marked = 0;     // of those, the ones the store did not know yet
    std::string matched_by;             // "its PIDs", "its volume id 1234-ABCD and serial S"
    // What the caller should know: a key matched by its PIDs whose volume id or serial is not
    // the one recorded (a copy of the key), a key file the store had as failed or pending.
    std::vector<std::string> warnings;
};

// "1234-ABCD", as the volume serial number is shown by other tools.
std::string volume_id_text(std::uint32_t volume_id);

// Matches the key to its key file and marks its consumed records (a key file the store had as
// failed or pending is marked written: the key proves it was). The key file is the one its
// PIDs name; for a key with no record left, the one ukpu wrote with this key's volume id (and,
// for a stick, this serial). `key_file_id`, when given, must be that key file. Throws Error:
// key_mismatch when `key_file_id` is not the key file the key proves (nothing marked);
// bad_input for PIDs not in the store, a key that does not match the store's records, a
// consumed key that nothing names; not_found.
// With `dry_run`, the key is matched and counted the same way and nothing is changed:
// newly_marked says how many records would be marked.
SyncResult sync_consumed(KeyStore& store, std::span<const std::uint8_t> setup_bin,
                         std::optional<std::int64_t> key_file_id = {},
                         const KeyIdentity& identity = {}, bool dry_run = false);

}  // namespace ukpu::keys
