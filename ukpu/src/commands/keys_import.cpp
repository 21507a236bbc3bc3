// `ukpu keys import FILE [--format auto|csv|scs-csv|json]`: PID/PPS pairs made elsewhere (CSV with
// a header, Intel SCS's csti_pid_map columns, ukpu's own csv and json exports) checked pair by
// pair and stored as one batch on no key yet (`keys write` puts them on keys). A bad pair, or a
// PID the file repeats or the store holds, refuses the whole file: nothing is stored.
#include <filesystem>

#include <CLI/CLI.hpp>

#include "commands/keys_command.hpp"
#include "render/text_reporter.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/keys/import.hpp"
#include "ukpu/keys/staged_store.hpp"
#include "ukpu/provision/secret_file.hpp"

#ifndef UKPU_VERSION
#define UKPU_VERSION "0"
#endif

namespace ukpu::cli {

namespace {

struct ImportOptions {
    std::string file;
    std::string format = "auto";
    std::string store;
    std::string current_password_file;
    std::string new_password_file;
};

// "lines 4, 9 and 12" (the first few of them).
std::string line_list(const std::vector<std::size_t>& lines) {
    constexpr std::size_t shown = 5;
    std::string out = lines.size() == 1 ? "line " : "lines ";
    for (std::size_t i = 0; i < lines.size() && i < shown; ++i) {
        if (i > 0) out += (i + 1 == lines.size() ? " and " : ", ");
        out += std::to_string(lines[i]);
    }
    if (lines.size() > shown) out += ", ...";
    return out;
}

int run_import(const ImportOptions& o, const GlobalOptions& g) {
    const auto format = keys::parse_import_format(o.format);
    if (!format) throw CliError(exit_usage, "--format", "'" + o.format + "' is not known");
    const keys::StoreLocation where = keys::StoreLocation::parse(o.store);

    const std::vector<std::uint8_t> bytes = read_input_file(o.file);
    const keys::ImportedFile file = keys::read_pairs(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), o.file,
        *format);

    TextReporter reporter(g);
    provision::SecretReader secrets(reporter);
    keys::ImportPasswords passwords;
    if (!o.current_password_file.empty()) {
        passwords.current = secrets.read(o.current_password_file, "--current-password-file");
        passwords.current_from = "--current-password-file " + o.current_password_file;
        if (file.current_password_column)
            print_warning(g, "--current-password-file stands for the current_password column of " +
                                 o.file + " on every pair");
    }
    if (!o.new_password_file.empty()) {
        passwords.new_password = secrets.read(o.new_password_file, "--new-password-file");
        passwords.new_from = "--new-password-file " + o.new_password_file;
        if (file.new_password_column)
            print_warning(g, "--new-password-file stands for the new password column of " + o.file +
                                 " on every pair");
    }
    const std::string source = std::filesystem::absolute(o.file).lexically_normal().string();
    keys::NewBatch batch = keys::import_batch(file, o.file, source, passwords);
    batch.ukpu_version = UKPU_VERSION;

    std::vector<std::size_t> used_lines;
    for (const auto& p : file.pairs)
        if (p.used) used_lines.push_back(p.line);
    if (!used_lines.empty())
        print_warning(g, base::counted(used_lines.size(), "pair") + " of " + o.file +
                             " marked used (a PC took " + (used_lines.size() == 1 ? "it" : "them") +
                             ") left out: " + line_list(used_lines));

    // An existing store is checked for the PIDs before anything is stored; a missing one is
    // created only when the batch is stored (never in a dry run).
    std::unique_ptr<keys::KeyStore> store;
    std::error_code ec;
    if (where.is_postgresql()) {
        try {
            store = std::make_unique<keys::KeyStore>(where, keys::OpenMode::existing);
        } catch (const keys::Error& e) {
            if (e.code() != keys::ErrorCode::not_found) throw;  // an empty database: made below
        }
    } else if (std::filesystem::exists(where.file(), ec)) {
        store = std::make_unique<keys::KeyStore>(where, keys::OpenMode::existing);
    }
    if (store) keys::refuse_stored_pids(*store, file, o.file);
    std::int64_t batch_id = 0;
    if (!g.dry_run) {
        // A store that is not there yet appears with the batch or not at all: a SQLite file made
        // under a temporary name and renamed into place, a PostgreSQL database's tables made in
        // the batch's transaction.
        if (store) {
            batch_id = store->add_batch(batch).id;
        } else {
            keys::StagedStore staged(where);
            batch_id = staged.store().add_batch(batch).id;
            store = staged.publish();
        }
    }

