// `ukpu keys store copy FROM TO`: a whole key store into an empty one, SQLite file or PostgreSQL
// database either side, every batch, key file and record with its id and state.
#include <CLI/CLI.hpp>

#include "commands/keys_command.hpp"
#include "ukpu/base/counted.hpp"

namespace ukpu::cli {

namespace {

struct CopyOptions {
    std::string from;
    std::string to;
};

int run_copy(const CopyOptions& o, const GlobalOptions& g) {
    const keys::StoreLocation from = keys::StoreLocation::parse(o.from);
    const keys::StoreLocation to = keys::StoreLocation::parse(o.to);
    if (!from.is_postgresql() && !to.is_postgresql() && from.file() == to.file())
        throw CliError(exit_usage, "TO", "the same store as FROM");
    keys::KeyStore source(from, keys::OpenMode::existing);
    const std::size_t batches = source.batches().size();
    std::uint64_t records = 0;
    if (g.dry_run) {
        records = source.records().size();
        // The target is only looked at when it is there: a dry run creates nothing.
        std::error_code ec;
        if (to.is_postgresql() || std::filesystem::exists(to.file(), ec)) {
            try {
                keys::KeyStore target(to, keys::OpenMode::existing);
                if (!target.empty())
                    throw keys::Error(keys::ErrorCode::refused,
                                      "the target store is not empty: a store is copied only "
                                      "into an empty one; nothing was copied",
                                      target.where());
            } catch (const keys::Error& e) {
                if (e.code() != keys::ErrorCode::not_found) throw;
            }
        }
    } else {
        keys::KeyStore target(to, keys::OpenMode::create);
        records = target.copy_from(source);
    }
    if (g.json) {
        Json doc = Json::object();
        doc.set("ok", true);
        doc.set("from", source.where());
        doc.set("to", to.display());
        doc.set("batches", static_cast<std::uint64_t>(batches));
        doc.set("records", records);
        doc.set("dry_run", g.dry_run);
        print_json(doc);
    }
    print_note(g, std::string(g.dry_run ? "would copy (dry run: nothing changed) " : "copied ") +
                      base::counted(batches, "batch") + " with " +
                      base::counted(records, "record") + " from " + source.where() + " to " +
                      to.display());
    return exit_ok;
}

}  // namespace

Command add_keys_store(CLI::App& keys, const GlobalOptions& g) {
    CLI::App* store = keys.add_subcommand("store", "Work on a whole key store: copy it");
    store->require_subcommand(1);
    store->fallthrough();
    auto o = std::make_shared<CopyOptions>();
    CLI::App* sub = store->add_subcommand(
        "copy", "Copy a key store (SQLite file or postgresql:// URL) into an empty one");
    sub->fallthrough();
    sub->add_option("FROM", o->from, "The store copied: a SQLite file or a postgresql:// URL")
        ->required();
    sub->add_option("TO", o->to,
                    "The store filled: a SQLite file (created when missing) or a postgresql:// "
                    "URL (an empty database, or one holding an empty key store)")
        ->required();
    sub->footer(
        "Every batch, key file and record is copied with its id (the id the servers know) and\n"
        "its state, in one transaction: a failure leaves the target as it was. A password\n"
        "never goes in a URL: PGPASSWORD or ~/.pgpass hold it.\n"
        "Exit codes: 0 copied; 2 usage, a password in a URL; 3 FROM is no key store;\n"
        "4 TO is not empty, a newer schema, the server refused; 5 I/O error, the server does\n"
        "not answer.");
    return {sub, [o, &g] { return run_copy(*o, g); }};
}

}  // namespace ukpu::cli
