// The exit codes of every ukpu command, and the one table that turns each library's error (and
// each service outcome) into one of them.
#pragma once

#include "ukpu/provision/status.hpp"

namespace ukpu::setupbin {
class Error;
}
namespace ukpu::fat {
class Error;
}
namespace ukpu::keys {
class Error;
}
namespace ukpu::devices {
class Error;
}

namespace ukpu::cli {

enum ExitCode : int {
    exit_ok = 0,            // done
    exit_problems = 1,      // a check found problems
    exit_usage = 2,         // the command line is wrong
    exit_bad_input = 3,     // unreadable or malformed input, with field and offset named
    exit_refused = 4,       // refused for safety
    exit_io = 5,            // I/O error
    exit_interrupted = 130  // interrupted (SIGINT)
};

// A service outcome or error status.
int exit_code(provision::Status s);
// The libraries' errors that reach the command line as they are.
int exit_code(const setupbin::Error& e);
int exit_code(const fat::Error& e);
int exit_code(const keys::Error& e);
int exit_code(const devices::Error& e);

// The more serious of two exit codes (interrupted, I/O, refused, bad input, usage, problems).
int worse_exit(int a, int b);

}  // namespace ukpu::cli
