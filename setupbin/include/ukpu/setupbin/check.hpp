// The firmware rules, per firmware generation: how the BIOS finds a record, how the MEBx applies
// it, and the known ways a file gets silently ignored or a record aborted.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/problem.hpp"

namespace ukpu::setupbin {

struct CheckOptions {
    // Which generations to check; the format-level problems are always reported.
    std::set<Firmware> firmware{Firmware::legacy, Firmware::uefi, Firmware::mebx};
};

struct GenerationVerdict {
    bool found = false;                        // the firmware accepts the file and finds a record
    std::optional<std::uint32_t> next_record;  // 1-based number of the record the next PC takes
    bool usable = false;                       // ... and that record would be applied
};

struct CheckResult {
    Problems problems;  // format problems from the parse, then each generation's, in file order
    std::optional<GenerationVerdict> legacy, uefi, mebx;
    bool ok() const { return !has_errors(problems); }
};

// The generations a file's content is made for, and why any is left out. A file with PID/PPS
// (PSK, 2/1 and 2/2) records, or asking for manual setup (2/29 = 1), is for legacy BIOSes and
// UEFI BIOSes: a modern MEBx rejects both by design, so judging such a key by it reports nothing
// the admin can change. Every other file, and one that does not parse, is for every generation.
struct Audience {
    std::set<Firmware> generations{Firmware::legacy, Firmware::uefi, Firmware::mebx};
    std::vector<std::pair<Firmware, std::string>> left_out;  // each with why
};
Audience intended_generations(const SetupBin& file);
Audience intended_generations(std::span<const std::uint8_t> data);

// Checks raw bytes (parses leniently first).
CheckResult check(std::span<const std::uint8_t> data, const CheckOptions& options = {});

// Checks an already parsed file (`file_size` is the size of the bytes it came from).
CheckResult check(const ParseResult& parsed, const CheckOptions& options = {});

}  // namespace ukpu::setupbin
