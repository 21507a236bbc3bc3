// The in-memory model of a setup.bin file. Fields mirror the on-disk fields one for one, so that a
// parsed file can be written again exactly; build.hpp makes canonical models for new files.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "ukpu/setupbin/format.hpp"
#include "ukpu/setupbin/guid.hpp"

namespace ukpu::setupbin {

// One variable: module/variable ids and the raw (unscrambled) value bytes. Unknown variables are
// kept as they are, so they survive a round trip.
struct Entry {
    std::uint16_t module = 0;
    std::uint16_t variable = 0;
    std::uint16_t reserved = 0;  // the entry's reserved u16, normally 0
    std::vector<std::uint8_t> value;

    friend bool operator==(const Entry&, const Entry&) = default;
};

struct Record {
    std::uint32_t type = format::record_type_data;
    std::uint32_t flags = format::record_flag_valid;
    std::array<std::uint32_t, 2> reserved{};
    std::uint16_t chunk_count = 1;
    std::uint16_t header_byte_count = format::record::header_size;
    std::uint32_t number = 0;
    // A consumed record (Valid clear, body all zero). Its entries are empty and its body is
    // written as zeros, never scrambled.
    bool consumed = false;
    std::vector<Entry> entries;
    // Bytes after the terminating zero entry header up to the record end, unscrambled, when they
    // are not all zero (a tool that left garbage there). Written back as they are.
    std::vector<std::uint8_t> trailing;

    bool valid() const { return (flags & format::record_flag_valid) != 0; }
    bool scrambled() const { return (flags & format::record_flag_scrambled) != 0; }
    std::size_t size_bytes() const { return std::size_t{chunk_count} * format::chunk_size; }

    friend bool operator==(const Record&, const Record&) = default;
};

struct FileHeader {
    Guid guid;
    std::uint16_t chunk_count = 1;
    std::uint16_t header_byte_count = 46;
    std::uint32_t record_number = 0;
    std::uint8_t major = 4;
    std::uint8_t minor = 0;
    std::uint16_t flags = 0;
    std::uint32_t record_count = 0;
    std::uint32_t records_consumed = 0;
    std::uint16_t record_chunk_count = 1;
    std::uint16_t reserved = 0;
    // Module ids as listed, without the 0 terminator.
    std::vector<std::uint16_t> modules;
    // Bytes of the module-list area after the terminator when they are not zero. Kept for exact
    // round trips of odd files.
    std::vector<std::uint8_t> module_area_tail;
    // Header chunks beyond the first (chunk_count > 1), as they are.
    std::vector<std::uint8_t> extra_chunks;

    bool reusable() const { return (flags & format::flag_dont_consume) != 0; }

    friend bool operator==(const FileHeader&, const FileHeader&) = default;
};

struct SetupBin {
    FileHeader header;
    std::vector<Record> records;
    // Bytes after the last declared record (a file longer than its counts say). Newer BIOSes
    // reject such a file; kept so the file can be shown and written back as it is.
    std::vector<std::uint8_t> extra;

    friend bool operator==(const SetupBin&, const SetupBin&) = default;
};

}  // namespace ukpu::setupbin
