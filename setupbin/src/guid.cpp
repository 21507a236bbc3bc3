#include "ukpu/setupbin/guid.hpp"

#include <cctype>
#include <cstdio>

#include "ukpu/setupbin/error.hpp"

namespace ukpu::setupbin {

namespace {
int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}
}  // namespace

Guid Guid::parse(std::string_view text) {
    std::string_view t = text;
    if (t.size() >= 2 && t.front() == '{' && t.back() == '}') t = t.substr(1, t.size() - 2);
    auto fail = [&text]() {
        return Error(ErrorCode::bad_argument,
                     "'" + std::string(text) +
                         "' is not a GUID (expected XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX)");
    };
    if (t.size() != 36 || t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-') throw fail();
    // Text-order bytes: 16 pairs of hex digits, skipping dashes.
    std::array<std::uint8_t, 16> text_order{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < t.size();) {
        if (t[i] == '-') {
            ++i;
            continue;
        }
        int hi = hex_digit(t[i]), lo = hex_digit(t[i + 1]);
        if (hi < 0 || lo < 0) throw fail();
        text_order[n++] = static_cast<std::uint8_t>(hi * 16 + lo);
        i += 2;
    }
    // Data1, Data2, Data3 are stored little-endian; Data4 in order.
    static constexpr int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    Guid g;
    for (std::size_t i = 0; i < 16; ++i) g.bytes[i] = text_order[static_cast<std::size_t>(order[i])];
    return g;
}

Guid Guid::from_bytes(std::span<const std::uint8_t> sixteen) {
    if (sixteen.size() != 16)
        throw Error(ErrorCode::bad_length,
                    "a GUID is 16 bytes, got " + std::to_string(sixteen.size()));
    Guid g;
    for (std::size_t i = 0; i < 16; ++i) g.bytes[i] = sixteen[i];
    return g;
}

std::string Guid::str() const {
    const auto& b = bytes;
    char buf[40];
    std::snprintf(buf, sizeof buf,
                  "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X", b[3],
                  b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    return buf;
}

}  // namespace ukpu::setupbin
