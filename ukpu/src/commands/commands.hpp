// Each command adds its CLI11 subcommand and returns how to run it once the line is parsed.
#pragma once

#include <functional>

#include "cli_fwd.hpp"

#include "context.hpp"

namespace ukpu::cli {

struct Command {
    CLI::App* app = nullptr;
    std::function<int()> run;  // returns the exit code; throws CliError or setupbin::Error
};

Command add_setupbin_show(CLI::App& setupbin, const GlobalOptions& g);
Command add_setupbin_check(CLI::App& setupbin, const GlobalOptions& g);
Command add_setupbin_create(CLI::App& setupbin, const GlobalOptions& g);
Command add_setupbin_edit(CLI::App& setupbin, const GlobalOptions& g);
Command add_cert_hash(CLI::App& app, const GlobalOptions& g);
Command add_build(CLI::App& app, const GlobalOptions& g);
Command add_verify(CLI::App& app, const GlobalOptions& g);
Command add_repair(CLI::App& app, const GlobalOptions& g);
Command add_devices(CLI::App& app, const GlobalOptions& g);

}  // namespace ukpu::cli
