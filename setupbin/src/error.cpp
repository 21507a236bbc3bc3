#include "ukpu/setupbin/error.hpp"

#include <cstdio>

namespace ukpu::setupbin {

const char* to_string(ErrorCode code) {
    switch (code) {
        case ErrorCode::truncated: return "truncated";
        case ErrorCode::unknown_guid: return "unknown-guid";
        case ErrorCode::version_mismatch: return "version-mismatch";
        case ErrorCode::bad_header: return "bad-header";
        case ErrorCode::count_mismatch: return "count-mismatch";
        case ErrorCode::consumed_overflow: return "consumed-overflow";
        case ErrorCode::bad_record: return "bad-record";
        case ErrorCode::entry_overrun: return "entry-overrun";
        case ErrorCode::bad_length: return "bad-length";
        case ErrorCode::bad_value: return "bad-value";
        case ErrorCode::bad_argument: return "bad-argument";
        case ErrorCode::rule: return "rule";
    }
    return "unknown";
}

std::string Location::str() const {
    std::string out;
    auto add = [&out](const std::string& part) {
        if (!out.empty()) out += ", ";
        out += part;
    };
    if (record) add("record " + std::to_string(*record));
    if (!field.empty()) add(field);
    if (offset) {
        char buf[32];
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

}  // namespace ukpu::setupbin
