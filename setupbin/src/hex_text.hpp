// Small text helpers for messages: hexadecimal offsets and id lists.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ukpu/base/hex.hpp"

namespace ukpu::setupbin::message_text {

inline std::string hex(std::uint64_t v) {
    return base::hex_number(v);
}

template <typename T>
std::string join_ids(const std::vector<T>& ids) {
    std::string out;
    for (const auto& id : ids) {
        if (!out.empty()) out += ", ";
        out += std::to_string(id);
    }
    return out;
}

}  // namespace ukpu::setupbin::message_text
