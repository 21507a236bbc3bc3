// Where a problem is, for the errors of every library: a byte offset (in a file or on a device),
// a FAT cluster, a field (a header field, a variable, a directory entry, an option, a path) and a
// setup.bin record number (1-based, as in the file). Any part may be absent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ukpu::base {

struct Location {
    // In this order so that `{offset, cluster, field}` reads as it always has in fatwriter; name
    // the members (`{.offset = o, .field = f, .record = r}`) to give a record.
    std::optional<std::uint64_t> offset = std::nullopt;
    std::optional<std::uint32_t> cluster = std::nullopt;
    std::string field = {};
    std::optional<std::uint32_t> record = std::nullopt;

    // The parts present, in the order record, field, cluster, offset, joined by ", ":
    // "record 2, 2/8 User Defined Certificate Addition, offset 0x274",
    // "BPB_SecPerClus, offset 0x10000d", "cluster 17". Empty when no part is present.
    std::string str() const;

    friend bool operator==(const Location&, const Location&) = default;
};

// "<where>: <message>", or the message alone when `where` is empty: what errors show.
std::string with_location(const Location& where, const std::string& message);

}  // namespace ukpu::base
