// MEBx password rules: what the ME firmware checks when it applies a new MEBx password (1/2).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ukpu::setupbin {

inline constexpr std::size_t mebx_password_max = 32;
inline constexpr std::size_t mebx_password_min = 8;

// Every reason the ME firmware would reject `pw` as a new MEBx password; empty when it is strong:
// 8..32 characters, 7-bit printable ASCII, at least one digit, one lower-case letter, one
// upper-case letter and one non-alphanumeric character ('_' and ' ' do not count), none of the
// characters any source forbids (" ' , < > : & and, per HP, space).
std::vector<std::string> new_password_problems(std::string_view pw);

}  // namespace ukpu::setupbin
