// A finding about a file: which firmware generation it matters to, how bad it is, where it is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ukpu/setupbin/error.hpp"

namespace ukpu::setupbin {

enum class Firmware {
    format,  // the file's own structure: every reader is affected
    legacy,  // old BIOS reading the stick with raw sector I/O, and the MEBx of its era
    uefi,    // UEFI BIOS reference code (exact size, counts, version pairs)
    mebx,    // modern MEBx (CSME 12+): unknown ids abort the record
};

enum class Severity { error, warning, info };

const char* to_string(Firmware f);
const char* to_string(Severity s);
Firmware parse_firmware(std::string_view text);  // throws Error (bad_argument)

struct Problem {
    Firmware firmware = Firmware::format;
    Severity severity = Severity::error;
    ErrorCode code = ErrorCode::rule;
    Location where;
    std::string message;

    std::string str() const;  // "error [mebx] record 1, 2/29 ...: message"
};

using Problems = std::vector<Problem>;

inline bool has_errors(const Problems& ps) {
    for (const auto& p : ps)
        if (p.severity == Severity::error) return true;
    return false;
}

}  // namespace ukpu::setupbin
