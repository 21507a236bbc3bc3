// `ukpu repair (--image FILE | --device DEV)`: makes setup.bin findable by every firmware,
// keeping every other file, through a host journal that makes an interrupted repair finish (or
// roll back) on the next run.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "interrupt_guard.hpp"
#include "key_target.hpp"
#include "progress_line.hpp"
#include "stick_writer.hpp"
#include "ukpu/fatwriter/journal.hpp"
#include "ukpu/fatwriter/repair.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "verify_report.hpp"

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
    fat::BlockDevice& inner() { return *base_; }

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

// The document of several sticks: each one's, and whether all went well.
Json repairs_doc(Json& all, int code) {
    Json doc = Json::object();
    doc.set("ok", code == exit_ok);
    doc.set("repairs", std::move(all));
    return doc;
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

fat::RepairOptions repair_options(const RepairCliOptions& o) {
    fat::RepairOptions ro;
    if (!o.setup_bin_name.empty()) ro.setup_bin_name = o.setup_bin_name;
    ro.strict = o.strict;
    ro.roll_back = o.rollback;
    ro.journal_dir = o.journal.empty() ? default_journal_dir() : std::filesystem::path(o.journal);
    return ro;
}

CliError repair_error(const std::string& target, const fat::Error& e) {
    return CliError(exit_for(e), target + (e.where().str().empty() ? "" : ": " + e.where().str()),
                    e.message());
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

// What a stick holds after its repair stopped after `writes` write requests.
std::string repair_state(const std::string& target, std::uint64_t writes,
                         const fat::RepairOptions& ro) {
    if (writes == 0) return "nothing was written: " + target + " is unchanged";
    return "stopped after " + std::to_string(writes) +
           " write requests (flushed); the repair journal in " + ro.journal_dir.string() +
           " holds every sector before and after: run the same `ukpu repair --device " + target +
           "` again to finish it, or add --rollback to undo it";
}

// Repairs one opened key, then reads it back as the firmware would; fills `doc`.
int repair_one(const RepairCliOptions& o, const GlobalOptions& g, const fat::RepairOptions& ro,
               const std::string& target, fat::BlockDevice& dev, Json& doc) {
    doc.set("target", target);
    doc.set("journal_dir", ro.journal_dir.string());
    fat::RepairResult res;
    try {
        res = fat::repair_key(dev, ro);
    } catch (const fat::JournalConflict& e) {
        throw CliError(exit_refused, target, e.message());
    } catch (const fat::Error& e) {
        throw repair_error(target, e);
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

    if (*InterruptGuard::flag())
        throw CliError(exit_interrupted, target,
                       std::string("interrupted after the repair was ") +
                           (res.written ? "written in full and flushed" : "planned") +
                           ", before it was read back: run `ukpu verify --device " + target +
                           "` to check it");
    // Read back past the page cache, as the firmware would.
    fat::BlockDevice* medium = &dev;
    if (auto* w = dynamic_cast<WatchedDevice*>(medium)) medium = &w->inner();
    if (auto* s = dynamic_cast<SlowDevice*>(medium)) medium = &s->inner();
    if (auto* bd = dynamic_cast<fat::LinuxBlockDevice*>(medium)) bd->drop_cache();
    fat::VerifyOptions vo;
    vo.legacy = res.plan.strict_conversion || res.plan.fat_type == fat::FatType::fat16;
    vo.mebx = false;
    const fat::VerifyReport r = fat::verify_key(dev, vo);
    doc.set("verify", verify_json(r));
    const bool found = r.uefi && r.uefi->found && (!vo.legacy || (r.legacy && r.legacy->found));
    doc.set("ok", found);
    if (res.written)
        print_note(g, target + ": repaired (" + std::to_string(res.io.write_calls) +
                          " write requests, " + std::to_string(res.io.bytes_written) +
                          " bytes written; " + std::to_string(res.plan.bytes_to_move) +
                          " bytes had to move)");
    if (!found) {
        if (!g.json) print_verify(std::cerr, r, g);
        return exit_problems;
    }
    return exit_ok;
}

// The bytes a repair of `dev` will write (a pending journal applied first), for the progress
// line; 0 when it cannot be planned (the repair itself then says why).
std::uint64_t planned_bytes(fat::BlockDevice& dev, const fat::RepairOptions& ro) {
    try {
        auto preview = fat::preview_recovery(dev, ro.journal_dir, ro.roll_back);
        if (ro.roll_back) return 0;
        return fat::plan_repair(*preview, ro).sectors_to_write * dev.sector_size();
    } catch (const fat::Error&) {
        return 0;
    }
}

// Repairs one confirmed stick: unmounted when asked, opened exclusively with its identity
// checked again before the first write, progress on stderr, Ctrl-C at a safe point.
int repair_stick(const RepairCliOptions& o, const GlobalOptions& g, const fat::RepairOptions& ro,
                 const devices::DeviceInfo& disk, const std::string& target, bool parallel,
                 Json& doc) {
    if (!disk.mounts.empty()) unmount_device(g, disk);
    std::uint64_t total = 0;
    {
        auto reader = open_for_read(target, o.sector_size);
        total = planned_bytes(*reader, ro);
    }
    ProgressLine::Mode mode = total ? ProgressLine::mode_for(g) : ProgressLine::Mode::off;
    if (parallel && mode == ProgressLine::Mode::terminal) mode = ProgressLine::Mode::plain;
    ProgressLine progress(mode, target + ": repairing", total);
    WatchedDevice::Hooks hooks;
    hooks.on_progress = [&progress, total](std::uint64_t done) {
        progress.update(std::min(done, total));
    };
    hooks.interrupted = InterruptGuard::flag();
    add_test_faults(hooks);
    std::unique_ptr<WatchedDevice> watched = open_confirmed_device(disk, target, std::move(hooks));
    WatchedDevice& w = *watched;
    std::unique_ptr<fat::BlockDevice> dev = std::move(watched);
    if (const char* d = std::getenv("UKPU_REPAIR_WRITE_DELAY_MS"); d && *d)
        dev = std::make_unique<SlowDevice>(std::move(dev),
                                           static_cast<unsigned>(std::strtoul(d, nullptr, 10)));
    doc.set("device", device_json(disk));
    try {
        const int code = repair_one(o, g, ro, target, *dev, doc);
        progress.finish();
        w.stop_watching();
        return code;
    } catch (const WriteInterrupted& e) {
        progress.finish();
        throw CliError(exit_interrupted, target,
                       "interrupted; " + repair_state(target, e.writes_done(), ro));
    } catch (const CliError& e) {
        progress.finish();
        if (e.code() != exit_io || w.writes_done() == 0) throw;
        throw CliError(e.code(), e.location(),
                       e.message() + "; " + repair_state(target, w.writes_done(), ro));
    }
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
                               : exit_for(e),
                           o.image, e.message());
        }
        if (const char* d = std::getenv("UKPU_REPAIR_WRITE_DELAY_MS"); d && *d)
            dev = std::make_unique<SlowDevice>(std::move(dev),
                                               static_cast<unsigned>(std::strtoul(d, nullptr, 10)));
        Json doc = Json::object();
        const int code = repair_one(o, g, ro, o.image, *dev, doc);
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
    InterruptGuard guard;
    if (disks.size() == 1) {
        Json doc = Json::object();
        const int code = repair_stick(o, g, ro, disks[0], o.devices[0], false, doc);
        if (g.json) print_json(doc);
        return code;
    }
    // Several sticks at once, one thread each (each with its own journal).
    std::vector<Json> docs(disks.size(), Json::object());
    std::vector<int> codes(disks.size(), exit_ok);
    std::vector<std::thread> workers;
    for (std::size_t i = 0; i < disks.size(); ++i)
        workers.emplace_back([&, i] {
            try {
                codes[i] = repair_stick(o, g, ro, disks[i], o.devices[i], true, docs[i]);
            } catch (const CliError& e) {
                codes[i] = record_stick_failure(o.devices[i], e, docs[i]);
            } catch (const std::exception& e) {
                codes[i] = record_stick_failure(o.devices[i],
                                                CliError(exit_io, o.devices[i], e.what()), docs[i]);
            }
        });
    for (auto& t : workers) t.join();
    int code = exit_ok;
    Json all = Json::array();
    for (std::size_t i = 0; i < disks.size(); ++i) {
        code = worse_exit(code, codes[i]);
        all.push(std::move(docs[i]));
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
