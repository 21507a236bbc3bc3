// The one error type of the device-discovery library: a code, a message and where it happened
// (a sysfs path, a mountinfo line). The library never prints; the command line reports these.
#pragma once

#include <stdexcept>
#include <string>

namespace ukpu::devices {

enum class ErrorCode {
    io,         // a file of sysfs, mountinfo or swaps could not be read
    malformed,  // a line of mountinfo or a sysfs value is not what the kernel writes
    not_found,  // the named device is not in sysfs
};

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, std::string message, std::string location)
        : std::runtime_error(location.empty() ? message : location + ": " + message),
          code_(code),
          message_(std::move(message)),
          location_(std::move(location)) {}
    ErrorCode code() const noexcept { return code_; }
    const std::string& message() const noexcept { return message_; }
    const std::string& location() const noexcept { return location_; }

private:
    ErrorCode code_;
    std::string message_;
    std::string location_;
};

}  // namespace ukpu::devices
