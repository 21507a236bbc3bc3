// Hexadecimal text: byte strings as digit pairs, and numbers as "0x..." for messages.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ukpu::base {

// Two lower-case digits a byte, no separators: {0x00, 0xab} -> "00ab".
std::string to_hex(std::span<const std::uint8_t> bytes);

// The bytes of digit pairs in either case; ':' and ' ' may separate pairs ("00:AB 10"). Throws
// Error(bad_text) for any other character, a lone digit before a separator, or an odd count.
std::vector<std::uint8_t> from_hex(std::string_view text);

// A number for a message: "0x" and lower-case digits without leading zeros ("0x274", "0x0").
std::string hex_number(std::uint64_t value);

}  // namespace ukpu::base
