#include "ukpu/fatwriter/error.hpp"

#include <cstdio>

namespace ukpu::fat {

const char* to_string(ErrorCode code) {
    switch (code) {
        case ErrorCode::io:
            return "io";
        case ErrorCode::bad_argument:
            return "bad-argument";
        case ErrorCode::bad_geometry:
            return "bad-geometry";
        case ErrorCode::bad_mbr:
            return "bad-mbr";
        case ErrorCode::bad_bpb:
            return "bad-bpb";
        case ErrorCode::bad_fat:
            return "bad-fat";
        case ErrorCode::bad_directory:
            return "bad-directory";
        case ErrorCode::not_found:
            return "not-found";
        case ErrorCode::no_space:
            return "no-space";
        case ErrorCode::unsupported:
            return "unsupported";
    }
    return "unknown";
}

std::string Location::str() const {
    std::string out = field;
    auto add = [&out](const std::string& part) {
        if (!out.empty()) out += ", ";
        out += part;
    };
    if (cluster) add("cluster " + std::to_string(*cluster));
    if (offset) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "offset 0x%llx", static_cast<unsigned long long>(*offset));
        add(buf);
    }
    return out;
}

namespace {
std::string compose(const std::string& message, const Location& where) {
    std::string w = where.str();
    return w.empty() ? message : w + ": " + message;
}
}  // namespace

Error::Error(ErrorCode code, const std::string& message, Location where)
    : std::runtime_error(compose(message, where)),
      code_(code),
      message_(message),
      where_(std::move(where)) {}

}  // namespace ukpu::fat
