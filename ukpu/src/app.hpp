// The ukpu command line: global flags, subcommand wiring, and the mapping of errors to exit codes.
#pragma once

namespace ukpu::cli {

// Parses argv, runs the command, prints errors as "ukpu: error: ...", returns the exit code.
int run(int argc, char** argv);

}  // namespace ukpu::cli
