#include "ukpu/base/hex.hpp"

#include <cstdio>

#include "ukpu/base/error.hpp"

namespace ukpu::base {

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const std::uint8_t b : bytes) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0xf]);
    }
    return out;
}

std::vector<std::uint8_t> from_hex(std::string_view text) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::vector<std::uint8_t> out;
    int high = -1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == ':' || c == ' ') {
            if (high >= 0)
                throw Error(ErrorCode::bad_text, "hex text '" + std::string(text) +
                                                     "' has a lone digit before position " +
                                                     std::to_string(i));
            continue;
        }
        const int n = nibble(c);
        if (n < 0)
            throw Error(ErrorCode::bad_text, "hex text '" + std::string(text) +
                                                 "' has a non-hex character at position " +
                                                 std::to_string(i));
        if (high < 0) {
            high = n;
        } else {
            out.push_back(static_cast<std::uint8_t>(high << 4 | n));
            high = -1;
        }
    }
    if (high >= 0)
        throw Error(ErrorCode::bad_text,
                    "hex text '" + std::string(text) + "' has an odd number of digits");
    return out;
}

std::string hex_number(std::uint64_t value) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
    return buf;
}

}  // namespace ukpu::base
