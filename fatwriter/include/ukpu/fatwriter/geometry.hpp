// FAT12/16/32 volume geometry: cluster size, FAT size, reserved sectors, root directory, data
// area aligned to the cluster size, cluster counts clear of the edges between FAT types.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ukpu::fat {

enum class FatType { fat12, fat16, fat32 };

const char* to_string(FatType t);               // "FAT12", "FAT16", "FAT32"
FatType parse_fat_type(std::string_view text);  // "fat12|12|FAT12", ...; throws bad_argument

// Cluster-count limits of each type, and the margin ukpu keeps from them so that no reader can
// disagree about the type (readers decide the type from the cluster count alone).
inline constexpr std::uint32_t fat12_max_clusters = 4084;
inline constexpr std::uint32_t fat16_min_clusters = 4085;
inline constexpr std::uint32_t fat16_max_clusters = 65524;
inline constexpr std::uint32_t fat32_min_clusters = 65525;
inline constexpr std::uint32_t fat32_max_clusters = 0x0FFFFFF5 - 2;
inline constexpr std::uint32_t cluster_count_margin = 16;

// What a reader decides from a cluster count (the rule every FAT driver applies).
FatType fat_type_for_clusters(std::uint32_t clusters);

struct Geometry {
    FatType type = FatType::fat16;
    std::uint32_t bytes_per_sector = 512;
    std::uint32_t sectors_per_cluster = 1;
    std::uint32_t reserved_sectors = 1;
    std::uint32_t num_fats = 2;
    std::uint32_t root_entries = 0;        // FAT12/16 fixed root; 0 for FAT32
    std::uint32_t fat_sectors = 0;         // sectors of one FAT copy
    std::uint64_t total_sectors = 0;       // sectors of the volume
    std::uint32_t hidden_sectors = 0;      // sectors before the volume (the partition start)
    std::uint32_t cluster_count = 0;       // data clusters, numbered 2..cluster_count+1
    std::uint32_t root_cluster = 2;        // FAT32 root directory cluster
    std::uint16_t fsinfo_sector = 1;       // FAT32
    std::uint16_t backup_boot_sector = 6;  // FAT32

    std::uint32_t bytes_per_cluster() const { return bytes_per_sector * sectors_per_cluster; }
    std::uint64_t fat_start(std::uint32_t copy = 0) const {
        return reserved_sectors + std::uint64_t{copy} * fat_sectors;
    }
    std::uint32_t root_dir_sectors() const {
        return (root_entries * 32 + bytes_per_sector - 1) / bytes_per_sector;
    }
    std::uint64_t root_dir_start() const { return fat_start(num_fats); }  // FAT12/16
    std::uint64_t data_start() const { return root_dir_start() + root_dir_sectors(); }
    // First sector of a data cluster (cluster >= 2).
    std::uint64_t cluster_sector(std::uint32_t cluster) const {
        return data_start() + std::uint64_t{cluster - 2} * sectors_per_cluster;
    }
    std::uint32_t max_cluster() const { return cluster_count + 1; }
};

struct GeometryRequest {
    std::uint64_t volume_sectors = 0;
    std::uint32_t sector_size = 512;
    std::optional<FatType> type;                 // default: default_fat_type(the volume's size)
    std::optional<std::uint32_t> cluster_bytes;  // default: the smallest that fits
    std::uint32_t max_cluster_bytes = 32768;     // cap for the automatic choice
    std::uint32_t hidden_sectors = 0;
    std::uint32_t root_entries = 512;  // FAT12/16
    // The data area starts on a multiple of max(cluster size, align_bytes) from the volume start.
    std::uint32_t align_bytes = 4096;
};

// The type a volume gets when none is asked: FAT16 up to 2 GiB (the type every firmware reads),
// FAT32 above. FAT12 only when asked: legacy BIOSes do not read it.
FatType default_fat_type(std::uint64_t volume_bytes);

// The smallest volume, in sectors, on which `type` can be laid out with the request's sector
// size, root directory, alignment and cluster size (when none is asked: the smallest the
// automatic choice takes, one sector for FAT12/16); every larger volume fits too, up to the
// type's largest. Ignores `request.volume_sectors` and `request.type`. FAT16 with 512-byte
// sectors needs 4173 sectors (2086.5 KiB), with 4096-byte sectors 4112 sectors (16448 KiB).
std::uint64_t min_volume_sectors(const GeometryRequest& request, FatType type);

// Throws Error(bad_geometry) saying why no layout fits (too small for the type, naming the
// smallest volume it needs; too large for the type with the cluster-size cap; a cluster size
// the type cannot use at this size, ...).
Geometry compute_geometry(const GeometryRequest& request);

}  // namespace ukpu::fat
