// The options of `ukpu setupbin create`, shared by every command that makes a setup.bin: one
// named option per catalog variable (generated from the catalog), the file-level options, and
// TOML profiles (--config) that can set every one.
#pragma once

#include "cli_fwd.hpp"

#include "context.hpp"
#include "ukpu/provision/key_settings.hpp"

namespace ukpu::cli {

// Adds every create option to `sub`, bound to `s` (which must outlive the parse); -o/--output
// only `with_output`.
void add_create_options(CLI::App& sub, provision::CreateSettings& s, bool with_output = true);

// Applies the profile `s.config` under the command line: the settings of a setup.bin (through
// provision::apply_profile), then any other option of `sub` the command line left unset.
// Throws provision::Error (bad_input) when the profile cannot be read, CliError (exit_usage)
// for an unknown key or a value its option rejects.
void apply_profile(CLI::App& sub, provision::CreateSettings& s);

}  // namespace ukpu::cli
