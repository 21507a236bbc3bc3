// Reading back which records of a key the firmware consumed, and marking exactly those in the
// store. The key file is recognised by the PIDs of the records still on it; a key whose records
// are all consumed carries no PID any more and needs the key file id from `keys list`.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "ukpu/keys/key_store.hpp"
#include "ukpu/fatwriter/block_device.hpp"

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

// \setup.bin of the FAT volume on `device` (MBR partition or superfloppy). Throws Error
// (bad_input) naming what is missing or broken.
std::vector<std::uint8_t> read_setup_bin(ukpu::fat::BlockDevice& device);

struct SyncResult {
    KeyFileInfo file;
    std::uint32_t consumed_on_key = 0;  // records the key shows consumed
    std::uint32_t newly_marked = 0;     // of those, the ones the store did not know yet
};

// Matches the key to its key file (by its remaining PIDs, or `key_file_id` when given; both
// must agree) and marks its consumed records. Throws Error: bad_input (unknown PIDs, a key that
// does not match the store's records), not_found.
SyncResult sync_consumed(KeyStore& store, std::span<const std::uint8_t> setup_bin,
                         std::optional<std::int64_t> key_file_id = {});

}  // namespace ukpu::keys
