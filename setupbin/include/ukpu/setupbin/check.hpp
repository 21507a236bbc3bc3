// The firmware rules, per firmware generation: how the BIOS finds a record, how the MEBx applies
// it, and the known ways a file gets silently ignored or a record aborted.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>

#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/problem.hpp"

namespace ukpu::setupbin {

struct CheckOptions {
    // Which generations to check; the format-level problems are always reported.
    std::set<Firmware> firmware{Firmware::legacy, Firmware::uefi, Firmware::mebx};
};

struct GenerationVerdict {
    bool found = false;                       // the firmware accepts the file and finds a record
    std::optional<std::uint32_t> next_record; // 1-based number of the record the next PC takes
    bool usable = false;                      // ... and that record would be applied
};

struct CheckResult {
    Problems problems;  // format problems from the parse, then each generation's, in file order
    std::optional<GenerationVerdict> legacy, uefi, mebx;
    bool ok() const { return !has_errors(problems); }
};

// Checks raw bytes (parses leniently first).
CheckResult check(std::span<const std::uint8_t> data, const CheckOptions& options = {});

// Checks an already parsed file (`file_size` is the size of the bytes it came from).
CheckResult check(const ParseResult& parsed, const CheckOptions& options = {});

}  // namespace ukpu::setupbin
