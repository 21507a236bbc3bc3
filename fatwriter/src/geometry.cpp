#include "ukpu/fatwriter/geometry.hpp"

#include <string>

#include "ukpu/fatwriter/error.hpp"

namespace ukpu::fat {

const char* to_string(FatType t) {
    switch (t) {
        case FatType::fat12:
            return "FAT12";
        case FatType::fat16:
            return "FAT16";
        case FatType::fat32:
            return "FAT32";
    }
    return "FAT?";
}

FatType parse_fat_type(std::string_view text) {
    if (text == "fat12" || text == "FAT12" || text == "12") return FatType::fat12;
    if (text == "fat16" || text == "FAT16" || text == "16") return FatType::fat16;
    if (text == "fat32" || text == "FAT32" || text == "32") return FatType::fat32;
    throw Error(ErrorCode::bad_argument,
                "unknown file system '" + std::string(text) + "' (expected fat12, fat16 or fat32)");
}

FatType fat_type_for_clusters(std::uint32_t clusters) {
    if (clusters <= fat12_max_clusters) return FatType::fat12;
    if (clusters <= fat16_max_clusters) return FatType::fat16;
    return FatType::fat32;
}

namespace {

constexpr std::uint64_t mib = 1024 * 1024;

std::uint32_t fat_bits(FatType t) {
    switch (t) {
        case FatType::fat12:
            return 12;
        case FatType::fat16:
            return 16;
        case FatType::fat32:
            return 32;
    }
    return 16;
}

struct Range {
    std::uint32_t min, max;
};

// The cluster counts ukpu accepts for a type: the type's own range less the margin at each edge.
Range cluster_range(FatType t) {
    switch (t) {
        case FatType::fat12:
            return {1, fat12_max_clusters - cluster_count_margin};
        case FatType::fat16:
            return {fat16_min_clusters + cluster_count_margin,
                    fat16_max_clusters - cluster_count_margin};
        case FatType::fat32:
            return {fat32_min_clusters + cluster_count_margin,
                    fat32_max_clusters - cluster_count_margin};
    }
    return {0, 0};
}

// Lays out a volume with a fixed cluster size. Returns nothing when the data area does not fit.
std::optional<Geometry> layout(const GeometryRequest& r, FatType type, std::uint32_t spc) {
    Geometry g;
    g.type = type;
    g.bytes_per_sector = r.sector_size;
    g.sectors_per_cluster = spc;
    g.total_sectors = r.volume_sectors;
    g.hidden_sectors = r.hidden_sectors;
    g.num_fats = 2;
    const std::uint32_t base_reserved = type == FatType::fat32 ? 32 : 1;
    if (type == FatType::fat32) {
        g.root_entries = 0;
    } else {
        // Whole sectors of entries.
        const std::uint32_t per_sector = r.sector_size / 32;
        g.root_entries = (r.root_entries + per_sector - 1) / per_sector * per_sector;
    }
    const std::uint64_t align_sectors = std::max<std::uint64_t>(
        spc, std::max<std::uint32_t>(r.align_bytes, r.sector_size) / r.sector_size);
    const std::uint32_t bits = fat_bits(type);
    std::uint64_t fat = 1;
    for (int round = 0; round < 64; ++round) {
        const std::uint64_t unaligned = base_reserved + g.num_fats * fat + g.root_dir_sectors();
        const std::uint64_t pad = (align_sectors - unaligned % align_sectors) % align_sectors;
        const std::uint64_t data_start = unaligned + pad;
        if (data_start + spc > r.volume_sectors) return std::nullopt;
        const std::uint64_t clusters = (r.volume_sectors - data_start) / spc;
        const std::uint64_t fat_bytes = ((clusters + 2) * bits + 7) / 8;
        const std::uint64_t need = (fat_bytes + r.sector_size - 1) / r.sector_size;
        if (need <= fat) {
            if (clusters > 0xFFFFFFFFull) return std::nullopt;
            g.fat_sectors = static_cast<std::uint32_t>(fat);
            g.reserved_sectors = static_cast<std::uint32_t>(base_reserved + pad);
            g.cluster_count = static_cast<std::uint32_t>(clusters);
            return g;
        }
        fat = need;
    }
    return std::nullopt;
}

std::string size_text(std::uint64_t bytes) {
    if (bytes >= mib && bytes % mib == 0) return std::to_string(bytes / mib) + " MiB";
    if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes / 1024) + " KiB";
    return std::to_string(bytes) + " bytes";
}

void check_sector_size(std::uint32_t ss) {
    if (ss < 512 || ss > 4096 || (ss & (ss - 1)))
        throw Error(ErrorCode::bad_argument,
                    "sector size " + std::to_string(ss) + " is not 512..4096");
}

void check_cluster_bytes(std::uint32_t cb, std::uint32_t ss) {
    if (cb < ss || cb > 65536 || (cb & (cb - 1)) != 0 || cb % ss != 0)
        throw Error(ErrorCode::bad_geometry,
                    "cluster size " + std::to_string(cb) +
                        " must be a power of two from the sector size to 64 KiB");
}

// The cluster size the automatic choice tries first: FAT32 follows the usual size table, FAT12/16
// start from one sector.
std::uint32_t first_cluster_bytes(FatType type, std::uint32_t ss, std::uint64_t volume_bytes) {
    if (type != FatType::fat32) return ss;
    const std::uint64_t table_cb = volume_bytes <= 260 * mib     ? 512
                                   : volume_bytes <= 8192 * mib  ? 4096
                                   : volume_bytes <= 16384 * mib ? 8192
                                   : volume_bytes <= 32768 * mib ? 16384
                                                                 : 32768;
    return std::max<std::uint32_t>(ss, static_cast<std::uint32_t>(table_cb));
}

// The clusters `type` gets on `sectors` with `spc` sectors per cluster, 0 when nothing fits.
std::uint64_t clusters_on(const GeometryRequest& r, FatType type, std::uint32_t spc,
                          std::uint64_t sectors) {
    GeometryRequest at = r;
    at.volume_sectors = sectors;
    const auto g = layout(at, type, spc);
    return g ? g->cluster_count : 0;
}

// The smallest volume from which on every larger one holds at least the type's minimum of
// clusters of `spc` sectors. The count grows with the volume except for a small dip where a FAT
// gains a sector (the data area moves by the FAT copies and the alignment), so the search climbs
// to a count clear of any dip and then walks down to the first size that falls short.
std::uint64_t min_sectors(const GeometryRequest& r, FatType type, std::uint32_t spc) {
    const std::uint64_t need = cluster_range(type).min;
    const std::uint64_t align_sectors = std::max<std::uint64_t>(
        spc, std::max<std::uint32_t>(r.align_bytes, r.sector_size) / r.sector_size);
    const std::uint64_t dip = (2 + align_sectors) / spc + 2;
    std::uint64_t v = need * spc;
    for (;;) {
        const std::uint64_t c = clusters_on(r, type, spc, v);
        if (c >= need + dip) break;
        v += std::max<std::uint64_t>(1, (need + dip - c) * spc);
    }
    while (v > 1 && clusters_on(r, type, spc, v - 1) >= need) --v;
    return v;
}

}  // namespace

