// The error of the base library: what failed (a code), a message, the path it failed on and the
// errno of the system call (0 when none). Each library catches it and throws its own error with
// the message its users have always seen.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace ukpu::base {

enum class ErrorCode {
    create_directory,  // a directory could not be made
    open,              // a file could not be opened or created
    stat,              // a file's type and mode could not be read
    not_regular,       // the path exists and is not a regular file
    exists,            // the path exists and was not to be replaced
    set_mode,          // a file's mode could not be set
    read,              // a read failed
    write,             // a write failed
    sync,              // fsync failed
    close,             // close reported an error (the data may not be written)
    rename,            // the rename into place failed
    bad_text,          // text is not in the form asked for (hex digits)
};

const char* to_string(ErrorCode code);

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message, std::filesystem::path path = {},
          int system_error = 0);

    ErrorCode code() const noexcept { return code_; }
    // The bare message, without the path that what() starts with.
    const std::string& message() const noexcept { return message_; }
    // The file or directory the failure is about; empty for text.
    const std::filesystem::path& path() const noexcept { return path_; }
    // errno of the failed call, 0 when no call failed.
    int system_error() const noexcept { return system_error_; }

private:
    ErrorCode code_;
    std::string message_;
    std::filesystem::path path_;
    int system_error_;
};

}  // namespace ukpu::base
