// The options of the commands that write or read a key's device: --image/--device and
// --sector-size, the safety options, and sizes as the command line writes them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli_fwd.hpp"

#include "context.hpp"
#include "ukpu/provision/device_safety.hpp"

namespace ukpu::cli {

// "64M", "64MiB", "2G", "512K", "1048576" (binary multiples). Throws CliError (exit_usage).
std::uint64_t parse_size(const std::string& text, const std::string& option);

// Adds --allow-non-usb, --unmount and --confirm (repeatable) to a command, in a "Safety" group.
void add_device_safety_options(CLI::App& sub, provision::DeviceWritePolicy& policy);

// --image FILE or --device DEV (repeatable; one of the two is required) and --sector-size for
// an image file, shared by the commands that read or change an existing key.
void add_key_target_options(CLI::App& sub, std::string& image, std::vector<std::string>& devices,
                            std::uint32_t& sector_size, const std::string& device_help);

}  // namespace ukpu::cli
