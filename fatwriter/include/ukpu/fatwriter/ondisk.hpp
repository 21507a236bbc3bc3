// Named offsets and constants of the on-disk FAT structures: MBR, boot sector (BPB), FSInfo,
// FAT entries and directory entries. Fields are read and written with ukpu::bytes helpers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ukpu::fat::ondisk {

// ---- Master boot record
namespace mbr {
inline constexpr std::size_t disk_signature = 0x1B8;   // u32
inline constexpr std::size_t partition_table = 0x1BE;  // 4 entries of 16 bytes
inline constexpr std::size_t entry_size = 16;
inline constexpr std::size_t signature = 0x1FE;  // 0x55 0xAA
// Within a partition entry:
inline constexpr std::size_t status = 0;     // 0x80 active, 0x00 inactive
inline constexpr std::size_t chs_first = 1;  // 3 bytes
inline constexpr std::size_t type = 4;
inline constexpr std::size_t chs_last = 5;       // 3 bytes
inline constexpr std::size_t lba_first = 8;      // u32
inline constexpr std::size_t sector_count = 12;  // u32
}  // namespace mbr

inline constexpr std::uint8_t part_fat12 = 0x01;
inline constexpr std::uint8_t part_fat16_small = 0x04;  // FAT16 under 32 MiB (CHS)
inline constexpr std::uint8_t part_fat16 = 0x06;        // FAT16 (CHS)
inline constexpr std::uint8_t part_fat32_chs = 0x0B;
inline constexpr std::uint8_t part_fat32_lba = 0x0C;
inline constexpr std::uint8_t part_fat16_lba = 0x0E;
inline constexpr std::uint8_t part_gpt_protective = 0xEE;

// ---- Boot sector / BIOS parameter block (common part)
namespace bpb {
inline constexpr std::size_t jump = 0x00;                 // 3 bytes: EB xx 90 or E9 xx xx
inline constexpr std::size_t oem_name = 0x03;             // 8 bytes
inline constexpr std::size_t bytes_per_sector = 0x0B;     // u16
inline constexpr std::size_t sectors_per_cluster = 0x0D;  // u8
inline constexpr std::size_t reserved_sectors = 0x0E;     // u16
inline constexpr std::size_t num_fats = 0x10;             // u8
inline constexpr std::size_t root_entries = 0x11;         // u16 (0 on FAT32)
inline constexpr std::size_t total_sectors16 = 0x13;      // u16
inline constexpr std::size_t media = 0x15;                // u8
inline constexpr std::size_t fat_size16 = 0x16;           // u16 (0 on FAT32)
inline constexpr std::size_t sectors_per_track = 0x18;    // u16
inline constexpr std::size_t num_heads = 0x1A;            // u16
inline constexpr std::size_t hidden_sectors = 0x1C;       // u32
inline constexpr std::size_t total_sectors32 = 0x20;      // u32
inline constexpr std::size_t signature = 0x1FE;           // 0x55 0xAA
}  // namespace bpb

// FAT12/16 extended BPB
namespace bpb16 {
inline constexpr std::size_t drive_number = 0x24;
inline constexpr std::size_t reserved1 = 0x25;
inline constexpr std::size_t boot_signature = 0x26;  // 0x29
inline constexpr std::size_t volume_id = 0x27;       // u32
inline constexpr std::size_t volume_label = 0x2B;    // 11 bytes
inline constexpr std::size_t fs_type = 0x36;         // 8 bytes "FAT16   "
inline constexpr std::size_t boot_code = 0x3E;
}  // namespace bpb16

// FAT32 extended BPB
namespace bpb32 {
inline constexpr std::size_t fat_size32 = 0x24;     // u32
inline constexpr std::size_t ext_flags = 0x28;      // u16
inline constexpr std::size_t fs_version = 0x2A;     // u16
inline constexpr std::size_t root_cluster = 0x2C;   // u32
inline constexpr std::size_t fsinfo_sector = 0x30;  // u16
inline constexpr std::size_t backup_boot = 0x32;    // u16
inline constexpr std::size_t reserved = 0x34;       // 12 bytes
inline constexpr std::size_t drive_number = 0x40;
inline constexpr std::size_t reserved1 = 0x41;
inline constexpr std::size_t boot_signature = 0x42;  // 0x29
inline constexpr std::size_t volume_id = 0x43;       // u32
inline constexpr std::size_t volume_label = 0x47;    // 11 bytes
inline constexpr std::size_t fs_type = 0x52;         // 8 bytes "FAT32   "
inline constexpr std::size_t boot_code = 0x5A;
}  // namespace bpb32

