// Runs the built ukpu binary (UKPU_BINARY) with arguments and captures its exit code, stdout and
// stderr; runs shell command lines for the other tools.
#pragma once

#include <string>
#include <vector>

namespace ukpu::test {

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs UKPU_BINARY with `args` (no shell), `stdin_text` on its standard input.
RunResult run_ukpu(const std::vector<std::string>& args, const std::string& stdin_text = "");

// Runs a shell command line (for the openssl tool); returns its exit status.
int run_shell(const std::string& command);

}  // namespace ukpu::test
