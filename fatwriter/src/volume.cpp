#include "ukpu/fatwriter/volume.hpp"

#include <algorithm>
#include <bit>

#include "ukpu/base/bytes.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/ondisk.hpp"

namespace ukpu::fat {

namespace {

using bytes::get_u16;
using bytes::get_u32;
using bytes::get_u8;
namespace bpb = ondisk::bpb;
namespace bpb16 = ondisk::bpb16;
namespace bpb32 = ondisk::bpb32;

std::string trim_right(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
    return s;
}

std::string text_at(std::span<const std::uint8_t> b, std::size_t off, std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<char>(b[off + i]);
    return s;
}

std::uint32_t bad_value(FatType t) {
    switch (t) {
        case FatType::fat12:
            return 0xFF7;
        case FatType::fat16:
            return 0xFFF7;
        case FatType::fat32:
            break;
    }
    return 0x0FFFFFF7;
}

std::uint64_t fat_bits(FatType t) {
    return t == FatType::fat12 ? 12 : t == FatType::fat16 ? 16 : 32;
}

}  // namespace

std::vector<ClusterRun> runs_of(std::span<const std::uint32_t> chain) {
    std::vector<ClusterRun> out;
    for (std::uint32_t c : chain) {
        if (!out.empty() && out.back().last + 1 == c)
            out.back().last = c;
        else
            out.push_back({c, c});
    }
    return out;
}

Volume::Volume(BlockDevice& device) : device_(device) {
    if (const auto* view = dynamic_cast<const OffsetView*>(&device))
        base_offset_ = view->first_sector() * device.sector_size();
    else if (const auto* sized = dynamic_cast<const SectorSizeView*>(&device))
        base_offset_ = sized->first_byte();
    if (device.sector_count() == 0)
        throw Error(ErrorCode::bad_bpb, "the volume is empty",
                    {base_offset_, std::nullopt, "boot sector"});
    std::vector<std::uint8_t> bs(device.sector_size());
    device.read(0, bs);
    validate(bs);
    fat0_ = load_fat(0);
}

void Volume::validate(std::span<const std::uint8_t> bs) {
    auto fail = [&](std::size_t field_offset, const char* field, const std::string& why) {
        throw Error(ErrorCode::bad_bpb, std::string(field) + " " + why,
                    {base_offset_ + field_offset, std::nullopt, field});
    };
    if (bs.size() < 512) fail(bpb::bytes_per_sector, "BPB_BytsPerSec", "device sector below 512");
    if (get_u8(bs, bpb::signature) != 0x55 || get_u8(bs, bpb::signature + 1) != 0xAA)
        fail(bpb::signature, "BS_Signature", "is not 0x55AA");
    const std::uint8_t jump = get_u8(bs, bpb::jump);
    if (jump != 0xEB && jump != 0xE9)
        fail(bpb::jump, "BS_jmpBoot",
             "is " + std::to_string(jump) + ": must start with 0xEB or 0xE9");

    const std::uint16_t bps = get_u16(bs, bpb::bytes_per_sector);
    if (bps < 512 || bps > 4096 || !std::has_single_bit(bps))
        fail(bpb::bytes_per_sector, "BPB_BytsPerSec",
             "is " + std::to_string(bps) + ": must be 512, 1024, 2048 or 4096");
    if (bps != device_.sector_size())
        fail(bpb::bytes_per_sector, "BPB_BytsPerSec",
             "is " + std::to_string(bps) + " but the device's logical sector size is " +
                 std::to_string(device_.sector_size()));
    const std::uint8_t spc = get_u8(bs, bpb::sectors_per_cluster);
    if (spc == 0 || !std::has_single_bit(spc))
        fail(bpb::sectors_per_cluster, "BPB_SecPerClus",
             "is " + std::to_string(spc) + ": must be a power of two from 1 to 128");
    const std::uint16_t reserved = get_u16(bs, bpb::reserved_sectors);
    if (reserved == 0) fail(bpb::reserved_sectors, "BPB_RsvdSecCnt", "is 0: must be at least 1");
    const std::uint8_t nfats = get_u8(bs, bpb::num_fats);
    if (nfats == 0) fail(bpb::num_fats, "BPB_NumFATs", "is 0: must be at least 1");
    media_ = get_u8(bs, bpb::media);
    if (media_ != 0xF0 && media_ < 0xF8)
        fail(bpb::media, "BPB_Media",
             "is " + std::to_string(media_) + ": must be 0xF0 or 0xF8..0xFF");

    const std::uint16_t fatsz16 = get_u16(bs, bpb::fat_size16);
    const bool fat32_layout = fatsz16 == 0;
    const std::uint16_t root_entries = get_u16(bs, bpb::root_entries);
    const std::uint16_t tot16 = get_u16(bs, bpb::total_sectors16);
    const std::uint32_t tot32 = get_u32(bs, bpb::total_sectors32);
    if (fat32_layout) {
        if (root_entries != 0)
            fail(bpb::root_entries, "BPB_RootEntCnt",
                 "is " + std::to_string(root_entries) + ": must be 0 on FAT32 (BPB_FATSz16 is 0)");
        if (tot16 != 0) fail(bpb::total_sectors16, "BPB_TotSec16", "must be 0 on FAT32");
    } else {
        if (root_entries == 0)
            fail(bpb::root_entries, "BPB_RootEntCnt", "is 0: FAT12/16 need a root directory");
        if ((std::uint32_t{root_entries} * 32) % bps != 0)
            fail(bpb::root_entries, "BPB_RootEntCnt",
                 "is " + std::to_string(root_entries) +
                     ": the root directory must fill whole sectors");
    }
    if (tot16 != 0 && tot32 != 0 && tot16 != tot32)
        fail(bpb::total_sectors16, "BPB_TotSec16",
             "is " + std::to_string(tot16) + " but BPB_TotSec32 is " + std::to_string(tot32) +
                 ": only one of them may be set");
    const std::uint64_t total = tot16 != 0 ? tot16 : tot32;
    const std::size_t total_off = tot16 != 0 ? bpb::total_sectors16 : bpb::total_sectors32;
    const char* total_name = tot16 != 0 ? "BPB_TotSec16" : "BPB_TotSec32";
    if (total == 0) fail(bpb::total_sectors32, "BPB_TotSec32", "and BPB_TotSec16 are both 0");
    if (total > device_.sector_count())
        fail(total_off, total_name,
             "is " + std::to_string(total) + ": the volume has only " +
                 std::to_string(device_.sector_count()) + " sectors");

    const std::uint32_t fatsz = fat32_layout ? get_u32(bs, bpb32::fat_size32) : fatsz16;
    const std::size_t fatsz_off = fat32_layout ? bpb32::fat_size32 : bpb::fat_size16;
    const char* fatsz_name = fat32_layout ? "BPB_FATSz32" : "BPB_FATSz16";
    if (fatsz == 0) fail(fatsz_off, fatsz_name, "is 0");

    geo_.bytes_per_sector = bps;
    geo_.sectors_per_cluster = spc;
    geo_.reserved_sectors = reserved;
    geo_.num_fats = nfats;
    geo_.root_entries = root_entries;
    geo_.fat_sectors = fatsz;
    geo_.total_sectors = total;
    geo_.hidden_sectors = get_u32(bs, bpb::hidden_sectors);
    const std::uint64_t data_start =
        std::uint64_t{reserved} + std::uint64_t{nfats} * fatsz + geo_.root_dir_sectors();
    if (data_start >= total)
        fail(fatsz_off, fatsz_name,
             "is " + std::to_string(fatsz) + ": reserved sectors, FATs and root directory (" +
                 std::to_string(data_start) + " sectors) leave no data area in " +
                 std::to_string(total) + " sectors");
    const std::uint64_t clusters = (total - data_start) / spc;
    if (clusters == 0 || clusters > fat32_max_clusters)
        fail(total_off, total_name, "gives " + std::to_string(clusters) + " data clusters");
    geo_.cluster_count = static_cast<std::uint32_t>(clusters);
    geo_.type = fat_type_for_clusters(geo_.cluster_count);
    if (fat32_layout != (geo_.type == FatType::fat32))
        fail(bpb::fat_size16, "BPB_FATSz16",
             "is " + std::to_string(fatsz16) + " (" + (fat32_layout ? "FAT32" : "FAT12/16") +
                 " layout) but " + base::counted(clusters, "cluster") +
                 (clusters == 1 ? " makes" : " make") + " the volume " + to_string(geo_.type));
    const std::uint64_t needed_bytes = ((clusters + 2) * fat_bits(geo_.type) + 7) / 8;
    if (std::uint64_t{fatsz} * bps < needed_bytes)
        fail(fatsz_off, fatsz_name,
             "is " + std::to_string(fatsz) + " sectors: " + base::counted(clusters, "cluster") +
                 (clusters == 1 ? " needs " : " need ") +
                 std::to_string((needed_bytes + bps - 1) / bps));

    std::size_t ext = bpb16::boot_signature;
    if (geo_.type == FatType::fat32) {
        const std::uint16_t version = get_u16(bs, bpb32::fs_version);
        if (version != 0)
            fail(bpb32::fs_version, "BPB_FSVer", "is " + std::to_string(version) + ": must be 0");
        geo_.root_cluster = get_u32(bs, bpb32::root_cluster);
        if (geo_.root_cluster < 2 || geo_.root_cluster > geo_.max_cluster())
            fail(bpb32::root_cluster, "BPB_RootClus",
                 "is " + std::to_string(geo_.root_cluster) + ": must be 2.." +
                     std::to_string(geo_.max_cluster()));
        geo_.fsinfo_sector = get_u16(bs, bpb32::fsinfo_sector);
        if (geo_.fsinfo_sector != 0 && geo_.fsinfo_sector != 0xFFFF &&
            geo_.fsinfo_sector >= reserved)
            fail(bpb32::fsinfo_sector, "BPB_FSInfo",
                 "is " + std::to_string(geo_.fsinfo_sector) + ": outside the " +
                     std::to_string(reserved) + " reserved sectors");
        geo_.backup_boot_sector = get_u16(bs, bpb32::backup_boot);
        if (geo_.backup_boot_sector != 0 && geo_.backup_boot_sector != 0xFFFF &&
            (geo_.backup_boot_sector >= reserved || geo_.backup_boot_sector == geo_.fsinfo_sector))
            fail(bpb32::backup_boot, "BPB_BkBootSec",
                 "is " + std::to_string(geo_.backup_boot_sector) +
                     ": outside the reserved sectors or on the FSInfo sector");
        ext = bpb32::boot_signature;
    } else {
        geo_.root_cluster = 0;
        geo_.fsinfo_sector = 0;
        geo_.backup_boot_sector = 0;
    }
    oem_ = trim_right(text_at(bs, bpb::oem_name, 8));
    if (get_u8(bs, ext) == ondisk::extended_boot_signature) {
        const std::size_t id_off =
            geo_.type == FatType::fat32 ? bpb32::volume_id : bpb16::volume_id;
        const std::size_t label_off =
            geo_.type == FatType::fat32 ? bpb32::volume_label : bpb16::volume_label;
        volume_id_ = get_u32(bs, id_off);
        label_ = trim_right(text_at(bs, label_off, 11));
    }
}

std::uint64_t Volume::sector_offset(std::uint64_t sector) const {
    return base_offset_ + sector * geo_.bytes_per_sector;
}

std::uint64_t Volume::cluster_offset(std::uint32_t cluster) const {
    return sector_offset(geo_.cluster_sector(cluster));
}

std::string Volume::oem_name() const {
    return oem_;
}
std::string Volume::label() const {
    return label_;
}

std::vector<std::uint8_t> Volume::load_fat(std::uint32_t copy) const {
    const std::uint64_t bytes =
        ((std::uint64_t{geo_.max_cluster()} + 1) * fat_bits(geo_.type) + 15) / 8;
    const std::uint64_t sectors = std::min<std::uint64_t>(
        geo_.fat_sectors, (bytes + geo_.bytes_per_sector - 1) / geo_.bytes_per_sector);
    std::vector<std::uint8_t> fat(sectors * geo_.bytes_per_sector);
    device_.read(geo_.fat_start(copy), fat);
    return fat;
}

std::uint32_t Volume::entry_in(std::span<const std::uint8_t> fat, FatType type,
                               std::uint32_t cluster) {
    switch (type) {
        case FatType::fat12: {
            const std::size_t at = cluster + cluster / 2;
            const std::uint16_t v = get_u16(fat, at);
            return (cluster & 1) ? (v >> 4) : (v & 0xFFF);
        }
        case FatType::fat16:
            return get_u16(fat, std::size_t{cluster} * 2);
        case FatType::fat32:
            break;
    }
    return get_u32(fat, std::size_t{cluster} * 4) & ondisk::fat32_mask;
}

std::uint32_t Volume::fat_entry(std::uint32_t cluster, std::uint32_t copy) const {
    if (cluster > geo_.max_cluster())
        throw Error(ErrorCode::bad_argument,
                    "cluster " + std::to_string(cluster) + " is past the last cluster " +
                        std::to_string(geo_.max_cluster()),
                    {std::nullopt, cluster, "FAT entry"});
    if (copy >= geo_.num_fats)
        throw Error(ErrorCode::bad_argument,
                    "FAT copy " + std::to_string(copy) + " does not exist (" +
                        std::to_string(geo_.num_fats) + " copies)",
                    {std::nullopt, cluster, "FAT copy"});
    if (copy == 0) return entry_in(fat0_, geo_.type, cluster);
    const auto other = load_fat(copy);
    return entry_in(other, geo_.type, cluster);
}

bool Volume::is_end_of_chain(std::uint32_t entry) const {
    return entry > bad_value(geo_.type);
}
bool Volume::is_bad_cluster(std::uint32_t entry) const {
    return entry == bad_value(geo_.type);
}

std::optional<std::uint32_t> Volume::first_fat_difference() const {
    for (std::uint32_t copy = 1; copy < geo_.num_fats; ++copy) {
        const auto other = load_fat(copy);
        if (other == fat0_) continue;
        for (std::uint32_t c = 0; c <= geo_.max_cluster(); ++c)
            if (entry_in(other, geo_.type, c) != entry_in(fat0_, geo_.type, c)) return c;
    }
    return std::nullopt;
}

std::vector<std::uint32_t> Volume::chain(std::uint32_t first) const {
    const std::uint32_t max = geo_.max_cluster();
    if (first < 2 || first > max)
        throw Error(
            ErrorCode::bad_fat,
            "first cluster " + std::to_string(first) + " is outside 2.." + std::to_string(max),
            {std::nullopt, first, "first cluster"});
    std::vector<bool> seen(std::size_t{max} + 1, false);
    std::vector<std::uint32_t> out;
    std::uint32_t c = first;
    for (;;) {
        if (seen[c])
            throw Error(ErrorCode::bad_fat,
                        "the chain from cluster " + std::to_string(first) +
                            " loops back to cluster " + std::to_string(c),
                        {cluster_offset(c), c, "FAT chain"});
        seen[c] = true;
        out.push_back(c);
        const std::uint32_t next = entry_in(fat0_, geo_.type, c);
        if (is_end_of_chain(next)) break;
        if (next == 0)
            throw Error(ErrorCode::bad_fat,
                        "cluster " + std::to_string(c) + " in the chain from " +
                            std::to_string(first) + " is marked free",
                        {std::nullopt, c, "FAT chain"});
        if (is_bad_cluster(next))
            throw Error(ErrorCode::bad_fat,
                        "cluster " + std::to_string(c) + " in the chain from " +
                            std::to_string(first) + " is marked bad",
                        {std::nullopt, c, "FAT chain"});
        if (next < 2 || next > max)
            throw Error(ErrorCode::bad_fat,
                        "cluster " + std::to_string(c) + " links to cluster " +
                            std::to_string(next) + ", outside 2.." + std::to_string(max),
                        {std::nullopt, c, "FAT chain"});
        c = next;
    }
    return out;
}

std::vector<std::uint8_t> Volume::read_chain(std::uint32_t first) const {
    const auto clusters = chain(first);
    return read_file(first,
                     static_cast<std::uint32_t>(std::min<std::uint64_t>(
                         0xFFFFFFFF, std::uint64_t{clusters.size()} * geo_.bytes_per_cluster())));
}

std::vector<std::uint8_t> Volume::read_file(std::uint32_t first, std::uint32_t size) const {
    std::vector<std::uint8_t> out;
    if (size == 0) return out;
    const auto clusters = chain(first);
    const std::uint64_t bpc = geo_.bytes_per_cluster();
    const std::uint64_t need = (size + bpc - 1) / bpc;
    if (clusters.size() < need)
        throw Error(ErrorCode::bad_fat,
                    "the chain from cluster " + std::to_string(first) + " has " +
                        base::counted(clusters.size(), "cluster") + "; " + std::to_string(size) +
                        " bytes need " + std::to_string(need),
                    {std::nullopt, first, "file size"});
    out.resize(need * bpc);
    std::uint64_t done = 0;
    for (const ClusterRun& r : runs_of(std::span(clusters).first(need))) {
        const std::uint64_t len = std::uint64_t{r.length()} * bpc;
        device_.read(geo_.cluster_sector(r.first), std::span(out).subspan(done, len));
        done += len;
    }
    out.resize(size);
    return out;
}

std::vector<std::uint8_t> Volume::read_raw(std::uint32_t cluster, std::uint32_t count) const {
    std::vector<std::uint8_t> out;
    if (cluster < 2 || cluster > geo_.max_cluster() || count == 0) return out;
    const std::uint64_t start = geo_.cluster_sector(cluster);
    const std::uint64_t bps = geo_.bytes_per_sector;
    const std::uint64_t end = std::min<std::uint64_t>(geo_.total_sectors, device_.sector_count());
    if (start >= end) return out;
    const std::uint64_t sectors = std::min<std::uint64_t>((count + bps - 1) / bps, end - start);
    out.resize(sectors * bps);
    device_.read(start, out);
    if (out.size() > count) out.resize(count);
    return out;
}

std::uint32_t Volume::free_clusters() const {
    std::uint32_t n = 0;
    for (std::uint32_t c = 2; c <= geo_.max_cluster(); ++c)
        if (entry_in(fat0_, geo_.type, c) == 0) ++n;
    return n;
}

void ClusterOwners::claim(std::span<const std::uint32_t> clusters, const std::string& owner) {
    for (std::uint32_t c : clusters) {
        auto [it, inserted] = owner_.emplace(c, owner);
        if (!inserted)
            throw Error(ErrorCode::bad_fat,
                        "cluster " + std::to_string(c) + " is cross-linked: used by " + it->second +
                            " and by " + owner,
                        {std::nullopt, c, owner});
    }
}

}  // namespace ukpu::fat
