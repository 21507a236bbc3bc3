#include "ukpu/keys/error.hpp"

namespace ukpu::keys {

const char* to_string(ErrorCode code) {
    switch (code) {
        case ErrorCode::bad_argument:
            return "bad argument";
        case ErrorCode::bad_input:
            return "bad input";
        case ErrorCode::not_a_store:
            return "not a ukpu key store";
        case ErrorCode::newer_schema:
            return "newer schema";
        case ErrorCode::duplicate_pid:
            return "duplicate PID";
        case ErrorCode::weak_password:
            return "weak password";
        case ErrorCode::not_found:
            return "not found";
        case ErrorCode::key_mismatch:
            return "key does not match";
        case ErrorCode::refused:
            return "refused";
        case ErrorCode::io:
            return "I/O error";
    }
    return "error";
}

Error::Error(ErrorCode code, const std::string& message, std::string where)
    : std::runtime_error(where.empty() ? message : where + ": " + message),
      code_(code),
      message_(message),
      where_(std::move(where)) {}

}  // namespace ukpu::keys
