#include "fat_entries.hpp"

#include "ukpu/fatwriter/ondisk.hpp"
#include "ukpu/base/bytes.hpp"

namespace ukpu::fat {

void set_fat_entry(std::span<std::uint8_t> fat, FatType type, std::uint32_t cluster,
                   std::uint32_t value) {
    switch (type) {
        case FatType::fat12: {
            const std::size_t off = cluster + cluster / 2;
            if (cluster & 1) {
                fat[off] = static_cast<std::uint8_t>((fat[off] & 0x0F) | ((value << 4) & 0xF0));
                fat[off + 1] = static_cast<std::uint8_t>(value >> 4);
            } else {
                fat[off] = static_cast<std::uint8_t>(value);
                fat[off + 1] =
                    static_cast<std::uint8_t>((fat[off + 1] & 0xF0) | ((value >> 8) & 0x0F));
            }
            break;
        }
        case FatType::fat16:
            bytes::put_u16(fat, cluster * 2u, static_cast<std::uint16_t>(value));
            break;
        case FatType::fat32:
            bytes::put_u32(fat, cluster * 4u,
                           (bytes::get_u32(fat, cluster * 4u) & ~ondisk::fat32_mask) |
                               (value & ondisk::fat32_mask));
            break;
    }
}

std::uint32_t end_of_chain(FatType t) {
    return t == FatType::fat12   ? ondisk::fat12_eoc
           : t == FatType::fat16 ? ondisk::fat16_eoc
                                 : ondisk::fat32_eoc;
}

std::size_t fat_bytes_for(FatType type, std::uint32_t clusters) {
    return type == FatType::fat12 ? (std::size_t{clusters} * 3 + 1) / 2 + 1
                                  : std::size_t{clusters} * (type == FatType::fat16 ? 2 : 4);
}

}  // namespace ukpu::fat
