#include <CLI/CLI.hpp>

#include "key_target.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <iostream>

#include "ukpu/fatwriter/error.hpp"

namespace ukpu::cli {

std::uint64_t parse_size(const std::string& text, const std::string& option) {
    std::size_t i = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == 0 || i > 19) throw CliError(exit_usage, option, "'" + text + "' is not a size");
    std::uint64_t n = std::stoull(text.substr(0, i));
    std::string unit = text.substr(i);
    std::uint64_t mult = 1;
    if (!unit.empty()) {
        const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0])));
        const std::string rest = unit.substr(1);
        if (rest != "" && rest != "iB" && rest != "B" && rest != "ib")
            throw CliError(exit_usage, option, "'" + text + "' has an unknown unit");
        switch (u) {
            case 'B':
                mult = 1;
                break;
            case 'K':
                mult = 1ull << 10;
                break;
            case 'M':
                mult = 1ull << 20;
                break;
            case 'G':
                mult = 1ull << 30;
                break;
            case 'T':
                mult = 1ull << 40;
                break;
            default:
                throw CliError(exit_usage, option, "'" + text + "' has an unknown unit");
        }
    }
    if (n > UINT64_MAX / mult) throw CliError(exit_usage, option, "'" + text + "' is too large");
    return n * mult;
}

std::unique_ptr<fat::BlockDevice> open_device_for_write(const std::string& path,
                                                        bool allow_non_usb) {
    DeviceWritePolicy policy;
    policy.allow_non_usb = allow_non_usb;
    const devices::DeviceInfo disk = check_device_for_write(path, policy, false);
    return open_confirmed_device(disk, path);
}

std::unique_ptr<fat::BlockDevice> open_for_read(const std::string& path,
                                                std::uint32_t image_sector_size) {
    try {
        return fat::open_device(path, false, image_sector_size);
    } catch (const fat::Error& e) {
        const std::string why = permission_problem(path, false);
        throw CliError(exit_code_for(e), path, e.message() + (why.empty() ? "" : "; " + why));
    }
}

void confirm_overwrite(const GlobalOptions& g, const fat::BlockDevice& device) {
    if (g.yes) return;
    if (!::isatty(STDIN_FILENO))
        throw CliError(exit_refused, device.describe(),
                       "every byte on it may be overwritten; confirm with --yes");
    std::cerr << "ukpu: " << device.describe() << " (" << size_text(device.size_bytes())
              << ") will be erased. Type yes to continue: " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "yes") throw CliError(exit_refused, device.describe(), "not confirmed");
}

void add_key_target_options(CLI::App& sub, std::string& image, std::vector<std::string>& devices,
                            std::uint32_t& sector_size, const std::string& device_help) {
    auto* image_opt = sub.add_option("--image", image, "A key image file");
    auto* device_opt = sub.add_option("--device", devices, device_help);
    image_opt->excludes(device_opt);
    sub.add_option("--sector-size", sector_size, "Logical sector size of an image file")
        ->check(CLI::IsMember({512u, 1024u, 2048u, 4096u}))
        ->default_str("512");
    sub.callback([image_opt, device_opt] {
        if (image_opt->count() == 0 && device_opt->count() == 0)
            throw CLI::ValidationError("--image/--device", "give --image FILE or --device DEV");
    });
}

int exit_code_for(const fat::Error& e) {
    switch (e.code()) {
        case fat::ErrorCode::io:
            return exit_io;
        case fat::ErrorCode::bad_argument:
        case fat::ErrorCode::bad_geometry:
        case fat::ErrorCode::no_space:
            return exit_usage;
        default:
            return exit_bad_input;
    }
}

}  // namespace ukpu::cli
