// The setup.bin format versions and their GUID + Major/Minor pairs; the BIOS ignores a file whose
// GUID does not match its pair.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ukpu/setupbin/guid.hpp"

namespace ukpu::setupbin {

enum class FormatVersion { v1_0, v2_0, v2_1, v3_0, v4_0 };

struct VersionInfo {
    FormatVersion version;
    std::string_view name;  // "1.0", "2.0", "2.1", "3.0", "4.0"
    Guid guid;
    std::uint8_t major;
    std::uint8_t minor;
};

const VersionInfo& version_info(FormatVersion v);
std::span<const VersionInfo> all_versions();

// "1", "1.0", "2", "2.0", "2.1", "3", "3.0", "4", "4.0". Throws Error (bad_argument).
FormatVersion parse_version(std::string_view text);

// The version a (major, minor) pair names, if any pair of the table matches.
std::optional<FormatVersion> version_from_numbers(std::uint8_t major, std::uint8_t minor);

// The GUID family a file GUID belongs to: v1, v2 (covers 2.0 and 2.1), v3, v4.
std::optional<FormatVersion> version_family_from_guid(const Guid& guid);

// True when the BIOS accepts this GUID with this Major/Minor pair.
bool guid_accepts(const Guid& guid, std::uint8_t major, std::uint8_t minor);

// Ordering for "introduced in" comparisons.
inline bool at_least(FormatVersion have, FormatVersion need) {
    return static_cast<int>(have) >= static_cast<int>(need);
}

}  // namespace ukpu::setupbin
