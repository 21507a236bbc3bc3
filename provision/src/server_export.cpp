#include "ukpu/provision/server_export.hpp"

#include <span>

#include "ukpu/provision/error.hpp"
#include "ukpu/provision/key_store_access.hpp"
#include "ukpu/provision/secret_file.hpp"

namespace ukpu::provision {

namespace {

LeftOut why_left_out(const std::vector<keys::KeyRecord>& left_out) {
    LeftOut out;
    for (const auto& r : left_out) {
        if (r.voided()) {
            ++out.voided;
        } else if (!r.placed()) {
            ++out.unplaced;
        } else {
            out.files[r.key_file_id] = {r.batch_id, r.file_state};
            ++out.unwritten;
        }
    }
    return out;
}

}  // namespace

ServerExportOutcome export_for_server(const std::string& store_at, const ServerExport& request) {
    if (request.upsert && request.format != keys::ExportFormat::scs_sql)
        throw Error(Status::bad_argument, "--upsert",
                    "only with --format scs-sql (SQL that inserts, updates and deletes)");
    refuse_existing_output(request.output, request.overwrite);
    const auto opened = open_existing_store(store_at);
    keys::KeyStore& store = *opened;
    // Only records that reached a key and were not voided: those of a key file that failed (or of
    // a run that stopped before writing it) are on no key and left out.
    // An unknown batch is keys::Error(not_found).
    const keys::ExportSelection chosen = keys::select_for_export(store.records(request.batch));
    std::vector<keys::KeyRecord> voided;
    for (const auto& r : chosen.left_out)
        if (r.voided()) voided.push_back(r);
    const std::string text =
        request.upsert ? keys::export_scs_sql_upsert(chosen.records, voided, request.form)
                       : keys::export_records(chosen.records, request.format, request.form);
    ServerExportOutcome out;
    out.records = chosen.records.size();
    out.deleted = request.upsert ? voided.size() : 0;
    out.left_out = why_left_out(chosen.left_out);
    if (!request.dry_run) {
        write_file_atomic(request.output,
                          std::span<const std::uint8_t>(
                              reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                          request.overwrite);
        store.mark_exported(request.batch);
        out.written = true;
    }
    return out;
}

}  // namespace ukpu::provision
