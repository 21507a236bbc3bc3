// Little-endian field access over byte spans. Every on-disk field in ukpu is read and written
// through these helpers with a named offset; no packed structs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ukpu::bytes {

inline std::uint8_t get_u8(std::span<const std::uint8_t> b, std::size_t off) { return b[off]; }

inline std::uint16_t get_u16(std::span<const std::uint8_t> b, std::size_t off) {
    return static_cast<std::uint16_t>(b[off] | (b[off + 1] << 8));
}

inline std::uint32_t get_u32(std::span<const std::uint8_t> b, std::size_t off) {
    return static_cast<std::uint32_t>(b[off]) | (static_cast<std::uint32_t>(b[off + 1]) << 8) |
           (static_cast<std::uint32_t>(b[off + 2]) << 16) |
           (static_cast<std::uint32_t>(b[off + 3]) << 24);
}

inline std::uint64_t get_u64(std::span<const std::uint8_t> b, std::size_t off) {
    return static_cast<std::uint64_t>(get_u32(b, off)) |
           (static_cast<std::uint64_t>(get_u32(b, off + 4)) << 32);
}

inline void put_u8(std::span<std::uint8_t> b, std::size_t off, std::uint8_t v) { b[off] = v; }

inline void put_u16(std::span<std::uint8_t> b, std::size_t off, std::uint16_t v) {
    b[off] = static_cast<std::uint8_t>(v);
    b[off + 1] = static_cast<std::uint8_t>(v >> 8);
}

inline void put_u32(std::span<std::uint8_t> b, std::size_t off, std::uint32_t v) {
    for (std::size_t i = 0; i < 4; ++i) b[off + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

inline void put_u64(std::span<std::uint8_t> b, std::size_t off, std::uint64_t v) {
    for (std::size_t i = 0; i < 8; ++i) b[off + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace ukpu::bytes
