// `ukpu repair (--image FILE | --device DEV)`: makes setup.bin findable by every firmware,
// keeping every other file, through a host journal that makes an interrupted repair finish (or
// roll back) on the next run.
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "commands/commands.hpp"
#include "device_options.hpp"
#include "exit_codes.hpp"
#include "render/key_report.hpp"
#include "render/text_reporter.hpp"
#include "ukpu/fatwriter/journal.hpp"
#include "ukpu/fatwriter/repair.hpp"
#include "ukpu/provision/device_safety.hpp"
#include "ukpu/provision/key_repair.hpp"
#include "ukpu/provision/profile.hpp"

namespace ukpu::cli {

namespace pv = ukpu::provision;

namespace {

struct RepairCliOptions {
    std::string image;
    std::vector<std::string> devices;
    std::string setup_bin_name;
    std::string journal;
    bool strict = false;
    bool rollback = false;
    pv::DeviceWritePolicy policy;
    std::uint32_t sector_size = 0;        // an image: read from it unless given
    std::optional<std::string> firmware;  // none: the generations the key's content is for
};

// The document of several sticks: each one's, and whether all went well.
Json repairs_doc(Json& all, int code) {
    Json doc = Json::object();
    doc.set("ok", code == exit_ok);
    doc.set("repairs", std::move(all));
    return doc;
}

fat::RepairOptions repair_options(const RepairCliOptions& o) {
    fat::RepairOptions ro;
    if (!o.setup_bin_name.empty()) ro.setup_bin_name = o.setup_bin_name;
    ro.strict = o.strict;
    ro.roll_back = o.rollback;
    ro.journal_dir =
        o.journal.empty() ? pv::default_journal_dir() : std::filesystem::path(o.journal);
    return ro;
}

// The plan, without writing: a pending journal of this key (of the stick `disk`, or of the
// image when it is null) is applied to a preview first.
int plan_only(const RepairCliOptions& o, const GlobalOptions& g, const fat::RepairOptions& ro,
              const std::string& target, const devices::DeviceInfo* disk, Json& doc) {
    doc.set("ok", true);  // first, as in every document; set below
    doc.set("target", target);
    doc.set("journal_dir", ro.journal_dir.string());
    TextReporter reporter(g);
    const pv::RepairPreview p =
        pv::preview_repair(reporter, ro, target, o.sector_size, disk, o.firmware);
    doc.set("pending_journal", p.pending_journal ? Json(p.pending_journal->string()) : Json());
    doc.set("plan", plan_json(p.plan));
    doc.set("written", false);
    // What the repair would say afterwards: exit 1 and why when a generation the key is for
    // could not use it (a FAT32 key without --strict, for legacy BIOSes).
    Json unusable = Json::array();
    for (const auto& u : p.unusable) unusable.push(Json(u));
    doc.set("would_be_usable", p.unusable.empty());
    doc.set("unusable", unusable);
    doc.set("ok", p.unusable.empty());
    if (p.unusable.empty()) return exit_ok;
    std::string why;
    for (const auto& u : p.unusable) why += (why.empty() ? "" : "; ") + u;
    print_error(target + ": as this repair would leave it, the key would not be usable by every " +
                "firmware generation it is for: " + why);
    return exit_problems;
}

int run_repair(RepairCliOptions& o, const GlobalOptions& g) {
    if (o.image.empty() == o.devices.empty())
        throw CliError(exit_usage, "--image/--device", "give --image FILE or --device DEV");
    const fat::RepairOptions ro = repair_options(o);
    // The journal must survive the stick: never on the stick being repaired.
    o.policy.in_use.push_back({"the repair journal", ro.journal_dir.string()});
    std::vector<std::string> targets = o.devices;
    if (!o.image.empty()) targets = {o.image};

    if (g.dry_run) {
        int code = exit_ok;
        std::vector<Json> docs;
        for (const auto& t : targets) {
            Json doc = Json::object();
            std::optional<devices::DeviceInfo> disk;
            if (o.image.empty()) {
                // What the safety rules say, without unmounting or asking.
                disk = pv::check_device_for_write(g.context, t, o.policy, true);
                doc.set("device", stick_json(*disk));
            }
            code = worse_exit(code, plan_only(o, g, ro, t, disk ? &*disk : nullptr, doc));
            docs.push_back(std::move(doc));
        }
        if (g.json) {
            if (docs.size() == 1) {
                print_json(docs[0]);
            } else {
                Json all = Json::array();
                for (auto& d : docs) all.push(std::move(d));
                print_json(repairs_doc(all, code));
            }
        }
        return code;
    }

    if (!o.image.empty()) {
        TextReporter reporter(g);
        const pv::RepairOutcome out =
            pv::repair_image(g.context, reporter, ro, o.image, o.sector_size, o.firmware);
        Json doc = Json::object();
        add_repair_outcome(doc, out);
        if (g.json) print_json(doc);
        return exit_code(out.status);
    }

    // The safety rules of build: USB or loop devices only, never system disks, mounted
    // partitions only with --unmount; every stick checked, then every one confirmed, before the
    // first is written.
    const std::vector<devices::DeviceInfo> disks =
        pv::check_sticks(g.context, o.devices, o.policy, false);
    TextReporter reporter(g);
    reporter.confirm_sticks(disks, pv::StickAction::repair, o.policy);
    std::vector<pv::StickRepair> jobs;
    for (std::size_t i = 0; i < disks.size(); ++i) jobs.push_back({disks[i], o.devices[i]});
    const std::vector<pv::RepairOutcome> outcomes =
        pv::repair_sticks(g.context, reporter, jobs, ro, o.firmware);
    if (outcomes.size() == 1) {
        Json doc = Json::object();
        add_repair_outcome(doc, outcomes[0]);
        if (g.json) print_json(doc);
        return exit_code(outcomes[0].status);
    }
    int code = exit_ok;
    std::vector<StickLine> lines;
    Json all = Json::array();
    for (const auto& out : outcomes) {
        const int c = exit_code(out.status);
        code = worse_exit(code, c);
        lines.push_back({out.target, out.device.value_or(devices::DeviceInfo{}), c});
        Json doc = Json::object();
        add_repair_outcome(doc, out);
        all.push(std::move(doc));
    }
    print_sticks_summary(g, "repaired and verified", lines);
    if (g.json) print_json(repairs_doc(all, code));
    return code;
}

}  // namespace

Command add_repair(CLI::App& app, const GlobalOptions& g) {
    auto o = std::make_shared<RepairCliOptions>();
    CLI::App* sub = app.add_subcommand(
        "repair", "Make setup.bin findable by every firmware, keeping every other file");
    sub->fallthrough();
    add_key_target_options(*sub, o->image, o->devices, o->sector_size,
                           "A block device (repeatable: several sticks repaired at once)");
    sub->add_option("--setup-bin-name", o->setup_bin_name,
                    "The setup file to use when several are found (a path or a name)");
    sub->add_flag("--strict", o->strict,
                  "Also convert a FAT32 or superfloppy key to the strict layout (MBR, FAT16)");
    sub->add_option("--journal", o->journal,
                    "Journal directory (default $XDG_STATE_HOME/ukpu/journal or "
                    "~/.local/state/ukpu/journal)");
    sub->add_option("--firmware", o->firmware,
                    "The generations the repaired key is judged by: legacy, uefi, mebx, all, or a "
                    "comma-separated list (default: those the key's content is for)")
        ->check(CLI::Validator(
            [](std::string& v) -> std::string { return pv::firmware_list_problem(v); },
            "GENERATIONS"));
    sub->add_flag("--rollback", o->rollback,
                  "Undo an interrupted repair from its journal instead of finishing it");
    add_device_safety_options(*sub, o->policy);
    sub->footer(
        "An interrupted repair (stick pulled, process killed) is finished by the next run from\n"
        "its journal, or undone with --rollback.\n"
        "Several --device sticks are checked and confirmed first, then repaired at once (each\n"
        "with its own journal), each read back and verified; --json then prints\n"
        "{\"ok\": ..., \"repairs\": [...]}, one document per stick.\n"
        "The repaired key is read back and judged by the generations of --firmware (by default\n"
        "those its content is for): exit 1 when one of them cannot use it, saying which and why\n"
        "(a FAT32 key repaired without --strict stays unreadable to legacy BIOSes).\n"
        "Exit codes: 0 repaired or nothing to do, and usable; 1 cannot be repaired as asked, or\n"
        "not usable by a generation asked for; 2 usage;\n"
        "3 unreadable or inconsistent key; 4 refused for safety; 5 I/O error; 130 interrupted\n"
        "(Ctrl-C stops after the current write request; the next run finishes the repair).");
    return {sub, [o, &g] { return run_repair(*o, g); }};
}

}  // namespace ukpu::cli
