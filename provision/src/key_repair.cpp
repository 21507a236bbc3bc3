#include "ukpu/provision/key_repair.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "ukpu/base/counted.hpp"
#include "ukpu/fatwriter/journal.hpp"
#include "ukpu/fatwriter/overlay_device.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "ukpu/provision/device_safety.hpp"
#include "ukpu/provision/generations.hpp"
#include "ukpu/provision/stop.hpp"
#include "ukpu/provision/watched_device.hpp"

namespace ukpu::provision {

namespace {

// Eight hex digits of FNV-1a (32 bits) of `text`: tells two paths apart in a journal tag.
std::string short_hash(std::string_view text) {
    std::uint32_t h = 0x811c9dc5u;
    for (const char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x01000193u;
    }
    char out[9];
    std::snprintf(out, sizeof out, "%08X", h);
    return out;
}

// "PREFIX-NAME-HASH": the file name (its first 40 characters, so that the hash is never cut
// from the tag) and the hash of the whole path.
std::string path_tag(const std::string& prefix, const std::filesystem::path& path) {
    return prefix + "-" + path.filename().string().substr(0, 40) + "-" + short_hash(path.string());
}

// The options of one key's repair: `ro` with the key's own journal tag.
fat::RepairOptions tagged(const fat::RepairOptions& ro, std::string tag) {
    fat::RepairOptions out = ro;
    out.journal_tag = std::move(tag);
    return out;
}

// Where a stick must be for its pending journal to be found again.
std::string same_place(const devices::DeviceInfo& disk) {
    if (disk.usb && !disk.bus_path.empty())
        return " with the stick in the same USB port (" + disk.bus_path + ")";
    if (disk.transport == devices::Transport::loop && !disk.model.empty())
        return " with " + disk.model + " attached as a loop device";
    return "";
}

// What a stick (`disk`) or an image (none) holds after its repair stopped after `writes` write
// requests.
std::string repair_state(const std::string& target, std::uint64_t writes,
                         const fat::RepairOptions& ro, const devices::DeviceInfo* disk) {
    if (writes == 0) return "nothing was written: " + target + " is unchanged";
    return "stopped after " + base::counted(writes, "write request") +
           " (flushed); the repair journal in " + ro.journal_dir.string() + " (named for this " +
           (disk ? "stick" : "image") + ": " + fat::journal_tag_text(ro.journal_tag) +
           ") holds every sector before and after: run the same `ukpu repair " +
           (disk ? "--device " : "--image ") + target + "` again" +
           (disk ? same_place(*disk) : "") + " to finish it, or add --rollback to undo it";
}

// The bytes a repair of `dev` will write (a pending journal applied first), for the progress;
// 0 when it cannot be planned (the repair itself then says why).
std::uint64_t planned_bytes(fat::BlockDevice& dev, const fat::RepairOptions& ro) {
    try {
        auto preview = fat::preview_recovery(dev, ro);
        if (ro.roll_back) return 0;
        return fat::plan_repair(*preview, ro).sectors_to_write * dev.sector_size();
    } catch (const fat::Error&) {
        return 0;
    }
}

// Repairs the key on `dev` (a pending journal finished or, with roll_back, undone first), then
// reads it back past the page cache as the firmware would.
RepairOutcome repair_opened_key(Reporter& reporter, const fat::RepairOptions& ro,
                                const std::string& target, fat::BlockDevice& dev,
                                const std::optional<std::string>& firmware) {
    RepairOutcome out;
    out.target = target;
    out.journal_dir = ro.journal_dir;
    fat::RepairResult res;
    try {
        res = fat::repair_key(dev, ro);
    } catch (const fat::JournalConflict& e) {
        throw Error(Status::refused, target, e.message());
    } catch (const fat::Error& e) {
        throw repair_error(target, e);
    }
    out.repaired = true;
    out.recovery = res.recovery;
    if (res.recovery.action != fat::RecoveryAction::none)
        reporter.note(target + ": pending journal " + res.recovery.path.string() + ": " +
                      fat::to_string(res.recovery.action));
    if (ro.roll_back) {
        out.roll_back = true;
        out.written = res.recovery.sectors_written > 0;
        out.found = true;
        if (res.recovery.action == fat::RecoveryAction::none)
            reporter.note(target + ": no pending repair journal to roll back");
        return out;
    }
    out.plan = res.plan;
    out.written = res.written;
    out.io = res.io;
    report_plan(reporter, res.plan, target + ": ");

    if (stop_requested())
        throw Error(Status::interrupted, target,
                    std::string("interrupted after the repair was ") +
                        (res.written ? "written in full and flushed" : "planned") +
                        ", before it was read back: run `ukpu verify --device " + target +
                        "` to check it");
    // Read back past the page cache, as the firmware would, by the generations asked for (or
    // those the key's content is for): the verdict is theirs, whatever the repair chose to do.
    dev.drop_cache();
    Judgement judged;
    out.verify = verify_as_intended(dev, firmware, judged);
    const fat::VerifyReport& r = *out.verify;
    const std::vector<std::string> unusable = unusable_generations(r, judged.generations);
    out.found = unusable.empty();
    if (!judged.left_out.empty()) reporter.note(target + ": " + judged.note());
    if (res.written)
        reporter.note(target + ": repaired (" + base::counted(res.io.write_calls, "write request") +
                      ", " + std::to_string(res.io.bytes_written) + " bytes written; " +
                      std::to_string(res.plan.bytes_to_move) + " bytes had to move)");
    if (!out.found) {
        reporter.key_report(target, r);
        out.status = Status::problems;
        out.message = std::string(res.written ? "repaired" : "nothing repaired") +
                      ", but not usable by every firmware generation it is for: ";
        for (std::size_t i = 0; i < unusable.size(); ++i)
            out.message += (i ? "; " : "") + unusable[i];
        reporter.error(target + ": " + out.message);
    }
    return out;
}

// Repairs one confirmed stick: unmounted when asked, opened exclusively with its identity
// checked again before the first write, progress through the reporter, a stop at a safe point.
RepairOutcome repair_stick(const Context& ctx, Reporter& reporter,
                           const fat::RepairOptions& options, const StickRepair& job,
                           const std::optional<std::string>& firmware, bool parallel) {
    const devices::DeviceInfo& disk = job.disk;
    const std::string& target = job.target;
    const fat::RepairOptions ro = tagged(options, stick_journal_tag(disk));
    if (!disk.mounts.empty()) unmount_device(ctx, reporter, disk);
    std::uint64_t total = 0;
    {
        auto reader = open_for_read(target, disk.logical_sector_size);
        total = planned_bytes(*reader, ro);
    }
    std::unique_ptr<Progress> progress = reporter.progress(target, "repairing", total, parallel);
    WatchedDevice::Hooks hooks;
    hooks.on_progress = [&progress, total](std::uint64_t done) {
        progress->update(std::min(done, total));
    };
    hooks.interrupted = &stop_flag();
    std::unique_ptr<WatchedDevice> watched =
        open_confirmed_device(ctx, disk, target, std::move(hooks));
    WatchedDevice& w = *watched;
    std::unique_ptr<fat::BlockDevice> dev = slowed(std::move(watched), ctx.faults);
    try {
        RepairOutcome out = repair_opened_key(reporter, ro, target, *dev, firmware);
        out.device = disk;
        progress->finish();
        w.stop_watching();
        return out;
    } catch (const WriteInterrupted& e) {
        progress->finish();
        throw Error(Status::interrupted, target,
                    "interrupted; " + repair_state(target, e.writes_done(), ro, &disk));
    } catch (const Error& e) {
        progress->finish();
        if (e.code() != Status::io || w.writes_done() == 0) throw;
        throw Error(e.code(), e.location(),
                    e.message() + "; " + repair_state(target, w.writes_done(), ro, &disk));
    }
}

}  // namespace

std::string stick_journal_tag(const devices::DeviceInfo& disk) {
    if (disk.usb && !disk.bus_path.empty())
        return "usb" + disk.bus_path + (disk.serial.empty() ? "" : "-" + disk.serial);
    if (disk.transport == devices::Transport::loop && !disk.model.empty())
        return path_tag("loop", disk.model);
    return disk.name + (disk.serial.empty() ? "" : "-" + disk.serial);
}

std::string image_journal_tag(const std::filesystem::path& image) {
    std::error_code ec;
    std::filesystem::path p = std::filesystem::absolute(image, ec);
    if (ec) p = image;
    const std::filesystem::path canonical = std::filesystem::weakly_canonical(p, ec);
    return path_tag("image", ec ? p.lexically_normal() : canonical);
}

std::filesystem::path default_journal_dir() {
    if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x)
        return std::filesystem::path(x) / "ukpu" / "journal";
    if (const char* h = std::getenv("HOME"); h && *h)
        return std::filesystem::path(h) / ".local" / "state" / "ukpu" / "journal";
    throw Error(Status::bad_argument, "--journal",
                "neither XDG_STATE_HOME nor HOME is set; give --journal");
}

