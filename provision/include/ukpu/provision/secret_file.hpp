// Reading input and secrets from files or stdin, and writing output files atomically with mode
// 0600.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ukpu::provision {

// Reads a whole file. Throws Error (bad_input) naming the path when it cannot.
std::vector<std::uint8_t> read_input_file(const std::string& path);

// The content of `path` ("-" reads stdin) with one trailing newline ("\n" or "\r\n") removed.
// Throws Error (bad_input) naming `what` (the option) and the path.
std::string read_secret(const std::string& path, const std::string& what);

// Writes `data` to `path` through a temporary file in the same directory (mode 0600), fsync,
// rename, fsync of the directory: the path holds either its old content or all of `data`.
// Throws Error: refused when `path` exists and is not a regular file, io otherwise.
void write_file_atomic(const std::string& path, std::span<const std::uint8_t> data);

}  // namespace ukpu::provision
