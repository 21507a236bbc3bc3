#include "ukpu/fatwriter/key_writer.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

#include "boot_sector_writer.hpp"
#include "fat_entries.hpp"
#include "ukpu/base/bytes.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/fatwriter/dos_time.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/ondisk.hpp"
#include "write_plan.hpp"

namespace ukpu::fat {

namespace de = ondisk::dirent;
using bytes::put_u16;
using bytes::put_u32;

const char* to_string(PartitionScheme s) {
    return s == PartitionScheme::mbr ? "mbr" : "superfloppy";
}

PartitionScheme parse_partition_scheme(std::string_view text) {
    if (text == "mbr") return PartitionScheme::mbr;
    if (text == "superfloppy") return PartitionScheme::superfloppy;
    throw Error(ErrorCode::bad_argument,
                "unknown layout '" + std::string(text) + "' (expected mbr or superfloppy)");
}

namespace {

constexpr std::uint64_t mib = 1024 * 1024;

// Characters FAT forbids in short names (besides control characters and lower case).
bool short_name_char_ok(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F) return false;
    return std::strchr("\"*+,./:;<=>?[\\]|", c) == nullptr && !std::islower(u);
}

std::array<char, 11> make_label(std::string_view label) {
    if (label.size() > 11)
        throw Error(ErrorCode::bad_argument,
                    "volume label '" + std::string(label) + "' is longer than 11 characters");
    std::array<char, 11> out;
    out.fill(' ');
    for (std::size_t i = 0; i < label.size(); ++i) {
        const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(label[i])));
        if (c != ' ' && !short_name_char_ok(c))
            throw Error(ErrorCode::bad_argument, "volume label '" + std::string(label) +
                                                     "' has a character FAT does not allow: '" +
                                                     std::string(1, label[i]) + "'");
        out[i] = c;
    }
    return out;
}

std::uint32_t clusters_for(std::size_t bytes, std::uint32_t cluster_bytes) {
    return static_cast<std::uint32_t>((bytes + cluster_bytes - 1) / cluster_bytes);
}

// The first cluster a file can have: cluster 2, after the FAT32 root directory cluster.
std::uint32_t first_file_cluster(const Geometry& g) {
    return g.type == FatType::fat32 ? g.root_cluster + 1 : 2;
}

void put_entry(std::span<std::uint8_t> dir, std::size_t slot, const std::array<char, 11>& name,
               std::uint8_t attr, std::uint32_t cluster, std::uint32_t size, DosDateTime when) {
    const std::size_t o = slot * de::size;
    std::memcpy(dir.data() + o + de::name, name.data(), 11);
    dir[o + de::attr] = attr;
    put_u16(dir, o + de::create_time, when.time);
    put_u16(dir, o + de::create_date, when.date);
    put_u16(dir, o + de::access_date, when.date);
    put_u16(dir, o + de::cluster_high, static_cast<std::uint16_t>(cluster >> 16));
    put_u16(dir, o + de::write_time, when.time);
    put_u16(dir, o + de::write_date, when.date);
    put_u16(dir, o + de::cluster_low, static_cast<std::uint16_t>(cluster & 0xFFFF));
    put_u32(dir, o + de::file_size, size);
}

}  // namespace

std::array<char, 11> to_short_name(std::string_view name) {
    auto bad = [&name](const std::string& why) {
        return Error(ErrorCode::bad_argument,
                     "'" + std::string(name) + "' is not an 8.3 file name: " + why);
    };
    const auto dot = name.rfind('.');
    std::string_view base = dot == std::string_view::npos ? name : name.substr(0, dot);
    std::string_view ext =
        dot == std::string_view::npos ? std::string_view{} : name.substr(dot + 1);
    if (base.empty()) throw bad("the name part is empty");
    if (base.size() > 8) throw bad("the name part is longer than 8 characters");
    if (ext.size() > 3) throw bad("the extension is longer than 3 characters");
    std::array<char, 11> out;
    out.fill(' ');
    auto copy = [&](std::string_view part, std::size_t at) {
        for (std::size_t i = 0; i < part.size(); ++i) {
            const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(part[i])));
            if (c == ' ' || !short_name_char_ok(c))
                throw bad(std::string("character '") + part[i] + "' is not allowed");
            out[at + i] = c;
        }
    };
    copy(base, 0);
    copy(ext, 8);
    if (static_cast<unsigned char>(out[0]) == ondisk::entry_deleted)
        out[0] = ondisk::entry_kanji_e5;
    return out;
}

