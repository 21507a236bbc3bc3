#include "support/oracle.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>

namespace ukpu::test {

CommandResult run_command(const std::string& command) {
    CommandResult r;
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
    const int status = ::pclose(p);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

bool tool_available(const std::string& name) {
    return run_command("command -v " + shell_quote(name) + " >/dev/null").exit_code == 0;
}

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

LoopDevice::LoopDevice(const std::filesystem::path& image, std::uint64_t offset,
                       std::uint32_t sector_size) {
    if (::geteuid() != 0 || !tool_available("losetup")) {
        error_ = "loop devices need root and losetup";
        return;
    }
    const auto r = run_command("losetup -f --show -o " + std::to_string(offset) + " -b " +
                               std::to_string(sector_size) + " " + shell_quote(image.string()));
    if (r.exit_code != 0 || r.output.rfind("/dev/loop", 0) != 0) {
        error_ = "losetup failed: " + r.output;
        return;
    }
    path_ = r.output.substr(0, r.output.find('\n'));
}

LoopDevice::~LoopDevice() {
    if (!path_.empty()) run_command("losetup -d " + shell_quote(path_));
}

}  // namespace ukpu::test
