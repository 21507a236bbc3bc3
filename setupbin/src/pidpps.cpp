// PID/PPS pairs: 8 and 32 characters of A-Z0-9 with Intel's checksum characters (the last PID
// character, and the last of each group of 4 in the PPS).
#include "ukpu/setupbin/pidpps.hpp"

#include <cstdio>

#include "ukpu/setupbin/error.hpp"

namespace ukpu::setupbin {

namespace {

constexpr std::size_t pps_group = 4;  // 3 characters and their checksum

bool allowed(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::string describe(char c) {
    if (c >= 0x21 && c <= 0x7e) return std::string("'") + c + "'";
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned char>(c));
    return buf;
}

// Checks `s` against `length` and the checksum positions; positions are 1-based.
std::string problem(std::string_view s, std::size_t length, const char* what) {
    if (s.size() != length)
        return std::string("the ") + what + " must be " + std::to_string(length) +
               " characters, found " + std::to_string(s.size());
    for (std::size_t i = 0; i < s.size(); ++i)
        if (!allowed(s[i]))
            return std::string("the ") + what + " has " + describe(s[i]) + " at position " +
                   std::to_string(i + 1) + "; only A-Z and 0-9 are allowed";
    // PID: one checksum over 7 characters; PPS: one per group of 4.
    const std::size_t group = length == pid_length ? pid_length : pps_group;
    for (std::size_t start = 0; start < length; start += group) {
        const std::size_t at = start + group - 1;
        const char want = pid_pps_checksum(s.substr(start, group - 1));
        if (s[at] != want)
            return std::string("the ") + what + " checksum character at position " +
                   std::to_string(at + 1) + " is '" + s[at] +
                   "' but the characters before it give '" + want + "' (a typing error?)";
    }
    return {};
}

std::string strip_dashes(std::string_view text) {
    std::string out;
    for (char c : text)
        if (c != '-') out.push_back(c);
    return out;
}

std::string grouped(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i > 0 && i % 4 == 0) out.push_back('-');
        out.push_back(s[i]);
    }
    return out;
}

}  // namespace

char pid_pps_checksum(std::string_view chars) {
    unsigned sum = 0;
    for (char c : chars) sum += static_cast<unsigned char>(c);
    const unsigned v = sum % 36;
    return static_cast<char>(v <= 9 ? '0' + v : 'A' + (v - 10));
}

std::string normalize_pid(std::string_view text) {
    std::string s = strip_dashes(text);
    if (auto p = problem(s, pid_length, "PID"); !p.empty())
        throw Error(ErrorCode::bad_value, p + " (in '" + std::string(text) + "')");
    return s;
}

std::string normalize_pps(std::string_view text) {
    std::string s = strip_dashes(text);
    if (auto p = problem(s, pps_length, "PPS"); !p.empty()) throw Error(ErrorCode::bad_value, p);
    return s;
}

std::string pid_problem(std::string_view stored) {
    return problem(stored, pid_length, "PID");
}

std::string pps_problem(std::string_view stored) {
    return problem(stored, pps_length, "PPS");
}

std::string format_pid(std::string_view stored) {
    return grouped(stored);
}

std::string format_pps(std::string_view stored) {
    return grouped(stored);
}

}  // namespace ukpu::setupbin
