#include "ukpu/base/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

#include "ukpu/base/error.hpp"

namespace ukpu::base {

namespace fs = std::filesystem;

namespace {

// Throws Error(code) for the failed call whose errno is current: "<what>: <strerror>".
[[noreturn]] void fail(ErrorCode code, const std::string& what, const fs::path& path) {
    const int err = errno;
    throw Error(code, what + ": " + std::strerror(err), path, err);
}

std::string mode_text(mode_t mode) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode));
    return buf;
}

}  // namespace

AtomicFile::AtomicFile(const fs::path& path, mode_t mode, bool replace)
    : path_(path), replace_(replace) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISREG(st.st_mode))
            throw Error(ErrorCode::not_regular,
                        "exists and is not a regular file; refusing to replace it", path);
        if (!replace) throw Error(ErrorCode::exists, "already exists", path);
    }
    fs::path dir = path.parent_path();
    if (dir.empty()) dir = ".";
    // Appended piece by piece: `"." + name + ...` trips a false -Wrestrict of GCC 12 at -O3.
    std::string hidden = ".";
    hidden += path.filename().string();
    hidden += ".XXXXXX";
    const std::string pattern = (dir / hidden).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    fd_ = UniqueFd(::mkostemp(name.data(), O_CLOEXEC));  // created with mode 0600
    if (!fd_) fail(ErrorCode::open, "cannot create a temporary file in " + dir.string(), path);
    tmp_ = fs::path(name.data());
    if (::fchmod(fd_.get(), mode) != 0) {
        const int err = errno;
        ::unlink(tmp_.c_str());
        errno = err;
        fail(ErrorCode::set_mode, "cannot set mode " + mode_text(mode), tmp_);
    }
}

AtomicFile::~AtomicFile() {
    if (!committed_) ::unlink(tmp_.c_str());
}

void AtomicFile::write(std::span<const std::uint8_t> data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd_.get(), data.data() + done, data.size() - done);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            if (n == 0) errno = EIO;  // no progress: never loop on it
            fail(ErrorCode::write, "write failed", tmp_);
        }
        done += static_cast<std::size_t>(n);
    }
}

void AtomicFile::set_owner(const Owner& owner) {
    if (::fchown(fd_.get(), owner.uid, owner.gid) != 0)
        fail(ErrorCode::set_mode, "cannot change the owner", tmp_);
}

void AtomicFile::commit() {
    if (committed_ || !fd_) throw Error(ErrorCode::close, "already committed", tmp_);
    if (::fsync(fd_.get()) != 0) fail(ErrorCode::sync, "fsync failed", tmp_);
    if (::close(fd_.release()) != 0) fail(ErrorCode::close, "close failed", tmp_);
    int rc;
    if (replace_) {
        rc = ::rename(tmp_.c_str(), path_.c_str());
    } else {
        rc = ::renameat2(AT_FDCWD, tmp_.c_str(), AT_FDCWD, path_.c_str(), RENAME_NOREPLACE);
        if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
            // A file system without RENAME_NOREPLACE: link() refuses an existing name too.
            rc = ::link(tmp_.c_str(), path_.c_str());
            if (rc == 0) ::unlink(tmp_.c_str());
        }
    }
    if (rc != 0) {
        if (!replace_ && errno == EEXIST) throw Error(ErrorCode::exists, "already exists", path_);
        fail(ErrorCode::rename, "cannot rename the temporary file", path_);
    }
    committed_ = true;
    // Best effort: the rename is done; this makes it survive a power cut.
    fs::path dir = path_.parent_path();
    if (dir.empty()) dir = ".";
    const UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dfd) (void)::fsync(dfd.get());
}

void write_file_atomic(const fs::path& path, std::span<const std::uint8_t> data, mode_t mode,
                       bool replace) {
    AtomicFile file(path, mode, replace);
    file.write(data);
    file.commit();
}

Owner nearest_owner(const fs::path& path) {
    for (fs::path p = path;; p = p.parent_path()) {
        if (p.empty()) p = ".";
        struct stat st {};
        if (::stat(p.c_str(), &st) == 0) return {st.st_uid, st.st_gid};
        if (errno != ENOENT || p == "." || p == p.root_path())
            fail(ErrorCode::stat, "cannot stat", p);
    }
}

void create_private_dirs(const fs::path& dir, const std::optional<Owner>& owner) {
    std::error_code ec;
    if (dir.empty() || fs::exists(dir, ec)) return;
    create_private_dirs(dir.parent_path(), owner);
    if (::mkdir(dir.c_str(), 0700) != 0) {
        if (errno == EEXIST) return;
        fail(ErrorCode::create_directory, "cannot create the directory", dir);
    }
    // 0700 exactly, whatever the umask took away.
    (void)::chmod(dir.c_str(), 0700);
    if (owner && ::chown(dir.c_str(), owner->uid, owner->gid) != 0)
        fail(ErrorCode::set_mode, "cannot change the owner", dir);
}

UniqueFd open_private_file(const fs::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) fail(ErrorCode::open, "cannot open", path);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) fail(ErrorCode::stat, "cannot stat", path);
    if (!S_ISREG(st.st_mode)) throw Error(ErrorCode::not_regular, "not a regular file", path);
    if ((st.st_mode & 0077) != 0 && ::fchmod(fd.get(), 0600) != 0)
        fail(ErrorCode::set_mode, "cannot set mode 0600", path);
    return fd;
}

std::vector<std::uint8_t> read_file(const fs::path& path) {
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) fail(ErrorCode::open, "cannot open", path);
    std::vector<std::uint8_t> data;
    std::uint8_t buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(ErrorCode::read, "cannot read", path);
        if (n == 0) break;
        data.insert(data.end(), buf, buf + n);
    }
    return data;
}

}  // namespace ukpu::base
