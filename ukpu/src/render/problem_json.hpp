// setupbin findings as JSON objects and as the human lines every command prints.
#pragma once

#include <string>

#include "context.hpp"
#include "render/json.hpp"
#include "ukpu/setupbin/problem.hpp"

namespace ukpu::cli {

// {"firmware", "severity", "code", "where", "message", "record", "offset", "field"}
Json problem_json(const setupbin::Problem& p);
Json problems_json(const setupbin::Problems& ps);

// "error [mebx] record 1, 2/29 Manual Setup and Configuration, offset 0x29c: message"
std::string problem_line(const setupbin::Problem& p);

// The checker's findings of a file about to be written, one line per kind of finding with its
// records (every record with --verbose; info only then): errors as errors when `refused`, else
// as warnings saying the file is written despite them (--force); warnings as warnings.
void print_findings(const GlobalOptions& g, const setupbin::Problems& ps, bool refused);

// The exit code of a setup.bin the checker refused: bad input when the new MEBx password (read
// from --new-password-file) breaks the ME's password policy, as keys generate says of it; else a
// finding (problems).
int refused_exit_code(const setupbin::Problems& ps);

}  // namespace ukpu::cli
