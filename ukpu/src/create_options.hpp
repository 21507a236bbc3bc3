// The settings of `ukpu setupbin create`: one named option per catalog variable (generated from
// the catalog), the file-level options, and TOML profiles (--config) that can set every one.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cli_fwd.hpp"

#include "ukpu/setupbin/catalog.hpp"
#include "ukpu/setupbin/model.hpp"

namespace ukpu::cli {

struct CreateSettings {
    std::string output;
    std::string config;
    std::string version = "4";
    std::string firmware = "all";
    bool reusable = false;
    bool scramble = false;
    bool force = false;
    std::uint32_t records = 1;
    std::map<std::string, std::string> values;        // catalog key -> text, as given
    std::map<std::string, std::string> secret_files;  // catalog key -> path of its secret
    std::vector<std::string> cert_hashes;             // FILE[:NAME][:ALG]
    std::vector<std::string> cert_hash_values;        // ALG:HEX[:NAME]
    std::vector<std::string> vars;                    // MODULE:VARIABLE:TYPE:VALUE
};

// Adds every create option to `sub`, bound to `s` (which must outlive the parse); -o/--output
// only `with_output`.
void add_create_options(CLI::App& sub, CreateSettings& s, bool with_output = true);

// The files these settings read (the profile, secret files, certificates), as option and path:
// a stick being written must not hold them.
std::vector<std::pair<std::string, std::string>> settings_files(const CreateSettings& s);

// Applies the TOML profile `path` to the options of `sub` that the command line left unset.
// Throws CliError: exit_bad_input when the profile cannot be read, exit_usage for an unknown key
// or a value its option rejects.
void apply_profile(CLI::App& sub, const std::string& path);

// A path given in a profile: as is when it exists relative to the working directory, else
// relative to the profile's directory when it exists there.
std::string resolve_profile_path(const std::string& path, const std::string& profile);

// The value bytes of catalog variable `info` from the text of option `option`. Throws CliError
// (exit_usage) naming the option when the text does not fit the variable's type.
std::vector<std::uint8_t> encode_setting(const setupbin::VariableInfo& info,
                                         const std::string& text, const std::string& option);

// --var MODULE:VARIABLE:TYPE:VALUE as an entry. Throws CliError (exit_usage).
setupbin::Entry parse_raw_var(const std::string& text);

}  // namespace ukpu::cli
