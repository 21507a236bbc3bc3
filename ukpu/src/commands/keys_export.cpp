// `ukpu keys export --format scs-csv|scs-sql|csv|json [--batch ID] -o FILE`: the server-side
// records (they always hold secrets), written atomically with mode 0600. Records on a key become
// `exported`.
#include <map>

#include <CLI/CLI.hpp>

#include "commands/keys_command.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/keys/exports.hpp"
#include "ukpu/provision/secret_file.hpp"

namespace ukpu::cli {

namespace {

struct ExportOptions {
    std::string store;
    std::string format;
    std::string output;
    bool overwrite = false;
    std::int64_t batch = 0;
    bool plain = false;
};

int run_export(const ExportOptions& o, const GlobalOptions& g) {
    const auto format = keys::parse_export_format(o.format);
    if (!format) throw CliError(exit_usage, "--format", "'" + o.format + "' is not known");
    provision::refuse_existing_output(o.output, o.overwrite);
    {
        auto store = open_store(o.store);
        std::optional<std::int64_t> batch;
        if (o.batch != 0) batch = o.batch;
        // Only records that reached a key: those of a key file that failed (or of a run that
        // stopped before writing it) are on no key and left out.
        const keys::ExportSelection chosen = keys::select_for_export(store->records(batch));
        const auto& records = chosen.records;
        if (!chosen.left_out.empty()) {
            std::map<std::int64_t, std::pair<std::int64_t, keys::KeyFileState>> files;
            for (const auto& r : chosen.left_out) files[r.key_file_id] = {r.batch_id, r.file_state};
            std::string which;
            for (const auto& [id, f] : files)
                which += (which.empty() ? "" : ", ") + std::string("key file ") +
                         std::to_string(id) + " of batch " + std::to_string(f.first) + " (" +
                         keys::to_string(f.second) + ")";
            print_warning(g, base::counted(chosen.left_out.size(), "record") +
                                 " left out: they were never written to a key (" + which +
                                 "), so no PC can hold them");
        }
        const std::string text = keys::export_records(
            records, *format, o.plain ? keys::PidForm::plain : keys::PidForm::dashed);
        if (!g.dry_run) {
            provision::write_file_atomic(
                o.output,
                std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()),
                                              text.size()),
                o.overwrite);
            store->mark_exported(batch);
        }
        if (g.json) {
            Json doc = Json::object();
            doc.set("ok", true);
            doc.set("path", o.output);
            doc.set("format", keys::to_string(*format));
            doc.set("records", static_cast<std::uint64_t>(records.size()));
            doc.set("left_out", static_cast<std::uint64_t>(chosen.left_out.size()));
            doc.set("written", !g.dry_run);
            print_json(doc);
        }
        print_note(g, std::string(g.dry_run ? "would write (dry run) " : "wrote ") + o.output +
                          ": " + base::counted(records.size(), "record") + ", " +
                          keys::to_string(*format) + " (holds secrets; mode 0600)");
        return exit_ok;
    }
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
    sub->add_flag("--plain-pid-pps", o->plain,
                  "scs formats: PID and PPS without dashes, as stored in setup.bin (default: "
                  "the display form XXXX-XXXX as Intel's sample shows)");
    sub->footer(
        "Exports always hold the PPS and passwords: the file is created with mode 0600.\n"
        "scs-sql is portable SQL (CREATE TABLE IF NOT EXISTS, plain INSERTs) for SQLite and\n"
        "PostgreSQL. used is 1 for records a PC consumed (see keys sync). Records that never\n"
        "reached a key (a stick or file that failed: keys list shows the batch as failed) are\n"
        "left out, every format, with a warning saying how many and why.\n"
        "The store must exist: exporting never creates one (only keys generate does).\n"
        "Exit codes: 0 written; 2 bad option; 3 no such batch, no key store at that path\n"
        "(nothing is created), or not a ukpu key store; 4 a newer key store schema, or the\n"
        "output exists (without --overwrite) or is not a regular file; 5 I/O error.");
    return {sub, [o, &g] { return run_export(*o, g); }};
}

}  // namespace ukpu::cli
