#include "ukpu/setupbin/problem.hpp"

namespace ukpu::setupbin {

const char* to_string(Firmware f) {
    switch (f) {
        case Firmware::format: return "format";
        case Firmware::legacy: return "legacy";
        case Firmware::uefi: return "uefi";
        case Firmware::mebx: return "mebx";
    }
    return "unknown";
}

const char* to_string(Severity s) {
    switch (s) {
        case Severity::error: return "error";
        case Severity::warning: return "warning";
        case Severity::info: return "info";
    }
    return "unknown";
}

Firmware parse_firmware(std::string_view text) {
    if (text == "format") return Firmware::format;
    if (text == "legacy") return Firmware::legacy;
    if (text == "uefi") return Firmware::uefi;
    if (text == "mebx") return Firmware::mebx;
    throw Error(ErrorCode::bad_argument,
                "unknown firmware generation '" + std::string(text) +
                    "' (expected legacy, uefi or mebx)");
}

std::string Problem::str() const {
    std::string out = std::string(to_string(severity)) + " [" + to_string(firmware) + "] ";
    std::string w = where.str();
    if (!w.empty()) out += w + ": ";
    return out + message;
}

}  // namespace ukpu::setupbin
