// `ukpu repair (--image FILE | --device DEV)`: makes setup.bin findable by every firmware,
// keeping every other file, through a host journal that makes an interrupted repair finish (or
// roll back) on the next run.
#include <cstdlib>
#include <filesystem>
#include <memory>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "key_repair.hpp"
#include "key_target.hpp"
#include "stick_writer.hpp"
#include "ukpu/fatwriter/journal.hpp"
#include "ukpu/fatwriter/repair.hpp"

namespace ukpu::cli {

namespace {

struct RepairCliOptions {
    std::string image;
    std::vector<std::string> devices;
    std::string setup_bin_name;
    std::string journal;
    bool strict = false;
    bool rollback = false;
    DeviceWritePolicy policy;
    std::uint32_t sector_size = 512;
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
    ro.journal_dir = o.journal.empty() ? default_journal_dir() : std::filesystem::path(o.journal);
    return ro;
}

// The plan, without writing: a pending journal is applied to a preview first.
int plan_only(const RepairCliOptions& o, const GlobalOptions& g, const fat::RepairOptions& ro,
              const std::string& target, Json& doc) {
    doc.set("target", target);
    doc.set("journal_dir", ro.journal_dir.string());
    auto dev = open_for_read(target, o.sector_size);
    try {
        const fat::Recovery pending = fat::pending_state(*dev, ro.journal_dir);
        if (pending.action != fat::RecoveryAction::none)
            print_warning(target + ": a pending repair journal (" + pending.path.string() +
                          ") would be " + (o.rollback ? "rolled back" : "finished") +
                          " first; the plan below is of the key as it will be then");
        doc.set("pending_journal",
                pending.action == fat::RecoveryAction::none ? Json() : Json(pending.path.string()));
        auto preview = fat::preview_recovery(*dev, ro.journal_dir, o.rollback);
        const fat::RepairPlan p = fat::plan_repair(*preview, ro);
        doc.set("plan", plan_json(p));
        doc.set("written", false);
        print_plan(p, g, target + ": dry run, nothing written; ");
    } catch (const fat::Error& e) {
        throw repair_error(target, e);
    }
    return exit_ok;
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
            if (o.image.empty()) {
                // What the safety rules say, without unmounting or asking.
                const auto disk = check_device_for_write(t, o.policy, true);
                doc.set("device", device_json(disk));
            }
            code = worse_exit(code, plan_only(o, g, ro, t, doc));
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
        std::unique_ptr<fat::BlockDevice> dev;
        try {
            dev = fat::ImageFile::open(o.image, o.sector_size, true);
        } catch (const fat::Error& e) {
            throw CliError(e.code() == fat::ErrorCode::io && !std::filesystem::exists(o.image)
                               ? exit_bad_input
                               : repair_exit_code(e),
                           o.image, e.message());
        }
        dev = slowed_for_tests(std::move(dev));
        Json doc = Json::object();
        const int code = repair_opened_key(g, ro, o.image, *dev, doc);
        if (g.json) print_json(doc);
        return code;
    }

    // The safety rules of build: USB or loop devices only, never system disks, mounted
    // partitions only with --unmount; every stick checked, then every one confirmed, before the
    // first is written.
    std::vector<devices::DeviceInfo> disks;
    for (const auto& d : o.devices) {
        devices::DeviceInfo disk = check_device_for_write(d, o.policy, false);
        for (const auto& other : disks)
            if (other.name == disk.name)
                throw CliError(exit_usage, d, "names " + disk.name + " a second time");
        disks.push_back(std::move(disk));
    }
    for (const auto& disk : disks) confirm_device_write(g, disk, o.policy);
    std::vector<StickRepair> jobs;
    for (std::size_t i = 0; i < disks.size(); ++i) jobs.push_back({disks[i], o.devices[i], {}});
    std::vector<StickOutcome> outcomes = repair_sticks(g, jobs, ro);
    if (outcomes.size() == 1) {
        if (g.json) print_json(outcomes[0].doc);
        return outcomes[0].code;
    }
    int code = exit_ok;
    std::vector<int> codes;
    Json all = Json::array();
    for (auto& out : outcomes) {
        code = worse_exit(code, out.code);
        codes.push_back(out.code);
        all.push(std::move(out.doc));
    }
    print_sticks_summary(g, "repaired and verified", disks, o.devices, codes);
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
    sub->add_flag("--rollback", o->rollback,
                  "Undo an interrupted repair from its journal instead of finishing it");
    add_device_safety_options(*sub, o->policy);
    sub->footer(
        "An interrupted repair (stick pulled, process killed) is finished by the next run from\n"
        "its journal, or undone with --rollback.\n"
        "Several --device sticks are checked and confirmed first, then repaired at once (each\n"
        "with its own journal), each read back and verified; --json then prints\n"
        "{\"ok\": ..., \"repairs\": [...]}, one document per stick.\n"
        "Exit codes: 0 repaired or nothing to do; 1 cannot be repaired as asked; 2 usage;\n"
        "3 unreadable or inconsistent key; 4 refused for safety; 5 I/O error; 130 interrupted\n"
        "(Ctrl-C stops after the current write request; the next run finishes the repair).");
    return {sub, [o, &g] { return run_repair(*o, g); }};
}

}  // namespace ukpu::cli
