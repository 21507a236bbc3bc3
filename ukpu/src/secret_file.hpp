// Reading secrets from files or stdin, and writing output files atomically with mode 0600.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace ukpu::cli {

// The content of `path` ("-" reads stdin) with one trailing newline ("\n" or "\r\n") removed.
// Throws CliError (exit_bad_input) naming `what` (the option) and the path.
std::string read_secret(const std::string& path, const std::string& what);

// Writes `data` to `path` through a temporary file in the same directory (mode 0600), fsync,
// rename, fsync of the directory: the path holds either its old content or all of `data`.
// Throws CliError: exit_refused when `path` exists and is not a regular file, exit_io otherwise.
void write_file_atomic(const std::string& path, std::span<const std::uint8_t> data);

}  // namespace ukpu::cli
