#include "ukpu/setupbin/version.hpp"

#include <array>

#include "ukpu/setupbin/error.hpp"

namespace ukpu::setupbin {

namespace {
const std::array<VersionInfo, 5>& table() {
    static const std::array<VersionInfo, 5> t = {{
        {FormatVersion::v1_0, "1.0", Guid::parse("71FB16B5-CB87-4AF9-B441-CA7B383578F9"), 1, 0},
        {FormatVersion::v2_0, "2.0", Guid::parse("5881B296-6BCF-4C72-8B91-A15E512E99C4"), 2, 0},
        {FormatVersion::v2_1, "2.1", Guid::parse("5881B296-6BCF-4C72-8B91-A15E512E99C4"), 2, 1},
        {FormatVersion::v3_0, "3.0", Guid::parse("C6F6F7A7-C489-47F6-93ED-E2E5020DA51D"), 3, 0},
        {FormatVersion::v4_0, "4.0", Guid::parse("5234A9AA-29E1-44A9-8D4D-081C07B96353"), 4, 0},
    }};
    return t;
}
}  // namespace

const VersionInfo& version_info(FormatVersion v) { return table()[static_cast<std::size_t>(v)]; }

std::span<const VersionInfo> all_versions() { return table(); }

FormatVersion parse_version(std::string_view text) {
    if (text == "1" || text == "1.0") return FormatVersion::v1_0;
    if (text == "2" || text == "2.0") return FormatVersion::v2_0;
    if (text == "2.1") return FormatVersion::v2_1;
    if (text == "3" || text == "3.0") return FormatVersion::v3_0;
    if (text == "4" || text == "4.0") return FormatVersion::v4_0;
    throw Error(ErrorCode::bad_argument, "unknown setup.bin version '" + std::string(text) +
                                             "' (expected 1, 2, 2.1, 3 or 4)");
}

std::optional<FormatVersion> version_from_numbers(std::uint8_t major, std::uint8_t minor) {
    for (const auto& v : table())
        if (v.major == major && v.minor == minor) return v.version;
    return std::nullopt;
}

std::optional<FormatVersion> version_family_from_guid(const Guid& guid) {
    for (const auto& v : table())
        if (v.guid == guid) return v.version;  // v2_0 stands for the whole 2.x family
    return std::nullopt;
}

bool guid_accepts(const Guid& guid, std::uint8_t major, std::uint8_t minor) {
    for (const auto& v : table())
        if (v.guid == guid && v.major == major && v.minor == minor) return true;
    return false;
}

}  // namespace ukpu::setupbin
