#include "ukpu/provision/server_export.hpp"

#include <optional>
#include <string_view>

#include "ukpu/provision/error.hpp"
#include "ukpu/provision/key_store_access.hpp"
#include "ukpu/provision/secret_file.hpp"

namespace ukpu::provision {

namespace {

// Why a record not exported was left out.
void count_left_out(LeftOut& out, const keys::KeyRecord& r) {
    if (r.voided()) {
        ++out.voided;
    } else if (!r.placed()) {
        ++out.unplaced;
    } else {
        out.files[r.key_file_id] = {r.batch_id, r.file_state};
        ++out.unwritten;
    }
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
    // a run that stopped before writing it) are on no key and left out. Read one at a time into
    // the text, which goes to the file piece by piece as it is made: memory stays the same
    // however many records the store holds. The file takes its name once whole; an error before
    // (an unknown batch is keys::Error(not_found)) leaves no file.
    keys::ExportWriter writer = request.upsert ? keys::ExportWriter::scs_sql_upsert(request.form)
                                               : keys::ExportWriter(request.format, request.form);
    std::optional<OutputFile> file;
    if (!request.dry_run) {
        file.emplace(request.output, request.overwrite);
        writer.stream_to([&](std::string_view text) { file->write(text); });
    }
    ServerExportOutcome out;
    store.for_each_record(request.batch, [&](const keys::KeyRecord& r) {
        if (keys::exportable(r)) {
            writer.add(r);
            return;
        }
        count_left_out(out.left_out, r);
        if (request.upsert && r.voided()) {
            writer.remove(r.id);
            ++out.deleted;
        }
    });
    out.records = writer.added();
    writer.finish();
    if (file) {
        file->commit();
        store.mark_exported(request.batch);
        out.written = true;
    }
    return out;
}

}  // namespace ukpu::provision
