// Making a PID/PPS key batch: fresh pairs (OpenSSL's random generator, Intel's checksum
// characters), the setup.bin files that hold them (`per_key` records to a file), written to
// paths or straight onto sticks (one each, checked against the safety rules and confirmed before
// anything is generated), and the batch in the key store, usable there only once its files or
// sticks are written. The whole of `ukpu keys generate`, for the command line and the window.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ukpu/devices/discovery.hpp"
#include "ukpu/keys/records.hpp"
#include "ukpu/provision/context.hpp"
#include "ukpu/provision/device_safety.hpp"
#include "ukpu/provision/key_settings.hpp"
#include "ukpu/provision/reporter.hpp"
#include "ukpu/provision/status.hpp"
#include "ukpu/provision/stick_writer.hpp"

namespace ukpu::provision {

struct KeyBatchJob {
    // Every setting applies to all records but the PID, the PPS and the passwords; the output
    // path (`settings.output`) is the file, or with `per_key` the pattern "<stem>-<i><ext>".
    CreateSettings settings = psk_defaults();
    std::uint32_t count = 0;    // records in the batch
    std::uint32_t per_key = 0;  // records per setup.bin; 0: all in one
    bool random_new_password = false;
    std::string store;                 // the key store; empty: the default one
    std::vector<std::string> devices;  // sticks, one per setup.bin (instead of files)
    DeviceWritePolicy policy;
    bool dry_run = false;  // nothing generated is stored or written; the store is not created

    // Settings for PSK keys: version 2.1, checked for the legacy and UEFI BIOS.
    static CreateSettings psk_defaults();
};

// One setup.bin of the batch.
struct BatchFile {
    std::string name;                          // its path, or the stick it goes to
    std::optional<std::string> path;           // when written to a file
    std::optional<devices::DeviceInfo> stick;  // when written to a stick
    std::optional<KeyOutcome> key;             // the stick's outcome, once written
    std::int64_t key_file_id = 0;              // in the store (0 in a dry run)
    std::string label;                         // its key's volume label (a stick), or empty
    std::string sha256;
    std::uint64_t size = 0;
    std::uint32_t first_record = 0;  // numbers within the batch, from 1
    std::uint32_t last_record = 0;
    // Why its records stay 'generated' (its key file marked failed) when its stick was not
    // written well; else empty.
    std::string left_generated;
};

struct KeyBatchOutcome {
    // ok; problems: the checker found errors and nothing was stored or written
    // (`refused_by_checker`); else the most serious stick failure.
    Status status = Status::ok;
    bool refused_by_checker = false;
    std::int64_t batch_id = 0;  // 0 in a dry run
    std::string store;  // the key store: its file, or its server's URL
    std::string file_version;  // "2.1"
    std::uint32_t records = 0;
    bool written = false;  // false in a dry run
    std::vector<BatchFile> files;
};

// Checks the job (Error bad_argument naming the option for what is missing or contradictory),
// checks and confirms the sticks, builds the batch, checks every file against the firmware
// generations of `settings.firmware` (errors refuse the batch unless `settings.force`), then:
// - files: writes each under a temporary name beside its path (a failure stores nothing, and a
//   store that did not exist is not created), stores the batch in one transaction, renames the
//   files into place and marks the batch written;
// - sticks: stores the batch with its key files pending, writes the sticks, and marks each key
//   file written or failed (its records stay 'generated', never exported).
// A key file that never reached its file or stick is never left looking usable. keys::Error from
// the store passes through.
KeyBatchOutcome make_key_batch(const Context& ctx, Reporter& reporter, KeyBatchJob job);

// The identity the key store records for a stick a key file went to.
keys::StickIdentity stick_identity(const devices::DeviceInfo& d);

// The output names: the -o path itself, or with per_key "<stem>-<i><ext>" beside it.
std::vector<std::string> batch_output_paths(const std::string& output, std::size_t files,
                                            bool numbered);

}  // namespace ukpu::provision
