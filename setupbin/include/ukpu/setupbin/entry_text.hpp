// One setup.bin entry as `ukpu setupbin show` and the window show it: its catalog name, the hex
// of its value, the value decoded for its catalog type as one line of text, secrets masked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ukpu/setupbin/catalog.hpp"
#include "ukpu/setupbin/model.hpp"

namespace ukpu::setupbin {

struct EntryText {
    const VariableInfo* info = nullptr;     // nullptr for an unknown variable
    std::string name;                       // catalog name, or "unknown"
    std::string raw;                        // hex of the unscrambled value, or "***"
    std::string text;                       // the value as one line of text, or "***"
    std::optional<std::string> value_name;  // name of an enumerated value (also when masked)
    std::optional<std::string> error;       // why the value does not decode for its type
    bool masked = false;                    // a secret, not shown
};

EntryText entry_text(const Entry& entry, bool show_secrets);

// The name of enumerated value `v` of `info` ("enabled"; bits joined with ','); nullopt for a
// variable without names, or a value (bits) without one.
std::optional<std::string> value_name(const VariableInfo& info, std::uint32_t v);

// `s` as a JSON string, quotes included: control characters escaped, valid UTF-8 kept, a lone
// byte of 0x80 and up as the Latin-1 code point it would be.
std::string quote_text(std::string_view s);

}  // namespace ukpu::setupbin
