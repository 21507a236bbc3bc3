// The ukpu command line: global flags, subcommand wiring, and the mapping of errors to exit codes.
#pragma once

#include "ukpu/provision/context.hpp"

namespace ukpu::cli {

// Parses argv, runs the command against `context` (the machine and fault plan the services get),
// prints errors as "ukpu: error: ...", returns the exit code.
int run(int argc, char** argv, const provision::Context& context);

}  // namespace ukpu::cli
