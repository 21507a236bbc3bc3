// Fresh PID/PPS pairs and strong MEBx passwords from OpenSSL's CSPRNG (RAND_bytes). Characters
// are drawn uniformly by rejection sampling (no modulo bias); PID and PPS carry Intel's checksum
// characters and are stored without dashes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ukpu::keys {

// The PID/PPS alphabet: A-Z then 0-9.
inline constexpr std::string_view pidpps_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
// The alphabet of generated MEBx passwords: letters, digits and symbols that no source forbids
// and that need no escaping in a shell, CSV or SQL string (no quotes, comma, <, >, :, &, space,
// backslash).
inline constexpr std::string_view password_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%()*+-./;=?@[]^{}~";
inline constexpr std::size_t random_password_length = 16;

// Fills `out` from RAND_bytes. Throws Error(io) when the generator fails.
void random_bytes(std::span<std::uint8_t> out);

// `count` characters drawn uniformly from `alphabet` (2..256 characters): a random byte b is
// used only when b < 256 - 256 % size, and then maps to alphabet[b % size].
std::string random_string(std::size_t count, std::string_view alphabet);

// 7 random characters and their checksum: "XXXXXXXC".
std::string generate_pid();
// 8 groups of 3 random characters each followed by its checksum.
std::string generate_pps();
// A password that passes setupbin::new_password_problems (drawn again until it does).
std::string generate_password(std::size_t length = random_password_length);

}  // namespace ukpu::keys