KeyLayout plan_key(std::uint64_t device_sectors, std::uint32_t sector_size,
                   std::size_t setup_bin_size, std::span<const KeyFile> extra_files,
                   const KeyOptions& o) {
    KeyLayout k;
    k.scheme = o.scheme;
    const std::uint64_t device_bytes = device_sectors * sector_size;
    if (o.scheme == PartitionScheme::mbr) {
        if (o.partition_offset == 0 || o.partition_offset % sector_size != 0)
            throw Error(ErrorCode::bad_argument,
                        "partition offset " + std::to_string(o.partition_offset) +
                            " is not a positive multiple of the sector size");
        k.volume_first_sector = o.partition_offset / sector_size;
    }
    std::uint64_t cap = 0;
    if (o.max_volume_bytes)
        cap = *o.max_volume_bytes;
    else if (!o.fs || *o.fs == FatType::fat16)
        cap = strict_max_volume;
    else if (*o.fs == FatType::fat12)
        cap = 120 * mib;
    k.volume_sectors =
        device_sectors > k.volume_first_sector ? device_sectors - k.volume_first_sector : 0;
    const bool capped = cap != 0 && k.volume_sectors > cap / sector_size;
    if (capped) k.volume_sectors = cap / sector_size;
    if (k.volume_first_sector + k.volume_sectors > 0xFFFFFFFFull)
        k.volume_sectors = 0xFFFFFFFFull - k.volume_first_sector;

    GeometryRequest req;
    req.volume_sectors = k.volume_sectors;
    req.sector_size = sector_size;
    req.type = o.fs;
    req.cluster_bytes = o.cluster_bytes;
    req.hidden_sectors = static_cast<std::uint32_t>(k.volume_first_sector);

    const FatType type = o.fs ? *o.fs : default_fat_type(k.volume_sectors * sector_size);
    const bool no_room =
        o.scheme == PartitionScheme::mbr && device_bytes <= o.partition_offset + 64 * 1024;
    if (no_room && type == FatType::fat12)  // FAT12 fits a superfloppy of this size
        throw Error(ErrorCode::bad_geometry, "the device (" + std::to_string(device_bytes) +
                                                 " bytes) is too small for a partition at " +
                                                 std::to_string(o.partition_offset / 1024) +
                                                 " KiB; use --layout superfloppy");
    // Too small for the type: name the smallest volume, and the smallest device with the
    // partition's offset included.
    const std::uint64_t min_volume = min_volume_sectors(req, type);
    if (no_room || k.volume_sectors < min_volume) {
        const auto kib = [sector_size](std::uint64_t sectors) {
            return std::to_string((sectors * sector_size + 1023) / 1024) + " KiB";
        };
        std::string text =
            std::string(to_string(type)) + " needs a volume of at least " + kib(min_volume);
        if (o.cluster_bytes)
            text += " with clusters of " + std::to_string(*o.cluster_bytes) + " bytes";
        if (sector_size != 512) text += " with " + std::to_string(sector_size) + "-byte sectors";
        if (capped)
            text += "; the volume is limited to " + kib(k.volume_sectors);
        else
            text += ": the stick or image must be at least " +
                    kib(k.volume_first_sector + min_volume) +
                    (o.scheme == PartitionScheme::mbr
                         ? " with the partition at " + std::to_string(o.partition_offset / 1024) +
                               " KiB"
                         : std::string()) +
                    " (it has " + std::to_string(device_bytes / 1024) + " KiB)";
        if (type == FatType::fat16)
            text += "; use --fs fat12 for a smaller one";
        else if (type == FatType::fat32)
            text += "; use --fs fat16 for a smaller one";
        throw Error(ErrorCode::bad_geometry, text);
    }
    k.geometry = compute_geometry(req);
    if (o.scheme == PartitionScheme::mbr)
        k.partition_type = partition_type_for(k.geometry, k.volume_first_sector, k.volume_sectors);

    const Geometry& g = k.geometry;
    const std::uint32_t cb = g.bytes_per_cluster();
    k.setup_clusters = clusters_for(setup_bin_size, cb);
    k.setup_first_cluster = k.setup_clusters ? first_file_cluster(g) : 0;
    std::uint64_t needed = k.setup_clusters;
    for (const auto& f : extra_files) needed += clusters_for(f.data.size(), cb);
    const std::uint64_t available = g.cluster_count - (first_file_cluster(g) - 2);
    if (needed > available)
        throw Error(ErrorCode::no_space, "the files need " + base::counted(needed, "cluster") +
                                             " of " + std::to_string(cb) +
                                             " bytes; the volume has " + std::to_string(available));
    const std::size_t root_slots_needed = 1 + (o.label_entry ? 1 : 0) + extra_files.size();
    const std::size_t root_slots = g.type == FatType::fat32 ? cb / de::size : g.root_entries;
    if (root_slots_needed > root_slots)
        throw Error(ErrorCode::no_space, std::to_string(root_slots_needed) +
                                             " root directory entries do not fit in " +
                                             std::to_string(root_slots));
    k.setup_offset =
        (k.volume_first_sector +
         (k.setup_clusters ? g.cluster_sector(k.setup_first_cluster) : g.data_start())) *
        sector_size;
    return k;
}

