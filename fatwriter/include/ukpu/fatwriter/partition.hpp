// Finding the FAT volume on a device: an MBR partition table or a superfloppy (a boot sector in
// sector 0). GPT is recognised by its protective MBR entry and refused.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/key_writer.hpp"

namespace ukpu::fat {

struct PartitionEntry {
    std::uint32_t index = 0;  // 0..3, the entry's position in the table
    std::uint8_t type = 0;
    std::uint32_t lba_first = 0;
    std::uint32_t sector_count = 0;
    bool active = false;
};

struct VolumeLocation {
    PartitionScheme scheme = PartitionScheme::superfloppy;
    std::vector<PartitionEntry> partitions;  // the non-empty MBR entries, in table order
    std::optional<std::uint32_t> chosen;     // index into `partitions` of the FAT volume
    std::uint64_t first_sector = 0;          // the volume's first sector on the device
    std::uint64_t sector_count = 0;          // the volume's size in device sectors
};

// True for the MBR partition types that hold a FAT volume (0x01, 0x04, 0x06, 0x0B, 0x0C, 0x0E and
// their hidden variants 0x11..0x1E).
bool is_fat_partition_type(std::uint8_t type);

// True when `sector` (at least 512 bytes) starts with a plausible FAT boot sector: jump
// instruction, bytes per sector, sectors per cluster, reserved sectors, FAT count and media byte.
bool looks_like_boot_sector(std::span<const std::uint8_t> sector);

// The sector size an image file was made with, read from the image (`image` opened in 512-byte
// sectors): a superfloppy's boot sector (BPB_BytsPerSec); for an MBR, the size under which its
// first FAT partition's start points at a boot sector declaring that size; for GPT, the size
// under which sector 1 holds its header. Nothing when the image does not say.
std::optional<std::uint32_t> sector_size_of_image(BlockDevice& image);

// Reads sector 0 and decides where the FAT volume is. Throws Error: bad_mbr (no boot sector and
// no sane partition table, an entry outside the device, no FAT partition among several),
// unsupported (GPT).
VolumeLocation locate_volume(BlockDevice& device);

// The volume as a device of its own, as a UEFI FAT driver reads it (`device` is kept alive by
// the caller): the window `where` names (in the device's blocks: an MBR's offsets move with the
// block size) in sectors of the size the volume's boot sector declares. When BPB_BytsPerSec is
// the device's block size, or the volume it declares does not fit the window in its sectors, an
// OffsetView in device blocks (Volume then names the field); otherwise a SectorSizeView, e.g. a
// superfloppy of 4096-byte sectors on a stick of 512-byte blocks. Reads the window's first block.
std::unique_ptr<BlockDevice> open_volume_view(BlockDevice& device, const VolumeLocation& where);
// The same window in sectors of `sector_size` bytes (an OffsetView when it is the device's).
std::unique_ptr<BlockDevice> open_volume_view(BlockDevice& device, const VolumeLocation& where,
                                              std::uint32_t sector_size);

}  // namespace ukpu::fat