    const std::size_t count = batch.unplaced.size();
    if (g.json) {
        Json doc = Json::object();
        doc.set("ok", true);
        doc.set("batch", batch_id == 0 ? Json() : Json(batch_id));
        doc.set("records", static_cast<std::uint64_t>(count));
        doc.set("format", keys::to_string(file.format));
        doc.set("source", o.file);
        doc.set("used_left_out", static_cast<std::uint64_t>(used_lines.size()));
        doc.set("store", where.display());
        doc.set("dry_run", g.dry_run);
        print_json(doc);
    }
    if (g.dry_run) {
        print_note(g, "would import (dry run: nothing stored) " + base::counted(count, "record") +
                          " from " + o.file + " (" + keys::to_string(file.format) +
                          "); every pair checked");
    } else {
        print_note(g, "batch " + std::to_string(batch_id) + ": imported " +
                          base::counted(count, "record") + " from " + o.file + " (" +
                          keys::to_string(file.format) + "), on no key yet; key store " +
                          where.display());
        print_note(g,
                   "`ukpu keys write --batch " + std::to_string(batch_id) + "` puts them on keys");
    }
    return exit_ok;
}

}  // namespace

Command add_keys_import(CLI::App& keys, const GlobalOptions& g) {
    auto o = std::make_shared<ImportOptions>();
    CLI::App* sub = keys.add_subcommand(
        "import", "Import PID/PPS pairs made elsewhere (CSV, SCS csti_pid_map, ukpu's exports)");
    sub->fallthrough();
    sub->add_option("FILE", o->file,
                    "CSV with a header naming pid and pps, SCS csti_pid_map rows, or JSON")
        ->required();
    sub->add_option("--format", o->format,
                    "auto (by content: JSON when it starts with { or [, else CSV), csv (a header "
                    "names the columns), scs-csv (csti_pid_map: id, pid, pps, current_password, "
                    "admin_password, used; the header may be missing) or json (keys export "
                    "--format json)")
        ->check(CLI::IsMember({"auto", "csv", "scs-csv", "json"}))
        ->default_str("auto");
    add_store_option(*sub, o->store);
    sub->add_option("--current-password-file", o->current_password_file,
                    "The MEBx password the PCs have now ('admin' when new), for every pair "
                    "(required when the file has no current_password column; - for stdin)")
        ->type_name("FILE");
    sub->add_option("--new-password-file", o->new_password_file,
                    "The new MEBx password for every pair (required when the file has no "
                    "new_password or admin_password column; - for stdin)")
        ->type_name("FILE");
    sub->footer(
        "Columns are found by name, in any case and order: pid, pps, current_password,\n"
        "new_password (admin_password, as SCS calls it), used (or ukpu's state); others are\n"
        "ignored, ids too (the store gives its own). CSV as RFC 4180 (quoted fields, CRLF or LF,\n"
        "a UTF-8 BOM; comma, semicolon or tab). PIDs and PPSs with or without dashes.\n"
        "Every pair is checked (PID 8 and PPS 32 characters of A-Z0-9, Intel's checksum\n"
        "characters) and the first bad one refuses the whole file, naming its line and field;\n"
        "so does a PID the file repeats or the store holds. Pairs marked used are left out,\n"
        "with a warning. The pairs are stored as one batch on no key yet (keys write puts them\n"
        "on keys; keys export leaves them out until then). A store that does not exist is\n"
        "created (not in a dry run). --dry-run checks everything and stores nothing. Secrets\n"
        "are never printed.\n"
        "Exit codes: 0 imported; 2 a bad option, no password given where the file has none;\n"
        "3 an unreadable or malformed file, a bad pair, an unreadable password file, a new\n"
        "password the firmware would reject, a file that is not a ukpu key store; 4 a PID\n"
        "twice in the file or already in the store, a newer key store schema; 5 I/O error.");
    return {sub, [o, &g] { return run_import(*o, g); }};
}

}  // namespace ukpu::cli
