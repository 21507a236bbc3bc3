#include "ukpu/provision/stick_writer.hpp"

#include <openssl/rand.h>

#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include <algorithm>
#include <cctype>

#include "temporary_image.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/fatwriter/directory.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "ukpu/fatwriter/volume.hpp"
#include "ukpu/provision/cert_hash.hpp"
#include "ukpu/provision/device_safety.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/generations.hpp"
#include "ukpu/provision/stop.hpp"
#include "ukpu/provision/watched_device.hpp"

namespace ukpu::provision {

namespace {

// What a stick holds after a write stopped after `writes` requests. write_key clears the old
// signatures first and writes the boot sector and the partition table last.
std::string stick_state(const std::string& target, std::uint64_t writes, std::uint64_t bytes) {
    if (writes == 0) return "nothing was written: " + target + " is unchanged";
    return "stopped after " + base::counted(writes, "write request") + " (" + size_text(bytes) +
           ", flushed): " + target +
           " holds no usable key; its old partition table is cleared and the new boot sector "
           "and partition table were not written. Run the same command again to make the key; "
           "`ukpu verify --device " +
           target + "` shows its state";
}

// Whether the confirmed stick left the machine (or came back as another device) after a write
// failed: then the failure is its removal, which is what the admin is told.
bool stick_gone(const Context& ctx, const devices::DeviceInfo& disk) {
    try {
        recheck_identity(ctx, disk);
        return false;
    } catch (const Error&) {
        return true;
    }
}

// After a key was written to `dev`: reads setup.bin back past the page cache and verifies the
// key as each generation of `generations` would read it.
WrittenKey check_written_key(Reporter& reporter, const std::string& target, fat::BlockDevice& dev,
                             const fat::KeyLayout& k, const std::vector<std::uint8_t>& setup,
                             const fat::VerifyOptions& generations) {
    WrittenKey w;
    w.layout = k;
    w.io = dev.stats();
    reporter.note("wrote " + target + ": " + layout_text(k) + " (" +
                  base::counted(w.io.write_calls, "write request") + ", " +
                  size_text(w.io.bytes_written) + ")");
    dev.drop_cache();
    const auto back = read_key_setup_bin(dev);
    w.read_back_identical = back && *back == setup;
    w.verify = fat::verify_key(dev, generations);
    reporter.key_report(target, w.verify);
    // The verdict is the generations': neither --force nor the layout asked for changes it.
    w.unusable = unusable_generations(w.verify, generations);
    return w;
}

// The outcome of a key checked after its write; an Error when the bytes read back differ.
KeyOutcome outcome_of(const std::string& target, WrittenKey w, std::uint32_t volume_id) {
    KeyOutcome out;
    out.target = target;
    out.volume_id = volume_id;
    if (!w.read_back_identical)
        throw Error(Status::io, target,
                    "reading setup.bin back did not give the bytes written: the device may be "
                    "failing");
    out.status = w.usable() ? Status::ok : Status::problems;
    if (!w.usable()) {
        out.message = "written, but not usable by every firmware generation it is for: ";
        for (std::size_t i = 0; i < w.unusable.size(); ++i)
            out.message += (i ? "; " : "") + w.unusable[i];
    }
    out.key = std::move(w);
    return out;
}

// Writes a key on a block device already checked and confirmed: unmounts it when asked, opens it
// exclusively, re-checks the identity before the first write; progress through the reporter, a
// stop request ends it at a safe point.
std::unique_ptr<fat::BlockDevice> write_stick(const Context& ctx, Reporter& reporter,
                                              const StickJob& job,
                                              const std::vector<fat::KeyFile>& extras,
                                              const fat::KeyOptions& base, fat::KeyLayout& k,
                                              bool parallel) {
    fat::KeyOptions ko = base;
    if (job.volume_id) ko.volume_id = *job.volume_id;
    if (!job.label.empty()) ko.label = job.label;
    const devices::DeviceInfo& disk = job.disk;
    const std::string& target = job.target;
    if (!disk.mounts.empty()) unmount_device(ctx, reporter, disk);

    // The progress total: the same layout written to a device that keeps nothing.
    std::uint64_t total = 0;
    try {
        CountingDevice counter(disk.logical_sector_size, disk.size / disk.logical_sector_size);
        (void)fat::write_key(counter, job.setup, extras, ko);
        total = counter.stats().bytes_written;
    } catch (const fat::Error& e) {
        throw Error(status_of(e), target, e.message());
    }
    std::unique_ptr<Progress> progress = reporter.progress(target, "writing", total, parallel);
    WatchedDevice::Hooks hooks;
    hooks.on_progress = [&progress](std::uint64_t done) { progress->update(done); };
    hooks.interrupted = &stop_flag();
    std::unique_ptr<WatchedDevice> dev = open_confirmed_device(ctx, disk, target, std::move(hooks));
    try {
        k = fat::write_key(*dev, job.setup, extras, ko);
    } catch (const WriteInterrupted& e) {
        progress->finish();
        throw Error(Status::interrupted, target,
                    "interrupted; " + stick_state(target, e.writes_done(), e.bytes_done()));
    } catch (const fat::Error& e) {
        progress->finish();
        if (dev->writes_done() > 0 && stick_gone(ctx, disk))
            throw Error(Status::io, target,
                        "the stick was pulled out during the write (" + e.message() + ") after " +
                            base::counted(dev->writes_done(), "write request") +
                            ": it holds no usable key. Plug it in again and write it again");
        throw Error(
            status_of(e), target,
            e.message() + "; " + stick_state(target, dev->writes_done(), dev->bytes_done()));
    } catch (const Error&) {
        progress->finish();
        throw;
    }
    progress->finish();
    dev->stop_watching();  // the progress goes away with this function
    return dev;
}

// A stick written by one of the parallel writers, checked afterwards.
struct Written {
    std::unique_ptr<fat::BlockDevice> device;
    fat::KeyLayout layout;
    std::exception_ptr error;
};

// Reads one written stick back and verifies it.
KeyOutcome finish_stick(Reporter& reporter, const StickJob& job,
                        const fat::VerifyOptions& generations, Written& w) {
    if (w.error) std::rethrow_exception(w.error);
    if (stop_requested())
        throw Error(Status::interrupted, job.target,
                    "interrupted after the key was written in full and flushed, before it "
                    "was read back: run `ukpu verify --device " +
                        job.target + "` to check it");
    KeyOutcome out = outcome_of(
        job.target,
        check_written_key(reporter, job.target, *w.device, w.layout, job.setup, generations),
        job.volume_id.value_or(0));
    out.device = job.disk;
    if (out.status == Status::problems) reporter.error(job.target + ": " + out.message);
    return out;
}

}  // namespace

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

std::int64_t key_timestamp() {
    if (const char* e = std::getenv("SOURCE_DATE_EPOCH"); e && *e) {
        char* end = nullptr;
        const long long v = std::strtoll(e, &end, 10);
        if (*end == '\0' && v >= 0) return v;
        throw Error(Status::bad_argument, "SOURCE_DATE_EPOCH",
                    "'" + std::string(e) + "' is not a number");
    }
    return static_cast<std::int64_t>(std::time(nullptr));
}

std::uint32_t random_volume_id() {
    std::uint8_t b[4];
    if (RAND_bytes(b, sizeof b) != 1)
        throw Error(Status::io, "--volume-id", "the random generator failed");
    return static_cast<std::uint32_t>(b[0]) | (static_cast<std::uint32_t>(b[1]) << 8) |
           (static_cast<std::uint32_t>(b[2]) << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
}

std::uint32_t volume_id_for(const std::string& given, const std::vector<std::uint8_t>& setup,
                            std::size_t index) {
    if (!given.empty()) {
        char* end = nullptr;
        const unsigned long v = std::strtoul(given.c_str(), &end, 16);
        if (*end != '\0' || given.size() > 8 ||
            !std::isxdigit(static_cast<unsigned char>(given[0])))
            throw Error(Status::bad_argument, "--volume-id", "'" + given + "' is not 8 hex digits");
        return static_cast<std::uint32_t>(v);
    }
    const char* e = std::getenv("SOURCE_DATE_EPOCH");
    if (!e || !*e) return random_volume_id();
    // The first key of a run is derived as a single key always was, so that one image built
    // again gives the same bytes.
    std::vector<std::uint8_t> seed(setup);
    seed.insert(seed.end(), e, e + std::char_traits<char>::length(e));
    if (index > 0) {
        const std::string tag = "#" + std::to_string(index);
        seed.insert(seed.end(), tag.begin(), tag.end());
    }
    const auto b = digest("sha256", seed);
    return static_cast<std::uint32_t>(b[0]) | (static_cast<std::uint32_t>(b[1]) << 8) |
           (static_cast<std::uint32_t>(b[2]) << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
}

void assign_volume_ids(std::vector<StickJob>& jobs, const std::string& given) {
    if (!given.empty() && jobs.size() > 1)
        throw Error(Status::bad_argument, "--volume-id",
                    "names the volume serial of one key; " + base::counted(jobs.size(), "stick") +
                        " each get their own (leave --volume-id out)");
    std::set<std::uint32_t> taken;
    for (const auto& j : jobs)
        if (j.volume_id) taken.insert(*j.volume_id);
    if (taken.size() !=
        static_cast<std::size_t>(
            std::count_if(jobs.begin(), jobs.end(), [](const StickJob& j) { return j.volume_id; })))
        throw Error(Status::bad_argument, "--volume-id", "two sticks were given one volume id");
    std::size_t next = jobs.size();  // a later index for a derived id that collided
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (jobs[i].volume_id) continue;
        std::uint32_t id = volume_id_for(given, jobs[i].setup, i);
        while (taken.count(id)) id = volume_id_for({}, jobs[i].setup, next++);
        taken.insert(id);
        jobs[i].volume_id = id;
    }
}

KeyOutcome make_key_image(const Context& ctx, Reporter& reporter, const ImageTarget& image,
                          const std::vector<std::uint8_t>& setup,
                          const std::vector<fat::KeyFile>& extras, const fat::KeyOptions& base,
                          const fat::VerifyOptions& generations) {
    const std::string& target = image.path;
    fat::KeyOptions ko = base;
    if (image.size == 0 || image.size % image.sector_size != 0)
        throw Error(Status::bad_argument, "--size",
                    "must be a positive multiple of the " + std::to_string(image.sector_size) +
                        "-byte sector size");
    try {
        // Plan first: nothing is created for a layout that cannot be made.
        (void)fat::plan_key(image.size / image.sector_size, image.sector_size, setup.size(), extras,
                            ko);
    } catch (const fat::Error& e) {
        throw Error(status_of(e), target, e.message());
    }
    refuse_existing_image(target, image.overwrite);
    // Made under a temporary name: no file at `target` until the image is complete.
    TemporaryImage temp(target);
    std::unique_ptr<fat::BlockDevice> file;
    try {
        file = fat::ImageFile::create(temp.path(), image.size, image.sector_size, true);
    } catch (const fat::Error& e) {
        throw Error(status_of(e), target, e.message() + "; nothing was left at " + target);
    }
    WatchedDevice::Hooks hooks;
    hooks.interrupted = &stop_flag();
    add_faults(hooks, ctx.faults);
    WatchedDevice dev(std::move(file), std::move(hooks));
    ko.device_is_zeroed = true;
    fat::KeyLayout k;
    {
        WritePhase phase(reporter);  // a stop request ends the write at its next request
        try {
            k = fat::write_key(dev, setup, extras, ko);
        } catch (const WriteInterrupted&) {
            throw Error(Status::interrupted, target,
                        "interrupted; the partly written image was removed and nothing was left "
                        "at " +
                            target);
        } catch (const fat::Error& e) {
            throw Error(status_of(e), target,
                        e.message() +
                            "; the partly written image was removed and nothing was "
                            "left at " +
                            target);
        }
    }
    dev.stop_watching();
    KeyOutcome out = outcome_of(
        target, check_written_key(reporter, target, dev, k, setup, generations), ko.volume_id);
    temp.commit(image.overwrite);
    if (out.status == Status::problems) reporter.error(target + ": " + out.message);
    return out;
}

std::vector<KeyOutcome> write_sticks(const Context& ctx, Reporter& reporter,
                                     std::vector<StickJob> jobs,
                                     const std::vector<fat::KeyFile>& extras,
                                     const fat::KeyOptions& ko,
                                     const fat::VerifyOptions& generations) {
    assign_volume_ids(jobs);
    // From here on a stop request ends every write at its next safe point.
    WritePhase phase(reporter);
    std::vector<Written> written(jobs.size());
    if (jobs.size() == 1) {
        // One stick: its error is the command's error.
        written[0].device =
            write_stick(ctx, reporter, jobs[0], extras, ko, written[0].layout, false);
        KeyOutcome out = finish_stick(reporter, jobs[0], generations, written[0]);
        reporter.stick_done({out.target, out.status, out.message});
        return {std::move(out)};
    }
    // Several sticks are written at once, one thread each; each is then read back and verified.
    std::vector<std::thread> writers;
    for (std::size_t i = 0; i < jobs.size(); ++i)
        writers.emplace_back([&, i] {
            try {
                written[i].device =
                    write_stick(ctx, reporter, jobs[i], extras, ko, written[i].layout, true);
            } catch (...) {
                written[i].error = std::current_exception();
            }
        });
    for (auto& t : writers) t.join();

    std::vector<KeyOutcome> outcomes(jobs.size());
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        try {
            outcomes[i] = finish_stick(reporter, jobs[i], generations, written[i]);
        } catch (const Error& e) {
            reporter.error(e.location().empty() ? e.message() : e.location() + ": " + e.message());
            outcomes[i].target = jobs[i].target;
            outcomes[i].device = jobs[i].disk;
            outcomes[i].volume_id = jobs[i].volume_id;
            outcomes[i].status = e.code();
            outcomes[i].message = e.message();
        }
        reporter.stick_done({outcomes[i].target, outcomes[i].status, outcomes[i].message});
    }
    return outcomes;
}

}  // namespace ukpu::provision
