// The settings a setup.bin is made from: the file-level choices and one value per catalog
// variable (secrets as the paths of the files holding them), as `ukpu setupbin create` takes
// them on its command line or from a TOML profile, and as the window's form fills them.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ukpu/setupbin/catalog.hpp"
#include "ukpu/setupbin/model.hpp"

namespace ukpu::provision {

struct CreateSettings {
    std::string output;
    bool overwrite = false;  // replace an existing output file (never one that is not a file)
    std::string config;      // the profile these settings were read from, if any
    std::string version = "4";
    std::string firmware = "all";
    bool reusable = false;
    bool scramble = false;
    bool force = false;  // also: hash a certificate file that holds no root CA
    std::uint32_t records = 1;
    std::map<std::string, std::string> values;        // catalog key -> text, as given
    std::map<std::string, std::string> secret_files;  // catalog key -> path of its secret
    // catalog key -> a secret typed in the window, used when no file is named for it; never
    // written to a profile (write_profile names only secret files).
    std::map<std::string, std::string> secret_values;
    std::vector<std::string> cert_hashes;       // FILE[:NAME][:ALG]
    std::string cert_password_file;             // the password of PKCS#12 cert_hashes
    std::vector<std::string> cert_hash_values;  // ALG:HEX[:NAME]
    std::vector<std::string> vars;              // MODULE:VARIABLE:TYPE:VALUE
    std::set<std::string> from_profile;         // the keys the profile set
};

// Whether any variable is set (a catalog value, a secret file, a certificate hash, a raw entry).
bool has_variables(const CreateSettings& s);

// The files these settings read (the profile, secret files, certificates), as option and path:
// a stick being written must not hold them.
std::vector<std::pair<std::string, std::string>> settings_files(const CreateSettings& s);

// A path given in a profile: as is when it exists relative to the working directory, else
// relative to the profile's directory when it exists there.
std::string resolve_profile_path(const std::string& path, const std::string& profile);

// The value bytes of catalog variable `info` from the text of option `option`. Throws Error
// (bad_argument) naming the option when the text does not fit the variable's type, or is not the
// DNS name or host name its catalog kind asks for (setupbin::text_problem, within its length).
std::vector<std::uint8_t> encode_setting(const setupbin::VariableInfo& info,
                                         const std::string& text, const std::string& option);

// How a catalog variable's value is written: "dhcp|static|N", "IP", "HEX" ...
std::string setting_type_name(const setupbin::VariableInfo& info);

// --var MODULE:VARIABLE:TYPE:VALUE as an entry. Throws Error (bad_argument).
setupbin::Entry parse_raw_var(const std::string& text);

}  // namespace ukpu::provision
