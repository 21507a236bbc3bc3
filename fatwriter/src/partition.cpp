#include "ukpu/fatwriter/partition.hpp"

#include <bit>
#include <string>

#include "ukpu/base/bytes.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/ondisk.hpp"

namespace ukpu::fat {

namespace {

using bytes::get_u16;
using bytes::get_u32;
using bytes::get_u8;
namespace mbr = ondisk::mbr;
namespace bpb = ondisk::bpb;

bool has_signature(std::span<const std::uint8_t> s) {
    return get_u8(s, bpb::signature) == 0x55 && get_u8(s, bpb::signature + 1) == 0xAA;
}

std::string hex8(std::uint8_t v) {
    static const char digits[] = "0123456789ABCDEF";
    return std::string("0x") + digits[v >> 4] + digits[v & 15];
}

}  // namespace

bool is_fat_partition_type(std::uint8_t type) {
    const std::uint8_t base = (type >= 0x11 && type <= 0x1E) ? type - 0x10 : type;
    return base == ondisk::part_fat12 || base == ondisk::part_fat16_small ||
           base == ondisk::part_fat16 || base == ondisk::part_fat32_chs ||
           base == ondisk::part_fat32_lba || base == ondisk::part_fat16_lba;
}

bool looks_like_boot_sector(std::span<const std::uint8_t> s) {
    if (s.size() < 512) return false;
    const std::uint8_t jump = get_u8(s, bpb::jump);
    if (jump != 0xEB && jump != 0xE9) return false;
    const std::uint16_t bps = get_u16(s, bpb::bytes_per_sector);
    if (bps < 512 || bps > 4096 || !std::has_single_bit(bps)) return false;
    const std::uint8_t spc = get_u8(s, bpb::sectors_per_cluster);
    if (spc == 0 || !std::has_single_bit(spc)) return false;
    if (get_u16(s, bpb::reserved_sectors) == 0 || get_u8(s, bpb::num_fats) == 0) return false;
    const std::uint8_t media = get_u8(s, bpb::media);
    return media == 0xF0 || media >= 0xF8;
}

namespace {

VolumeLocation read_mbr(BlockDevice& device, std::span<const std::uint8_t> sector);

}  // namespace

VolumeLocation locate_volume(BlockDevice& device) {
    std::vector<std::uint8_t> sector(device.sector_size());
    if (device.sector_count() == 0)
        throw Error(ErrorCode::bad_mbr, "the device is empty", {0, std::nullopt, "sector 0"});
    device.read(0, sector);
    VolumeLocation superfloppy;
    superfloppy.scheme = PartitionScheme::superfloppy;
    superfloppy.sector_count = device.sector_count();
    if (looks_like_boot_sector(sector)) return superfloppy;
    try {
        return read_mbr(device, sector);
    } catch (const Error& e) {
        // A boot sector with a broken field is still a superfloppy: let the BPB validation name
        // the field rather than calling it a bad partition table.
        const std::uint8_t jump = get_u8(sector, bpb::jump);
        if (e.code() == ErrorCode::bad_mbr && (jump == 0xEB || jump == 0xE9)) return superfloppy;
        throw;
    }
}

namespace {

VolumeLocation read_mbr(BlockDevice& device, std::span<const std::uint8_t> sector) {
    VolumeLocation loc;
    if (!has_signature(sector))
        throw Error(ErrorCode::bad_mbr,
                    "sector 0 is neither a FAT boot sector nor a partition table (no 0x55AA)",
                    {bpb::signature, std::nullopt, "MBR signature"});
    loc.scheme = PartitionScheme::mbr;
    for (std::uint32_t i = 0; i < 4; ++i) {
        const std::size_t at = mbr::partition_table + i * mbr::entry_size;
        const std::span<const std::uint8_t> e(sector.data() + at, mbr::entry_size);
        const std::string field = "partition entry " + std::to_string(i + 1);
        const std::uint8_t status = get_u8(e, mbr::status);
        const std::uint8_t type = get_u8(e, mbr::type);
        if (status != 0x00 && status != 0x80)
            throw Error(ErrorCode::bad_mbr,
                        "sector 0 is neither a FAT boot sector nor a sane partition table: "
                        "status byte " +
                            hex8(status),
                        {at + mbr::status, std::nullopt, field});
        if (type == 0) continue;
        if (type == ondisk::part_gpt_protective)
            throw Error(ErrorCode::unsupported,
                        "the device is partitioned with GPT (protective MBR entry 0xEE); "
                        "USB provisioning keys use an MBR or no partition table",
                        {at + mbr::type, std::nullopt, field});
        PartitionEntry p;
        p.index = i;
        p.type = type;
        p.lba_first = get_u32(e, mbr::lba_first);
        p.sector_count = get_u32(e, mbr::sector_count);
        p.active = status == 0x80;
        if (p.lba_first == 0 || p.sector_count == 0)
            throw Error(ErrorCode::bad_mbr, "empty or overlapping partition (start or size 0)",
                        {at + mbr::lba_first, std::nullopt, field});
        if (std::uint64_t{p.lba_first} + p.sector_count > device.sector_count())
            throw Error(ErrorCode::bad_mbr,
                        "partition ends at sector " +
                            std::to_string(std::uint64_t{p.lba_first} + p.sector_count) +
                            ", past the end of the device (" +
                            std::to_string(device.sector_count()) + " sectors)",
                        {at + mbr::sector_count, std::nullopt, field});
        loc.partitions.push_back(p);
    }
    if (loc.partitions.empty())
        throw Error(ErrorCode::bad_mbr, "the partition table has no partition",
                    {mbr::partition_table, std::nullopt, "partition table"});
    for (std::uint32_t k = 0; k < loc.partitions.size(); ++k) {
        if (is_fat_partition_type(loc.partitions[k].type)) {
            loc.chosen = k;
            break;
        }
    }
    if (!loc.chosen && loc.partitions.size() == 1) loc.chosen = 0;
    if (!loc.chosen)
        throw Error(ErrorCode::not_found, "no FAT partition among the partitions of the MBR",
                    {mbr::partition_table, std::nullopt, "partition table"});
    const PartitionEntry& p = loc.partitions[*loc.chosen];
    loc.first_sector = p.lba_first;
    loc.sector_count = p.sector_count;
    return loc;
}

}  // namespace

std::unique_ptr<BlockDevice> open_volume_view(BlockDevice& device, const VolumeLocation& where,
                                              std::uint32_t sector_size) {
    if (sector_size == device.sector_size())
        return std::make_unique<OffsetView>(device, where.first_sector, where.sector_count);
    const std::uint64_t bytes = where.sector_count * device.sector_size();
    return std::make_unique<SectorSizeView>(device, where.first_sector * device.sector_size(),
                                            bytes / sector_size, sector_size);
}

std::unique_ptr<BlockDevice> open_volume_view(BlockDevice& device, const VolumeLocation& where) {
    const std::uint32_t block = device.sector_size();
    if (where.sector_count == 0 || where.first_sector >= device.sector_count())
        return std::make_unique<OffsetView>(device, where.first_sector, where.sector_count);
    std::vector<std::uint8_t> first(block);
    device.read(where.first_sector, first);
    if (!looks_like_boot_sector(first)) return open_volume_view(device, where, block);
    // The sector size the boot sector declares, when the volume it declares fits the window.
    const std::uint32_t bps = get_u16(first, bpb::bytes_per_sector);
    const std::uint16_t tot16 = get_u16(first, bpb::total_sectors16);
    const std::uint64_t total = tot16 != 0 ? tot16 : get_u32(first, bpb::total_sectors32);
    const bool fits = total != 0 && total <= where.sector_count * block / bps;
    return open_volume_view(device, where, bps != block && fits ? bps : block);
}

}  // namespace ukpu::fat
