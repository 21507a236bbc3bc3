// Long-file-name helpers: the 8.3 checksum and the UCS-2 characters of an LFN slot.
#include "lfn.hpp"

#include "ukpu/fatwriter/directory.hpp"
#include "ukpu/fatwriter/ondisk.hpp"
#include "ukpu/base/bytes.hpp"

namespace ukpu::fat {

std::uint8_t lfn_checksum(const std::array<std::uint8_t, 11>& raw_name) {
    std::uint8_t sum = 0;
    for (std::uint8_t c : raw_name)
        sum = static_cast<std::uint8_t>(((sum & 1) << 7) + (sum >> 1) + c);
    return sum;
}

namespace detail {

std::vector<std::uint16_t> lfn_chars(std::span<const std::uint8_t> slot) {
    namespace lfn = ondisk::lfn;
    std::vector<std::uint16_t> out;
    auto take = [&](std::size_t off, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) out.push_back(bytes::get_u16(slot, off + 2 * i));
    };
    take(lfn::name1, 5);
    take(lfn::name2, 6);
    take(lfn::name3, 2);
    return out;
}

std::string utf8_from_ucs2(std::span<const std::uint16_t> chars) {
    std::string out;
    for (std::uint16_t c : chars) {
        if (c == 0x0000 || c == 0xFFFF) break;
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x800) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            out += static_cast<char>(0xE0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

}  // namespace detail
}  // namespace ukpu::fat
