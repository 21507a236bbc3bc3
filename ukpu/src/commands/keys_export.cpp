// `ukpu keys export --format scs-csv|scs-sql|csv|json [--batch ID] [--upsert] -o FILE`: the
// server-side records (they always hold secrets), written atomically with mode 0600. Records on a
// key become `exported`. With --upsert (scs-sql only) the SQL inserts or updates the records and
// deletes the voided ones, so that loading it again converges on the store.
#include <CLI/CLI.hpp>

#include "commands/keys_command.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/keys/exports.hpp"
#include "ukpu/provision/server_export.hpp"

namespace ukpu::cli {

namespace {

struct ExportOptions {
    std::string store;
    std::string format;
    std::string output;
    bool overwrite = false;
    std::int64_t batch = 0;
    bool plain = false;
    bool upsert = false;
};

// Says why records are left out: voided (never usable), on no key yet (imported, not written) or
// of a key file that was never written.
void say_left_out(const GlobalOptions& g, const provision::LeftOut& left_out, bool upsert) {
    if (left_out.unwritten > 0) {
        std::string which;
        for (const auto& [id, f] : left_out.files)
            which += (which.empty() ? "" : ", ") + std::string("key file ") + std::to_string(id) +
                     " of batch " + std::to_string(f.first) + " (" + keys::to_string(f.second) +
                     ")";
        print_warning(g, base::counted(left_out.unwritten, "record") +
                             " left out: they were never written to a key (" + which +
                             "), so no PC can hold them");
    }
    if (left_out.unplaced > 0)
        print_note(g, base::counted(left_out.unplaced, "record") +
                          " left out: on no key yet (imported; keys write puts them on keys)");
    if (left_out.voided > 0)
        print_note(g, base::counted(left_out.voided, "voided record") +
                          (upsert ? ": deleted from csti_pid_map by the SQL"
                                  : " left out (never usable; a server that got them before "
                                    "still has them: --upsert deletes them there)"));
}

int run_export(const ExportOptions& o, const GlobalOptions& g) {
    const auto format = keys::parse_export_format(o.format);
    if (!format) throw CliError(exit_usage, "--format", "'" + o.format + "' is not known");
    provision::ServerExport request;
    request.format = *format;
    if (o.batch != 0) request.batch = o.batch;
    request.upsert = o.upsert;
    request.form = o.plain ? keys::PidForm::plain : keys::PidForm::dashed;
    request.output = o.output;
    request.overwrite = o.overwrite;
    request.dry_run = g.dry_run;
    const provision::ServerExportOutcome out = provision::export_for_server(o.store, request);
    say_left_out(g, out.left_out, o.upsert);
    if (g.json) {
        Json doc = Json::object();
        doc.set("ok", true);
        doc.set("path", o.output);
        doc.set("format", keys::to_string(*format));
        doc.set("records", static_cast<std::uint64_t>(out.records));
        doc.set("left_out", static_cast<std::uint64_t>(out.left_out.total()));
        doc.set("upsert", o.upsert);
        doc.set("deleted", static_cast<std::uint64_t>(out.deleted));
        doc.set("written", out.written);
        print_json(doc);
    }
    print_note(g, std::string(g.dry_run ? "would write (dry run) " : "wrote ") + o.output + ": " +
                      base::counted(out.records, "record") +
                      (o.upsert ? " to insert or update, " +
                                      base::counted(out.deleted, "voided record") + " to delete, "
                                : ", ") +
                      keys::to_string(*format) + (o.upsert ? " --upsert" : "") +
                      " (holds secrets; mode 0600)");
    return exit_ok;
}

}  // namespace

Command add_keys_export(CLI::App& keys, const GlobalOptions& g) {
    auto o = std::make_shared<ExportOptions>();
    CLI::App* sub = keys.add_subcommand(
        "export", "Export records for the provisioning server (Intel SCS csti_pid_map) or in full");
    sub->fallthrough();
    add_store_option(*sub, o->store);
    sub->add_option("--format", o->format,
                    "scs-csv, scs-sql (csti_pid_map: id, pid, pps, current_password, "
                    "admin_password, used), csv or json (every field)")
        ->required()
        ->check(CLI::IsMember({"scs-csv", "scs-sql", "csv", "json"}));
    sub->add_option("-o,--output", o->output, "The file to write (mode 0600, atomically)")
        ->required();
    sub->add_flag("--overwrite", o->overwrite,
                  "Replace an existing output file (without it, one is refused)");
    sub->add_option("--batch", o->batch, "Only this batch")->check(CLI::PositiveNumber);
    sub->add_flag("--upsert", o->upsert,
                  "scs-sql only: SQL to load again and again into the same database (inserts "
                  "new records, updates known ones, deletes voided ones)");
    sub->add_flag("--plain-pid-pps", o->plain,
                  "scs formats: PID and PPS without dashes, as stored in setup.bin (default: "
                  "the display form XXXX-XXXX as Intel's sample shows)");
    sub->footer(
        "Exports always hold the PPS and passwords: the file is created with mode 0600.\n"
        "scs-sql is portable SQL (CREATE TABLE IF NOT EXISTS, plain INSERTs) for SQLite and\n"
        "PostgreSQL. used is 1 for records a PC consumed (see keys sync). Records that never\n"
        "reached a key (a stick or file that failed: keys list shows the batch as failed, or\n"
        "pairs imported and not written yet) and voided records are left out, every format,\n"
        "saying how many and why.\n"
        "--upsert (scs-sql): INSERT ... ON CONFLICT (id) DO UPDATE for every record (used never\n"
        "goes back from 1 to 0) and DELETE of the voided ones by id, in one transaction: load it\n"
        "after every sync or void and the table converges on the store (SQLite 3.24 or later,\n"
        "PostgreSQL 9.5 or later). Another --format with --upsert is a usage error.\n"
        "The store must exist: exporting never creates one (only keys generate does).\n"
        "Exit codes: 0 written; 2 bad option; 3 no such batch, no key store at that path\n"
        "(nothing is created), or not a ukpu key store; 4 a newer key store schema, or the\n"
        "output exists (without --overwrite) or is not a regular file; 5 I/O error.");
    return {sub, [o, &g] { return run_export(*o, g); }};
}

}  // namespace ukpu::cli
