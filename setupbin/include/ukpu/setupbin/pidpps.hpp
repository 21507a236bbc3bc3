// PID/PPS pre-shared key pairs: form, Intel's checksum characters, display form.
#pragma once

#include <string>
#include <string_view>

namespace ukpu::setupbin {

inline constexpr std::size_t pid_length = 8;
inline constexpr std::size_t pps_length = 32;

// The checksum character over `chars` (A-Z, 0-9): (sum of ASCII codes) mod 36 as 0-9A-Z.
char pid_pps_checksum(std::string_view chars);

// Strip dashes and validate: 8 (PID) / 32 (PPS) characters of A-Z0-9 with correct checksums.
// Throws Error (bad_value) naming the position of the first wrong character.
std::string normalize_pid(std::string_view text);
std::string normalize_pps(std::string_view text);

// Validation without throwing: empty string when fine, else the reason.
std::string pid_problem(std::string_view stored);
std::string pps_problem(std::string_view stored);

// Display forms: "XXXX-XXXX" and "XXXX-XXXX-...-XXXX" (39 characters).
std::string format_pid(std::string_view stored);
std::string format_pps(std::string_view stored);

}  // namespace ukpu::setupbin
