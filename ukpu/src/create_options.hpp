// The options of `ukpu setupbin create`, shared by every command that makes a setup.bin: one
// named option per catalog variable (generated from the catalog), the file-level options, and
// TOML profiles (--config) that can set every one.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "cli_fwd.hpp"

#include "context.hpp"
#include "ukpu/provision/key_settings.hpp"

namespace ukpu::cli {

// Which of the create options a command takes. A command whose service makes some settings
// itself (`keys generate`: the PID, the PPS, one record per PID) leaves their options out, so
// that its help lists only what it accepts.
struct CreateOptionSet {
    bool output = true;   // -o/--output
    bool records = true;  // --records
    // The setup.bin versions --version accepts, as named in its help ("1", "2", "2.1", ...);
    // "N.0" is accepted for each whole N.
    std::vector<std::string> versions = {"1", "2", "2.1", "3", "4"};
    // Catalog variables left out, by key ("pid"; "pps" for --pps-file).
    std::set<std::string> without;
    // What -o/--output says, and the defaults --version and --firmware show (empty: none shown,
    // for a command whose default is not a value: `setupbin edit` keeps the file's version and
    // judges by the generations the content is for).
    std::string output_help = "The setup.bin file to write (mode 0600, atomically)";
    std::string version_default = "4";
    std::string firmware_default = "all";
};

// Adds the create options of `set` to `sub`, bound to `s` (which must outlive the parse).
void add_create_options(CLI::App& sub, provision::CreateSettings& s, const CreateOptionSet& set);

// Adds every create option; -o/--output only `with_output`.
void add_create_options(CLI::App& sub, provision::CreateSettings& s, bool with_output = true);

// Applies the profile `s.config` under the command line: the settings of a setup.bin (through
// provision::apply_profile), then any other option of `sub` the command line left unset.
// Throws provision::Error (bad_input) when the profile cannot be read, CliError (exit_usage)
// for an unknown key or a value its option rejects.
void apply_profile(CLI::App& sub, provision::CreateSettings& s);

}  // namespace ukpu::cli
