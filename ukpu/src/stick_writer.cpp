#include "stick_writer.hpp"

#include <openssl/rand.h>

#include <cstdlib>
#include <ctime>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "interrupt_guard.hpp"
#include "key_target.hpp"
#include "progress_line.hpp"
#include "ukpu/fatwriter/directory.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "ukpu/fatwriter/volume.hpp"
#include "verify_report.hpp"
#include "watched_device.hpp"

namespace ukpu::cli {

namespace {

// setup.bin as a UEFI FAT driver reads it back, or nothing when it cannot be found.
std::optional<std::vector<std::uint8_t>> read_back(fat::BlockDevice& dev) {
    try {
        const auto where = fat::locate_volume(dev);
        auto view = fat::open_volume_view(dev, where);
        fat::Volume vol(*view);
        const auto slot = fat::lookup(vol, "\\setup.bin");
        if (!slot) return std::nullopt;
        return vol.read_file(slot->first_cluster, slot->size);
    } catch (const fat::Error&) {
        return std::nullopt;
    }
}

// What a stick holds after a write stopped after `writes` requests. write_key clears the old
// signatures first and writes the boot sector and the partition table last.
std::string stick_state(const std::string& target, std::uint64_t writes, std::uint64_t bytes) {
    if (writes == 0) return "nothing was written: " + target + " is unchanged";
    return "stopped after " + std::to_string(writes) + " write requests (" + size_text(bytes) +
           ", flushed): " + target +
           " holds no usable key; its old partition table is cleared and the new boot sector "
           "and partition table were not written. Run the same command again to make the key; "
           "`ukpu verify --device " +
           target + "` shows its state";
}

bool interrupted() {
    return *InterruptGuard::flag() != 0;
}

// Writes a key on a block device already checked and confirmed: unmounts it when asked, opens it
// exclusively, re-checks the identity before the first write; progress on stderr, Ctrl-C stops
// at a safe point (exit 130) while the caller holds an InterruptGuard.
std::unique_ptr<fat::BlockDevice> write_stick(const GlobalOptions& g, const StickJob& job,
                                              const std::vector<fat::KeyFile>& extras,
                                              const fat::KeyOptions& ko, fat::KeyLayout& k,
                                              bool parallel) {
    const devices::DeviceInfo& disk = job.disk;
    const std::string& target = job.target;
    if (!disk.mounts.empty()) unmount_device(g, disk);

    // The progress total: the same layout written to a device that keeps nothing.
    std::uint64_t total = 0;
    try {
        CountingDevice counter(disk.logical_sector_size, disk.size / disk.logical_sector_size);
        (void)fat::write_key(counter, job.setup, extras, ko);
        total = counter.stats().bytes_written;
    } catch (const fat::Error& e) {
        throw CliError(exit_code_for(e), target, e.message());
    }
    // Several sticks at once share stderr: plain lines, one per quarter, instead of one line
    // rewritten in place.
    ProgressLine::Mode mode = ProgressLine::mode_for(g);
    if (parallel && mode == ProgressLine::Mode::terminal) mode = ProgressLine::Mode::plain;
    ProgressLine progress(mode, target + ": writing", total);
    WatchedDevice::Hooks hooks;
    hooks.on_progress = [&progress, &job, total](std::uint64_t done) {
        progress.update(done);
        if (job.on_progress) job.on_progress(done, total);
    };
    hooks.interrupted = InterruptGuard::flag();
    add_test_faults(hooks);
    std::unique_ptr<WatchedDevice> dev = open_confirmed_device(disk, target, std::move(hooks));
    try {
        k = fat::write_key(*dev, job.setup, extras, ko);
    } catch (const WriteInterrupted& e) {
        progress.finish();
        throw CliError(exit_interrupted, target,
                       "interrupted; " + stick_state(target, e.writes_done(), e.bytes_done()));
    } catch (const fat::Error& e) {
        progress.finish();
        throw CliError(
            exit_code_for(e), target,
            e.message() + "; " + stick_state(target, dev->writes_done(), dev->bytes_done()));
    } catch (const CliError&) {
        progress.finish();
        throw;
    }
    progress.finish();
    dev->stop_watching();  // the progress line goes away with this function
    return dev;
}

// A stick written by one of the parallel writers, checked afterwards.
struct Written {
    std::unique_ptr<fat::BlockDevice> device;
    fat::KeyLayout layout;
    std::exception_ptr error;
};

// Reads one written stick back and verifies it; fills its document.
int finish_stick(const GlobalOptions& g, const StickJob& job, const fat::KeyOptions& ko, Written& w,
                 Json& doc) {
    doc.set("target", job.target);
    doc.set("device", device_json(job.disk));
    if (w.error) std::rethrow_exception(w.error);
    if (interrupted())
        throw CliError(exit_interrupted, job.target,
                       "interrupted after the key was written in full and flushed, before it "
                       "was read back: run `ukpu verify --device " +
                           job.target + "` to check it");
    return check_written_key(g, job.target, *w.device, w.layout, ko, job.setup, doc);
}

}  // namespace

Json layout_json(const fat::KeyLayout& k) {
    Json j = Json::object();
    j.set("scheme", fat::to_string(k.scheme));
    j.set("fs", fat::to_string(k.geometry.type));
    j.set("volume_first_sector", k.volume_first_sector);
    j.set("volume_sectors", k.volume_sectors);
    j.set("sector_size", k.geometry.bytes_per_sector);
    j.set("cluster_size", k.geometry.bytes_per_cluster());
    j.set("clusters", k.geometry.cluster_count);
    j.set("partition_type", k.partition_type);
    j.set("setup_first_cluster", k.setup_first_cluster);
    j.set("setup_clusters", k.setup_clusters);
    j.set("setup_offset", k.setup_offset);
    return j;
}

std::string layout_text(const fat::KeyLayout& k) {
    std::string t = std::string(fat::to_string(k.scheme)) + ", " + fat::to_string(k.geometry.type) +
                    " of " + size_text(k.volume_sectors * k.geometry.bytes_per_sector);
    if (k.scheme == fat::PartitionScheme::mbr)
        t += " at sector " + std::to_string(k.volume_first_sector);
    t +=
        ", clusters of " + size_text(k.geometry.bytes_per_cluster()) + "; SETUP.BIN in root slot 0";
    if (k.setup_clusters)
        t += ", clusters " + std::to_string(k.setup_first_cluster) + "-" +
             std::to_string(k.setup_first_cluster + k.setup_clusters - 1);
    return t;
}

Json device_json(const devices::DeviceInfo& d) {
    Json id = Json::object();
    id.set("name", d.name);
    id.set("vendor", d.vendor);
    id.set("model", d.model);
    id.set("serial", d.serial);
    id.set("size", d.size);
    id.set("bus_path", d.bus_path);
    id.set("usb_id", d.usb_id);
    return id;
}

std::int64_t key_timestamp() {
    if (const char* e = std::getenv("SOURCE_DATE_EPOCH"); e && *e) {
        char* end = nullptr;
        const long long v = std::strtoll(e, &end, 10);
        if (*end == '\0' && v >= 0) return v;
        throw CliError(exit_usage, "SOURCE_DATE_EPOCH", "'" + std::string(e) + "' is not a number");
    }
    return static_cast<std::int64_t>(std::time(nullptr));
}

std::uint32_t random_volume_id() {
    std::uint8_t b[4];
    if (RAND_bytes(b, sizeof b) != 1)
        throw CliError(exit_io, "--volume-id", "the random generator failed");
    return static_cast<std::uint32_t>(b[0]) | (static_cast<std::uint32_t>(b[1]) << 8) |
           (static_cast<std::uint32_t>(b[2]) << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
}

int record_stick_failure(const std::string& target, const CliError& e, Json& doc) {
    print_error(e.location().empty() ? e.message() : e.location() + ": " + e.message());
    Json err = Json::object();
    err.set("exit_code", e.code());
    err.set("message", e.message());
    doc.set("target", target);
    doc.set("ok", false);
    doc.set("error", err);
    return e.code();
}

void print_sticks_summary(const GlobalOptions& g, const std::string& done,
                          const std::vector<devices::DeviceInfo>& disks,
                          const std::vector<std::string>& targets, const std::vector<int>& codes) {
    if (codes.size() < 2) return;
    std::size_t good = 0;
    std::string failed;
    for (std::size_t i = 0; i < codes.size(); ++i) {
        if (codes[i] == exit_ok) {
            ++good;
            continue;
        }
        std::string who = targets[i];
        if (i < disks.size()) {
            const auto& d = disks[i];
            who += " (serial " + (d.serial.empty() ? std::string("unknown") : d.serial);
            if (!d.bus_path.empty()) who += ", USB port " + d.bus_path;
            who += ")";
        }
        failed += (failed.empty() ? "" : "; ") + who + ": exit " + std::to_string(codes[i]);
    }
    const std::string line =
        std::to_string(good) + " of " + std::to_string(codes.size()) + " sticks " + done;
    if (failed.empty())
        print_note(g, line);
    else
        print_warning(line + "; not: " + failed);
}

int worse_exit(int a, int b) {
    auto rank = [](int c) {
        switch (c) {
            case exit_interrupted:
                return 6;
            case exit_io:
                return 5;
            case exit_refused:
                return 4;
            case exit_bad_input:
                return 3;
            case exit_usage:
                return 2;
            default:
                return c == exit_ok ? 0 : 1;
        }
    };
    return rank(b) > rank(a) ? b : a;
}

int check_written_key(const GlobalOptions& g, const std::string& target, fat::BlockDevice& dev,
                      const fat::KeyLayout& k, const fat::KeyOptions& ko,
                      const std::vector<std::uint8_t>& setup, Json& doc) {
    const fat::IoStats io = dev.stats();
    doc.set("layout", layout_json(k));
    Json ioj = Json::object();
    ioj.set("write_calls", io.write_calls);
    ioj.set("bytes_written", io.bytes_written);
    ioj.set("flushes", io.flushes);
    doc.set("io", ioj);
    doc.set("written", true);
    print_note(g, "wrote " + target + ": " + layout_text(k) + " (" +
                      std::to_string(io.write_calls) + " write requests, " +
                      size_text(io.bytes_written) + ")");

    // Read back past the page cache and check as the firmware would.
    dev.drop_cache();
    const auto back = read_back(dev);
    const bool same = back && *back == setup;
    fat::VerifyReport r = fat::verify_key(dev);
    doc.set("read_back_identical", same);
    doc.set("verify", verify_json(r));
    if (!g.json) print_verify(std::cerr, r, g);
    if (!same)
        throw CliError(exit_io, target,
                       "reading setup.bin back did not give the bytes written: the device may be "
                       "failing");
    // The layout must be found by the generations it is made for; content problems were either
    // absent or accepted with --force.
    const bool legacy_layout = k.geometry.type == fat::FatType::fat16 && !ko.label_entry;
    bool found = r.uefi && r.uefi->found;
    if (legacy_layout) found = found && r.legacy && r.legacy->found;
    doc.set("ok", found);
    return found ? exit_ok : exit_problems;
}

std::vector<StickOutcome> write_sticks(const GlobalOptions& g, const std::vector<StickJob>& jobs,
                                       const std::vector<fat::KeyFile>& extras,
                                       const fat::KeyOptions& ko) {
    // Ctrl-C from here on stops every write at its next safe point.
    InterruptGuard guard;
    std::vector<Written> written(jobs.size());
    if (jobs.size() == 1) {
        // One stick: its error is the command's error.
        written[0].device = write_stick(g, jobs[0], extras, ko, written[0].layout, false);
        StickOutcome out;
        out.doc = Json::object();
        out.code = finish_stick(g, jobs[0], ko, written[0], out.doc);
        if (out.code != exit_ok)
            out.message = "written, but not found by every firmware generation it is for";
        return {std::move(out)};
    }
    // Several sticks are written at once, one thread each; each is then read back and verified.
    std::vector<std::thread> writers;
    for (std::size_t i = 0; i < jobs.size(); ++i)
        writers.emplace_back([&, i] {
            try {
                written[i].device = write_stick(g, jobs[i], extras, ko, written[i].layout, true);
            } catch (...) {
                written[i].error = std::current_exception();
            }
        });
    for (auto& t : writers) t.join();

    std::vector<StickOutcome> outcomes(jobs.size());
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        StickOutcome& out = outcomes[i];
        out.doc = Json::object();
        try {
            out.code = finish_stick(g, jobs[i], ko, written[i], out.doc);
            if (out.code != exit_ok)
                out.message = "written, but not found by every firmware generation it is for";
        } catch (const CliError& e) {
            out.code = record_stick_failure(jobs[i].target, e, out.doc);
            out.message = e.message();
        }
    }
    return outcomes;
}

}  // namespace ukpu::cli
