// Building a batch: fresh PID/PPS pairs (unique within the batch), a new MEBx password per
// record (one given, or a random strong one each), and the setup.bin files that hold them,
// `per_key` records to a file.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ukpu/keys/records.hpp"
#include "ukpu/setupbin/model.hpp"
#include "ukpu/setupbin/write.hpp"

namespace ukpu::keys {

struct BatchRequest {
    std::uint32_t count = 0;    // records in the batch, 1 or more
    std::uint32_t per_key = 0;  // records per setup.bin; 0 = all in one file
    setupbin::BuildOptions build;
    // Entries every record carries besides 1/1, 1/2, 2/1 and 2/2 (which are refused here).
    std::vector<setupbin::Entry> common_entries;
    std::string current_password;
    std::optional<std::string> new_password;  // nullopt: a random strong password per record
    // Stored pairs to place instead of fresh ones (`keys write` of an imported batch), in order:
    // each one's PID and PPS, and its passwords where it has them (else the ones above). `count`
    // must be their number.
    std::vector<KeyRecord> given;
};

struct BuiltKeyFile {
    std::vector<std::uint8_t> bytes;
    std::string sha256;              // lower-case hex of `bytes`
    std::vector<KeyRecord> records;  // record_number, pid, pps, passwords set
};

// Throws Error(weak_password) listing every rule `pw` breaks (never the password itself).
void check_new_password(std::string_view pw, const std::string& what);

// Throws Error: bad_argument (count, per_key, a reserved entry), weak_password.
// plan_batch, then complete_file of each file on every core.
std::vector<BuiltKeyFile> build_batch(const BatchRequest& request);

// Of the PIDs given, those already taken (held by the key store the batch goes to).
using TakenPids = std::function<std::set<std::string>(const std::vector<std::string>&)>;

// The files of the batch with their records' PIDs (unique within the batch, and none of those
// `taken` names: drawn again until it names none) or given pairs, nothing else yet. Throws as
// build_batch does.
std::vector<BuiltKeyFile> plan_batch(const BatchRequest& request, const TakenPids& taken = {});
// A planned file made whole: the PPS of fresh records, the passwords each lacks, the setup.bin
// bytes and their sha256. Files may be completed at once on several threads.
// Throws Error(bad_argument) for a setup.bin that cannot be built.
void complete_file(const BatchRequest& request, BuiltKeyFile& file);

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::span<const std::uint8_t> data);

}  // namespace ukpu::keys
