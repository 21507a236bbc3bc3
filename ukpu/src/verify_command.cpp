// `ukpu verify (--image FILE | --device DEV) [--firmware ...]`: reads a key as each firmware
// generation reads it; exit 0 only when every generation asked for finds a usable record.
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "key_target.hpp"
#include "verify_report.hpp"

namespace ukpu::cli {

namespace {

struct VerifyCliOptions {
    std::string image;
    std::string device;
    std::string firmware = "all";
    std::uint32_t sector_size = 512;
};

int run_verify(const VerifyCliOptions& o, const GlobalOptions& g) {
    const fat::VerifyOptions vo = parse_generations(o.firmware);
    const std::string target = o.image.empty() ? o.device : o.image;
    auto dev = open_for_read(target, o.sector_size);
    fat::VerifyReport r;
    try {
        r = fat::verify_key(*dev, vo);
    } catch (const fat::Error& e) {
        throw CliError(exit_code_for(e), target, e.message());
    }
    if (g.json) {
        Json doc = verify_json(r);
        doc.set("target", target);
        print_json(doc);
    } else {
        print_verify(std::cout, r, g);
        std::cout << target << ": "
                  << (r.ok() ? "ok" : "NOT usable by every firmware generation asked for") << '\n';
    }
    return r.ok() ? exit_ok : exit_problems;
}

}  // namespace

Command add_verify(CLI::App& app, const GlobalOptions& g) {
    auto o = std::make_shared<VerifyCliOptions>();
    CLI::App* sub =
        app.add_subcommand("verify", "Read a key as each firmware generation would read it");
    sub->fallthrough();
    add_key_target_options(*sub, o->image, o->device, o->sector_size, "A block device (read only)");
    sub->add_option("--firmware", o->firmware, "legacy, uefi, mebx, all, or a comma-separated list")
        ->default_str("all");
    sub->footer(
        "legacy: old BIOSes reading the stick with raw sector I/O (FAT16, SETUP.BIN first in the\n"
        "root, contiguous); uefi: UEFI BIOSes opening \\setup.bin through their FAT driver;\n"
        "mebx: the UEFI path with the modern MEBx content rules.\n"
        "Exit codes: 0 every generation asked for finds a usable record; 1 not; 3 unreadable\n"
        "input; 5 I/O error.");
    return {sub, [o, &g] { return run_verify(*o, g); }};
}

}  // namespace ukpu::cli
