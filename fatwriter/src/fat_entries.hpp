// Writing FAT entries into an in-memory copy of a FAT (FAT12 nibble packing, FAT16, FAT32's 28
// bits), shared by the key writer and repair.
#pragma once

#include <cstdint>
#include <span>

#include "ukpu/fatwriter/geometry.hpp"

namespace ukpu::fat {

// Stores `value` as the entry of `cluster` in `fat` (the bytes of one FAT copy).
void set_fat_entry(std::span<std::uint8_t> fat, FatType type, std::uint32_t cluster,
                   std::uint32_t value);

// The end-of-chain value ukpu writes (all ones of the entry width).
std::uint32_t end_of_chain(FatType type);

// Bytes one FAT copy needs for entries 0 .. clusters-1.
std::size_t fat_bytes_for(FatType type, std::uint32_t clusters);

}  // namespace ukpu::fat
