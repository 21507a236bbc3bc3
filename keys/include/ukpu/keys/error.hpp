// The one error type of the key-batch services: a code, a message and where (a path, a table, a
// record). Services throw it and never print; the command line maps the code to an exit status.
#pragma once

#include <stdexcept>
#include <string>

namespace ukpu::keys {

enum class ErrorCode {
    bad_argument,   // a caller-supplied value is out of range (count, per-key, format name)
    bad_input,      // an input file is unreadable or does not match the store
    not_a_store,    // the database file is not a ukpu key store
    newer_schema,   // the key store was written by a newer ukpu
    duplicate_pid,  // a PID that the store already holds
    weak_password,  // a new MEBx password the firmware would reject
    not_found,      // a batch, key file or store that is not there
    key_mismatch,   // the key is not the key file named for it (refused, nothing marked)
    refused,        // records that must not go on a key (voided, consumed, on another key)
    io,             // SQLite or the file system failed
};

const char* to_string(ErrorCode code);

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message, std::string where = {});

    ErrorCode code() const noexcept { return code_; }
    // The bare message, without the location prefix that what() carries.
    const std::string& message() const noexcept { return message_; }
    // A path, "table records", "record 12" ... or empty.
    const std::string& where() const noexcept { return where_; }

private:
    ErrorCode code_;
    std::string message_;
    std::string where_;
};

}  // namespace ukpu::keys