Status repair_status(const fat::Error& e) {
    switch (e.code()) {
        case fat::ErrorCode::io:
            return Status::io;
        case fat::ErrorCode::cannot_open:
        case fat::ErrorCode::bad_mbr:
        case fat::ErrorCode::bad_bpb:
        case fat::ErrorCode::bad_fat:
        case fat::ErrorCode::bad_directory:
            return Status::bad_input;
        default:
            return Status::problems;  // cannot be repaired as asked
    }
}

Error repair_error(const std::string& target, const fat::Error& e) {
    return Error(repair_status(e), target + (e.where().str().empty() ? "" : ": " + e.where().str()),
                 e.message());
}

void report_plan(Reporter& reporter, const fat::RepairPlan& p, const std::string& lead) {
    if (p.nothing_to_do) {
        reporter.note(lead + "nothing to do: " + p.setup_path +
                      " is already SETUP.BIN in root slot 0, contiguous from cluster " +
                      std::to_string(p.target_first));
    } else {
        reporter.note(lead + "plan:");
        for (const auto& s : p.steps) reporter.note("  - " + s);
    }
    for (const auto& n : p.notes) reporter.warning(n);
}

namespace {

// A private temporary directory, removed with what it holds when it goes.
class ScratchDir {
public:
    ScratchDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "ukpu-dry-run-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw Error(Status::io, "",
                        std::string("cannot make a temporary directory: ") + std::strerror(errno));
        path_ = pattern;
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace

RepairPreview preview_repair(Reporter& reporter, const fat::RepairOptions& options,
                             const std::string& target, std::uint32_t sector_size,
                             const devices::DeviceInfo* disk,
                             const std::optional<std::string>& firmware) {
    const fat::RepairOptions ro =
        tagged(options, disk ? stick_journal_tag(*disk) : image_journal_tag(target));
    auto dev = open_for_read(target, sector_size);
    try {
        RepairPreview out;
        const fat::Recovery pending = fat::pending_state(*dev, ro);
        if (pending.action != fat::RecoveryAction::none) {
            reporter.warning(target + ": a pending repair journal (" + pending.path.string() +
                             ") would be " + (ro.roll_back ? "rolled back" : "finished") +
                             " first; the plan below is of the key as it will be then");
            out.pending_journal = pending.path;
        }
        auto preview = fat::preview_recovery(*dev, ro);
        out.plan = fat::plan_repair(*preview, ro);
        report_plan(reporter, out.plan, target + ": dry run, nothing written; ");
        if (ro.roll_back) return out;
        // The repair itself, on the key kept in memory, with a journal of its own in a temporary
        // directory: the verdict a real repair would give, and nothing written anywhere else.
        fat::OverlayDevice overlay(*preview);
        if (!out.plan.nothing_to_do) {
            const ScratchDir scratch;
            fat::RepairOptions sim = ro;
            sim.journal_dir = scratch.path();
            (void)fat::repair_key(overlay, sim);
        }
        Judgement judged;
        out.verify = verify_as_intended(overlay, firmware, judged);
        out.unusable = unusable_generations(*out.verify, judged.generations);
        if (!judged.left_out.empty()) reporter.note(target + ": " + judged.note());
        return out;
    } catch (const fat::Error& e) {
        throw repair_error(target, e);
    }
}

RepairOutcome repair_image(const Context& ctx, Reporter& reporter,
                           const fat::RepairOptions& options, const std::string& path,
                           std::uint32_t sector_size, const std::optional<std::string>& firmware) {
    const fat::RepairOptions ro = tagged(options, image_journal_tag(path));
    std::unique_ptr<fat::BlockDevice> image;
    try {
        image = fat::ImageFile::open(path, sector_size, true);
    } catch (const fat::Error& e) {
        throw Error(repair_status(e), path, e.message());
    }
    // Watched as a stick is: a stop request (Ctrl-C) ends the repair at its next write request,
    // and a failed write says what the image holds and how to finish.
    WritePhase phase(reporter);
    WatchedDevice::Hooks hooks;
    hooks.interrupted = &stop_flag();
    add_faults(hooks, ctx.faults);
    auto watched = std::make_unique<WatchedDevice>(std::move(image), std::move(hooks));
    WatchedDevice& w = *watched;
    std::unique_ptr<fat::BlockDevice> dev = slowed(std::move(watched), ctx.faults);
    try {
        return repair_opened_key(reporter, ro, path, *dev, firmware);
    } catch (const WriteInterrupted& e) {
        throw Error(Status::interrupted, path,
                    "interrupted; " + repair_state(path, e.writes_done(), ro, nullptr));
    } catch (const Error& e) {
        if (e.code() != Status::io || w.writes_done() == 0) throw;
        throw Error(e.code(), e.location(),
                    e.message() + "; " + repair_state(path, w.writes_done(), ro, nullptr));
    }
}

std::vector<RepairOutcome> repair_sticks(const Context& ctx, Reporter& reporter,
                                         const std::vector<StickRepair>& jobs,
                                         const fat::RepairOptions& ro,
                                         const std::optional<std::string>& firmware) {
    // Two sticks of one identity (one backing file attached as two loop devices) would share a
    // journal, and are one key written twice at once: refused before anything is written.
    for (std::size_t i = 0; i < jobs.size(); ++i)
        for (std::size_t k = 0; k < i; ++k)
            if (fat::journal_tag_text(stick_journal_tag(jobs[i].disk)) ==
                fat::journal_tag_text(stick_journal_tag(jobs[k].disk)))
                throw Error(Status::bad_argument, jobs[i].target,
                            "has the identity of " + jobs[k].target + " (" +
                                stick_journal_tag(jobs[i].disk) +
                                "): the same key cannot be repaired twice at once; nothing "
                                "written");
    // From here on a stop request ends every repair at its next safe point.
    WritePhase phase(reporter);
    if (jobs.size() == 1) {
        RepairOutcome out = repair_stick(ctx, reporter, ro, jobs[0], firmware, false);
        reporter.stick_done({out.target, out.status, out.message});
        return {std::move(out)};
    }
    std::vector<RepairOutcome> outcomes(jobs.size());
    std::vector<std::thread> workers;
    for (std::size_t i = 0; i < jobs.size(); ++i)
        workers.emplace_back([&, i] {
            RepairOutcome& out = outcomes[i];
            auto failed = [&](const Error& e) {
                reporter.error(e.location().empty() ? e.message()
                                                    : e.location() + ": " + e.message());
                out = RepairOutcome{};
                out.target = jobs[i].target;
                out.device = jobs[i].disk;
                out.journal_dir = ro.journal_dir;
                out.status = e.code();
                out.message = e.message();
            };
            try {
                out = repair_stick(ctx, reporter, ro, jobs[i], firmware, true);
            } catch (const Error& e) {
                failed(e);
            } catch (const std::exception& e) {
                failed(Error(Status::io, jobs[i].target, e.what()));
            }
        });
    for (auto& t : workers) t.join();
    for (const auto& out : outcomes) reporter.stick_done({out.target, out.status, out.message});
    return outcomes;
}

}  // namespace ukpu::provision
