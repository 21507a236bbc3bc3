// Small text helpers for messages: hexadecimal offsets and id lists.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace ukpu::setupbin::message_text {

inline std::string hex(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
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
