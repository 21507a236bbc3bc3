// Formats a device (image file or stick) and lays setup.bin out where every firmware finds it:
// the strict key layout of the design by default, with options to deviate.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/geometry.hpp"

namespace ukpu::fat {

enum class PartitionScheme { mbr, superfloppy };

const char* to_string(PartitionScheme s);
PartitionScheme parse_partition_scheme(std::string_view text);  // "mbr" | "superfloppy"

inline constexpr std::uint64_t strict_partition_offset = 1024 * 1024;
// The largest strict volume: FAT16 with 32 KiB clusters stays clear of the cluster-count edge.
inline constexpr std::uint64_t strict_max_volume = 2047ull * 1024 * 1024;

struct KeyOptions {
    PartitionScheme scheme = PartitionScheme::mbr;
    // Default: FAT16 (default_fat_type; FAT32 only for a volume above 2 GiB, when
    // max_volume_bytes allows one). FAT12 only when asked: legacy BIOSes do not read it.
    std::optional<FatType> fs;
    std::optional<std::uint32_t> cluster_bytes;                // default: the smallest that fits
    std::uint64_t partition_offset = strict_partition_offset;  // MBR only
    // Cap on the volume size; 0 = the whole device. The strict layout caps FAT16 at 2047 MiB;
    // a FAT32 volume defaults to the whole device.
    std::optional<std::uint64_t> max_volume_bytes;
    std::string label = "NO NAME";  // boot-sector label, 11 characters at most
    bool label_entry = false;       // also a root label entry, placed after SETUP.BIN
    std::uint32_t volume_id = 0;
    std::int64_t timestamp = 0;  // seconds since the epoch, for every directory entry (UTC)
    // The device is known to read as zeros (a freshly created sparse image): zero-only writes
    // are skipped.
    bool device_is_zeroed = false;
};

struct KeyFile {
    std::string name;  // as given; stored as an upper-case 8.3 name
    std::vector<std::uint8_t> data;
};

struct KeyLayout {
    Geometry geometry;
    PartitionScheme scheme = PartitionScheme::mbr;
    std::uint64_t volume_first_sector = 0;  // on the device
    std::uint64_t volume_sectors = 0;
    std::uint8_t partition_type = 0;  // MBR only
    std::uint32_t setup_first_cluster = 0;
    std::uint32_t setup_clusters = 0;
    std::uint64_t setup_offset = 0;  // byte offset of setup.bin's data on the device
};

// Computes the layout without writing anything (for --dry-run and for tests). Throws
// Error(bad_geometry) for a device too small for the file system type, naming the smallest
// volume and the smallest device (the partition offset included): FAT16 with 512-byte sectors
// needs 2087 KiB, on a stick or image of at least 3111 KiB with the partition at 1 MiB.
KeyLayout plan_key(std::uint64_t device_sectors, std::uint32_t sector_size,
                   std::size_t setup_bin_size, std::span<const KeyFile> extra_files,
                   const KeyOptions& options);

// Writes the key: clears old signatures (first and last MiB of the device), writes the MBR (or
// not), boot sector, FSInfo and backup boot sector (FAT32), both FATs, the root directory with
// SETUP.BIN in slot 0, setup.bin's clusters from the first data cluster, contiguous, then the
// extra files after it. Writes are coalesced into large requests; the boot sector and MBR are
// written last, then one flush. Throws Error.
KeyLayout write_key(BlockDevice& device, std::span<const std::uint8_t> setup_bin,
                    std::span<const KeyFile> extra_files, const KeyOptions& options);

// "SETUP   BIN" from "setup.bin"; throws Error(bad_argument) for a name that is not 8.3.
std::array<char, 11> to_short_name(std::string_view name);

}  // namespace ukpu::fat