inline constexpr std::uint8_t extended_boot_signature = 0x29;

// ---- FAT32 FSInfo sector
namespace fsinfo {
inline constexpr std::size_t lead_signature = 0x000;    // u32 0x41615252
inline constexpr std::size_t struct_signature = 0x1E4;  // u32 0x61417272
inline constexpr std::size_t free_count = 0x1E8;        // u32, 0xFFFFFFFF = unknown
inline constexpr std::size_t next_free = 0x1EC;         // u32, 0xFFFFFFFF = unknown
inline constexpr std::size_t trail_signature = 0x1FC;   // u32 0xAA550000
inline constexpr std::uint32_t lead_value = 0x41615252;
inline constexpr std::uint32_t struct_value = 0x61417272;
inline constexpr std::uint32_t trail_value = 0xAA550000;
}  // namespace fsinfo

// ---- FAT entries
inline constexpr std::uint32_t fat12_eoc = 0xFFF;
inline constexpr std::uint32_t fat16_eoc = 0xFFFF;
inline constexpr std::uint32_t fat32_eoc = 0x0FFFFFFF;
inline constexpr std::uint32_t fat32_mask = 0x0FFFFFFF;
inline constexpr std::uint8_t media_fixed = 0xF8;

// ---- Directory entries (32 bytes)
namespace dirent {
inline constexpr std::size_t size = 32;
inline constexpr std::size_t name = 0x00;  // 11 bytes, 8.3 space-padded
inline constexpr std::size_t attr = 0x0B;
inline constexpr std::size_t nt_reserved = 0x0C;  // case flags: 0x08 base, 0x10 extension lower
inline constexpr std::size_t create_time_tenth = 0x0D;
inline constexpr std::size_t create_time = 0x0E;   // u16
inline constexpr std::size_t create_date = 0x10;   // u16
inline constexpr std::size_t access_date = 0x12;   // u16
inline constexpr std::size_t cluster_high = 0x14;  // u16 (FAT32)
inline constexpr std::size_t write_time = 0x16;    // u16
inline constexpr std::size_t write_date = 0x18;    // u16
inline constexpr std::size_t cluster_low = 0x1A;   // u16
inline constexpr std::size_t file_size = 0x1C;     // u32
}  // namespace dirent

namespace attr {
inline constexpr std::uint8_t read_only = 0x01;
inline constexpr std::uint8_t hidden = 0x02;
inline constexpr std::uint8_t system = 0x04;
inline constexpr std::uint8_t volume_id = 0x08;
inline constexpr std::uint8_t directory = 0x10;
inline constexpr std::uint8_t archive = 0x20;
inline constexpr std::uint8_t long_name = 0x0F;  // read_only|hidden|system|volume_id
}  // namespace attr

inline constexpr std::uint8_t nt_lower_base = 0x08;
inline constexpr std::uint8_t nt_lower_ext = 0x10;
inline constexpr std::uint8_t entry_free = 0x00;      // first name byte: end of directory
inline constexpr std::uint8_t entry_deleted = 0xE5;   // first name byte: deleted slot
inline constexpr std::uint8_t entry_kanji_e5 = 0x05;  // stands for a real 0xE5 first byte

// Long-file-name slots (attr 0x0F)
namespace lfn {
inline constexpr std::size_t order = 0x00;  // sequence number, 0x40 = last
inline constexpr std::size_t name1 = 0x01;  // 5 UCS-2 characters
inline constexpr std::size_t attr = 0x0B;
inline constexpr std::size_t type = 0x0C;
inline constexpr std::size_t checksum = 0x0D;
inline constexpr std::size_t name2 = 0x0E;    // 6 UCS-2 characters
inline constexpr std::size_t cluster = 0x1A;  // always 0
inline constexpr std::size_t name3 = 0x1C;    // 2 UCS-2 characters
inline constexpr std::uint8_t last_flag = 0x40;
inline constexpr std::size_t chars_per_slot = 13;
}  // namespace lfn

}  // namespace ukpu::fat::ondisk
