#include "ukpu/fatwriter/error.hpp"

namespace ukpu::fat {

const char* to_string(ErrorCode code) {
    switch (code) {
        case ErrorCode::io:
            return "io";
        case ErrorCode::cannot_open:
            return "cannot-open";
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

Error::Error(ErrorCode code, const std::string& message, Location where)
    : std::runtime_error(base::with_location(where, message)),
      code_(code),
      message_(message),
      where_(std::move(where)) {}

}  // namespace ukpu::fat
