// Runs the built ukpu binary with arguments and captures its exit code, stdout and stderr.
#pragma once

#include <cstdint>
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

std::vector<std::uint8_t> read_bytes(const std::string& path);
void write_text(const std::string& path, const std::string& text);

// A fresh directory under the system temp dir, removed when the object goes away.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string path(const std::string& name) const { return dir_ + "/" + name; }
    const std::string& dir() const { return dir_; }

private:
    std::string dir_;
};

std::string corpus(const std::string& name);   // UKPU_CORPUS_DIR/name
std::string samples(const std::string& name);  // UKPU_SAMPLES_DIR/name

}  // namespace ukpu::test
