#include "key_repair.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <thread>

#include "interrupt_guard.hpp"
#include "key_target.hpp"
#include "progress_line.hpp"
#include "ukpu/fatwriter/journal.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "verify_report.hpp"
#include "watched_device.hpp"

namespace ukpu::cli {

namespace {

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
    void drop_cache() override { base_->drop_cache(); }

private:
    std::unique_ptr<fat::BlockDevice> base_;
    unsigned delay_;
};

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

// What a stick holds after its repair stopped after `writes` write requests.
std::string repair_state(const std::string& target, std::uint64_t writes,
                         const fat::RepairOptions& ro) {
    if (writes == 0) return "nothing was written: " + target + " is unchanged";
    return "stopped after " + std::to_string(writes) +
           " write requests (flushed); the repair journal in " + ro.journal_dir.string() +
           " holds every sector before and after: run the same `ukpu repair --device " + target +
           "` again to finish it, or add --rollback to undo it";
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
int repair_stick(const GlobalOptions& g, const fat::RepairOptions& ro, const StickRepair& job,
                 bool parallel, Json& doc) {
    const devices::DeviceInfo& disk = job.disk;
    const std::string& target = job.target;
    if (!disk.mounts.empty()) unmount_device(g, disk);
    std::uint64_t total = 0;
    {
        auto reader = open_for_read(target, disk.logical_sector_size);
        total = planned_bytes(*reader, ro);
    }
    ProgressLine::Mode mode = total ? ProgressLine::mode_for(g) : ProgressLine::Mode::off;
    if (parallel && mode == ProgressLine::Mode::terminal) mode = ProgressLine::Mode::plain;
    ProgressLine progress(mode, target + ": repairing", total);
    WatchedDevice::Hooks hooks;
    hooks.on_progress = [&progress, &job, total](std::uint64_t done) {
        progress.update(std::min(done, total));
        if (job.on_progress) job.on_progress(std::min(done, total), total);
    };
    hooks.interrupted = InterruptGuard::flag();
    add_test_faults(hooks);
    std::unique_ptr<WatchedDevice> watched = open_confirmed_device(disk, target, std::move(hooks));
    WatchedDevice& w = *watched;
    std::unique_ptr<fat::BlockDevice> dev = std::move(watched);
    dev = slowed_for_tests(std::move(dev));
    doc.set("device", device_json(disk));
    try {
        const int code = repair_opened_key(g, ro, target, *dev, doc);
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

}  // namespace

std::filesystem::path default_journal_dir() {
    if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x)
        return std::filesystem::path(x) / "ukpu" / "journal";
    if (const char* h = std::getenv("HOME"); h && *h)
        return std::filesystem::path(h) / ".local" / "state" / "ukpu" / "journal";
    throw CliError(exit_usage, "--journal",
                   "neither XDG_STATE_HOME nor HOME is set; give --journal");
}

int repair_exit_code(const fat::Error& e) {
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

CliError repair_error(const std::string& target, const fat::Error& e) {
    return CliError(repair_exit_code(e),
                    target + (e.where().str().empty() ? "" : ": " + e.where().str()), e.message());
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

std::unique_ptr<fat::BlockDevice> slowed_for_tests(std::unique_ptr<fat::BlockDevice> dev) {
    const char* d = std::getenv("UKPU_REPAIR_WRITE_DELAY_MS");
    if (!d || !*d) return dev;
    return std::make_unique<SlowDevice>(std::move(dev),
                                        static_cast<unsigned>(std::strtoul(d, nullptr, 10)));
}

int repair_opened_key(const GlobalOptions& g, const fat::RepairOptions& ro,
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
    if (ro.roll_back) {
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
    dev.drop_cache();
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

std::vector<StickOutcome> repair_sticks(const GlobalOptions& g,
                                        const std::vector<StickRepair>& jobs,
                                        const fat::RepairOptions& ro) {
    // Ctrl-C from here on stops every repair at its next safe point.
    InterruptGuard guard;
    std::vector<StickOutcome> outcomes(jobs.size());
    if (jobs.size() == 1) {
        outcomes[0].doc = Json::object();
        outcomes[0].code = repair_stick(g, ro, jobs[0], false, outcomes[0].doc);
        if (outcomes[0].code != exit_ok)
            outcomes[0].message = "repaired, but not found by every firmware generation it is for";
        return outcomes;
    }
    std::vector<std::thread> workers;
    for (std::size_t i = 0; i < jobs.size(); ++i)
        workers.emplace_back([&, i] {
            StickOutcome& out = outcomes[i];
            out.doc = Json::object();
            try {
                out.code = repair_stick(g, ro, jobs[i], true, out.doc);
                if (out.code != exit_ok)
                    out.message = "repaired, but not found by every firmware generation it is for";
            } catch (const CliError& e) {
                out.code = record_stick_failure(jobs[i].target, e, out.doc);
                out.message = e.message();
            } catch (const std::exception& e) {
                const CliError io(exit_io, jobs[i].target, e.what());
                out.code = record_stick_failure(jobs[i].target, io, out.doc);
                out.message = io.message();
            }
        });
    for (auto& t : workers) t.join();
    return outcomes;
}

}  // namespace ukpu::cli
