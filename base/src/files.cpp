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

// Removes the temporary file unless the rename happened.
class TempGuard {
public:
    explicit TempGuard(std::string path) : path_(std::move(path)) {}
    ~TempGuard() {
        if (!path_.empty()) ::unlink(path_.c_str());
    }
    TempGuard(const TempGuard&) = delete;
    TempGuard& operator=(const TempGuard&) = delete;
    void keep() { path_.clear(); }

private:
    std::string path_;
};

}  // namespace

void write_file_atomic(const fs::path& path, std::span<const std::uint8_t> data, mode_t mode,
                       bool replace) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISREG(st.st_mode))
            throw Error(ErrorCode::not_regular,
                        "exists and is not a regular file; refusing to replace it", path);
        if (!replace) throw Error(ErrorCode::exists, "already exists", path);
    }
    fs::path dir = path.parent_path();
    if (dir.empty()) dir = ".";
    const std::string pattern = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    UniqueFd fd(::mkostemp(name.data(), O_CLOEXEC));  // created with mode 0600
    if (!fd) fail(ErrorCode::open, "cannot create a temporary file in " + dir.string(), path);
    const fs::path tmp(name.data());
    TempGuard guard(tmp.string());
    if (::fchmod(fd.get(), mode) != 0)
        fail(ErrorCode::set_mode, "cannot set mode " + mode_text(mode), tmp);
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            if (n == 0) errno = EIO;  // no progress: never loop on it
            fail(ErrorCode::write, "write failed", tmp);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) fail(ErrorCode::sync, "fsync failed", tmp);
    if (::close(fd.release()) != 0) fail(ErrorCode::close, "close failed", tmp);
    int rc;
    if (replace) {
        rc = ::rename(tmp.c_str(), path.c_str());
    } else {
        rc = ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE);
        if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
            // A file system without RENAME_NOREPLACE: link() refuses an existing name too.
            rc = ::link(tmp.c_str(), path.c_str());
            if (rc == 0) ::unlink(tmp.c_str());
        }
    }
    if (rc != 0) {
        if (!replace && errno == EEXIST) throw Error(ErrorCode::exists, "already exists", path);
        fail(ErrorCode::rename, "cannot rename the temporary file", path);
    }
    guard.keep();
    // Best effort: the rename is done; this makes it survive a power cut.
    const UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dfd) (void)::fsync(dfd.get());
}

void create_private_dirs(const fs::path& dir) {
    std::error_code ec;
    if (dir.empty() || fs::exists(dir, ec)) return;
    create_private_dirs(dir.parent_path());
    if (::mkdir(dir.c_str(), 0700) != 0) {
        if (errno == EEXIST) return;
        fail(ErrorCode::create_directory, "cannot create the directory", dir);
    }
    // 0700 exactly, whatever the umask took away.
    (void)::chmod(dir.c_str(), 0700);
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
