// The strict conversion: a FAT12, FAT32 or superfloppy key, or one whose sectors are not the
// device's blocks, becomes the strict layout (MBR at 1 MiB, FAT16 in the device's sector size; a
// stick too small for FAT16 is refused) with setup.bin from the first data cluster, and every
// other file and folder copied in, each contiguous, with its names, attributes and timestamps.
#include <algorithm>
#include <cstring>
#include <map>

#include "fat_entries.hpp"
#include "repair_build.hpp"
#include "ukpu/base/bytes.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/ondisk.hpp"

namespace ukpu::fat {

namespace de = ondisk::dirent;

namespace {

// A directory's slots without deleted ones (and without the setup file's, when it is here).
std::vector<std::uint8_t> compact(const std::vector<std::uint8_t>& dir, std::size_t skip_from,
                                  std::size_t skip_to) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < dir.size() / de::size; ++i) {
        const std::uint8_t b0 = dir[i * de::size];
        if (b0 == ondisk::entry_free) break;
        if (b0 == ondisk::entry_deleted || (i >= skip_from && i <= skip_to)) continue;
        out.insert(out.end(), dir.begin() + static_cast<std::ptrdiff_t>(i * de::size),
                   dir.begin() + static_cast<std::ptrdiff_t>((i + 1) * de::size));
    }
    return out;
}

std::string label_of(const Volume& vol) {
    std::string l = vol.label();
    return l.empty() ? "NO NAME" : l;
}

}  // namespace

void check_strict_fits(const BlockDevice& dev) {
    // The strict layout is FAT16 at 1 MiB: a stick too small for it stays as it is.
    const KeyOptions ko;
    GeometryRequest fat16;
    fat16.sector_size = dev.sector_size();
    const std::uint64_t min_device =
        ko.partition_offset / dev.sector_size() + min_volume_sectors(fat16, FatType::fat16);
    if (dev.sector_count() < min_device)
        throw Error(ErrorCode::no_space,
                    "the key cannot take the strict layout: FAT16 with the partition at " +
                        std::to_string(ko.partition_offset / 1024) +
                        " KiB needs a stick of at least " +
                        std::to_string((min_device * dev.sector_size() + 1023) / 1024) +
                        " KiB; this one has " + std::to_string(dev.size_bytes() / 1024) + " KiB");
}

