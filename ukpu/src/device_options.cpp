#include <CLI/CLI.hpp>

#include "device_options.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>

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

void add_device_safety_options(CLI::App& sub, provision::DeviceWritePolicy& policy) {
    const std::string group = "Safety (block devices)";
    sub.add_flag("--allow-non-usb", policy.allow_non_usb,
                 "Allow a disk that is not USB mass storage (its name must be typed to confirm)")
        ->group(group);
    sub.add_flag("--unmount", policy.unmount,
                 "Unmount the stick's mounted partitions first (refused if that fails)")
        ->group(group);
    sub.add_option("--confirm", policy.confirm,
                   "A device name (loop3 or /dev/loop3), confirming in a script what would be "
                   "typed on a terminal (repeatable: one per device; each must name a device "
                   "being written)")
        ->type_name("NAME")
        ->group(group);
}

void add_key_target_options(CLI::App& sub, std::string& image, std::vector<std::string>& devices,
                            std::uint32_t& sector_size, const std::string& device_help) {
    auto* image_opt = sub.add_option("--image", image, "A key image file");
    auto* device_opt = sub.add_option("--device", devices, device_help);
    image_opt->excludes(device_opt);
    sector_size = 0;  // read from the image
    sub.add_option("--sector-size", sector_size,
                   "Logical sector size of an image file, overriding what its boot sector and "
                   "partition table say")
        ->check(CLI::IsMember({512u, 1024u, 2048u, 4096u}))
        ->default_str("from the image");
    sub.callback([image_opt, device_opt] {
        if (image_opt->count() == 0 && device_opt->count() == 0)
            throw CLI::ValidationError("--image/--device", "give --image FILE or --device DEV");
    });
}

}  // namespace ukpu::cli
