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

void print_warning(const GlobalOptions& g, const std::string& what) {
    if (!g.quiet) std::cerr << "ukpu: warning: " << what << '\n';
}

void print_note(const GlobalOptions& g, const std::string& text) {
    if (!g.quiet) std::cerr << text << '\n';
}

void print_json(const Json& doc) {
    std::cout << doc.dump() << '\n' << std::flush;
}

}  // namespace ukpu::cli
