// The one error type of the setupbin library: a code, a message and the offending location.
#pragma once

#include <stdexcept>
#include <string>

#include "ukpu/base/location.hpp"

namespace ukpu::setupbin {

enum class ErrorCode {
    truncated,          // the file ends before a structure it declares
    unknown_guid,       // FileTypeUUID is none of the four setup.bin GUIDs
    version_mismatch,   // Major/Minor do not match the GUID
    bad_header,         // a header field has a value no firmware accepts (zero chunk counts, ...)
    count_mismatch,     // counts and file size disagree
    consumed_overflow,  // DataRecordsConsumed > DataRecordCount
    bad_record,         // a record header field is invalid
    entry_overrun,      // an entry runs past the end of its record
    bad_length,         // a variable's length does not fit its type
    bad_value,          // a variable's value is outside what it allows
    bad_argument,       // a caller-supplied value (option, text form) is malformed
    rule,               // a firmware rule is broken (checker findings)
    password_policy,    // the new MEBx password breaks the ME's password policy
};

const char* to_string(ErrorCode code);

// Where a problem is: a record number (1-based, as in the file), a byte offset from the start of
// the file, and a field or variable name. Any part may be absent. Name the members when making
// one: `Location{.offset = o, .field = f, .record = r}`.
using Location = base::Location;

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message, Location where = {});

    ErrorCode code() const noexcept { return code_; }
    const Location& where() const noexcept { return where_; }
    // The bare message, without the location prefix that what() carries.
    const std::string& message() const noexcept { return message_; }

private:
    ErrorCode code_;
    std::string message_;
    Location where_;
};

}  // namespace ukpu::setupbin