KeyLayout write_key(BlockDevice& device, std::span<const std::uint8_t> setup_bin,
                    std::span<const KeyFile> extra_files, const KeyOptions& o) {
    const std::uint32_t ss = device.sector_size();
    KeyLayout k = plan_key(device.sector_count(), ss, setup_bin.size(), extra_files, o);
    const Geometry& g = k.geometry;
    const std::uint32_t cb = g.bytes_per_cluster();
    const auto label = make_label(o.label);
    const DosDateTime when = to_dos_time(o.timestamp);
    for (const auto& f : extra_files) (void)to_short_name(f.name);  // refuse bad names first

    WritePlan plan(ss);
    WritePlan last(ss);  // boot sector(s) and MBR: written after everything else
    const std::uint64_t v0 = k.volume_first_sector;

    // Old signatures: the first and the last MiB of the device (MBR, GPT headers, old BPBs).
    const std::uint64_t mib_sectors = std::min<std::uint64_t>(mib / ss, device.sector_count());
    plan.zero(0, mib_sectors);
    plan.zero(device.sector_count() - mib_sectors, mib_sectors);

    // Reserved area, FATs, root directory: zeroed, then the non-zero parts laid over.
    plan.zero(v0, g.data_start());

    // Files: setup.bin first, then the extras, each contiguous.
    struct Placed {
        std::array<char, 11> name;
        std::uint32_t first;
        std::uint32_t clusters;
        std::uint32_t size;
    };
    std::vector<Placed> placed;
    std::uint32_t next = first_file_cluster(g);
    auto place = [&](const std::array<char, 11>& name, std::span<const std::uint8_t> data) {
        if (data.size() > 0xFFFFFFFFull)
            throw Error(ErrorCode::bad_argument, "a file of 4 GiB or more does not fit FAT");
        Placed p{name, 0, clusters_for(data.size(), cb), static_cast<std::uint32_t>(data.size())};
        if (p.clusters) {
            p.first = next;
            std::vector<std::uint8_t> buf(std::size_t{p.clusters} * cb, 0);
            std::copy(data.begin(), data.end(), buf.begin());
            plan.put(v0 + g.cluster_sector(p.first), std::move(buf));
            next += p.clusters;
        }
        placed.push_back(p);
    };
    place(to_short_name("SETUP.BIN"), setup_bin);
    for (const auto& f : extra_files) place(to_short_name(f.name), f.data);

    // The FAT: media and end-of-chain markers, the FAT32 root cluster, then each file's chain.
    const std::uint32_t used_end = next;  // first cluster after the last file
    const std::size_t fat_bytes_used = fat_bytes_for(g.type, used_end);
    std::vector<std::uint8_t> fat((fat_bytes_used + ss - 1) / ss * ss, 0);
    set_fat_entry(fat, g.type, 0, (end_of_chain(g.type) & ~0xFFu) | ondisk::media_fixed);
    set_fat_entry(fat, g.type, 1, end_of_chain(g.type));
    if (g.type == FatType::fat32) set_fat_entry(fat, g.type, g.root_cluster, end_of_chain(g.type));
    for (const auto& p : placed)
        for (std::uint32_t c = 0; c < p.clusters; ++c)
            set_fat_entry(fat, g.type, p.first + c,
                          c + 1 == p.clusters ? end_of_chain(g.type) : p.first + c + 1);
    for (std::uint32_t copy = 0; copy < g.num_fats; ++copy) plan.put(v0 + g.fat_start(copy), fat);

    // Root directory: SETUP.BIN in slot 0, then the label entry if asked, then the extras.
    std::vector<std::uint8_t> root(
        g.type == FatType::fat32 ? cb : std::size_t{g.root_dir_sectors()} * ss, 0);
    std::size_t slot = 0;
    put_entry(root, slot++, placed[0].name, ondisk::attr::archive, placed[0].first, placed[0].size,
              when);
    if (o.label_entry) put_entry(root, slot++, label, ondisk::attr::volume_id, 0, 0, when);
    for (std::size_t i = 1; i < placed.size(); ++i)
        put_entry(root, slot++, placed[i].name, ondisk::attr::archive, placed[i].first,
                  placed[i].size, when);
    plan.put(
        v0 + (g.type == FatType::fat32 ? g.cluster_sector(g.root_cluster) : g.root_dir_start()),
        std::move(root));

    // Boot sector, and for FAT32 the FSInfo sector and the backup copies.
    const auto boot = make_boot_sector(g, label, o.volume_id);
    if (g.type == FatType::fat32) {
        const std::uint32_t used = used_end - 2;  // root cluster included
        const auto info = make_fsinfo(g, g.cluster_count - used, used_end);
        plan.put(v0 + g.backup_boot_sector, boot);
        plan.put(v0 + g.fsinfo_sector, info);
        plan.put(v0 + g.backup_boot_sector + 1, info);
    }
    last.put(v0, boot);
    if (o.scheme == PartitionScheme::mbr)
        last.put(0, make_mbr(ss, k.partition_type, v0, k.volume_sectors, o.volume_id));

    plan.commit(device, o.device_is_zeroed);
    last.commit(device, false);
    device.flush();
    return k;
}

}  // namespace ukpu::fat
