// The strong-password rules the ME applies to a new MEBx password (1/2) when it applies the
// record; a password that fails them aborts the whole record.
#include "ukpu/setupbin/password.hpp"

#include <cstdio>

namespace ukpu::setupbin {

namespace {

// Characters that some source forbids: Intel (: , ") and HP (" ' , > < : & space).
constexpr std::string_view forbidden = "\"',<>:& ";

std::string describe(char c) {
    if (c == ' ') return "a space";
    if (c >= 0x21 && c <= 0x7e) return std::string("'") + c + "'";
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned char>(c));
    return buf;
}

}  // namespace

std::vector<std::string> new_password_problems(std::string_view pw) {
    std::vector<std::string> out;
    if (pw.size() < mebx_password_min || pw.size() > mebx_password_max)
        out.push_back("the password is " + std::to_string(pw.size()) +
                      " characters long; it must be 8 to 32");
    bool digit = false, lower = false, upper = false, special = false;
    for (std::size_t i = 0; i < pw.size(); ++i) {
        const char c = pw[i];
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u > 0x7e) {
            out.push_back("character " + std::to_string(i + 1) + " (" + describe(c) +
                          ") is not printable 7-bit ASCII");
            continue;
        }
        if (forbidden.find(c) != std::string_view::npos) {
            out.push_back("character " + std::to_string(i + 1) + " (" + describe(c) +
                          ") is not allowed in an MEBx password");
            continue;
        }
        if (c >= '0' && c <= '9')
            digit = true;
        else if (c >= 'a' && c <= 'z')
            lower = true;
        else if (c >= 'A' && c <= 'Z')
            upper = true;
        else if (c != '_')
            special = true;
    }
    if (!digit) out.push_back("the password has no digit");
    if (!lower) out.push_back("the password has no lower-case letter");
    if (!upper) out.push_back("the password has no upper-case letter");
    if (!special)
        out.push_back(
            "the password has no special (non-alphanumeric) character; '_' does not count");
    return out;
}

}  // namespace ukpu::setupbin
