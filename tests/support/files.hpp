// Whole files read and written by the tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ukpu::test {

// The bytes of `path`; throws std::runtime_error when it cannot be read.
std::vector<std::uint8_t> read_bytes(const std::string& path);
void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes);
void write_text(const std::string& path, const std::string& text);

}  // namespace ukpu::test
