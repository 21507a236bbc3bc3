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
#include "ukpu/provision/key_settings.hpp"

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
Command add_keys_store(CLI::App& keys, const GlobalOptions& g);

// The setup.bin settings of a PID/PPS batch (keys generate, keys write): every create option
// but --pid, --pps-file and --records (each record has its own pair), --version 1, 2 or 2.1 only
// (PID/PPS records belong to those; provision refuses any other), defaults 2.1 and legacy,uefi.
void add_batch_create_options(CLI::App& sub, provision::CreateSettings& settings);

// --store FILE|URL on `sub`, bound to `path`.
void add_store_option(CLI::App& sub, std::string& path);

// Opens the store named by --store (a file or a postgresql:// URL), or the default one; never
// creates one.
std::unique_ptr<keys::KeyStore> open_store(const std::string& path);

}  // namespace ukpu::cli
