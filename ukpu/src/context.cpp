#include "context.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <system_error>

#include <sys/stat.h>

namespace ukpu::cli {

void print_error(const std::string& what) {
    std::cerr << "ukpu: error: " << what << '\n';
}

void print_warning(const std::string& what) {
    std::cerr << "ukpu: warning: " << what << '\n';
}

void print_note(const GlobalOptions& g, const std::string& text) {
    if (!g.quiet) std::cerr << text << '\n';
}

void print_json(const Json& doc) {
    std::cout << doc.dump() << '\n' << std::flush;
}

std::vector<std::uint8_t> read_input_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw CliError(exit_bad_input, path, std::string("cannot read: ") + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) throw CliError(exit_bad_input, path, "is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw CliError(exit_bad_input, path, std::string("cannot open: ") + std::strerror(errno));
    std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
    if (in.bad()) throw CliError(exit_bad_input, path, "read error");
    return data;
}

}  // namespace ukpu::cli
