// The setup.bin the window writes: read from a file, or made from a profile (a .toml file, as
// `ukpu build --config` makes it), then parsed and checked the way `ukpu build` does it (format
// errors refuse the file; firmware findings are shown).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ukpu/provision/generations.hpp"
#include "ukpu/setupbin/problem.hpp"

namespace ukpu::gui {

struct KeySource {
    std::string path;
    bool from_profile = false;
    std::vector<std::uint8_t> bytes;
    std::string summary;                // "version 2.1, 10 records (0 consumed), checker: no error"
    bool usable = false;                // parsed without format error and no checker error
    std::vector<std::string> problems;  // the checker's errors and warnings, one line each
    // The generations it is checked and its sticks verified for: those chosen, or those its
    // content is for, with what was left out.
    provision::Judgement judged;
};

// Reads `path` (a profile when it ends in .toml) and checks it for the `firmware` generations
// (a --firmware list), or, with none, for the generations its content is for.
// Throws provision::Error: bad_input when it cannot be read or has format errors (not a
// setup.bin); a profile's own errors as `ukpu build --config` reports them, and a key that is
// not a setting of a setup.bin (bad_argument, naming the profile and the key).
KeySource load_key_source(const std::string& path, const std::optional<std::string>& firmware);

}  // namespace ukpu::gui
