// `ukpu repair (--image FILE | --device DEV)`: makes setup.bin findable by every firmware,
// keeping every other file, through a host journal that makes an interrupted repair finish (or
// roll back) on the next run.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "commands.hpp"
#include "key_target.hpp"
#include "ukpu/fatwriter/journal.hpp"
#include "ukpu/fatwriter/repair.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "verify_report.hpp"

namespace ukpu::cli {

namespace {

struct RepairCliOptions {
    std::string image;
    std::string device;
    std::string setup_bin_name;
    std::string journal;
    bool strict = false;
    bool rollback = false;
    DeviceWritePolicy policy;
    std::uint32_t sector_size = 512;
};

// Test hook (not in --help): UKPU_REPAIR_WRITE_DELAY_MS slows every write to the key, so that
// tests can kill the process in the middle of a repair.
class SlowDevice final : public fat::BlockDevice {
public:
    SlowDevice(std::unique_ptr<fat::BlockDevice> base, unsigned delay_ms)
        : base_(std::move(base)), delay_(delay_ms) {}
    std::uint32_t sector_size() const override { return base_->sector_size(); }
    std::uint64_t sector_count() const override { return base_->sector_count(); }
    void read(std::uint64_t lba, std::span<std::uint8_t> out) override { base_->read(lba, out); }
    void write(std::uint64_t lba, std::span<const std::uint8_t> data) override {
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_));
        base_->write(lba, data);
    }
    void flush() override { base_->flush(); }
    std::string describe() const override { return base_->describe(); }
    const fat::IoStats& stats() const override { return base_->stats(); }

private:
    std::unique_ptr<fat::BlockDevice> base_;
    unsigned delay_;
};

std::filesystem::path default_journal_dir() {
    if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x)
        return std::filesystem::path(x) / "ukpu" / "journal";
    if (const char* h = std::getenv("HOME"); h && *h)
        return std::filesystem::path(h) / ".local" / "state" / "ukpu" / "journal";
    throw CliError(exit_usage, "--journal",
                   "neither XDG_STATE_HOME nor HOME is set; give --journal");
}

int exit_for(const fat::Error& e) {
    switch (e.code()) {
        case fat::ErrorCode::io:
            return exit_io;
        case fat::ErrorCode::bad_mbr:
        case fat::ErrorCode::bad_bpb:
        case fat::ErrorCode::bad_fat:
        case fat::ErrorCode::bad_directory:
            return exit_bad_input;
        default:
            return exit_problems;  // cannot be repaired as asked
    }
}

Json runs_json(const std::vector<fat::ClusterRun>& runs) {
    Json a = Json::array();
    for (const auto& r : runs) {
        Json j = Json::object();
        j.set("first", r.first);
        j.set("last", r.last);
        a.push(j);
    }
    return a;
}

Json plan_json(const fat::RepairPlan& p) {
    Json j = Json::object();
    j.set("nothing_to_do", p.nothing_to_do);
    j.set("strict_conversion", p.strict_conversion);
    j.set("fs", fat::to_string(p.fat_type));
    j.set("scheme", fat::to_string(p.scheme));
    j.set("setup_path", p.setup_path);
    j.set("setup_size", p.setup_size);
    j.set("setup_runs_before", runs_json(p.setup_runs));
    j.set("target_first_cluster", p.target_first);
    j.set("target_clusters", p.target_clusters);
    j.set("cluster_size", p.cluster_bytes);
    Json moves = Json::array();
    for (const auto& m : p.moves) {
        Json mj = Json::object();
        mj.set("owner", m.owner);
        mj.set("from", runs_json(m.from));
        mj.set("to", runs_json(m.to));
        moves.push(mj);
    }
    j.set("moves", moves);
    j.set("clusters_moved", p.clusters_moved);
    j.set("bytes_to_move", p.bytes_to_move);
    j.set("sectors_to_write", p.sectors_to_write);
    j.set("deleted_slots_dropped", p.deleted_slots_dropped);
    j.set("root_entries_after", p.root_entries_after);
    j.set("files_kept", p.files_kept);
    Json steps = Json::array();
    for (const auto& s : p.steps) steps.push(s);
    j.set("steps", steps);
    Json notes = Json::array();
    for (const auto& s : p.notes) notes.push(s);
    j.set("notes", notes);
    Json cands = Json::array();
    for (const auto& c : p.candidates) {
        Json cj = Json::object();
        cj.set("path", c.path);
        cj.set("size", c.size);
        cj.set("named", c.named);
        cj.set("header_ok", c.header_ok);
        cands.push(cj);
    }
    j.set("candidates", cands);
    return j;
}

void print_plan(const fat::RepairPlan& p, const GlobalOptions& g, const std::string& lead) {
    if (p.nothing_to_do) {
        print_note(g, lead + "nothing to do: " + p.setup_path +
                          " is already SETUP.BIN in root slot 0, contiguous from cluster " +
                          std::to_string(p.target_first));
    } else {
        print_note(g, lead + "plan:");
        for (const auto& s : p.steps) print_note(g, "  - " + s);
    }
    for (const auto& n : p.notes) print_warning(n);
}

