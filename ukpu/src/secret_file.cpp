#include "secret_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "context.hpp"

namespace ukpu::cli {

namespace {

std::string errno_text() {
    return std::strerror(errno);
}

// Closes a file descriptor when it goes out of scope.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    int release() {
        int f = fd_;
        fd_ = -1;
        return f;
    }

private:
    int fd_;
};

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

std::string read_secret(const std::string& path, const std::string& what) {
    std::string content;
    if (path == "-") {
        content.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        if (std::cin.bad()) throw CliError(exit_bad_input, what + " (stdin)", "read error");
    } else {
        try {
            auto bytes = read_input_file(path);
            content.assign(bytes.begin(), bytes.end());
        } catch (const CliError& e) {
            throw CliError(e.code(), what + " " + path, e.message());
        }
    }
    if (!content.empty() && content.back() == '\n') {
        content.pop_back();
        if (!content.empty() && content.back() == '\r') content.pop_back();
    }
    return content;
}

void write_file_atomic(const std::string& path, std::span<const std::uint8_t> data) {
    namespace fs = std::filesystem;
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        throw CliError(exit_refused, path,
                       "exists and is not a regular file; refusing to replace it");
    fs::path target(path);
    fs::path dir = target.parent_path();
    if (dir.empty()) dir = ".";
    std::string tmpl = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    Fd fd(::mkstemp(name.data()));  // mkstemp creates the file with mode 0600
    if (fd.get() < 0)
        throw CliError(exit_io, path,
                       "cannot create a temporary file in " + dir.string() + ": " + errno_text());
    std::string tmp(name.data());
    TempGuard guard(tmp);
    if (::fchmod(fd.get(), 0600) != 0)
        throw CliError(exit_io, tmp, "cannot set mode 0600: " + errno_text());
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw CliError(exit_io, tmp, "write failed: " + errno_text());
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) throw CliError(exit_io, tmp, "fsync failed: " + errno_text());
    if (::close(fd.release()) != 0) throw CliError(exit_io, tmp, "close failed: " + errno_text());
    if (::rename(tmp.c_str(), path.c_str()) != 0)
        throw CliError(exit_io, path, "cannot rename the temporary file: " + errno_text());
    guard.keep();
    Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY));
    if (dfd.get() >= 0) ::fsync(dfd.get());  // best effort: the rename itself is durable
}

}  // namespace ukpu::cli
