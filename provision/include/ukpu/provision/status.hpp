// How a service's work ended: done, or which kind of failure. The command line turns each into
// its exit code (one table, ukpu/src/exit_codes.cpp); the window into a stick's outcome.
#pragma once

#include <optional>
#include <string_view>

namespace ukpu::provision {

enum class Status {
    ok,            // done
    problems,      // done, but a check found problems (a key some firmware will not use)
    bad_argument,  // a setting or option value is wrong
    bad_input,     // an input is unreadable or malformed
    refused,       // refused for safety; nothing written
    io,            // a read, write or flush failed
    interrupted,   // stopped at a safe point on request (Ctrl-C, Stop)
};

const char* to_string(Status s);

// The status as one word for machine-readable output ("ok", "problems", "bad_argument",
// "bad_input", "refused", "io", "interrupted"), and back; nullopt for a word that is none of them.
const char* status_name(Status s);
std::optional<Status> status_from_name(std::string_view name);

// The more serious of two outcomes: interrupted, io, refused, bad_input, bad_argument,
// problems, ok.
Status worse(Status a, Status b);

}  // namespace ukpu::provision