int run_repair(const RepairCliOptions& o, const GlobalOptions& g) {
    const bool is_image = !o.image.empty();
    const std::string target = is_image ? o.image : o.device;
    fat::RepairOptions ro;
    if (!o.setup_bin_name.empty()) ro.setup_bin_name = o.setup_bin_name;
    ro.strict = o.strict;
    ro.roll_back = o.rollback;
    ro.journal_dir = o.journal.empty() ? default_journal_dir() : std::filesystem::path(o.journal);
    Json doc = Json::object();
    doc.set("target", target);
    doc.set("journal_dir", ro.journal_dir.string());

    if (g.dry_run) {
        auto dev = open_for_read(target, o.sector_size);
        try {
            const fat::Recovery pending = fat::pending_state(*dev, ro.journal_dir);
            if (pending.action != fat::RecoveryAction::none)
                print_warning("a pending repair journal (" + pending.path.string() + ") would be " +
                              (o.rollback ? "rolled back" : "finished") +
                              " first; the plan below is of the key as it will be then");
            doc.set("pending_journal", pending.action == fat::RecoveryAction::none
                                           ? Json()
                                           : Json(pending.path.string()));
            auto preview = fat::preview_recovery(*dev, ro.journal_dir, o.rollback);
            const fat::RepairPlan p = fat::plan_repair(*preview, ro);
            doc.set("plan", plan_json(p));
            doc.set("written", false);
            print_plan(p, g, target + ": dry run, nothing written; ");
        } catch (const fat::Error& e) {
            throw CliError(exit_for(e),
                           target + (e.where().str().empty() ? "" : ": " + e.where().str()),
                           e.message());
        }
        if (g.json) print_json(doc);
        return exit_ok;
    }

    std::unique_ptr<fat::BlockDevice> dev;
    if (is_image) {
        try {
            dev = fat::ImageFile::open(target, o.sector_size, true);
        } catch (const fat::Error& e) {
            throw CliError(e.code() == fat::ErrorCode::io && !std::filesystem::exists(target)
                               ? exit_bad_input
                               : exit_for(e),
                           target, e.message());
        }
    } else {
        // The safety rules of build: USB or loop devices only, never system disks or mounted
        // partitions, the identity confirmed and checked again before the first write.
        dev = prepare_device_write(g, target, o.policy).device;
    }
    if (const char* d = std::getenv("UKPU_REPAIR_WRITE_DELAY_MS"); d && *d)
        dev = std::make_unique<SlowDevice>(std::move(dev),
                                           static_cast<unsigned>(std::strtoul(d, nullptr, 10)));

    fat::RepairResult res;
    try {
        res = fat::repair_key(*dev, ro);
    } catch (const fat::JournalConflict& e) {
        throw CliError(exit_refused, target, e.message());
    } catch (const fat::Error& e) {
        throw CliError(exit_for(e),
                       target + (e.where().str().empty() ? "" : ": " + e.where().str()),
                       e.message());
    }
    if (res.recovery.action != fat::RecoveryAction::none)
        print_note(g, target + ": pending journal " + res.recovery.path.string() + ": " +
                          fat::to_string(res.recovery.action));
    Json rec = Json::object();
    rec.set("action", fat::to_string(res.recovery.action));
    rec.set("journal", res.recovery.path.string());
    rec.set("sectors_written", res.recovery.sectors_written);
    doc.set("recovery", rec);
    if (o.rollback) {
        doc.set("written", res.recovery.sectors_written > 0);
        if (g.json) print_json(doc);
        if (res.recovery.action == fat::RecoveryAction::none)
            print_note(g, target + ": no pending repair journal to roll back");
        return exit_ok;
    }
    doc.set("plan", plan_json(res.plan));
    doc.set("written", res.written);
    Json io = Json::object();
    io.set("write_calls", res.io.write_calls);
    io.set("bytes_written", res.io.bytes_written);
    io.set("flushes", res.io.flushes);
    doc.set("io", io);
    print_plan(res.plan, g, target + ": ");

    // Read back as the firmware would.
    if (auto* bd = dynamic_cast<fat::LinuxBlockDevice*>(dev.get())) bd->drop_cache();
    fat::VerifyOptions vo;
    vo.legacy = res.plan.strict_conversion || res.plan.fat_type == fat::FatType::fat16;
    vo.mebx = false;
    const fat::VerifyReport r = fat::verify_key(*dev, vo);
    doc.set("verify", verify_json(r));
    const bool found = r.uefi && r.uefi->found && (!vo.legacy || (r.legacy && r.legacy->found));
    doc.set("ok", found);
    if (g.json) print_json(doc);
    if (res.written)
        print_note(g, target + ": repaired (" + std::to_string(res.io.write_calls) +
                          " write requests, " + std::to_string(res.io.bytes_written) +
                          " bytes written; " + std::to_string(res.plan.bytes_to_move) +
                          " bytes had to move)");
    if (!found) {
        print_verify(std::cerr, r, g);
        return exit_problems;
    }
    return exit_ok;
}

}  // namespace

Command add_repair(CLI::App& app, const GlobalOptions& g) {
    auto o = std::make_shared<RepairCliOptions>();
    CLI::App* sub = app.add_subcommand(
        "repair", "Make setup.bin findable by every firmware, keeping every other file");
    sub->fallthrough();
    add_key_target_options(*sub, o->image, o->device, o->sector_size, "A block device");
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
        "Exit codes: 0 repaired or nothing to do; 1 cannot be repaired as asked; 2 usage;\n"
        "3 unreadable or inconsistent key; 4 refused for safety; 5 I/O error.");
    return {sub, [o, &g] { return run_repair(*o, g); }};
}

}  // namespace ukpu::cli
