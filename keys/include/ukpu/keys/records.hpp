// The values the key store holds: batches, the key files (or sticks) of a batch, and records.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ukpu::keys {

// generated: stored, its setup.bin not yet written; on_key: written to its key file;
// consumed: a PC took it (read back from the key by sync); exported: handed to a server.
enum class RecordState { generated, on_key, consumed, exported };

const char* to_string(RecordState s);  // "generated", "on-key", "consumed", "exported"
std::optional<RecordState> parse_record_state(std::string_view text);

// Whether a key file reached its file or stick. pending: stored, not written yet (the run is
// still writing, or stopped before it was done); written: on its file or stick; failed: its file
// or stick was not written, so no PC can hold its records (they stay `generated`). Only the
// records of written key files are exported.
enum class KeyFileState { pending, written, failed };

const char* to_string(KeyFileState s);  // "pending", "written", "failed"
std::optional<KeyFileState> parse_key_file_state(std::string_view text);

// The stick a key file was written to, as it identified itself when it was confirmed.
struct StickIdentity {
    std::string serial;
    std::string vendor;
    std::string model;
    std::uint64_t size = 0;
    std::string bus_path;  // USB bus and port path, "3-2"
};

// One setup.bin of a batch: where it went (a path, or a stick), its sha256 as written, and
// which of the batch's records it holds (1-based positions within the batch, inclusive).
struct KeyFileInfo {
    std::int64_t id = 0;
    std::int64_t batch_id = 0;
    std::uint32_t file_index = 0;  // 1-based within the batch
    std::string target;
    std::string sha256;
    std::uint32_t first_record = 0;
    std::uint32_t last_record = 0;
    std::optional<StickIdentity> device;  // written straight to a stick
    // The key's volume serial number as ukpu wrote it (straight to a stick); none for a file.
    std::optional<std::uint32_t> volume_id;
    KeyFileState state = KeyFileState::written;
    std::string label;                     // the volume label on its key ("B0042K003"), or empty
    std::optional<std::int64_t> replaces;  // the key file whose unconsumed records it took over
};

struct BatchInfo {
    std::int64_t id = 0;
    std::string created_at;    // ISO 8601 UTC
    std::string ukpu_version;  // the program that made it
    std::string file_version;  // setup.bin format, "2.1"
    std::string settings;      // JSON of the non-secret settings
    std::uint32_t record_count = 0;
    std::vector<KeyFileInfo> files;
    // Records per state, in the order of RecordState.
    std::uint32_t generated = 0, on_key = 0, consumed = 0, exported = 0;
    std::uint32_t voided = 0;    // of those, voided (never to be used)
    std::uint32_t unplaced = 0;  // on no key file yet (imported, not written)
};

// The state of a batch from its key files: "on no key" (none yet: imported pairs), "written"
// (every one), "failed" (none written), "pending" (one not written yet), else "partly failed".
std::string batch_state(const BatchInfo& b);

struct KeyRecord {
    std::int64_t id = 0;  // running index across the store: csti_pid_map.id
    std::int64_t batch_id = 0;
    // Its key file, and its position in that setup.bin; 0 for a record on no key yet (imported
    // and not written).
    std::int64_t key_file_id = 0;
    std::uint32_t file_index = 0;     // the key file's index within its batch
    std::string key_file;             // the key file's target
    std::uint32_t record_number = 0;  // 1-based within its setup.bin
    std::string pid;                  // 8 characters, no dashes
    std::string pps;                  // 32 characters, no dashes (secret)
    std::string current_password;     // secret
    std::string new_password;         // secret
    RecordState state = RecordState::generated;
    KeyFileState file_state = KeyFileState::written;  // its key file's
    std::string created_at;
    std::string updated_at;
    // Why and when it was voided (`keys void`, a stick overwritten); empty while usable.
    std::string void_reason;
    std::string voided_at;

    bool voided() const { return !voided_at.empty(); }
    bool placed() const { return key_file_id != 0; }
};

// A batch to add: its files and, per file, the records in record-number order.
struct NewKeyFile {
    std::string target;
    std::string sha256;
    std::string label;                // the volume label its key gets, or empty
    std::vector<std::uint8_t> bytes;  // the setup.bin as written (kept for `keys write`)
    std::optional<StickIdentity> device;
    std::vector<KeyRecord> records;  // pid, pps, passwords and record_number are used
};

struct NewBatch {
    std::string ukpu_version;
    std::string file_version;
    std::string settings;
    std::vector<NewKeyFile> files;
    // Records on no key yet (pairs imported from elsewhere): pid, pps and the passwords are
    // used; `keys write` places them later.
    std::vector<KeyRecord> unplaced;
};

// Which records `keys void` means: those of one key file, of one batch, one PID or several.
struct VoidSelection {
    std::optional<std::int64_t> key_file_id;
    std::optional<std::int64_t> batch_id;
    std::optional<std::string> pid;
    std::vector<std::string> pids;  // several PIDs at once (a stick about to be overwritten)
};

// What voiding did: records newly voided, records already voided (left as they were), and
// consumed records left alone (a PC took them; the server knows them as used).
struct VoidOutcome {
    std::uint32_t voided = 0;
    std::uint32_t already_voided = 0;
    std::uint32_t consumed_kept = 0;
};

}  // namespace ukpu::keys
