// Writing stored records onto keys (`ukpu keys write`, and the window): the records of a batch
// that are on no key yet (pairs imported from elsewhere), a key file written again byte for byte
// (its setup.bin as first written, its sha256 checked against the store) to replace a lost or
// failed stick, or only the records of a key file that no PC took, as a new key file of its
// batch. Outputs are setup.bin files, key images or sticks, under the same safety rules as every
// stick write; each key file is stored `pending` before its key is written and marked written or
// failed after, so the store never shows a record on a key it did not reach.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ukpu/provision/context.hpp"
#include "ukpu/provision/device_safety.hpp"
#include "ukpu/provision/key_batch.hpp"
#include "ukpu/provision/key_settings.hpp"
#include "ukpu/provision/reporter.hpp"
#include "ukpu/provision/status.hpp"

namespace ukpu::provision {

struct KeyWriteJob {
    std::string store;  // the key store; empty: the default one (never created here)
    // Exactly one source: a batch's records on no key yet, or a key file.
    std::optional<std::int64_t> batch_id;
    std::optional<std::int64_t> key_file_id;
    bool unconsumed = false;  // with key_file_id: only its records no PC took, as a new key file
    // For a batch: every setting of the setup.bin but the PID, the PPS and the passwords a record
    // has (`settings.output` is -o); for a key file only `settings.output` and `overwrite`.
    CreateSettings settings = KeyBatchJob::psk_defaults();
    std::uint32_t per_key = 0;         // records per setup.bin (a batch); 0: all in one
    std::string image;                 // a key image file instead of -o
    std::uint64_t image_size = 0;      // its size in bytes
    std::vector<std::string> devices;  // sticks, one per setup.bin
    DeviceWritePolicy policy;
    bool dry_run = false;  // nothing written, nothing stored
};

struct KeyWriteOutcome {
    Status status = Status::ok;
    std::int64_t batch_id = 0;
    std::uint32_t records = 0;  // records written to keys
    bool written = false;
    std::vector<BatchFile> files;  // one per setup.bin, with its key file id and label
    std::vector<std::string> labels;
};

// The volume label of key `file_index` of batch `batch_id`: "B0042K003" (at most 11
// characters; longer numbers drop the zero padding, empty when even that is too long).
std::string key_label(std::int64_t batch_id, std::uint32_t file_index);

// Throws Error: bad_argument (the job's options), bad_input (an unknown batch or key file, a key
// file stored without its bytes, bytes that no longer match their sha256), refused (voided or
// consumed records, nothing left to write, an existing output without overwrite, a stick the
// safety rules refuse); keys::Error from the store passes through.
KeyWriteOutcome write_stored_keys(const Context& ctx, Reporter& reporter, KeyWriteJob job);

}  // namespace ukpu::provision