void build_strict(OverlayDevice& ov, const Volume& vol, const ScannedVolume& scan,
                  const SetupFile& setup, RepairPlan& plan, bool checks_only) {
    const ScannedEntry& S = scan.entries[setup.entry];
    KeyOptions ko;
    ko.scheme = PartitionScheme::mbr;
    ko.volume_id = vol.volume_id().value_or(0);
    ko.label = label_of(vol);
    KeyLayout k;
    check_strict_fits(ov);
    try {
        (void)plan_key(ov.sector_count(), ov.sector_size(), setup.data.size(), {}, ko);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::bad_argument)
            ko.label = "NO NAME";  // a boot-sector label the strict writer does not accept
    }
    try {
        k = plan_key(ov.sector_count(), ov.sector_size(), setup.data.size(), {}, ko);
    } catch (const Error& e) {
        throw Error(ErrorCode::no_space, "the key cannot take the strict layout: " + e.message(),
                    e.where());
    }
    const Geometry& g = k.geometry;
    const std::uint32_t cb = g.bytes_per_cluster();
    const std::uint32_t ss = g.bytes_per_sector;

    // New directory contents, and the clusters every file and folder needs.
    std::vector<std::vector<std::uint8_t>> dirs(scan.dirs.size());
    for (std::size_t d = 0; d < scan.dirs.size(); ++d) {
        const bool here = S.dir == d;
        dirs[d] = compact(scan.dirs[d].bytes, here ? S.slot.index - S.slot.lfn_slots : SIZE_MAX,
                          here ? S.slot.index : 0);
    }
    // The root: SETUP.BIN first.
    const auto entry = setup_entry(setup.raw, g.type, k.setup_first_cluster);
    dirs[0].insert(dirs[0].begin(), entry.begin(), entry.end());
    if (dirs[0].size() / de::size > g.root_entries)
        throw Error(ErrorCode::no_space, "the files do not fit the strict layout: the root holds " +
                                             std::to_string(dirs[0].size() / de::size) +
                                             " entries (long names count) "
                                             "and a strict root directory " +
                                             std::to_string(g.root_entries) +
                                             "; move some into a folder");
    auto clusters_for = [cb](std::uint64_t bytes) {
        return static_cast<std::uint32_t>((bytes + cb - 1) / cb);
    };
    // Old first cluster -> new first cluster (the FAT32 root becomes 0).
    std::map<std::uint32_t, std::uint32_t> first_map;
    if (vol.type() == FatType::fat32) first_map[scan.dirs[0].first] = 0;
    struct Placed {
        std::uint32_t first;
        std::uint32_t count;
    };
    std::vector<Placed> placed(scan.entries.size());
    std::uint64_t next = k.setup_first_cluster + k.setup_clusters;
    if (k.setup_clusters == 0) next = 2;
    std::uint64_t moved_bytes = setup.data.size();
    for (std::size_t i = 0; i < scan.entries.size(); ++i) {
        const ScannedEntry& e = scan.entries[i];
        if (i == setup.entry || e.slot.first_cluster == 0) continue;
        const std::uint32_t count =
            e.subdir ? std::max<std::uint32_t>(1, clusters_for(dirs[*e.subdir].size()))
                     : clusters_for(e.slot.size);
        placed[i] = {static_cast<std::uint32_t>(next), count};
        first_map[e.slot.first_cluster] = static_cast<std::uint32_t>(next);
        next += count;
        moved_bytes += e.subdir ? dirs[*e.subdir].size() : e.slot.size;
    }
    if (next - 1 > g.max_cluster())
        throw Error(ErrorCode::no_space,
                    "the files do not fit the strict layout: they need " +
                        std::to_string(next - 2) + " clusters of " + std::to_string(cb) +
                        " bytes and a strict volume on this key holds " +
                        std::to_string(g.cluster_count) + " (" +
                        std::to_string((next - 1 - g.max_cluster()) * cb) + " bytes missing)");

    if (checks_only) return;

    // Cluster fields through the map (dot entries included).
    for (std::size_t d = 0; d < dirs.size(); ++d) {
        const std::size_t from = d == 0 ? 1 : 0;
        for (std::size_t s = from; s < dirs[d].size() / de::size; ++s) {
            if (dirs[d][s * de::size + de::attr] == ondisk::attr::long_name) continue;
            const std::uint32_t c = slot_cluster(dirs[d], s, vol.type());
            const auto it = first_map.find(c);
            set_slot_cluster(dirs[d], s, g.type, it == first_map.end() ? 0 : it->second);
            // FAT12/16 keep the high word for other uses; it must not hold cluster bits.
            if (g.type != FatType::fat32)
                bytes::put_u16(dirs[d], s * de::size + de::cluster_high, 0);
        }
    }

    ov.set_phase(phase_moves);
    (void)write_key(ov, setup.data, {}, ko);
    OffsetView view(ov, k.volume_first_sector, k.volume_sectors);
    std::vector<std::uint8_t> fat(std::size_t{g.fat_sectors} * ss);
    view.read(g.fat_start(0), fat);
    const std::uint32_t eoc = end_of_chain(g.type);
    for (std::size_t i = 0; i < scan.entries.size(); ++i) {
        const Placed& p = placed[i];
        if (p.count == 0) continue;
        const ScannedEntry& e = scan.entries[i];
        std::vector<std::uint8_t> data =
            e.subdir ? dirs[*e.subdir] : vol.read_file(e.slot.first_cluster, e.slot.size);
        data.resize(std::size_t{p.count} * cb, 0);
        view.write(g.cluster_sector(p.first), data);
        for (std::uint32_t c = 0; c < p.count; ++c)
            set_fat_entry(fat, g.type, p.first + c, c + 1 == p.count ? eoc : p.first + c + 1);
    }
    for (std::uint32_t copy = 0; copy < g.num_fats; ++copy) view.write(g.fat_start(copy), fat);
    std::vector<std::uint8_t> root = dirs[0];
    root.resize(std::size_t{g.root_dir_sectors()} * ss, 0);
    view.write(g.root_dir_start(), root);

    plan.strict_conversion = true;
    plan.strict_layout = k;
    plan.target_first = k.setup_first_cluster;
    plan.target_clusters = k.setup_clusters;
    plan.bytes_to_move = moved_bytes;
    plan.root_entries_after = static_cast<std::uint32_t>(dirs[0].size() / de::size);
    plan.steps.push_back("setup file: " + S.path + " (" + std::to_string(setup.data.size()) +
                         " bytes)");
    plan.steps.push_back("read every file and folder (" + std::to_string(scan.entries.size()) +
                         " entries, " + std::to_string(moved_bytes) + " bytes) into memory");
    plan.steps.push_back(std::string("reformat as the strict layout: MBR, partition at sector ") +
                         std::to_string(k.volume_first_sector) + ", " + to_string(g.type) +
                         ", clusters of " + std::to_string(cb) +
                         " bytes, volume id and label kept");
    plan.steps.push_back("SETUP   BIN in root slot 0, clusters " +
                         std::to_string(k.setup_first_cluster) + "-" +
                         std::to_string(k.setup_first_cluster + k.setup_clusters - 1));
    plan.steps.push_back(
        "write every other file and folder back, each contiguous, names, long "
        "names, attributes and timestamps kept");
}

}  // namespace ukpu::fat
