// The whole command line as CLI11 objects: every command, option and help text, defined once.
// `run` parses with it; ukpu-docgen (ukpu/tools/) walks it to write the manual page and the bash
// completion, so that neither can drift from what `ukpu --help` says.
#pragma once

#include <vector>

#include "cli_fwd.hpp"
#include "commands/commands.hpp"
#include "context.hpp"

namespace ukpu::cli {

// Adds the global flags, --version and every command to `app` (an empty CLI::App); the commands
// keep references to `g`, which must outlive them.
std::vector<Command> define_commands(CLI::App& app, GlobalOptions& g);

}  // namespace ukpu::cli
