// Files that hold secrets or must survive a crash: the atomic writer, private directories and
// files, and reading a whole file. Every failure throws Error naming the path and the errno.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

#include "ukpu/base/unique_fd.hpp"

namespace ukpu::base {

// A file's or directory's user and group.
struct Owner {
    uid_t uid = 0;
    gid_t gid = 0;
};

// A file that appears at `path` whole or not at all: written into a temporary file in the same
// directory (".NAME.XXXXXX" from mkostemp, set to `mode`), then by commit() fsync, rename, fsync
// of the directory; the temporary file is removed when the object goes without a commit (a step
// failed, the writer gave up). Large output goes out piece by piece, never held whole. Throws
// Error with the path the step failed on:
//   not_regular (path) "exists and is not a regular file; refusing to replace it",
//   open (path) "cannot create a temporary file in DIR: ...", set_mode (temporary)
//   "cannot set mode 0600: ...", write / sync / close (temporary) "write failed: ...",
//   "fsync failed: ...", "close failed: ...", rename (path) "cannot rename the temporary file:
//   ...". With `replace` false an existing path is never replaced: exists (path) "already
//   exists", checked first and again by the rename itself (RENAME_NOREPLACE), so a file made
//   meanwhile is not replaced either.
class AtomicFile {
public:
    AtomicFile(const std::filesystem::path& path, mode_t mode = 0600, bool replace = true);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    // Appends `data` to the temporary file.
    void write(std::span<const std::uint8_t> data);
    // The file given to `owner` (fchown; only root may give a file away). Throws
    // Error(set_mode) "cannot change the owner: ...".
    void set_owner(const Owner& owner);
    // The temporary file, for a writer that opens it itself (a database) before commit().
    const std::filesystem::path& temporary() const { return tmp_; }
    // The temporary file synced and renamed to `path`; once only.
    void commit();

private:
    std::filesystem::path path_;
    std::filesystem::path tmp_;
    bool replace_;
    UniqueFd fd_;
    bool committed_ = false;
};

// `data` written to `path` through an AtomicFile: the path holds either its old content or all of
// `data`, never a part. Throws as AtomicFile does.
void write_file_atomic(const std::filesystem::path& path, std::span<const std::uint8_t> data,
                       mode_t mode = 0600, bool replace = true);

// Who owns the nearest directory at or above `path` that exists ("/" at last). Throws
// Error(stat) when it cannot be looked at.
Owner nearest_owner(const std::filesystem::path& path);

// Creates `dir` and every missing parent with mode 0700; nothing when it exists. With `owner`,
// the directories made are given to it (root making a user's directories). Throws
// Error(create_directory) "cannot create the directory: ..." naming the level that failed,
// Error(set_mode) "cannot change the owner: ...".
void create_private_dirs(const std::filesystem::path& dir,
                         const std::optional<Owner>& owner = std::nullopt);

// Opens `path` for reading and writing, creating it with mode 0600 when missing, never through a
// symbolic link; an existing file with group or other bits is narrowed to 0600. Throws Error:
// open "cannot open: ...", stat "cannot stat: ...", not_regular "not a regular file",
// set_mode "cannot set mode 0600: ...".
UniqueFd open_private_file(const std::filesystem::path& path);

// The whole content of `path`. Throws Error: open "cannot open: ...", read "cannot read: ...".
std::vector<std::uint8_t> read_file(const std::filesystem::path& path);

}  // namespace ukpu::base
