// TOML profiles: `key = value` per setting of `ukpu setupbin create` (the option names without
// their dashes; repeatable settings as arrays, flags as true/false), read by every command that
// makes a setup.bin and by the window. A command's own options (`ukpu build`'s size, say) may be
// in a profile too; those are the command line's to apply.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "ukpu/provision/key_settings.hpp"

namespace ukpu::provision {

struct ProfileItem {
    std::string key;                  // "version", "cert-hash", "current-password-file"
    std::vector<std::string> values;  // one for a plain value, each element for an array
    bool array = false;
    bool boolean = false;  // a TOML true/false (values holds "true" or "false")
    std::uint32_t line = 0;
};

struct Profile {
    std::string path;
    std::vector<ProfileItem> items;  // in file order
};

// Reads a profile. Throws Error: bad_input when it cannot be read or is not TOML (the line
// named), bad_argument for a section or a dotted key, which profiles do not use.
Profile read_profile(const std::string& path);

// Applies the items that are settings of a setup.bin to `s`, except the keys in `given` (set on
// the command line, which wins); records each key applied in `s.from_profile` and `s.config`.
// `output` is a setting only `with_output`. Returns the items that are not settings, in order,
// for the command to apply or refuse. Throws Error (bad_argument) naming the profile and the key
// for a value the setting does not take.
std::vector<ProfileItem> apply_profile(const Profile& profile, CreateSettings& s,
                                       const std::set<std::string>& given, bool with_output);

// The settings a profile may hold: every key apply_profile takes (without "output").
std::vector<std::string> setting_keys();

// Whether `text` is a list of firmware generations a setting accepts: "all", or legacy, uefi,
// mebx separated by commas; empty when it is, else why not.
std::string firmware_list_problem(const std::string& text);

}  // namespace ukpu::provision
