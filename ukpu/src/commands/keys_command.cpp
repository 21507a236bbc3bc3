#include <CLI/CLI.hpp>

#include "commands/keys_command.hpp"
#include "create_options.hpp"
#include "ukpu/provision/key_store_access.hpp"

namespace ukpu::cli {

std::vector<Command> add_keys(CLI::App& app, const GlobalOptions& g) {
    CLI::App* keys = app.add_subcommand("keys",
                                        "PID/PPS key batches: generate, import, write to keys, "
                                        "list, export for the server, sync consumed, "
                                        "void, copy a store");
    keys->require_subcommand(1);
    keys->fallthrough();
    return {add_keys_generate(*keys, g), add_keys_import(*keys, g), add_keys_write(*keys, g),
            add_keys_list(*keys, g),     add_keys_export(*keys, g), add_keys_sync(*keys, g),
            add_keys_void(*keys, g),     add_keys_store(*keys, g)};
}

void add_batch_create_options(CLI::App& sub, provision::CreateSettings& settings) {
    CreateOptionSet options;
    options.records = false;
    options.versions = {"1", "2", "2.1"};
    options.without = {"pid", "pps"};
    add_create_options(sub, settings, options);
    sub.get_option("--version")->default_str("2.1");
    sub.get_option("--firmware")->default_str("legacy,uefi");
}

void add_store_option(CLI::App& sub, std::string& path) {
    sub.add_option("--store", path,
                   "The key store: a SQLite file (default $XDG_DATA_HOME/ukpu/keys.db, else "
                   "~/.local/share/ukpu/keys.db) or a postgresql://[user@]host[:port]/db URL "
                   "(password from PGPASSWORD or ~/.pgpass, never in the URL)")
        ->type_name("FILE|URL");
}

std::unique_ptr<keys::KeyStore> open_store(const std::string& path) {
    // Reading never creates: a mistyped --store is refused, not an empty store.
    return provision::open_existing_store(path);
}

}  // namespace ukpu::cli
