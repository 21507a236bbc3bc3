#include "ukpu/provision/secret_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

#include <sys/stat.h>

#include "ukpu/base/error.hpp"
#include "ukpu/base/files.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/reporter.hpp"

namespace ukpu::provision {

namespace {

// `path` as a shell word: as is when it holds nothing the shell would take apart.
std::string shell_word(const std::string& path) {
    const bool plain = !path.empty() && path.find_first_not_of(
                                            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                            "0123456789/._-+,:@%=") == std::string::npos;
    if (plain) return path;
    std::string out = "'";
    for (char c : path) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

// What group and others may do with a regular file of mode `mode`, or "" when nothing.
std::string exposure(mode_t mode) {
    const bool readable = (mode & (S_IRGRP | S_IROTH)) != 0;
    const bool writable = (mode & (S_IWGRP | S_IWOTH)) != 0;
    if (readable && writable) return "readable and writable";
    if (readable) return "readable";
    if (writable) return "writable";
    return {};
}

std::string mode_text(mode_t mode) {
    static const char digits[] = "01234567";
    const unsigned m = static_cast<unsigned>(mode) & 07777u;
    std::string out;
    for (int shift = 9; shift >= 0; shift -= 3) out += digits[(m >> shift) & 7u];
    return out;
}

// The warning for `st` of `path`, or "".
std::string warning_of(const std::string& path, const struct stat& st) {
    if (!S_ISREG(st.st_mode)) return {};
    const std::string how = exposure(st.st_mode);
    if (how.empty()) return {};
    return path + " is " + how + " by others (mode " + mode_text(st.st_mode) + "); chmod 600 " +
           shell_word(path);
}

// What write_file_atomic and OutputFile throw for a failed step of the atomic writer.
Error output_error(const base::Error& e) {
    if (e.code() == base::ErrorCode::exists)
        return Error(Status::refused, e.path().string(),
                     "already exists; add --overwrite to replace it (nothing was written)");
    return Error(e.code() == base::ErrorCode::not_regular ? Status::refused : Status::io,
                 e.path().string(), e.message());
}

}  // namespace

std::string secret_file_warning(const std::string& path) {
    struct stat st {};
    if (path.empty() || path == "-" || ::stat(path.c_str(), &st) != 0) return {};
    return warning_of(path, st);
}

std::string SecretReader::read(const std::string& path, const std::string& what) {
    std::string content = read_secret(path, what);
    check(path);
    return content;
}

void SecretReader::check(const std::string& path) {
    struct stat st {};
    if (path.empty() || path == "-" || ::stat(path.c_str(), &st) != 0) return;
    const std::string w = warning_of(path, st);
    if (w.empty()) return;
    if (!warned_
             .emplace(static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino))
             .second)
        return;
    if (warnings_ != nullptr) warnings_->push_back(w);
    reporter_.warning(w);
}

std::vector<std::uint8_t> read_input_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw Error(Status::bad_input, path, std::string("cannot read: ") + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) throw Error(Status::bad_input, path, "is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(Status::bad_input, path, std::string("cannot open: ") + std::strerror(errno));
    std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
    if (in.bad()) throw Error(Status::bad_input, path, "read error");
    return data;
}

std::string read_secret(const std::string& path, const std::string& what) {
    std::string content;
    if (path == "-") {
        content.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        if (std::cin.bad()) throw Error(Status::bad_input, what + " (stdin)", "read error");
    } else {
        try {
            auto bytes = read_input_file(path);
            content.assign(bytes.begin(), bytes.end());
        } catch (const Error& e) {
            throw Error(e.code(), what + " " + path, e.message());
        }
    }
    if (!content.empty() && content.back() == '\n') {
        content.pop_back();
        if (!content.empty() && content.back() == '\r') content.pop_back();
    }
    return content;
}

void write_file_atomic(const std::string& path, std::span<const std::uint8_t> data,
                       bool overwrite) {
    try {
        base::write_file_atomic(path, data, 0600, overwrite);
    } catch (const base::Error& e) {
        throw output_error(e);
    }
}

OutputFile::OutputFile(const std::string& path, bool overwrite) {
    try {
        file_ = std::make_unique<base::AtomicFile>(path, 0600, overwrite);
    } catch (const base::Error& e) {
        throw output_error(e);
    }
}

OutputFile::~OutputFile() = default;

void OutputFile::write(std::string_view text) {
    try {
        file_->write(std::span<const std::uint8_t>(
            reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
    } catch (const base::Error& e) {
        throw output_error(e);
    }
}

void OutputFile::commit() {
    try {
        file_->commit();
    } catch (const base::Error& e) {
        throw output_error(e);
    }
}

void refuse_existing_output(const std::string& path, bool overwrite, const std::string& nothing) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return;
    if (!S_ISREG(st.st_mode))
        throw Error(Status::refused, path,
                    "exists and is not a regular file; refusing to replace it (" + nothing + ")");
    if (!overwrite)
        throw Error(Status::refused, path,
                    "already exists; add --overwrite to replace it (" + nothing + ")");
}

}  // namespace ukpu::provision
