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

namespace ukpu::provision {

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

void write_file_atomic(const std::string& path, std::span<const std::uint8_t> data) {
    try {
        base::write_file_atomic(path, data, 0600);
    } catch (const base::Error& e) {
        throw Error(e.code() == base::ErrorCode::not_regular ? Status::refused : Status::io,
                    e.path().string(), e.message());
    }
}

}  // namespace ukpu::provision
