// The in-place repair: setup.bin's run from the first data cluster, other files' clusters moved
// out of it, SETUP.BIN in root slot 0, every other entry kept.
#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "fat_entries.hpp"
#include "repair_build.hpp"
#include "ukpu/base/bytes.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/ondisk.hpp"

namespace ukpu::fat {

namespace de = ondisk::dirent;

namespace {

std::string runs_text(const std::vector<ClusterRun>& runs) {
    std::string t;
    for (const auto& r : runs)
        t += (t.empty() ? "" : " ") + std::to_string(r.first) +
             (r.length() > 1 ? "-" + std::to_string(r.last) : "");
    return t.empty() ? "none" : t;
}

bool is_live_slot(std::span<const std::uint8_t> dir, std::size_t slot) {
    const std::uint8_t b0 = dir[slot * de::size + de::name];
    return b0 != ondisk::entry_free && b0 != ondisk::entry_deleted &&
           dir[slot * de::size + de::attr] != ondisk::attr::long_name;
}

// Rewrites the cluster fields of every live entry (dot entries included) through `moved`.
void remap_slots(std::span<std::uint8_t> dir, FatType type,
                 const std::map<std::uint32_t, std::uint32_t>& moved) {
    for (std::size_t i = 0; i < dir.size() / de::size; ++i) {
        if (dir[i * de::size + de::name] == ondisk::entry_free) break;
        if (!is_live_slot(dir, i)) continue;
        const auto it = moved.find(slot_cluster(dir, i, type));
        if (it != moved.end()) set_slot_cluster(dir, i, type, it->second);
    }
}

}  // namespace

void build_in_place(OverlayDevice& ov, const VolumeLocation& where, const Volume& vol,
                    const ScannedVolume& scan, const SetupFile& setup, RepairPlan& plan) {
    const Geometry& g = vol.geometry();
    const std::uint32_t cb = g.bytes_per_cluster();
    const std::uint32_t ss = g.bytes_per_sector;
    const ScannedEntry& S = scan.entries[setup.entry];
    const std::int32_t s_chain = S.chain ? static_cast<std::int32_t>(*S.chain) : -1;
    const std::vector<std::uint32_t> no_clusters;
    const auto& s_clusters = S.chain ? scan.chains[*S.chain].clusters : no_clusters;
    const std::uint32_t n = static_cast<std::uint32_t>((setup.data.size() + cb - 1) / cb);

    // The run: cluster 2, or on FAT32 the first cluster clear of the root directory's chain.
    std::uint32_t first = 2;
    if (g.type == FatType::fat32) {
        const auto& root = scan.chains[*scan.dirs[0].chain].clusters;
        for (bool moved = true; moved;) {
            moved = false;
            for (std::uint32_t c : root)
                if (c >= first && c < first + n) {
                    first = c + 1;
                    moved = true;
                }
        }
    }
    if (std::uint64_t{first} + n - 1 > g.max_cluster())
        throw Error(ErrorCode::no_space,
                    "setup.bin needs " + std::to_string(n) + " contiguous clusters from cluster " +
                        std::to_string(first) + " but the volume ends at cluster " +
                        std::to_string(g.max_cluster()));
    plan.target_first = first;
    plan.target_clusters = n;
    auto in_run = [&](std::uint32_t c) { return c >= first && c < first + n; };

    // The root afterwards: SETUP.BIN, then every other live slot (label, long names, entries) in
    // their order; deleted slots dropped. A root already starting with the setup file's entry is
    // kept as it is apart from that entry.
    const auto new_entry = setup_entry(setup.raw, g.type, first);
    const auto& old_root = scan.dirs[0].bytes;
    const std::size_t root_slots_old = old_root.size() / de::size;
    std::vector<std::uint8_t> root;
    if (S.dir == 0 && S.slot.index == 0) {
        root = old_root;
        std::memcpy(root.data(), new_entry.data(), de::size);
        for (std::size_t i = 0; i < root_slots_old && root[i * de::size] != 0; ++i)
            plan.root_entries_after = static_cast<std::uint32_t>(i + 1);
    } else {
        root.assign(new_entry.begin(), new_entry.end());
        const std::size_t s_from = S.dir == 0 ? S.slot.index - S.slot.lfn_slots : root_slots_old;
        for (std::size_t i = 0; i < root_slots_old; ++i) {
            const std::uint8_t b0 = old_root[i * de::size];
            if (b0 == ondisk::entry_free) break;
            if (b0 == ondisk::entry_deleted) {
                ++plan.deleted_slots_dropped;
                continue;
            }
            if (S.dir == 0 && i >= s_from && i <= S.slot.index) continue;
            root.insert(root.end(), old_root.begin() + static_cast<std::ptrdiff_t>(i * de::size),
                        old_root.begin() + static_cast<std::ptrdiff_t>((i + 1) * de::size));
        }
        plan.root_entries_after = static_cast<std::uint32_t>(root.size() / de::size);
    }
    std::uint32_t root_extra = 0;  // FAT32: clusters added to the root directory
    if (g.type == FatType::fat32) {
        const std::size_t have = old_root.size();
        if (root.size() > have)
            root_extra = static_cast<std::uint32_t>((root.size() - have + cb - 1) / cb);
    } else if (root.size() > old_root.size()) {
        throw Error(ErrorCode::no_space,
                    "the root directory is full: it holds " + std::to_string(g.root_entries) +
                        " slots and SETUP.BIN needs one more; move a root file or folder into a "
                        "folder (or delete one) and run repair again",
                    {std::nullopt, std::nullopt, "root directory"});
    }

    // Clusters of other chains inside the run, and where they go.
    std::set<std::size_t> affected;
    for (std::uint32_t c = first; c < first + n; ++c) {
        const std::int32_t o = scan.owner[c];
        if (o == s_chain && o >= 0) continue;
        if (o < 0) {
            if (scan.fat[c] == 0) continue;
            if (vol.is_bad_cluster(scan.fat[c]))
                throw Error(ErrorCode::unsupported,
                            "cluster " + std::to_string(c) +
                                " in setup.bin's run is marked bad; the key cannot hold setup.bin "
                                "from the first data cluster",
                            {vol.cluster_offset(c), c, "FAT"});
            throw Error(ErrorCode::bad_fat,
                        "cluster " + std::to_string(c) + " in setup.bin's run (clusters " +
                            std::to_string(first) + "-" + std::to_string(first + n - 1) +
                            ") is allocated but belongs to no file (a lost cluster)" + fsck_advice,
                        {vol.cluster_offset(c), c, "FAT"});
        }
        affected.insert(static_cast<std::size_t>(o));
    }
    std::vector<std::uint32_t> pool;
    for (std::uint32_t c = 2; c <= g.max_cluster(); ++c)
        if (scan.fat[c] == 0 && !in_run(c)) pool.push_back(c);
    for (std::uint32_t c : s_clusters)
        if (!in_run(c)) pool.push_back(c);
    std::uint32_t to_move = 0;
    for (std::size_t o : affected)
        for (std::uint32_t c : scan.chains[o].clusters) to_move += in_run(c) ? 1 : 0;
    if (pool.size() < std::size_t{to_move} + root_extra)
        throw Error(ErrorCode::no_space,
                    "not enough free space: " + base::counted(to_move + root_extra, "cluster") +
                        " of other files must move out of clusters " + std::to_string(first) + "-" +
                        std::to_string(first + n - 1) + " but only " + std::to_string(pool.size()) +
                        " are free outside it; " +
                        base::counted(to_move + root_extra - pool.size(), "cluster") + " (" +
                        std::to_string(std::uint64_t{to_move + root_extra - pool.size()} * cb) +
                        " bytes) are missing");
    std::map<std::uint32_t, std::uint32_t> moved;
    std::size_t next = 0;
    for (std::size_t o : affected) {
        ClusterMove m;
        m.owner = scan.chains[o].owner;
        std::vector<std::uint32_t> from, to;
        for (std::uint32_t c : scan.chains[o].clusters)
            if (in_run(c)) {
                moved[c] = pool[next++];
                from.push_back(c);
                to.push_back(moved[c]);
            }
        m.from = runs_of(from);
        m.to = runs_of(to);
        plan.moves.push_back(std::move(m));
    }
    std::vector<std::uint32_t> root_ext(
        pool.begin() + static_cast<std::ptrdiff_t>(next),
        pool.begin() + static_cast<std::ptrdiff_t>(next + root_extra));
    plan.clusters_moved = to_move;
    plan.bytes_to_move = (std::uint64_t{to_move} + n) * cb;
    auto map = [&](std::uint32_t c) {
        const auto it = moved.find(c);
        return it == moved.end() ? c : it->second;
    };

    // The new FAT.
    std::vector<std::uint32_t> nf = scan.fat;
    const std::uint32_t eoc = end_of_chain(g.type);
    for (std::uint32_t c : s_clusters) nf[c] = 0;
    for (const auto& [from, to] : moved) nf[from] = 0;
    for (std::size_t o : affected) {
        const auto& cl = scan.chains[o].clusters;
        for (std::size_t i = 0; i < cl.size(); ++i)
            nf[map(cl[i])] = i + 1 < cl.size() ? map(cl[i + 1]) : eoc;
    }
    if (!root_ext.empty()) {
        const auto& rc = scan.chains[*scan.dirs[0].chain].clusters;
        nf[rc.back()] = root_ext[0];
        for (std::size_t i = 0; i < root_ext.size(); ++i)
            nf[root_ext[i]] = i + 1 < root_ext.size() ? root_ext[i + 1] : eoc;
    }
    for (std::uint32_t i = 0; i < n; ++i) nf[first + i] = i + 1 < n ? first + i + 1 : eoc;

    // Directories: the setup file's old entry removed, cluster fields remapped.
    std::vector<std::vector<std::uint8_t>> dirs;
    for (const auto& d : scan.dirs) dirs.push_back(d.bytes);
    if (S.dir != 0)
        for (std::uint32_t i = S.slot.index - S.slot.lfn_slots; i <= S.slot.index; ++i)
            dirs[S.dir][std::size_t{i} * de::size] = ondisk::entry_deleted;
    root.resize(
        g.type == FatType::fat32 ? old_root.size() + std::size_t{root_extra} * cb : old_root.size(),
        0);
    dirs[0] = std::move(root);
    for (std::size_t d = 0; d < dirs.size(); ++d) {
        if (d == 0) {
            // Slot 0 already points at the run; the others through the map.
            std::span<std::uint8_t> rest(dirs[0].data() + de::size, dirs[0].size() - de::size);
            remap_slots(rest, g.type, moved);
        } else {
            remap_slots(dirs[d], g.type, moved);
        }
    }

    // The volume in its own sectors over the planned changes (the device's blocks, or the boot
    // sector's size when they differ).
    const auto volume_view = open_volume_view(ov, where, ss);
    BlockDevice& view = *volume_view;
    // Phase 1: moved clusters (files' data as it is, folders with their new fields) into free
    // space, and new root clusters.
    ov.set_phase(phase_moves);
    std::vector<std::uint8_t> buf(cb);
    for (std::size_t o : affected) {
        if (scan.chains[o].dir) continue;
        for (std::uint32_t c : scan.chains[o].clusters)
            if (in_run(c)) {
                vol.device().read(g.cluster_sector(c), buf);
                view.write(g.cluster_sector(moved.at(c)), buf);
            }
    }
    for (std::size_t d = 0; d < dirs.size(); ++d) {
        std::vector<std::uint32_t> cl = scan.dirs[d].clusters;
        if (d == 0) cl.insert(cl.end(), root_ext.begin(), root_ext.end());
        if (cl.empty()) {  // the fixed root
            ov.set_phase(phase_metadata);
            view.write(g.root_dir_start(), dirs[0]);
            continue;
        }
        for (std::size_t i = 0; i < cl.size(); ++i) {
            const bool relocated =
                moved.count(cl[i]) != 0 ||
                std::find(root_ext.begin(), root_ext.end(), cl[i]) != root_ext.end();
            ov.set_phase(relocated ? phase_moves : phase_metadata);
            view.write(g.cluster_sector(map(cl[i])),
                       std::span<const std::uint8_t>(dirs[d].data() + i * cb, cb));
        }
    }

    // Phase 2: every FAT copy from the new FAT (the copies end up identical), FSInfo.
    ov.set_phase(phase_metadata);
    std::vector<std::uint8_t> fat(std::size_t{g.fat_sectors} * ss);
    vol.device().read(g.fat_start(0), fat);
    bool fat_changed = !vol.fats_identical();
    for (std::uint32_t c = 2; c <= g.max_cluster(); ++c)
        if (nf[c] != scan.fat[c]) {
            set_fat_entry(fat, g.type, c, nf[c]);
            fat_changed = true;
        }
    if (fat_changed) {
        for (std::uint32_t copy = 0; copy < g.num_fats; ++copy) view.write(g.fat_start(copy), fat);
        if (g.type == FatType::fat32) {
            std::vector<std::uint8_t> info(ss);
            vol.device().read(g.fsinfo_sector, info);
            namespace fi = ondisk::fsinfo;
            if (bytes::get_u32(info, fi::lead_signature) == fi::lead_value &&
                bytes::get_u32(info, fi::struct_signature) == fi::struct_value) {
                std::uint32_t free = 0;
                for (std::uint32_t c = 2; c <= g.max_cluster(); ++c) free += nf[c] == 0 ? 1 : 0;
                bytes::put_u32(info, fi::free_count, free);
                bytes::put_u32(info, fi::next_free,
                               first + n <= g.max_cluster() ? first + n : 0xFFFFFFFFu);
                view.write(g.fsinfo_sector, info);
            }
        }
    }

    // Phase 3: setup.bin's bytes into its run.
    ov.set_phase(phase_setup);
    std::vector<std::uint8_t> run(std::size_t{n} * cb, 0);
    std::copy(setup.data.begin(), setup.data.end(), run.begin());
    view.write(g.cluster_sector(first), run);

    // The plan in words.
    plan.steps.push_back("setup file: " + S.path + " (" + std::to_string(setup.data.size()) +
                         " bytes, clusters " + runs_text(plan.setup_runs) + ")");
    if (to_move == 0)
        plan.steps.push_back("clusters " + std::to_string(first) + "-" +
                             std::to_string(first + n - 1) + " hold no other file");
    for (const auto& m : plan.moves)
        plan.steps.push_back("move " + m.owner + ": clusters " + runs_text(m.from) + " -> " +
                             runs_text(m.to));
    plan.steps.push_back("write setup.bin into clusters " + std::to_string(first) + "-" +
                         std::to_string(first + n - 1) + " (contiguous), bytes unchanged");
    std::string r = "root: SETUP   BIN (archive) in slot 0";
    if (!(S.dir == 0 && S.slot.index == 0)) r += ", every other entry after it in its order";
    if (plan.deleted_slots_dropped)
        r += ", " + std::to_string(plan.deleted_slots_dropped) + " deleted slots dropped";
    if (root_extra) r += ", root directory grown by " + base::counted(root_extra, "cluster");
    plan.steps.push_back(r);
    if (S.dir != 0) plan.steps.push_back("remove its old entry from " + scan.dirs[S.dir].path);
    if (fat_changed)
        plan.steps.push_back("FAT: " + std::to_string(g.num_fats) + " identical copies" +
                             (vol.fats_identical() ? "" : " (they differed: copy 1 kept)"));
}

}  // namespace ukpu::fat
