// libFuzzer target for the setup.bin parser, writer, checker and record consumption.
//
// For every input:
//  - parse_lenient must not crash, leak or hit undefined behaviour, and must not throw;
//  - when it reports no problem at all and read every record, serialize() of the model must
//    reproduce the input byte for byte (the model keeps every field);
//  - the strict parse either succeeds or throws setupbin::Error;
//  - check() runs every firmware generation over the parsed file;
//  - next_record() and consume_next() on a copy either succeed or throw setupbin::Error, and the
//    consumed copy parses again without crashing.
// Any other exception escapes to libFuzzer, which reports it as a crash.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "ukpu/setupbin/check.hpp"
#include "ukpu/setupbin/consume.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/write.hpp"

namespace sb = ukpu::setupbin;

namespace {

[[noreturn]] void fail(const char* what, std::size_t offset) {
    std::fprintf(stderr, "setupbin_parse_fuzz: %s (offset %zu)\n", what, offset);
    std::abort();
}

void check_round_trip(std::span<const std::uint8_t> input, const sb::ParseResult& parsed) {
    if (!parsed.complete || !parsed.problems.empty()) return;
    std::vector<std::uint8_t> out;
    try {
        out = sb::serialize(parsed.file);
    } catch (const sb::Error& e) {
        std::fprintf(stderr, "setupbin_parse_fuzz: serialize threw: %s\n", e.what());
        fail("a clean parse could not be written again", 0);
    }
    const auto common = std::min(out.size(), input.size());
    const auto diff = std::mismatch(
        input.begin(), input.begin() + static_cast<std::ptrdiff_t>(common), out.begin());
    if (diff.first != input.begin() + static_cast<std::ptrdiff_t>(common)) {
        fail("round trip differs", static_cast<std::size_t>(diff.first - input.begin()));
    }
    if (out.size() != input.size()) fail("round trip changes the size", common);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);

    const sb::ParseResult parsed = sb::parse_lenient(input);
    if (parsed.file_size != size) fail("file_size differs from the input size", size);
    check_round_trip(input, parsed);

    try {
        (void)sb::parse(input);
    } catch (const sb::Error&) {
    }

    const sb::CheckResult checked = sb::check(parsed);
    (void)checked.ok();

    std::vector<std::uint8_t> copy(input.begin(), input.end());
    try {
        (void)sb::next_record(copy);
        (void)sb::consume_next(copy);
        (void)sb::parse_lenient(copy);
    } catch (const sb::Error&) {
    }
    return 0;
}
