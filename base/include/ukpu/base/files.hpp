// Files that hold secrets or must survive a crash: the atomic writer, private directories and
// files, and reading a whole file. Every failure throws Error naming the path and the errno.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "ukpu/base/unique_fd.hpp"

namespace ukpu::base {

// Writes `data` to `path` through a temporary file in the same directory (".NAME.XXXXXX" from
// mkostemp, set to `mode`), fsync, rename, fsync of the directory: the path holds either its old
// content or all of `data`, never a part; the temporary file is removed when a step fails.
// Throws Error with the path the step failed on:
//   not_regular (path) "exists and is not a regular file; refusing to replace it",
//   open (path) "cannot create a temporary file in DIR: ...", set_mode (temporary)
//   "cannot set mode 0600: ...", write / sync / close (temporary) "write failed: ...",
//   "fsync failed: ...", "close failed: ...", rename (path) "cannot rename the temporary file:
//   ...". With `replace` false an existing path is never replaced: exists (path) "already
//   exists", checked first and again by the rename itself (RENAME_NOREPLACE), so a file made
//   meanwhile is not replaced either.
void write_file_atomic(const std::filesystem::path& path, std::span<const std::uint8_t> data,
                       mode_t mode = 0600, bool replace = true);

// Creates `dir` and every missing parent with mode 0700; nothing when it exists. Throws
// Error(create_directory) "cannot create the directory: ..." naming the level that failed.
void create_private_dirs(const std::filesystem::path& dir);

// Opens `path` for reading and writing, creating it with mode 0600 when missing, never through a
// symbolic link; an existing file with group or other bits is narrowed to 0600. Throws Error:
// open "cannot open: ...", stat "cannot stat: ...", not_regular "not a regular file",
// set_mode "cannot set mode 0600: ...".
UniqueFd open_private_file(const std::filesystem::path& path);

// The whole content of `path`. Throws Error: open "cannot open: ...", read "cannot read: ...".
std::vector<std::uint8_t> read_file(const std::filesystem::path& path);

}  // namespace ukpu::base
