// The device a key is built on or read from: an image file, or a block device under the safety
// rules (until USB discovery: loop devices only, anything else with --allow-non-usb).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "context.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/error.hpp"

namespace ukpu::cli {

// "64M", "64MiB", "2G", "512K", "1048576" (binary multiples). Throws CliError (exit_usage).
std::uint64_t parse_size(const std::string& text, const std::string& option);
// "64 MiB", "2 GiB", "1.5 GiB"
std::string size_text(std::uint64_t bytes);

// Opens `path` for writing a key. A block device must be a loop device unless `allow_non_usb`;
// anything else is refused (exit_refused). Throws CliError with the exit code to use.
std::unique_ptr<fat::BlockDevice> open_device_for_write(const std::string& path,
                                                        bool allow_non_usb);
// Opens an image or device read-only.
std::unique_ptr<fat::BlockDevice> open_for_read(const std::string& path,
                                                std::uint32_t image_sector_size);

// Asks before a device is overwritten: with --yes, or a typed "yes" on a terminal; otherwise
// refused (exit_refused).
void confirm_overwrite(const GlobalOptions& g, const fat::BlockDevice& device);

// Maps a fatwriter error to the exit code of the contract.
int exit_code_for(const fat::Error& e);

}  // namespace ukpu::cli
