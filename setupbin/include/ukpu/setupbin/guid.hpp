// EFI_GUID as stored in setup.bin: Data1 (u32 LE), Data2 (u16 LE), Data3 (u16 LE), Data4[8].
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ukpu::setupbin {

struct Guid {
    std::array<std::uint8_t, 16> bytes{};  // on-disk order

    // Parse "46732273-DC23-2F43-A98A-13D37982D855" (braces optional, any case). Throws Error
    // (bad_argument) naming the text when it is not a GUID.
    static Guid parse(std::string_view text);
    static Guid from_bytes(std::span<const std::uint8_t> sixteen);

    // Canonical upper-case text form.
    std::string str() const;

    friend bool operator==(const Guid&, const Guid&) = default;
};

}  // namespace ukpu::setupbin