FatType default_fat_type(std::uint64_t volume_bytes) {
    return volume_bytes <= 2048 * mib ? FatType::fat16 : FatType::fat32;
}

std::uint64_t min_volume_sectors(const GeometryRequest& r, FatType type) {
    check_sector_size(r.sector_size);
    std::uint32_t cb = first_cluster_bytes(type, r.sector_size, 0);
    if (r.cluster_bytes) {
        check_cluster_bytes(*r.cluster_bytes, r.sector_size);
        cb = *r.cluster_bytes;
    }
    return min_sectors(r, type, cb / r.sector_size);
}

Geometry compute_geometry(const GeometryRequest& r) {
    check_sector_size(r.sector_size);
    const std::uint64_t volume_bytes = r.volume_sectors * r.sector_size;
    const FatType type = r.type ? *r.type : default_fat_type(volume_bytes);
    const Range range = cluster_range(type);
    const std::string what = std::string(to_string(type)) + " on " + size_text(volume_bytes) +
                             " with " + std::to_string(r.sector_size) + "-byte sectors";
    // "FAT16 needs at least 2087 KiB (4101 clusters of 512 bytes)"
    auto needs = [&](std::uint32_t cb) {
        const std::uint64_t min_bytes = min_sectors(r, type, cb / r.sector_size) * r.sector_size;
        return std::string(to_string(type)) + " needs at least " +
               std::to_string((min_bytes + 1023) / 1024) + " KiB (" + std::to_string(range.min) +
               " clusters of " + size_text(cb) + ")";
    };

    if (r.cluster_bytes) {
        const std::uint32_t cb = *r.cluster_bytes;
        check_cluster_bytes(cb, r.sector_size);
        auto g = layout(r, type, cb / r.sector_size);
        if (!g || g->cluster_count < range.min)
            throw Error(ErrorCode::bad_geometry, what + " and " + size_text(cb) +
                                                     " clusters: the volume is too small (" +
                                                     needs(cb) + ")");
        if (g->cluster_count > range.max)
            throw Error(ErrorCode::bad_geometry,
                        what + " and " + size_text(cb) + " clusters gives " +
                            std::to_string(g->cluster_count) + " clusters; " + to_string(type) +
                            " needs " + std::to_string(range.min) + ".." +
                            std::to_string(range.max));
        return *g;
    }

    // FAT32 follows the usual size table; FAT12/16 take the smallest cluster that fits.
    const std::uint32_t first_cb = first_cluster_bytes(type, r.sector_size, volume_bytes);
    std::optional<Geometry> too_few;
    for (std::uint32_t cb = first_cb; cb <= r.max_cluster_bytes; cb *= 2) {
        auto g = layout(r, type, cb / r.sector_size);
        if (!g) break;
        if (g->cluster_count > range.max) continue;  // clusters too small: too many of them
        if (g->cluster_count < range.min) {
            too_few = g;
            break;
        }
        return *g;
    }
    if (too_few || !layout(r, type, first_cb / r.sector_size))
        throw Error(ErrorCode::bad_geometry,
                    what + ": the volume is too small (" + needs(first_cb) + ")");
    throw Error(ErrorCode::bad_geometry,
                what + ": the volume is too large for clusters of at most " +
                    size_text(r.max_cluster_bytes) + " (" + to_string(type) + " holds at most " +
                    std::to_string(range.max) + " clusters)");
}

}  // namespace ukpu::fat
