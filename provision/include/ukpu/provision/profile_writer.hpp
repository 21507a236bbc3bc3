// Writing TOML profiles: CreateSettings as the `key = value` lines apply_profile reads, so that
// `ukpu setupbin create --config` makes from the file the same bytes the settings make. Secrets
// are never written: only the paths of the files holding them (a secret typed in the window is
// left out, and said).
#pragma once

#include <string>
#include <vector>

#include "ukpu/provision/key_settings.hpp"

namespace ukpu::provision {

struct ProfileText {
    std::string text;
    // The catalog keys of secrets typed (secret_values) and not written: `--config` needs their
    // files instead.
    std::vector<std::string> left_out;
};

// The profile of `s`: the file-level settings (version, firmware, records, reusable, scramble,
// force), then each catalog value and secret file in catalog order, then cert-hash,
// cert-password-file, cert-hash-value and var as arrays. Output, overwrite and config are not
// settings of a profile. Strings are TOML basic strings (quotes, backslashes and control
// characters escaped).
ProfileText profile_text(const CreateSettings& s);

// Writes profile_text(s) to `path` atomically with mode 0600 (write_file_atomic; refused when it
// exists and `overwrite` is false). Returns the keys left out. Throws Error.
std::vector<std::string> write_profile(const std::string& path, const CreateSettings& s,
                                       bool overwrite);

// `s` with every path it names (secret files, the FILE of each cert-hash, the PKCS#12 password
// file) found as the command line finds it for profile `s.config` (resolve_profile_path), and
// made absolute: the settings of a profile, to be saved in another directory.
CreateSettings with_absolute_paths(const CreateSettings& s);

// `text` as a TOML basic string, quotes included.
std::string toml_string(const std::string& text);

}  // namespace ukpu::provision
