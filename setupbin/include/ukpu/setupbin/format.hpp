// Named offsets and constants of the setup.bin layout: a 512-byte file header, then data records
// of DataRecordChunkCount * 512 bytes; every integer is little-endian.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ukpu::setupbin::format {

inline constexpr std::size_t chunk_size = 512;

// File header record (the first 512 bytes).
namespace header {
inline constexpr std::size_t guid = 0x00;                // 16 bytes, EFI_GUID
inline constexpr std::size_t chunk_count = 0x10;         // u16, must be 1
inline constexpr std::size_t header_byte_count = 0x12;   // u16, 40 + 2*(modules+1)
inline constexpr std::size_t record_number = 0x14;       // u32, 0
inline constexpr std::size_t major_version = 0x18;       // u8
inline constexpr std::size_t minor_version = 0x19;       // u8
inline constexpr std::size_t file_flags = 0x1A;          // u16, bit0 = do not consume
inline constexpr std::size_t data_record_count = 0x1C;   // u32
inline constexpr std::size_t records_consumed = 0x20;    // u32, rewritten by the BIOS
inline constexpr std::size_t data_record_chunks = 0x24;  // u16, must be >= 1
inline constexpr std::size_t reserved = 0x26;            // u16
inline constexpr std::size_t module_list = 0x28;         // u16[236], 0-terminated
inline constexpr std::size_t module_list_slots = (chunk_size - module_list) / 2;
inline constexpr std::size_t fixed_bytes = 40;  // header bytes before the module list
}  // namespace header

inline constexpr std::uint16_t flag_dont_consume = 0x0001;

// Data record header (24 bytes), offsets relative to the record start.
namespace record {
inline constexpr std::size_t type = 0x00;               // u32, 1 = data record
inline constexpr std::size_t flags = 0x04;              // u32, bit0 valid, bit1 scrambled
inline constexpr std::size_t reserved0 = 0x08;          // u32
inline constexpr std::size_t reserved1 = 0x0C;          // u32
inline constexpr std::size_t chunk_count = 0x10;        // u16, 1..10
inline constexpr std::size_t header_byte_count = 0x12;  // u16, 24
inline constexpr std::size_t record_number = 0x14;      // u32, 1..N
inline constexpr std::size_t header_size = 24;
inline constexpr std::uint16_t max_chunks = 10;  // modern MEBx limit
}  // namespace record

inline constexpr std::uint32_t record_type_data = 1;
inline constexpr std::uint32_t record_flag_valid = 0x1;
inline constexpr std::uint32_t record_flag_scrambled = 0x2;

// Entry header (8 bytes, then the value padded to 4), offsets relative to the entry start.
namespace entry {
inline constexpr std::size_t module = 0;    // u16
inline constexpr std::size_t variable = 2;  // u16
inline constexpr std::size_t length = 4;    // u16, without padding
inline constexpr std::size_t reserved = 6;  // u16
inline constexpr std::size_t header_size = 8;
}  // namespace entry

inline constexpr std::uint8_t scramble_value = 0x11;

inline constexpr std::size_t padded(std::size_t len) {
    return (len + 3) / 4 * 4;
}

}  // namespace ukpu::setupbin::format
