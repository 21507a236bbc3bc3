#include "ukpu/fatwriter/repair.hpp"

#include <cstring>
#include <ctime>

#include "repair_build.hpp"
#include "ukpu/base/bytes.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/ondisk.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/fatwriter/verify.hpp"

namespace ukpu::fat {

namespace de = ondisk::dirent;

SetupFile load_setup_file(const Volume& vol, const ScannedVolume& scan, const RepairOptions& o,
                          RepairPlan& plan) {
    SetupFile f;
    f.entry = choose_setup_file(vol, scan, o, plan.candidates);
    const ScannedEntry& e = scan.entries[f.entry];
    plan.setup_path = e.path;
    plan.setup_size = e.slot.size;
    if (e.chain) plan.setup_runs = runs_of(scan.chains[*e.chain].clusters);
    if (e.slot.size == 0)
        throw Error(ErrorCode::unsupported, e.path + " is empty: rebuild the file",
                    {e.slot.offset, std::nullopt, "directory entry"});
    f.data = vol.read_file(e.slot.first_cluster, e.slot.size);
    const auto declared = setup_declared_size(f.data);
    if (!declared)
        throw Error(ErrorCode::unsupported,
                    e.path +
                        " does not start with a setup.bin header (no known file GUID); "
                        "repair cannot fix content: rebuild the file",
                    {vol.cluster_offset(e.slot.first_cluster), e.slot.first_cluster, "GUID"});
    if (*declared != e.slot.size)
        throw Error(ErrorCode::unsupported,
                    e.path + ": its header declares " + std::to_string(*declared) +
                        " bytes but the file holds " + std::to_string(e.slot.size) +
                        "; firmware rejects it (size mismatch), and repair keeps setup.bin's "
                        "bytes as they are: a content defect repair cannot fix; rebuild the file",
                    {vol.cluster_offset(e.slot.first_cluster), e.slot.first_cluster, "file size"});
    const auto& dir = scan.dirs[e.dir].bytes;
    std::memcpy(f.raw.data(), dir.data() + std::size_t{e.slot.index} * de::size, de::size);
    // Another root entry called SETUP.BIN would clash with the repaired one.
    for (std::size_t i = 0; i < scan.entries.size(); ++i) {
        const ScannedEntry& x = scan.entries[i];
        if (i == f.entry || x.dir != 0) continue;
        if (names_equal(x.slot.short_name, "SETUP.BIN") ||
            names_equal(x.slot.long_name, "setup.bin"))
            throw Error(ErrorCode::bad_argument,
                        "the root already holds another " + x.slot.name() + " (" + x.path +
                            ") besides the chosen setup file " + e.path +
                            "; rename or remove one, or choose it with --setup-bin-name",
                        {x.slot.offset, std::nullopt, "--setup-bin-name"});
    }
    return f;
}

std::array<std::uint8_t, 32> setup_entry(const std::array<std::uint8_t, 32>& raw, FatType type,
                                         std::uint32_t cluster) {
    std::array<std::uint8_t, 32> e = raw;
    std::memcpy(e.data() + de::name, "SETUP   BIN", 11);
    e[de::attr] = ondisk::attr::archive;
    e[de::nt_reserved] = 0;
    set_slot_cluster(e, 0, type, cluster);
    if (type != FatType::fat32) bytes::put_u16(e, de::cluster_high, 0);
    return e;
}

namespace {

struct Built {
    RepairPlan plan;
    std::vector<JournalRecord> records;
    std::uint32_t volume_id = 0;
};

// Checks the planned result before anything is written: consistent, setup.bin's bytes intact
// and found by the firmware the FAT type allows.
void check_result(OverlayDevice& ov, const SetupFile& setup, const RepairPlan& plan) {
    const auto where = locate_volume(ov);
    auto view = open_volume_view(ov, where);
    Volume vol(*view);
    (void)scan_volume(vol);
    const auto slot = lookup(vol, "\\SETUP.BIN");
    if (!slot || vol.read_file(slot->first_cluster, slot->size) != setup.data)
        throw Error(ErrorCode::unsupported,
                    "internal check failed: the planned key does not hold setup.bin's bytes");
    VerifyOptions vo;
    vo.legacy = vol.type() == FatType::fat16 && vol.geometry().bytes_per_sector == ov.sector_size();
    vo.mebx = false;
    vo.repair_advice = false;  // verify would ask repair again
    const VerifyReport r = verify_key(ov, vo);
    const bool ok = r.uefi && r.uefi->found && (!vo.legacy || (r.legacy && r.legacy->found));
    if (!ok) {
        std::string why;
        for (const auto& p : r.problems)
            if (p.severity == setupbin::Severity::error) why += "; " + p.message;
        throw Error(ErrorCode::unsupported, "internal check failed: the planned key of " +
                                                plan.setup_path + " would still not be found" +
                                                why);
    }
}

// `checks_only`: up to the last refusal, without the strict copy of every file and the check of
// the result (what check_repairable needs).
Built build(BlockDevice& dev, const RepairOptions& o, bool checks_only = false) {
    Built b;
    const auto where = locate_volume(dev);
    auto view = open_volume_view(dev, where);
    Volume vol(*view);
    b.volume_id = vol.volume_id().value_or(0);
    b.plan.fat_type = vol.type();
    b.plan.scheme = where.scheme;
    b.plan.cluster_bytes = vol.geometry().bytes_per_cluster();
    const ScannedVolume scan = scan_volume(vol);
    const SetupFile setup = load_setup_file(vol, scan, o, b.plan);
    b.plan.files_kept = static_cast<std::uint32_t>(scan.entries.size() - 1);
    OverlayDevice ov(dev);
    // The volume in sectors that are not the device's blocks (read as a UEFI FAT driver reads
    // it): legacy BIOSes do not read it.
    const std::uint32_t bps = vol.geometry().bytes_per_sector;
    const bool foreign_sectors = bps != dev.sector_size();
    const bool convert = o.strict && (vol.type() != FatType::fat16 || foreign_sectors ||
                                      where.scheme == PartitionScheme::superfloppy);
    if (convert)
        build_strict(ov, vol, scan, setup, b.plan, checks_only);
    else
        build_in_place(ov, where, vol, scan, setup, b.plan);
    if (checks_only) return b;
    if ((vol.type() != FatType::fat16 || foreign_sectors) && !convert) {
        // Whether --strict would convert it is the planner's word, not a promise.
        std::optional<std::string> refused;
        RepairOptions so = o;
        so.strict = true;
        try {
            (void)build(dev, so, true);
        } catch (const Error& e) {
            if (e.code() == ErrorCode::io) throw;
            refused = e.message();
        }
        if (vol.type() != FatType::fat16)
            b.plan.notes.push_back(std::string("the key is ") + to_string(vol.type()) +
                                   ": legacy BIOSes read only FAT16; " +
                                   (refused ? "--strict cannot convert it: " + *refused
                                            : std::string("--strict converts it")));
        if (foreign_sectors)
            b.plan.notes.push_back(
                "the boot sector says " + std::to_string(bps) + "-byte sectors on a device of " +
                std::to_string(dev.sector_size()) +
                "-byte blocks: UEFI reads it, legacy BIOSes do not; " +
                (refused ? "--strict cannot rewrite it: " + *refused
                         : std::string("--strict rewrites it in the device's sector size")));
    }
    b.records = ov.changes();
    for (const auto& r : b.records) b.plan.sectors_to_write += r.after.size() / dev.sector_size();
    b.plan.nothing_to_do = b.records.empty();
    if (b.plan.nothing_to_do) {
        b.plan.steps.clear();
        b.plan.moves.clear();
        b.plan.bytes_to_move = 0;
        b.plan.clusters_moved = 0;
    } else {
        check_result(ov, setup, b.plan);
    }
    return b;
}

IoStats delta(const IoStats& now, const IoStats& before) {
    IoStats d;
    d.read_calls = now.read_calls - before.read_calls;
    d.bytes_read = now.bytes_read - before.bytes_read;
    d.write_calls = now.write_calls - before.write_calls;
    d.bytes_written = now.bytes_written - before.bytes_written;
    d.flushes = now.flushes - before.flushes;
    return d;
}

}  // namespace

Recovery pending_state(BlockDevice& device, const RepairOptions& options) {
    return pending_state(device, options.journal_dir, options.journal_tag);
}

std::unique_ptr<BlockDevice> preview_recovery(BlockDevice& device, const RepairOptions& options) {
    return preview_recovery(device, options.journal_dir, options.roll_back, options.journal_tag);
}

RepairPlan plan_repair(BlockDevice& device, const RepairOptions& options) {
    return build(device, options).plan;
}

void check_repairable(BlockDevice& device, const RepairOptions& options) {
    (void)build(device, options, true);
}

RepairResult repair_key(BlockDevice& device, const RepairOptions& o) {
    if (o.journal_dir.empty())
        throw Error(ErrorCode::bad_argument, "repair needs a journal directory",
                    {std::nullopt, std::nullopt, "--journal"});
    RepairResult res;
    const IoStats start = device.stats();
    res.recovery = recover_pending(device, o.journal_dir, o.roll_back, o.journal_tag);
    if (o.roll_back) {
        res.plan.nothing_to_do = true;
        res.io = delta(device.stats(), start);
        return res;
    }
    Built b = build(device, o);
    res.plan = std::move(b.plan);
    if (b.records.empty()) {
        res.io = delta(device.stats(), start);
        return res;
    }
    Journal j;
    j.sector_size = device.sector_size();
    j.device_sectors = device.sector_count();
    j.volume_id = b.volume_id;
    j.created = static_cast<std::int64_t>(std::time(nullptr));
    j.description = device.describe();
    j.records = std::move(b.records);
    res.journal = journal_path(o.journal_dir, j, o.journal_tag);
    write_journal(res.journal, j);
    apply_records(device, j.records, true);
    std::error_code ec;
    std::filesystem::remove(res.journal, ec);
    res.written = true;
    res.io = delta(device.stats(), start);
    return res;
}

}  // namespace ukpu::fat
