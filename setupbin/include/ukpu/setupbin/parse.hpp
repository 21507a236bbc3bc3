// Parsing setup.bin bytes into the model, bounds-checked against every header count.
#pragma once

#include <cstdint>
#include <span>

#include "ukpu/setupbin/model.hpp"
#include "ukpu/setupbin/problem.hpp"

namespace ukpu::setupbin {

struct ParseResult {
    SetupBin file;
    // Format-level findings (firmware == format), errors and warnings, in file order.
    Problems problems;
    // False when an error stopped the parse before every declared record was read; `file` then
    // holds what was read up to that point.
    bool complete = true;
    std::uint64_t file_size = 0;
};

// Reads as much as can be read and reports every format problem. Never throws for bad input.
ParseResult parse_lenient(std::span<const std::uint8_t> data);

// When the bytes are not a setup.bin at all (shorter than the file header, or a file type GUID
// none of the four setup.bin GUIDs), the error that says so; nullptr for a setup.bin, malformed or
// not. A front end then says that one line, not the header fields decoded from other bytes.
const Problem* not_a_setup_bin(const ParseResult& parsed);

// Strict: throws Error for the first format error (warnings are ignored).
SetupBin parse(std::span<const std::uint8_t> data);

}  // namespace ukpu::setupbin
