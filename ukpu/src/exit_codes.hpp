// The exit codes of every ukpu command (design.md, "Command line").
#pragma once

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

}  // namespace ukpu::cli
