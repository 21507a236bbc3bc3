// Geometry invariants over many sizes: cluster counts clear of the type edges, FATs large enough,
// the data area aligned, nothing past the end of the volume.
#include <gtest/gtest.h>

#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/geometry.hpp"

namespace {

using namespace ukpu::fat;

void check_invariants(const Geometry& g, const GeometryRequest& r) {
    const std::uint32_t bits = g.type == FatType::fat12 ? 12 : g.type == FatType::fat16 ? 16 : 32;
    // The type every reader infers from the count is the type written.
    EXPECT_EQ(fat_type_for_clusters(g.cluster_count), g.type);
    if (g.type == FatType::fat12) {
        EXPECT_LE(g.cluster_count, 4084u - cluster_count_margin);
    }
    if (g.type == FatType::fat16) {
        EXPECT_GE(g.cluster_count, 4085u + cluster_count_margin);
        EXPECT_LE(g.cluster_count, 65524u - cluster_count_margin);
    }
    if (g.type == FatType::fat32) {
        EXPECT_GE(g.cluster_count, 65525u + cluster_count_margin);
    }
    // Each FAT holds an entry for every cluster plus the two reserved ones.
    EXPECT_GE(std::uint64_t{g.fat_sectors} * g.bytes_per_sector * 8 / bits,
              std::uint64_t{g.cluster_count} + 2);
    // Data area aligned to the cluster size and to 4 KiB, clusters inside the volume.
    const std::uint64_t align = std::max<std::uint64_t>(g.bytes_per_cluster(), 4096);
    EXPECT_EQ(g.data_start() * g.bytes_per_sector % align, 0u);
    EXPECT_LE(g.data_start() + std::uint64_t{g.cluster_count} * g.sectors_per_cluster,
              r.volume_sectors);
    // No whole cluster left unused at the end.
    EXPECT_LT(r.volume_sectors -
                  (g.data_start() + std::uint64_t{g.cluster_count} * g.sectors_per_cluster),
              g.sectors_per_cluster);
    EXPECT_EQ(g.hidden_sectors, r.hidden_sectors);
}

TEST(Geometry, InvariantsHoldFromOneMiBToThirtyTwoGiB) {
    int laid_out = 0;
    for (std::uint32_t ss : {512u, 4096u})
        for (std::uint64_t mib = 1; mib <= 32768; mib = mib * 3 / 2 + 1)
            for (auto type : {FatType::fat12, FatType::fat16, FatType::fat32}) {
                GeometryRequest r;
                r.sector_size = ss;
                r.volume_sectors = mib * 1024 * 1024 / ss;
                r.type = type;
                r.hidden_sectors = 2048;
                SCOPED_TRACE(std::to_string(mib) + " MiB, " + to_string(type) + ", " +
                             std::to_string(ss));
                try {
                    const Geometry g = compute_geometry(r);
                    EXPECT_EQ(g.type, type);
                    check_invariants(g, r);
                    ++laid_out;
                } catch (const Error& e) {
                    EXPECT_EQ(e.code(), ErrorCode::bad_geometry) << e.what();
                    EXPECT_NE(std::string(e.what()).find(to_string(type)), std::string::npos);
                }
            }
    EXPECT_GT(laid_out, 40);
}

TEST(Geometry, AutomaticTypeAndClusterSize) {
    GeometryRequest r;
    r.volume_sectors = 8 * 2048;  // 8 MiB: FAT16 too (legacy BIOSes read no FAT12)
    EXPECT_EQ(compute_geometry(r).type, FatType::fat16);
    EXPECT_EQ(compute_geometry(r).bytes_per_cluster(), 512u);
    r.volume_sectors = 64 * 2048;
    const Geometry g = compute_geometry(r);
    EXPECT_EQ(g.type, FatType::fat16);
    EXPECT_EQ(g.bytes_per_cluster(), 1024u);  // the smallest cluster that keeps FAT16 in range
    r.volume_sectors = 2047ull * 2048;
    EXPECT_EQ(compute_geometry(r).bytes_per_cluster(), 32768u);
    r.volume_sectors = 3072ull * 2048;  // above 2 GiB: FAT16 would need 64 KiB clusters
    EXPECT_EQ(compute_geometry(r).type, FatType::fat32);
    r.type = FatType::fat16;
    EXPECT_THROW(compute_geometry(r), Error);
    r.cluster_bytes = 65536;  // asked for explicitly, it fits
    EXPECT_EQ(compute_geometry(r).bytes_per_cluster(), 65536u);
}

// The smallest FAT16 volume: every size from it on is FAT16 by default (no FAT12), one sector
// less is refused with the minimum named.
TEST(Geometry, SmallestFat16VolumeIsTheDefaultsFloor) {
    for (const auto& [ss, sectors] : {std::pair{512u, 4173ull}, std::pair{4096u, 4112ull}}) {
        SCOPED_TRACE(std::to_string(ss) + "-byte sectors");
        GeometryRequest r;
        r.sector_size = ss;
        r.hidden_sectors = 2048;
        const std::uint64_t min = min_volume_sectors(r, FatType::fat16);
        EXPECT_EQ(min, sectors);
        for (std::uint64_t v = min; v < min + 70000; ++v) {
            r.volume_sectors = v;
            const Geometry g = compute_geometry(r);
            ASSERT_EQ(g.type, FatType::fat16) << v << " sectors";
            check_invariants(g, r);
        }
        r.volume_sectors = min - 1;
        try {
            compute_geometry(r);
            ADD_FAILURE() << "one sector below the minimum was laid out";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::bad_geometry);
            const std::string kib = std::to_string((min * ss + 1023) / 1024) + " KiB";
            EXPECT_NE(std::string(e.what()).find("FAT16 needs at least " + kib), std::string::npos)
                << e.what();
        }
        r.type = FatType::fat12;  // asked for: FAT12 fits there
        EXPECT_EQ(compute_geometry(r).type, FatType::fat12);
    }
    // Larger clusters asked for need a larger volume.
    GeometryRequest r;
    r.cluster_bytes = 2048;
    EXPECT_GT(min_volume_sectors(r, FatType::fat16), 4 * 4101u);
    r.volume_sectors = min_volume_sectors(r, FatType::fat16);
    EXPECT_EQ(compute_geometry(r).bytes_per_cluster(), 2048u);
    --r.volume_sectors;
    EXPECT_THROW(compute_geometry(r), Error);
    // FAT32 and FAT12 have theirs.
    EXPECT_GT(min_volume_sectors({}, FatType::fat32), 65541u);
    EXPECT_LT(min_volume_sectors({}, FatType::fat12), 64u);
}

TEST(Geometry, RefusesImpossibleRequests) {
    GeometryRequest r;
    r.volume_sectors = 2048;  // 1 MiB
    r.type = FatType::fat32;
    EXPECT_THROW(compute_geometry(r), Error);
    r.type = FatType::fat16;
    EXPECT_THROW(compute_geometry(r), Error);
    r.type = FatType::fat12;
    EXPECT_NO_THROW(compute_geometry(r));
    r.cluster_bytes = 3000;
    EXPECT_THROW(compute_geometry(r), Error);
    r.cluster_bytes.reset();
    r.sector_size = 1000;
    EXPECT_THROW(compute_geometry(r), Error);
}

}  // namespace
