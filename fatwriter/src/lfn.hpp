// Private: decoding the characters of long-file-name slots.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ukpu::fat::detail {

// The 13 UCS-2 characters of one LFN slot, in order.
std::vector<std::uint16_t> lfn_chars(std::span<const std::uint8_t> slot);
// UTF-8 of UCS-2 characters up to the first 0x0000 / 0xFFFF.
std::string utf8_from_ucs2(std::span<const std::uint16_t> chars);

}  // namespace ukpu::fat::detail
