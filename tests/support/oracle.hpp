// Running the independent tools (fsck.fat, mtools, blkid, losetup) from tests: the oracles that
// check what ukpu wrote without ukpu's code.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace ukpu::test {

inline constexpr std::uint64_t MiB = 1024 * 1024;

struct CommandResult {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};

// Runs `command` through /bin/sh, capturing its output.
CommandResult run_command(const std::string& command);
bool tool_available(const std::string& name);
std::string shell_quote(const std::string& s);

// A loop device over an image (or a window of it) for the tools that need a block device;
// detached when destroyed. `ok()` is false where loop devices cannot be set up (not root).
class LoopDevice {
public:
    LoopDevice(const std::filesystem::path& image, std::uint64_t offset, std::uint32_t sector_size);
    ~LoopDevice();
    LoopDevice(const LoopDevice&) = delete;
    LoopDevice& operator=(const LoopDevice&) = delete;
    bool ok() const { return !path_.empty(); }
    const std::string& path() const { return path_; }
    const std::string& error() const { return error_; }

private:
    std::string path_;
    std::string error_;
};

}  // namespace ukpu::test
