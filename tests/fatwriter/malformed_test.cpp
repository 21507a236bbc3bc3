// Hand-corrupted images: each broken BPB field, FAT loop, cross-link, free or out-of-range link
// gives Error with the right code, field and location.
#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "ukpu/fatwriter/directory.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "ukpu/fatwriter/volume.hpp"

namespace {

using namespace ukpu::fat;
using ukpu::test::FatImage;
using ukpu::test::ImageSpec;
using ukpu::test::TempDir;

#define REQUIRE_TOOLS() \
    if (!ukpu::test::fat_tools_available()) GTEST_SKIP() << "dosfstools/mtools/fdisk missing"

struct BpbCorruption {
    const char* field;
    std::size_t offset;  // within the boot sector
    std::vector<std::uint8_t> bytes;
    int fat_bits;
    bool mbr;
};

void PrintTo(const BpbCorruption& c, std::ostream* os) {
    *os << c.field;
}

class BadBpb : public ::testing::TestWithParam<BpbCorruption> {};

TEST_P(BadBpb, NamesFieldAndOffset) {
    REQUIRE_TOOLS();
    const BpbCorruption& c = GetParam();
    TempDir dir;
    FatImage img(dir, {64ull << 20, c.fat_bits, c.mbr, 512, "", ""});
    img.patch(img.volume_offset() + c.offset, c.bytes);
    auto dev = img.open();
    const auto loc = locate_volume(*dev);
    const auto view = open_volume_view(*dev, loc);
    try {
        Volume vol(*view);
        FAIL() << c.field << " accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::bad_bpb) << e.what();
        EXPECT_EQ(e.where().field, c.field) << e.what();
        EXPECT_EQ(e.where().offset, img.volume_offset() + c.offset) << e.what();
    }
    // verify reports it instead of throwing
    const auto r = verify_key(*dev);
    EXPECT_TRUE(r.has(Defect::unreadable));
    EXPECT_FALSE(r.ok());
}

INSTANTIATE_TEST_SUITE_P(
    Fields, BadBpb,
    ::testing::Values(BpbCorruption{"BPB_SecPerClus", 0x0D, {3}, 16, true},
                      BpbCorruption{"BPB_BytsPerSec", 0x0B, {0x00, 0x04}, 16, true},  // 1024
                      BpbCorruption{"BPB_RsvdSecCnt", 0x0E, {0, 0}, 16, true},
                      BpbCorruption{"BPB_NumFATs", 0x10, {0}, 16, true},
                      BpbCorruption{"BPB_RootEntCnt", 0x11, {17, 0}, 16, true},
                      BpbCorruption{"BPB_TotSec16", 0x13, {0xFF, 0xFF}, 16, true},
                      BpbCorruption{"BPB_TotSec32", 0x20, {0xFF, 0xFF, 0xFF, 0x00}, 16, true},
                      BpbCorruption{"BPB_Media", 0x15, {0x12}, 16, false},
                      BpbCorruption{"BPB_FATSz16", 0x16, {1, 0}, 16, false},
                      BpbCorruption{"BS_Signature", 0x1FE, {0x55, 0x00}, 16, true},
                      BpbCorruption{"BPB_RootClus", 0x2C, {0, 0, 0, 0}, 32, false},
                      BpbCorruption{"BPB_FSInfo", 0x30, {40, 0}, 32, true},
                      BpbCorruption{"BPB_BkBootSec", 0x32, {1, 0}, 32, false},
                      BpbCorruption{"BPB_FATSz32", 0x24, {1, 0, 0, 0}, 32, false}));

// A 64 MiB FAT16 superfloppy (mkfs.fat defaults: FAT at sector 4, 2 KiB clusters) with two
// files of three clusters each: A.BIN at 2-4, B.BIN at 5-7 (checked with mshowfat).
struct TwoFiles {
    TempDir dir;
    FatImage img{dir, {64ull << 20, 16, false, 512, "", ""}};
    TwoFiles() {
        img.copy_bytes(ukpu::test::random_bytes(6000, 1), "::A.BIN");
        img.copy_bytes(ukpu::test::random_bytes(6000, 2), "::B.BIN");
    }
    void set_entry(std::uint32_t cluster, std::uint16_t value) {
        const std::uint8_t b[2] = {static_cast<std::uint8_t>(value),
                                   static_cast<std::uint8_t>(value >> 8)};
        img.patch(4 * 512 + cluster * 2, b);
        img.patch((4 + 128) * 512 + cluster * 2, b);
    }
};

void expect_bad_fat(const std::function<void()>& f, std::uint32_t cluster) {
    try {
        f();
        FAIL() << "accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::bad_fat) << e.what();
        EXPECT_EQ(e.where().cluster, cluster) << e.what();
    }
}

TEST(BadFat, Layout) {
    REQUIRE_TOOLS();
    TwoFiles t;
    EXPECT_NE(t.img.mtool("mshowfat", "::A.BIN").output.find("<2-4>"), std::string::npos);
    EXPECT_NE(t.img.mtool("mshowfat", "::B.BIN").output.find("<5-7>"), std::string::npos);
}

TEST(BadFat, Loop) {
    REQUIRE_TOOLS();
    TwoFiles t;
    t.set_entry(4, 3);  // 2 -> 3 -> 4 -> 3
    auto dev = t.img.open();
    Volume vol(*dev);
    expect_bad_fat([&] { vol.chain(2); }, 3);
    const auto r = verify_key(*dev);
    EXPECT_TRUE(r.has(Defect::not_found) || r.has(Defect::unreadable));
}

TEST(BadFat, CrossLink) {
    REQUIRE_TOOLS();
    TwoFiles t;
    t.set_entry(4, 6);  // A: 2 3 4 6 7, B: 5 6 7
    auto dev = t.img.open();
    Volume vol(*dev);
    EXPECT_EQ(vol.chain(2).size(), 5u);
    ClusterOwners owners;
    expect_bad_fat([&] { walk(vol, {}, &owners); }, 6);
    const auto fsck =
        ukpu::test::run_command("fsck.fat -n " + ukpu::test::shell_quote(t.img.path().string()));
    EXPECT_NE(fsck.exit_code, 0) << fsck.output;
}

TEST(BadFat, FreeInChain) {
    REQUIRE_TOOLS();
    TwoFiles t;
    t.set_entry(3, 0);
    auto dev = t.img.open();
    Volume vol(*dev);
    expect_bad_fat([&] { vol.chain(2); }, 3);
}

TEST(BadFat, OutOfRange) {
    REQUIRE_TOOLS();
    TwoFiles t;
    t.set_entry(3, 0xFF00);  // past the last cluster 32696
    auto dev = t.img.open();
    Volume vol(*dev);
    expect_bad_fat([&] { vol.chain(2); }, 3);
    expect_bad_fat([&] { vol.read_file(2, 6000); }, 3);
}

TEST(BadFat, FatsDifferFirstCluster) {
    REQUIRE_TOOLS();
    TwoFiles t;
    const std::uint8_t b[2] = {0x09, 0x00};
    t.img.patch((4 + 128) * 512 + 7 * 2, b);  // copy 2 only
    auto dev = t.img.open();
    Volume vol(*dev);
    EXPECT_EQ(vol.first_fat_difference(), 7u);
    EXPECT_EQ(vol.fat_entry(7, 1), 9u);
    EXPECT_EQ(vol.fat_entry(7, 0), 0xFFFFu);
}

TEST(BadMbr, NoBootSectorNoTable) {
    TempDir dir;
    auto dev = ImageFile::create(dir / "zero.img", 1 << 20, 512, false);
    try {
        locate_volume(*dev);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::bad_mbr);
    }
    EXPECT_TRUE(verify_key(*dev).has(Defect::unreadable));
}

TEST(BadMbr, PartitionPastTheEnd) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, true, 512, "", ""});
    const std::uint8_t count[4] = {0x00, 0x00, 0x10, 0x00};  // 1 Mi sectors
    img.patch(0x1BE + 12, count);
    auto dev = img.open();
    try {
        locate_volume(*dev);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::bad_mbr);
        EXPECT_EQ(e.where().field, "partition entry 1");
    }
}

}  // namespace
