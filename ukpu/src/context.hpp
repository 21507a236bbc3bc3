// What every command shares: the global flags and the machine the services work against, the
// command line's error type (its code is the exit code), and the output helpers that keep stdout
// clean for --json.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "exit_codes.hpp"
#include "render/json.hpp"
#include "ukpu/provision/context.hpp"
#include "ukpu/provision/secret_file.hpp"

namespace ukpu::cli {

struct GlobalOptions {
    bool json = false;
    bool quiet = false;
    bool verbose = false;
    bool yes = false;
    bool dry_run = false;
    bool events = false;  // --events: a JSON line for each report (render/event_stream.hpp)
    // The machine and fault plan the services get: the running system, or in the test build
    // what its main read from the environment.
    provision::Context context;
};

// An error that ends the command: printed as "ukpu: error: <location>: <message>" and mapped
// to `code` as the exit status.
class CliError : public std::runtime_error {
public:
    CliError(int code, std::string location, std::string message)
        : std::runtime_error(location.empty() ? message : location + ": " + message),
          code_(code),
          location_(std::move(location)),
          message_(std::move(message)) {}
    int code() const noexcept { return code_; }
    const std::string& location() const noexcept { return location_; }
    const std::string& message() const noexcept { return message_; }

private:
    int code_;
    std::string location_;
    std::string message_;
};

// "ukpu: error: <what>" on stderr.
void print_error(const std::string& what);
// "ukpu: warning: <what>" on stderr, unless --quiet (which prints errors only).
void print_warning(const GlobalOptions& g, const std::string& what);
// Human progress and summaries on stderr, unless --quiet.
void print_note(const GlobalOptions& g, const std::string& text);
// The one JSON document of a --json run, on stdout.
void print_json(const Json& doc);

// Reads a whole file. Throws provision::Error (bad_input) naming the path when it cannot.
using provision::read_input_file;

}  // namespace ukpu::cli
