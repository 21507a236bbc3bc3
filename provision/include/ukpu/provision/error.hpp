// The one error type of the application services: a status, a message and where (a path, a
// device, an option or a profile key). Services throw it and never print; the front ends show
// it and the command line maps its status to an exit code.
#pragma once

#include <stdexcept>
#include <string>

#include "ukpu/provision/status.hpp"

namespace ukpu::provision {

class Error : public std::runtime_error {
public:
    Error(Status code, std::string location, std::string message);
    Status code() const noexcept { return code_; }
    // "/dev/sdb", "--volume-id", "profile.toml: no-such-setting", or empty.
    const std::string& location() const noexcept { return location_; }
    // The bare message, without the location that what() carries in front.
    const std::string& message() const noexcept { return message_; }

private:
    Status code_;
    std::string location_;
    std::string message_;
};

}  // namespace ukpu::provision
