// `ukpu keys generate | import | list | export | sync | void`: PID/PPS batches, the key store and
// the server-side exports. The shared pieces of the subcommands.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli_fwd.hpp"

#include "commands/commands.hpp"
#include "context.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/key_store.hpp"

namespace ukpu::cli {

// Adds `keys` and its subcommands to `app`; one Command per subcommand.
std::vector<Command> add_keys(CLI::App& app, const GlobalOptions& g);

Command add_keys_generate(CLI::App& keys, const GlobalOptions& g);
Command add_keys_list(CLI::App& keys, const GlobalOptions& g);
Command add_keys_export(CLI::App& keys, const GlobalOptions& g);
Command add_keys_sync(CLI::App& keys, const GlobalOptions& g);
Command add_keys_import(CLI::App& keys, const GlobalOptions& g);
Command add_keys_void(CLI::App& keys, const GlobalOptions& g);
Command add_keys_write(CLI::App& keys, const GlobalOptions& g);

// --store FILE on `sub`, bound to `path`.
void add_store_option(CLI::App& sub, std::string& path);

// Opens the store named by --store, or the default one.
std::unique_ptr<keys::KeyStore> open_store(const std::string& path);

}  // namespace ukpu::cli
