#include "boot_sector_writer.hpp"

#include <algorithm>
#include <cstring>

#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/ondisk.hpp"
#include "ukpu/base/bytes.hpp"

namespace ukpu::fat {

namespace bs = ondisk::bpb;
using bytes::put_u16;
using bytes::put_u32;
using bytes::put_u8;

namespace {

// Boot code of a non-bootable volume: INT 18h hands control to the BIOS's next boot device,
// then halt in a loop if the BIOS returns.
constexpr std::uint8_t no_boot_code[] = {0xCD, 0x18, 0xF4, 0xEB, 0xFD};

void put_text(std::span<std::uint8_t> b, std::size_t off, std::string_view text, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        b[off + i] = static_cast<std::uint8_t>(i < text.size() ? text[i] : ' ');
}

// CHS triple of an LBA for the BIOS geometry, saturated at cylinder 1023.
void put_chs(std::span<std::uint8_t> b, std::size_t off, std::uint64_t lba) {
    const std::uint64_t per_cyl = std::uint64_t{bios_heads} * bios_sectors_per_track;
    std::uint64_t c = lba / per_cyl;
    std::uint64_t h = (lba / bios_sectors_per_track) % bios_heads;
    std::uint64_t s = lba % bios_sectors_per_track + 1;
    if (c > 1023) {
        c = 1023;
        h = 254;
        s = 63;
    }
    b[off] = static_cast<std::uint8_t>(h);
    b[off + 1] = static_cast<std::uint8_t>((s & 0x3F) | ((c >> 2) & 0xC0));
    b[off + 2] = static_cast<std::uint8_t>(c & 0xFF);
}

}  // namespace

std::vector<std::uint8_t> make_boot_sector(const Geometry& g, const std::array<char, 11>& label,
                                           std::uint32_t volume_id) {
    std::vector<std::uint8_t> s(g.bytes_per_sector, 0);
    const bool fat32 = g.type == FatType::fat32;
    s[0] = 0xEB;
    s[1] = fat32 ? 0x58 : 0x3C;
    s[2] = 0x90;
    put_text(s, bs::oem_name, "MSWIN4.1", 8);
    put_u16(s, bs::bytes_per_sector, static_cast<std::uint16_t>(g.bytes_per_sector));
    put_u8(s, bs::sectors_per_cluster, static_cast<std::uint8_t>(g.sectors_per_cluster));
    put_u16(s, bs::reserved_sectors, static_cast<std::uint16_t>(g.reserved_sectors));
    put_u8(s, bs::num_fats, static_cast<std::uint8_t>(g.num_fats));
    put_u16(s, bs::root_entries, static_cast<std::uint16_t>(g.root_entries));
    if (!fat32 && g.total_sectors < 0x10000)
        put_u16(s, bs::total_sectors16, static_cast<std::uint16_t>(g.total_sectors));
    else
        put_u32(s, bs::total_sectors32, static_cast<std::uint32_t>(g.total_sectors));
    put_u8(s, bs::media, ondisk::media_fixed);
    put_u16(s, bs::sectors_per_track, bios_sectors_per_track);
    put_u16(s, bs::num_heads, bios_heads);
    put_u32(s, bs::hidden_sectors, g.hidden_sectors);

    std::size_t code = 0;
    if (fat32) {
        namespace b32 = ondisk::bpb32;
        put_u32(s, b32::fat_size32, g.fat_sectors);
        put_u32(s, b32::root_cluster, g.root_cluster);
        put_u16(s, b32::fsinfo_sector, g.fsinfo_sector);
        put_u16(s, b32::backup_boot, g.backup_boot_sector);
        put_u8(s, b32::drive_number, 0x80);
        put_u8(s, b32::boot_signature, ondisk::extended_boot_signature);
        put_u32(s, b32::volume_id, volume_id);
        put_text(s, b32::volume_label, std::string_view(label.data(), label.size()), 11);
        put_text(s, b32::fs_type, "FAT32", 8);
        code = b32::boot_code;
    } else {
        namespace b16 = ondisk::bpb16;
        put_u16(s, bs::fat_size16, static_cast<std::uint16_t>(g.fat_sectors));
        put_u8(s, b16::drive_number, 0x80);
        put_u8(s, b16::boot_signature, ondisk::extended_boot_signature);
        put_u32(s, b16::volume_id, volume_id);
        put_text(s, b16::volume_label, std::string_view(label.data(), label.size()), 11);
        put_text(s, b16::fs_type, g.type == FatType::fat12 ? "FAT12" : "FAT16", 8);
        code = b16::boot_code;
    }
    std::memcpy(s.data() + code, no_boot_code, sizeof no_boot_code);
    s[bs::signature] = 0x55;
    s[bs::signature + 1] = 0xAA;
    return s;
}

std::vector<std::uint8_t> make_fsinfo(const Geometry& g, std::uint32_t free_clusters,
                                      std::uint32_t next_free) {
    namespace fi = ondisk::fsinfo;
    std::vector<std::uint8_t> s(g.bytes_per_sector, 0);
    put_u32(s, fi::lead_signature, fi::lead_value);
    put_u32(s, fi::struct_signature, fi::struct_value);
    put_u32(s, fi::free_count, free_clusters);
    put_u32(s, fi::next_free, next_free);
    put_u32(s, fi::trail_signature, fi::trail_value);
    return s;
}

std::vector<std::uint8_t> make_mbr(std::uint32_t sector_size, std::uint8_t type,
                                   std::uint64_t first, std::uint64_t count,
                                   std::uint32_t disk_signature) {
    namespace m = ondisk::mbr;
    if (first + count > 0xFFFFFFFFull)
        throw Error(ErrorCode::bad_geometry,
                    "partition end beyond sector 2^32 does not fit an MBR");
    std::vector<std::uint8_t> s(sector_size, 0);
    std::memcpy(s.data(), no_boot_code, sizeof no_boot_code);
    put_u32(s, m::disk_signature, disk_signature);
    const std::size_t e = m::partition_table;
    put_u8(s, e + m::status, 0x00);  // not active: the key must not look bootable
    put_chs(s, e + m::chs_first, first);
    put_u8(s, e + m::type, type);
    put_chs(s, e + m::chs_last, first + count - 1);
    put_u32(s, e + m::lba_first, static_cast<std::uint32_t>(first));
    put_u32(s, e + m::sector_count, static_cast<std::uint32_t>(count));
    s[m::signature] = 0x55;
    s[m::signature + 1] = 0xAA;
    return s;
}

std::uint8_t partition_type_for(const Geometry& g, std::uint64_t first, std::uint64_t count) {
    const std::uint64_t chs_limit =
        1024ull * bios_heads * bios_sectors_per_track;  // sectors addressable through CHS
    const bool chs_ok = first + count <= chs_limit;
    switch (g.type) {
        case FatType::fat12:
            return ondisk::part_fat12;
        case FatType::fat16:
            if (g.total_sectors * g.bytes_per_sector < 32ull * 1024 * 1024 && chs_ok)
                return ondisk::part_fat16_small;
            return chs_ok ? ondisk::part_fat16 : ondisk::part_fat16_lba;
        case FatType::fat32:
            return chs_ok ? ondisk::part_fat32_chs : ondisk::part_fat32_lba;
    }
    return ondisk::part_fat16;
}

}  // namespace ukpu::fat
