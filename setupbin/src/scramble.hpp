// Record body scrambling (RecordFlags bit1): every byte after the 24-byte record header, padding
// and unused tail included, is stored = plain + 0x11, plain = stored - 0x11 (mod 256).
#pragma once

#include <cstdint>
#include <span>

#include "ukpu/setupbin/format.hpp"

namespace ukpu::setupbin::scrambling {

inline void scramble(std::span<std::uint8_t> body) {
    for (auto& b : body) b = static_cast<std::uint8_t>(b + format::scramble_value);
}

inline void descramble(std::span<std::uint8_t> body) {
    for (auto& b : body) b = static_cast<std::uint8_t>(b - format::scramble_value);
}

}  // namespace ukpu::setupbin::scrambling
