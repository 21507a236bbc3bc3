// The sector size a key image was made with, read from the image itself.
#include <array>
#include <string_view>

#include "ukpu/base/bytes.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/ondisk.hpp"
#include "ukpu/fatwriter/partition.hpp"

namespace ukpu::fat {

namespace {

namespace mbr = ondisk::mbr;
namespace bpb = ondisk::bpb;
using bytes::get_u16;
using bytes::get_u32;
using bytes::get_u8;

constexpr std::array<std::uint32_t, 4> sizes = {512, 1024, 2048, 4096};

// The 512 bytes at byte `offset` of `image` (opened in 512-byte sectors); false past its end.
bool read_at(BlockDevice& image, std::uint64_t offset, std::span<std::uint8_t> out) {
    if (offset % 512 != 0 || offset / 512 >= image.sector_count()) return false;
    image.read(offset / 512, out);
    return true;
}

}  // namespace

std::optional<std::uint32_t> sector_size_of_image(BlockDevice& image) {
    if (image.sector_size() != 512 || image.sector_count() == 0) return std::nullopt;
    std::array<std::uint8_t, 512> s0{};
    image.read(0, s0);
    // A superfloppy: its boot sector says.
    if (looks_like_boot_sector(s0)) return get_u16(s0, bpb::bytes_per_sector);
    if (get_u8(s0, bpb::signature) != 0x55 || get_u8(s0, bpb::signature + 1) != 0xAA)
        return std::nullopt;
    std::array<std::uint8_t, 512> s{};
    for (std::uint32_t i = 0; i < 4; ++i) {
        const auto e = std::span<const std::uint8_t>(s0).subspan(mbr::partition_table + 16 * i, 16);
        const std::uint8_t type = get_u8(e, mbr::type);
        const std::uint32_t first = get_u32(e, mbr::lba_first);
        if (type == ondisk::part_gpt_protective) {
            // GPT: its header ("EFI PART") is in sector 1 of the size it was made with.
            for (const std::uint32_t ss : sizes)
                if (read_at(image, ss, s) &&
                    std::string_view(reinterpret_cast<const char*>(s.data()), 8) == "EFI PART")
                    return ss;
            return std::nullopt;
        }
        if (type == 0 || first == 0 || !is_fat_partition_type(type)) continue;
        // The partition's start counts sectors of the size the image was made with: the size
        // under which it points at a boot sector declaring that very size.
        for (const std::uint32_t ss : sizes)
            if (read_at(image, std::uint64_t{first} * ss, s) && looks_like_boot_sector(s) &&
                get_u16(s, bpb::bytes_per_sector) == ss)
                return ss;
        return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace ukpu::fat
