// A number with its noun for a message, in the right number: "1 record", "3 records",
// "1 write request", "0 sticks", "2 file systems".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ukpu::base {

// `n` and `singular`, or `plural` (default: `singular` + "s") unless n is 1.
std::string counted(std::uint64_t n, std::string_view singular, std::string_view plural = {});

}  // namespace ukpu::base
