// A finding about a file: which firmware generation it matters to, how bad it is, where it is.
#pragma once

#include <cstddef>
#include <cstdint>
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
    // What the brackets of str() name: the generation, or "password policy" for a password the
    // ME's policy rejects (every generation applies it).
    std::string label() const;
};

using Problems = std::vector<Problem>;

// One finding repeated: the same generation, severity, code, field and message on several
// records (a 500-record batch has one PID/PPS finding, not 500), in the order first seen.
struct ProblemGroup {
    Problem first;                       // the first of them, with its whole location
    std::vector<std::uint32_t> records;  // the records it was found in, ascending, each once
    std::size_t count = 0;               // how many problems it stands for

    // "error [mebx] records 1-500 (500), 2/1 Provisioning ID: message": the records as ranges,
    // the first few only unless `all_records`; a single problem reads as Problem::str(). Without
    // `with_severity`, from "[mebx]" on (for a line that already says error or warning).
    std::string str(bool all_records = false, bool with_severity = true) const;
};

// The problems grouped by kind; a problem without a record is a group of its own kind too.
std::vector<ProblemGroup> group_problems(const Problems& ps);

// "1-3, 7, 9-500": record numbers (ascending) as ranges; with `max_ranges`, the first that many
// then ", ...".
std::string record_ranges(const std::vector<std::uint32_t>& records, std::size_t max_ranges = 0);

inline bool has_errors(const Problems& ps) {
    for (const auto& p : ps)
        if (p.severity == Severity::error) return true;
    return false;
}

}  // namespace ukpu::setupbin
