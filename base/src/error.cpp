#include "ukpu/base/error.hpp"

namespace ukpu::base {

const char* to_string(ErrorCode code) {
    switch (code) {
        case ErrorCode::create_directory:
            return "create-directory";
        case ErrorCode::open:
            return "open";
        case ErrorCode::stat:
            return "stat";
        case ErrorCode::not_regular:
            return "not-regular";
        case ErrorCode::exists:
            return "exists";
        case ErrorCode::set_mode:
            return "set-mode";
        case ErrorCode::read:
            return "read";
        case ErrorCode::write:
            return "write";
        case ErrorCode::sync:
            return "sync";
        case ErrorCode::close:
            return "close";
        case ErrorCode::rename:
            return "rename";
        case ErrorCode::bad_text:
            return "bad-text";
    }
    return "unknown";
}

namespace {
std::string compose(const std::string& message, const std::filesystem::path& path) {
    return path.empty() ? message : path.string() + ": " + message;
}
}  // namespace

Error::Error(ErrorCode code, const std::string& message, std::filesystem::path path,
             int system_error)
    : std::runtime_error(compose(message, path)),
      code_(code),
      message_(message),
      path_(std::move(path)),
      system_error_(system_error) {}

}  // namespace ukpu::base
