// Sticks about to be overwritten that hold records the key store knows as unconsumed: a key
// written earlier whose records no PC has taken yet. Overwriting one loses those records, so it
// is never done on a --yes alone: its name must be typed (or given with --confirm NAME), and
// once confirmed its records are voided with the reason, so that no export offers them to a
// server as usable. Used by every command that replaces a stick's setup.bin: build, keys generate
// --device, keys write --device (and the window).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "ukpu/devices/discovery.hpp"
#include "ukpu/provision/context.hpp"
#include "ukpu/provision/device_safety.hpp"
#include "ukpu/provision/reporter.hpp"

namespace ukpu::provision {

// The stored records found on one stick.
struct RecordsOnStick {
    std::string path;                   // the stick
    std::vector<std::int64_t> records;  // ids of the records the store knows as unconsumed
    std::vector<std::string> pids;      // and their PIDs
    std::set<std::int64_t> batches;     // their batches
    std::set<std::int64_t> key_files;   // their key files
    // "a key holding 5 records of batch 2 (key file 3) that no PC took"
    std::string text() const;
};

// Reads each stick's setup.bin (read-only; a stick with no readable key holds nothing) and looks
// its remaining records up in the key store at `store` (empty: the default one; a store that is
// not there holds nothing, and is not created). For every stick that holds unconsumed records,
// `policy.name_needed` gets why and a warning says how many and of which batch. Records in
// `written_again` (the ids of those this run writes, a key file rewritten over its own stick) are
// not lost and not counted. Errors of the store pass through (a store that cannot be read must
// not let a stick be overwritten silently).
std::vector<RecordsOnStick> find_stored_records(const std::vector<devices::DeviceInfo>& sticks,
                                                const std::string& store, DeviceWritePolicy& policy,
                                                Reporter& reporter,
                                                const std::set<std::int64_t>& written_again = {});

// After the sticks were confirmed: voids their records in the store with `reason` ("overwritten
// by ukpu build on /dev/sdb"), and says so.
void void_overwritten_records(const std::vector<RecordsOnStick>& found, const std::string& store,
                              const std::string& command, Reporter& reporter);

}  // namespace ukpu::provision
