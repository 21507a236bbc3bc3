// `ukpu verify (--image FILE | --device DEV) [--firmware ...]`: reads a key as each firmware
// generation reads it; exit 0 only when every generation asked for finds a usable record.
#include <iostream>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "commands/commands.hpp"
#include "device_options.hpp"
#include "exit_codes.hpp"
#include "render/key_report.hpp"
#include "render/verify_report.hpp"
#include "ukpu/provision/device_safety.hpp"
#include "ukpu/provision/generations.hpp"

namespace ukpu::cli {

namespace {

struct VerifyCliOptions {
    std::string image;
    std::vector<std::string> devices;
    std::optional<std::string> firmware;  // none: the generations the key's content is for
    std::uint32_t sector_size = 0;        // an image: read from it unless given
};

// Verifies one key; its report goes to stdout (text) or into `doc`.
int verify_one(const std::string& target, const VerifyCliOptions& o, const GlobalOptions& g,
               Json& doc) {
    auto dev = provision::open_for_read(target, o.sector_size, o.image.empty());
    fat::VerifyReport r;
    provision::Judgement judged;
    try {
        r = provision::verify_as_intended(*dev, o.firmware, judged);
    } catch (const fat::Error& e) {
        throw CliError(exit_code(e), target, e.message());
    }
    doc = verify_json(r);
    doc.set("target", target);
    doc.set("firmware", provision::firmware_list(judged.generations));
    Json left = Json::array();
    for (const auto& l : judged.left_out) left.push(Json(l));
    doc.set("left_out", left);
    if (!judged.left_out.empty()) print_note(g, target + ": " + judged.note());
    // Not a readable FAT volume, or one only fsck.fat can mend: malformed input, as for repair.
    const bool malformed = !r.ok() && r.malformed();
    if (!g.json) {
        print_verify(std::cout, r, g);
        std::cout << target << ": "
                  << (r.ok()      ? "ok"
                      : malformed ? "NOT a readable key (malformed or inconsistent FAT volume)"
                                  : "NOT usable by every firmware generation asked for")
                  << '\n';
    }
    if (malformed) {
        for (const auto& p : r.problems)
            if (p.severity == setupbin::Severity::error &&
                (p.defect == fat::Defect::unreadable || p.defect == fat::Defect::broken_chain)) {
                print_error(target + ": not a readable key: " + p.message);
                break;
            }
    }
    return r.ok() ? exit_ok : malformed ? exit_bad_input : exit_problems;
}

int run_verify(const VerifyCliOptions& o, const GlobalOptions& g) {
    if (o.firmware) (void)provision::verify_generations(*o.firmware);  // a usage error up front
    if (!o.image.empty() || o.devices.size() == 1) {
        Json doc;
        const int code = verify_one(o.image.empty() ? o.devices[0] : o.image, o, g, doc);
        if (g.json) print_json(doc);
        return code;
    }
    // Several sticks, one after another (reading is quick): each one's report, then how many
    // are usable, naming the others.
    int code = exit_ok;
    std::vector<StickLine> lines;
    Json all = Json::array();
    for (const auto& d : o.devices) {
        Json doc = Json::object();
        int c;
        try {
            c = verify_one(d, o, g, doc);
        } catch (const CliError& e) {
            c = e.code();
            print_error(e.location().empty() ? e.message() : e.location() + ": " + e.message());
            add_failure(doc, d, c, e.message());
        } catch (const provision::Error& e) {
            c = exit_code(e.code());
            print_error(e.location().empty() ? e.message() : e.location() + ": " + e.message());
            add_failure(doc, d, c, e.message());
        }
        devices::DeviceInfo disk;
        if (auto id = provision::identify_device(g.context, d)) {
            doc.set("device", stick_json(*id));
            disk = *id;
        }
        lines.push_back({d, disk, c});
        code = worse_exit(code, c);
        all.push(std::move(doc));
    }
    print_sticks_summary(g, "usable by every firmware generation asked for", lines);
    if (g.json) {
        Json doc = Json::object();
        doc.set("ok", code == exit_ok);
        doc.set("keys", std::move(all));
        print_json(doc);
    }
    return code;
}

}  // namespace

Command add_verify(CLI::App& app, const GlobalOptions& g) {
    auto o = std::make_shared<VerifyCliOptions>();
    CLI::App* sub =
        app.add_subcommand("verify", "Read a key as each firmware generation would read it");
    sub->fallthrough();
    add_key_target_options(*sub, o->image, o->devices, o->sector_size,
                           "A block device, read only (repeatable: several sticks one after "
                           "another, then a summary)");
    sub->add_option("--firmware", o->firmware,
                    "legacy, uefi, mebx, all, or a comma-separated list (default: the generations "
                    "the key's content is for)");
    sub->footer(
        "legacy: old BIOSes reading the stick with raw sector I/O (FAT16, SETUP.BIN first in the\n"
        "root, contiguous); uefi: UEFI BIOSes opening \\setup.bin through their FAT driver;\n"
        "mebx: the UEFI path with the modern MEBx content rules.\n"
        "Without --firmware a key is judged by the generations its content is for: a PID/PPS\n"
        "(PSK) key by legacy and UEFI BIOSes, since a modern MEBx rejects PSK by design (said\n"
        "once); --firmware all, or named generations, is a demand.\n"
        "Several --device sticks: each one's report, then how many are usable, naming the\n"
        "others by device, serial and USB port; --json prints {\"ok\": ..., \"keys\": [...]}.\n"
        "Exit codes: 0 every generation asked for finds a usable record (on every stick); 1 not;\n"
        "3 missing or unreadable input, or no readable FAT volume (no partition table or boot\n"
        "sector, or a FAT only fsck.fat can mend); 5 I/O error.");
    return {sub, [o, &g] { return run_verify(*o, g); }};
}

}  // namespace ukpu::cli
