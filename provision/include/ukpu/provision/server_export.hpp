// Exporting the key store's records for the provisioning server, as `ukpu keys export` and the
// window's Export do: only records that reached a key and were not voided (keys::
// select_for_export), in one of the keys::ExportFormat formats, or with `upsert` the scs-sql that
// inserts or updates them and deletes the voided ones; written atomically with mode 0600 (the
// file always holds secrets); then the records on a key become `exported`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ukpu/keys/exports.hpp"

namespace ukpu::provision {

struct ServerExport {
    keys::ExportFormat format = keys::ExportFormat::scs_csv;
    std::optional<std::int64_t> batch;  // none: every batch
    bool upsert = false;                // scs-sql only
    keys::PidForm form = keys::PidForm::dashed;
    std::string output;
    bool overwrite = false;  // replace an existing output file
    bool dry_run = false;    // nothing written, nothing marked
};

// Why records were left out of an export.
struct LeftOut {
    std::size_t voided = 0;     // never usable (with upsert: deleted on the server)
    std::size_t unplaced = 0;   // on no key yet (imported; keys write puts them on keys)
    std::size_t unwritten = 0;  // of key files never written (failed, or a run that stopped)
    // The key files of the unwritten records: id -> (batch, state).
    std::map<std::int64_t, std::pair<std::int64_t, keys::KeyFileState>> files;
    std::size_t total() const { return voided + unplaced + unwritten; }
};

struct ServerExportOutcome {
    std::size_t records = 0;  // exported (with upsert: inserted or updated)
    std::size_t deleted = 0;  // with upsert: the voided records the SQL deletes
    LeftOut left_out;
    bool written = false;  // false for a dry run
};

// Exports from the store `store` (its path; empty: the default store), which must exist. Throws
// Error(bad_argument, "--upsert") for upsert with another format than scs-sql, Error(refused) for
// an output that exists (without overwrite) or is not a regular file (both before the store is
// opened); keys::Error for the store (not_found: no store there, or an unknown batch); Error(io)
// when the file cannot be written (then nothing is marked).
ServerExportOutcome export_for_server(const std::string& store, const ServerExport& request);

}  // namespace ukpu::provision
