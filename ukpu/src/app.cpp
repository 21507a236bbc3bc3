#include "app.hpp"
#include "app_definition.hpp"

#include <csignal>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "commands/commands.hpp"
#include "commands/keys_command.hpp"
#include "context.hpp"
#include "exit_codes.hpp"
#include "ukpu/devices/error.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/setupbin/error.hpp"

namespace ukpu::cli {

namespace {

extern "C" void on_interrupt(int) {
    static const char msg[] = "\nukpu: interrupted\n";
    ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    ::_exit(exit_interrupted);
}

void add_global_flags(CLI::App& app, GlobalOptions& g) {
    const std::string group = "Global options";
    app.add_flag("--json", g.json, "One JSON document on stdout; human text on stderr")
        ->group(group);
    app.add_flag("-q,--quiet", g.quiet, "Only errors and warnings on stderr")->group(group);
    app.add_flag("-v,--verbose", g.verbose, "More detail (informational findings too)")
        ->group(group);
    app.add_flag("-y,--yes", g.yes, "Answer yes to confirmations")->group(group);
    app.add_flag("--dry-run", g.dry_run, "Show what would be done, change nothing")->group(group);
    app.add_flag("--events", g.events,
                 "Reports as JSON lines on stdout while the command runs (notes, progress, each "
                 "stick's outcome), and a stop asked by a line \"stop\" on stdin: what ukpu-gui "
                 "reads from the worker it starts")
        ->group(group);
}

// Prints the error on stderr and, with --json, the one JSON document stdout owes the caller
// (commands throw before they print theirs). Returns `code`.
int fail(const GlobalOptions& g, int code, const std::string& location,
         const std::string& message) {
    print_error(location.empty() ? message : location + ": " + message);
    if (g.json) {
        Json err = Json::object();
        err.set("exit_code", code);
        err.set("where", location);
        err.set("message", message);
        Json doc = Json::object();
        doc.set("ok", false);
        doc.set("error", err);
        print_json(doc);
    }
    return code;
}

}  // namespace

std::vector<Command> define_commands(CLI::App& app, GlobalOptions& g) {
    app.description("ukpu builds, checks and repairs Intel AMT one-touch USB provisioning keys");
    app.name("ukpu");
    app.require_subcommand(1);
    // Before the subcommands: `setupbin create`, `build` and `keys generate` have a --version of
    // their own (the file format), which wins after their command words.
    app.set_version_flag("--version", std::string("ukpu ") + UKPU_VERSION,
                         "Print the version of ukpu and exit");
    add_global_flags(app, g);
    app.footer(
        "Global options are accepted before or after the command words.\n"
        "Exit codes: 0 done; 1 a check found problems; 2 usage; 3 bad input (unreadable or\n"
        "malformed, with field and offset named); 4 refused for safety; 5 I/O error;\n"
        "130 interrupted.");

    CLI::App* setupbin = app.add_subcommand("setupbin", "Read, check and write setup.bin files");
    setupbin->require_subcommand(1);
    setupbin->fallthrough();

    std::vector<Command> commands;
    commands.push_back(add_setupbin_show(*setupbin, g));
    commands.push_back(add_setupbin_check(*setupbin, g));
    commands.push_back(add_setupbin_create(*setupbin, g));
    commands.push_back(add_setupbin_edit(*setupbin, g));
    commands.push_back(add_cert_hash(app, g));
    for (auto& c : add_keys(app, g)) commands.push_back(std::move(c));
    commands.push_back(add_build(app, g));
    commands.push_back(add_verify(app, g));
    commands.push_back(add_repair(app, g));
    commands.push_back(add_devices(app, g));
    return commands;
}

int run(int argc, char** argv, const provision::Context& context) {
    std::signal(SIGINT, on_interrupt);

    GlobalOptions g;
    g.context = context;
    CLI::App app;
    const std::vector<Command> commands = define_commands(app, g);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        print_error(e.what());
        std::cerr << "Run with --help for more information.\n";
        return exit_usage;
    }

    try {
        for (const auto& c : commands)
            if (c.app->parsed()) return c.run();
        print_error("no command given");
        return exit_usage;
    } catch (const CliError& e) {
        return fail(g, e.code(), e.location(), e.message());
    } catch (const provision::Error& e) {
        return fail(g, exit_code(e.code()), e.location(), e.message());
    } catch (const keys::Error& e) {
        return fail(g, exit_code(e), e.where(), e.message());
    } catch (const devices::Error& e) {
        return fail(g, exit_code(e), e.location(), e.message());
    } catch (const setupbin::Error& e) {
        return fail(g, exit_code(e), e.where().str(), e.message());
    } catch (const fat::Error& e) {
        return fail(g, exit_code(e), e.where().str(), e.message());
    } catch (const std::exception& e) {
        return fail(g, exit_io, "", e.what());
    }
}

}  // namespace ukpu::cli
