// `ukpu build (--image FILE [--size N] | --device DEV...) (--setup-bin FILE | settings)`: lays a
// key out (the strict layout unless told otherwise), reads it back and verifies it.
#include <openssl/rand.h>

#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "cert_hash.hpp"
#include "commands.hpp"
#include "create_options.hpp"
#include "interrupt_guard.hpp"
#include "key_target.hpp"
#include "problem_json.hpp"
#include "progress_line.hpp"
#include "setupbin_builder.hpp"
#include "ukpu/fatwriter/directory.hpp"
#include "ukpu/fatwriter/key_writer.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/fatwriter/volume.hpp"
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/values.hpp"
#include "verify_report.hpp"

namespace ukpu::cli {

namespace sb = ukpu::setupbin;

namespace {

struct BuildCliOptions {
    CreateSettings settings;
    CLI::App* sub = nullptr;
    std::string image;
    std::string size = "64M";
    bool overwrite = false;
    std::vector<std::string> devices;
    DeviceWritePolicy policy;
    std::string setup_bin;
    std::string fs;
    std::string layout = "mbr";
    std::string label = "NO NAME";
    bool label_entry = false;
    std::uint32_t sector_size = 512;
    std::string volume_id;
    std::string cluster_size;
    std::vector<std::string> add;
};

bool has_settings(const CreateSettings& s) {
    for (const auto& [k, v] : s.values)
        if (!v.empty()) return true;
    for (const auto& [k, v] : s.secret_files)
        if (!v.empty()) return true;
    return !s.cert_hashes.empty() || !s.cert_hash_values.empty() || !s.vars.empty();
}

// The setup.bin to lay out: a given file (format errors refused as bad input) or one built from
// the settings; firmware errors refuse the build unless --force.
std::vector<std::uint8_t> setup_bin_bytes(const BuildCliOptions& o, const GlobalOptions& g,
                                          sb::CheckResult& checked) {
    std::vector<std::uint8_t> bytes;
    if (!o.setup_bin.empty()) {
        if (has_settings(o.settings))
            throw CliError(exit_usage, "--setup-bin",
                           "give either a setup.bin file or the settings to make one, not both");
        bytes = read_input_file(o.setup_bin);
        const sb::ParseResult parsed = sb::parse_lenient(bytes);
        for (const auto& p : parsed.problems)
            if (p.severity == sb::Severity::error)
                throw CliError(exit_bad_input, o.setup_bin + ": " + p.where.str(), p.message);
        checked = sb::check(bytes, check_options(o.settings));
    } else {
        if (!has_settings(o.settings))
            throw CliError(exit_usage, "build",
                           "give --setup-bin FILE, a profile (--config FILE) or the settings of "
                           "`setupbin create`");
        BuiltSetupBin built = build_setupbin(o.settings, g);
        bytes = std::move(built.bytes);
        checked = std::move(built.check);
    }
    return bytes;
}

std::int64_t build_timestamp() {
    if (const char* e = std::getenv("SOURCE_DATE_EPOCH"); e && *e) {
        char* end = nullptr;
        const long long v = std::strtoll(e, &end, 10);
        if (*end == '\0' && v >= 0) return v;
        throw CliError(exit_usage, "SOURCE_DATE_EPOCH", "'" + std::string(e) + "' is not a number");
    }
    return static_cast<std::int64_t>(std::time(nullptr));
}

// --volume-id, else derived from the file and SOURCE_DATE_EPOCH (reproducible builds), else random.
std::uint32_t volume_id(const BuildCliOptions& o, const std::vector<std::uint8_t>& setup) {
    if (!o.volume_id.empty()) {
        char* end = nullptr;
        const unsigned long v = std::strtoul(o.volume_id.c_str(), &end, 16);
        if (*end != '\0' || o.volume_id.size() > 8)
            throw CliError(exit_usage, "--volume-id", "'" + o.volume_id + "' is not 8 hex digits");
        return static_cast<std::uint32_t>(v);
    }
    std::uint8_t b[4];
    if (const char* e = std::getenv("SOURCE_DATE_EPOCH"); e && *e) {
        std::vector<std::uint8_t> seed(setup);
        seed.insert(seed.end(), e, e + std::char_traits<char>::length(e));
        const auto d = digest("sha256", seed);
        std::copy(d.begin(), d.begin() + 4, b);
    } else if (RAND_bytes(b, sizeof b) != 1) {
        throw CliError(exit_io, "--volume-id", "the random generator failed");
    }
    return static_cast<std::uint32_t>(b[0]) | (static_cast<std::uint32_t>(b[1]) << 8) |
           (static_cast<std::uint32_t>(b[2]) << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
}

fat::KeyOptions key_options(const BuildCliOptions& o, const std::vector<std::uint8_t>& setup) {
    fat::KeyOptions k;
    try {
        if (!o.fs.empty()) k.fs = fat::parse_fat_type(o.fs);
        k.scheme = fat::parse_partition_scheme(o.layout);
    } catch (const fat::Error& e) {
        throw CliError(exit_usage, o.fs.empty() ? "--layout" : "--fs/--layout", e.message());
    }
    if (!o.cluster_size.empty())
        k.cluster_bytes = static_cast<std::uint32_t>(parse_size(o.cluster_size, "--cluster-size"));
    k.label = o.label;
    k.label_entry = o.label_entry;
    k.timestamp = build_timestamp();
    k.volume_id = volume_id(o, setup);
    return k;
}

std::vector<fat::KeyFile> extra_files(const BuildCliOptions& o) {
    std::vector<fat::KeyFile> files;
    for (const auto& path : o.add) {
        fat::KeyFile f;
        f.name = std::filesystem::path(path).filename().string();
        f.data = read_input_file(path);
        files.push_back(std::move(f));
    }
    return files;
}

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

std::uint64_t env_count(const char* name) {
    const char* e = std::getenv(name);
    return e && *e ? std::strtoull(e, nullptr, 10) : 0;
}

// What a stick holds after a write stopped after `writes` requests. write_key clears the old
// signatures first and writes the boot sector and the partition table last.
std::string stick_state(const std::string& target, std::uint64_t writes, std::uint64_t bytes) {
    if (writes == 0) return "nothing was written: " + target + " is unchanged";
    return "stopped after " + std::to_string(writes) + " write requests (" + size_text(bytes) +
           ", flushed): " + target +
           " holds no usable key; its old partition table is cleared and the new boot sector "
           "and partition table were not written. Run the same `ukpu build` again to make the "
           "key; `ukpu verify --device " +
           target + "` shows its state";
}

// Writes a key on a block device already checked and confirmed: unmounts it when asked, opens it
// exclusively, re-checks the identity before the first write; progress on stderr, Ctrl-C stops
// at a safe point (exit 130) while the caller holds an InterruptGuard.
std::unique_ptr<fat::BlockDevice> write_device(
    const GlobalOptions& g, const devices::DeviceInfo& disk, const std::string& target,
    const std::vector<std::uint8_t>& setup, const std::vector<fat::KeyFile>& extras,
    const fat::KeyOptions& ko, fat::KeyLayout& k, bool parallel) {
    if (!disk.mounts.empty()) unmount_device(g, disk);

    // The progress total: the same layout written to a device that keeps nothing.
    std::uint64_t total = 0;
    try {
        CountingDevice counter(disk.logical_sector_size, disk.size / disk.logical_sector_size);
        (void)fat::write_key(counter, setup, extras, ko);
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
    hooks.on_progress = [&progress](std::uint64_t done) { progress.update(done); };
    hooks.interrupted = InterruptGuard::flag();
    hooks.fail_after_writes = env_count("UKPU_FAIL_AFTER_WRITES");
    hooks.interrupt_after_writes = env_count("UKPU_INTERRUPT_AFTER_WRITES");
    std::unique_ptr<WatchedDevice> dev = open_confirmed_device(disk, target, std::move(hooks));
    try {
        k = fat::write_key(*dev, setup, extras, ko);
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

// A stick written by one of the parallel writers, checked afterwards by build_one.
struct Written {
    std::unique_ptr<fat::BlockDevice> device;
    fat::KeyLayout layout;
    std::exception_ptr error;
};

// The exit code of several sticks: the most serious outcome.
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

// Builds one target (an image, or a checked and confirmed disk); returns its exit code and
// fills its JSON document.
int build_one(const BuildCliOptions& o, const GlobalOptions& g, const std::string& target,
              const devices::DeviceInfo* disk, const std::vector<std::uint8_t>& setup,
              const std::vector<fat::KeyFile>& extras, const fat::KeyOptions& base, Json& doc,
              Written* written = nullptr) {
    const bool is_image = disk == nullptr && o.devices.empty();
    fat::KeyOptions ko = base;
    doc.set("target", target);
    if (disk) {
        // The identity that was confirmed and written: which stick holds this key.
        Json id = Json::object();
        id.set("name", disk->name);
        id.set("vendor", disk->vendor);
        id.set("model", disk->model);
        id.set("serial", disk->serial);
        id.set("size", disk->size);
        id.set("bus_path", disk->bus_path);
        id.set("usb_id", disk->usb_id);
        doc.set("device", id);
    }
    std::unique_ptr<fat::BlockDevice> dev;
    if (g.dry_run) {
        std::uint64_t sectors;
        std::uint32_t ss;
        if (is_image) {
            ss = o.sector_size;
            sectors = parse_size(o.size, "--size") / ss;
        } else {
            const auto disk = check_device_for_write(target, o.policy, true);
            if (!disk.mounts.empty())
                print_note(g, target + ": would unmount " + std::to_string(disk.mounts.size()) +
                                  " file system(s) first" +
                                  (o.policy.unmount ? "" : " (needs --unmount)"));
            auto d = open_for_read(target, o.sector_size);
            ss = d->sector_size();
            sectors = d->sector_count();
        }
        fat::KeyLayout k;
        try {
            k = fat::plan_key(sectors, ss, setup.size(), extras, ko);
        } catch (const fat::Error& e) {
            throw CliError(exit_code_for(e), target, e.message());
        }
        doc.set("layout", layout_json(k));
        doc.set("written", false);
        print_note(g, target + ": would write (dry run): " + layout_text(k));
        return exit_ok;
    }
    if (is_image) {
        const std::uint64_t size = parse_size(o.size, "--size");
        if (size % o.sector_size != 0)
            throw CliError(
                exit_usage, "--size",
                "must be a multiple of the " + std::to_string(o.sector_size) + "-byte sector size");
        try {
            // Plan first: nothing is created for a layout that cannot be made.
            (void)fat::plan_key(size / o.sector_size, o.sector_size, setup.size(), extras, ko);
            dev = fat::ImageFile::create(target, size, o.sector_size, o.overwrite);
        } catch (const fat::Error& e) {
            const bool exists = e.code() == fat::ErrorCode::io && std::filesystem::exists(target);
            throw CliError(exists ? exit_refused : exit_code_for(e), target,
                           e.message() + (exists ? " (use --overwrite to replace it)" : ""));
        }
        ko.device_is_zeroed = true;
    }

    fat::KeyLayout k;
    if (is_image) {
        try {
            k = fat::write_key(*dev, setup, extras, ko);
        } catch (const fat::Error& e) {
            throw CliError(exit_code_for(e), target, e.message());
        }
    } else {
        if (written) {
            if (written->error) std::rethrow_exception(written->error);
            dev = std::move(written->device);
            k = written->layout;
        } else {
            dev = write_device(g, *disk, target, setup, extras, ko, k, false);
        }
    }
    const fat::IoStats io = dev->stats();
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
    fat::BlockDevice* medium = dev.get();
    if (auto* w = dynamic_cast<WatchedDevice*>(medium)) medium = &w->inner();
    if (auto* bd = dynamic_cast<fat::LinuxBlockDevice*>(medium)) bd->drop_cache();
    const auto back = read_back(*dev);
    const bool same = back && *back == setup;
    fat::VerifyReport r = fat::verify_key(*dev);
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

int run_build(BuildCliOptions& o, const GlobalOptions& g) {
    if (!o.settings.config.empty()) apply_profile(*o.sub, o.settings.config);
    if (o.image.empty() == o.devices.empty())
        throw CliError(exit_usage, "build", "give --image FILE or --device DEV (not both)");

    sb::CheckResult checked;
    const std::vector<std::uint8_t> setup = setup_bin_bytes(o, g, checked);
    const bool refused = !checked.ok() && !o.settings.force;
    for (const auto& p : checked.problems) {
        if (p.severity == sb::Severity::info && !g.verbose) continue;
        if (p.severity == sb::Severity::error)
            (refused ? print_error : print_warning)(problem_line(p));
        else
            print_warning(problem_line(p));
    }
    Json doc = Json::object();
    Json sbj = Json::object();
    sbj.set("size", static_cast<std::uint64_t>(setup.size()));
    sbj.set("sha256", sb::to_hex(digest("sha256", setup)));
    sbj.set("problems", problems_json(checked.problems));
    doc.set("setup_bin", sbj);
    if (refused) {
        doc.set("ok", false);
        doc.set("written", false);
        if (g.json) print_json(doc);
        print_error(
            "nothing written: the setup.bin has errors (listed above); fix them, choose "
            "--firmware, or use --force");
        return exit_problems;
    }

    const std::vector<fat::KeyFile> extras = extra_files(o);
    const fat::KeyOptions ko = key_options(o, setup);
    int code = exit_ok;
    if (!o.image.empty()) {
        code = build_one(o, g, o.image, nullptr, setup, extras, ko, doc);
        if (g.json) print_json(doc);
        return code;
    }
    // Every stick is checked, then every one confirmed, before the first is written: a refusal
    // of the third stick must not come after the first two were erased.
    std::vector<devices::DeviceInfo> disks;
    if (!g.dry_run) {
        for (const auto& d : o.devices) {
            devices::DeviceInfo disk = check_device_for_write(d, o.policy, false);
            for (const auto& other : disks)
                if (other.name == disk.name)
                    throw CliError(exit_usage, d, "names " + disk.name + " a second time");
            disks.push_back(std::move(disk));
        }
        for (const auto& disk : disks) confirm_device_write(g, disk, o.policy);
    }
    // Ctrl-C from here on stops every write at its next safe point.
    InterruptGuard guard;
    // Several sticks are written at once, one thread each; each is then read back and verified.
    std::vector<Written> written;
    if (disks.size() > 1) {
        written.resize(disks.size());
        std::vector<std::thread> writers;
        for (std::size_t i = 0; i < disks.size(); ++i)
            writers.emplace_back([&, i] {
                try {
                    written[i].device = write_device(g, disks[i], o.devices[i], setup, extras, ko,
                                                     written[i].layout, true);
                } catch (...) {
                    written[i].error = std::current_exception();
                }
            });
        for (auto& t : writers) t.join();
    }
    Json keys = Json::array();
    bool stopped = false;
    for (std::size_t i = 0; i < o.devices.size(); ++i) {
        const std::string& d = o.devices[i];
        Json one = Json::object();
        int c = exit_ok;
        if (stopped) {
            one.set("target", d);
            one.set("written", false);
            one.set("ok", false);
            print_warning(d + ": not written (interrupted before its turn)");
            keys.push(std::move(one));
            continue;
        }
        try {
            c = build_one(o, g, d, g.dry_run ? nullptr : &disks[i], setup, extras, ko, one,
                          written.empty() ? nullptr : &written[i]);
        } catch (const CliError& e) {
            if (o.devices.size() == 1) throw;  // one device: the error document of every command
            print_error(e.location().empty() ? e.message() : e.location() + ": " + e.message());
            Json err = Json::object();
            err.set("exit_code", e.code());
            err.set("message", e.message());
            one.set("target", d);
            one.set("ok", false);
            one.set("error", err);
            c = e.code();
            stopped = c == exit_interrupted && written.empty();
        }
        code = worse_exit(code, c);
        keys.push(std::move(one));
    }
    doc.set("keys", keys);
    if (g.json) print_json(doc);
    return code;
}

}  // namespace

Command add_build(CLI::App& app, const GlobalOptions& g) {
    auto o = std::make_shared<BuildCliOptions>();
    CLI::App* sub = app.add_subcommand(
        "build", "Lay a key out on an image file or a stick, then read it back and verify it");
    sub->fallthrough();
    o->sub = sub;
    const std::string tgroup = "Target";
    const std::string lgroup = "Layout (the strict layout unless changed)";
    sub->add_option("--image", o->image, "Write a key image file")->group(tgroup);
    sub->add_option("--size", o->size, "Size of the image file (64M, 2G, ...)")
        ->default_str("64M")
        ->group(tgroup);
    sub->add_flag("--overwrite", o->overwrite, "Replace an existing image file")->group(tgroup);
    sub->add_option("--device", o->devices, "Write a block device (repeatable)")->group(tgroup);
    sub->add_option("--setup-bin", o->setup_bin,
                    "The setup.bin to lay out (any name; written as SETUP.BIN)")
        ->group(tgroup);
    sub->add_option("--fs", o->fs, "fat12, fat16 or fat32 (default: FAT16, FAT12 below 16 MiB)")
        ->check(CLI::IsMember({"fat12", "fat16", "fat32", "12", "16", "32"}))
        ->group(lgroup);
    sub->add_option("--layout", o->layout, "mbr (a partition at 1 MiB) or superfloppy")
        ->check(CLI::IsMember({"mbr", "superfloppy"}))
        ->default_str("mbr")
        ->group(lgroup);
    sub->add_option("--label", o->label, "Volume label in the boot sector (11 characters)")
        ->default_str("NO NAME")
        ->group(lgroup);
    sub->add_flag("--label-entry", o->label_entry,
                  "Also write the label as a root entry (after SETUP.BIN)")
        ->group(lgroup);
    sub->add_option("--sector-size", o->sector_size, "Logical sector size of an image file")
        ->check(CLI::IsMember({512u, 1024u, 2048u, 4096u}))
        ->default_str("512")
        ->group(lgroup);
    sub->add_option("--cluster-size", o->cluster_size,
                    "Cluster size (default: the smallest that fits)")
        ->group(lgroup);
    sub->add_option("--volume-id", o->volume_id,
                    "Volume serial number, 8 hex digits (default: derived from the file and "
                    "SOURCE_DATE_EPOCH when set, else random)")
        ->group(lgroup);
    sub->add_option("--add", o->add, "Another file to put on the key after SETUP.BIN (8.3 name)")
        ->group(lgroup);
    add_device_safety_options(*sub, o->policy);
    add_create_options(*sub, o->settings, false);
    sub->footer(
        "The setup.bin comes from --setup-bin FILE, or is made from the options of\n"
        "`ukpu setupbin create` (or a profile, --config), and must pass the firmware checker\n"
        "unless --force. Timestamps come from SOURCE_DATE_EPOCH when set: the same inputs, volume\n"
        "id and SOURCE_DATE_EPOCH give the same image byte for byte.\n"
        "Exit codes: 0 written and verified; 1 refused by the checker or not verified; 2 usage;\n"
        "3 bad input; 4 refused for safety (a system disk, not USB, mounted, not confirmed,\n"
        "changed since confirmed, image exists); 5 I/O error; 130 interrupted (Ctrl-C stops\n"
        "after the current write request and says what state the stick is in).\n"
        "Devices: USB sticks (see `ukpu devices`) and loop devices (test devices) are written\n"
        "after --yes or a typed yes; any other disk needs --allow-non-usb and its name typed\n"
        "(or --confirm NAME); system disks never.");
    return {sub, [o, &g] { return run_build(*o, g); }};
}

}  // namespace ukpu::cli
