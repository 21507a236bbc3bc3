#include "ukpu/setupbin/error.hpp"

namespace ukpu::setupbin {

const char* to_string(ErrorCode code) {
    switch (code) {
        case ErrorCode::truncated:
            return "truncated";
        case ErrorCode::unknown_guid:
            return "unknown-guid";
        case ErrorCode::version_mismatch:
            return "version-mismatch";
        case ErrorCode::bad_header:
            return "bad-header";
        case ErrorCode::count_mismatch:
            return "count-mismatch";
        case ErrorCode::consumed_overflow:
            return "consumed-overflow";
        case ErrorCode::bad_record:
            return "bad-record";
        case ErrorCode::entry_overrun:
            return "entry-overrun";
        case ErrorCode::bad_length:
            return "bad-length";
        case ErrorCode::bad_value:
            return "bad-value";
        case ErrorCode::password_policy:
            return "password-policy";
        case ErrorCode::bad_argument:
            return "bad-argument";
        case ErrorCode::rule:
            return "rule";
    }
    return "unknown";
}

Error::Error(ErrorCode code, const std::string& message, Location where)
    : std::runtime_error(base::with_location(where, message)),
      code_(code),
      message_(message),
      where_(std::move(where)) {}

}  // namespace ukpu::setupbin
