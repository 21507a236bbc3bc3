// The sectors a freshly formatted volume starts with: boot sector (BPB), FAT32 FSInfo, and the
// partition table of an MBR layout.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "ukpu/fatwriter/geometry.hpp"

namespace ukpu::fat {

std::vector<std::uint8_t> make_boot_sector(const Geometry& g, const std::array<char, 11>& label,
                                           std::uint32_t volume_id);
std::vector<std::uint8_t> make_fsinfo(const Geometry& g, std::uint32_t free_clusters,
                                      std::uint32_t next_free);
// One inactive partition of `type` at [first, first+count); the rest of the table empty.
std::vector<std::uint8_t> make_mbr(std::uint32_t sector_size, std::uint8_t type,
                                   std::uint64_t first, std::uint64_t count,
                                   std::uint32_t disk_signature);
// The partition type that announces this volume (0x01, 0x04, 0x06, 0x0E, 0x0B, 0x0C).
std::uint8_t partition_type_for(const Geometry& g, std::uint64_t first, std::uint64_t count);

// BIOS geometry written into the BPB and the MBR's CHS fields.
inline constexpr std::uint16_t bios_heads = 255;
inline constexpr std::uint16_t bios_sectors_per_track = 63;

}  // namespace ukpu::fat
