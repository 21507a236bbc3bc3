// Hand-corrupted images: each broken BPB field, FAT loop, cross-link, free or out-of-range link
// gives Error with the right code, field and location.
#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "repair_support.hpp"
#include "ukpu/fatwriter/directory.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/fatwriter/repair.hpp"
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

// Keys whose FAT only fsck.fat can mend: verify names the broken chain and its cluster, puts
// the fsck.fat step before `ukpu repair` in every piece of advice, and repair indeed refuses
// such a key; once `fsck.fat -a` has run, the chain error is gone for both.
struct SetupAfterTwoFiles : TwoFiles {
    std::uint32_t setup_first = 8;  // after A.BIN (2-4) and B.BIN (5-7)
    std::uint32_t setup_clusters = 0;
    SetupAfterTwoFiles() {
        const auto setup = ukpu::test::setup_with_records(12);
        setup_clusters = static_cast<std::uint32_t>((setup.size() + 2047) / 2048);
        img.copy_bytes(setup, "::SETUP.BIN");
    }
};

std::string advice_of(const VerifyReport& r) {
    std::string out;
    for (const auto& p : r.problems)
        out += std::string(to_string(p.defect)) + " [" + p.where() + "] " + p.message + " -> " +
               p.fix + "\n";
    return out;
}

// verify's advice agrees with repair: a broken chain named with its cluster and the fsck.fat
// step, no advice to run `ukpu repair` alone, and repair refusing with the same cluster.
void expect_broken_chain(const FatImage& img, std::uint32_t cluster, const std::string& what) {
    auto dev = img.open();
    const VerifyReport r = verify_key(*dev);
    bool named = false;
    for (const auto& p : r.problems) {
        EXPECT_NE(p.fix, "run `ukpu repair`") << advice_of(r);
        EXPECT_NE(p.fix, "run `ukpu repair --strict`") << advice_of(r);
        if (p.defect != Defect::broken_chain || p.cluster != cluster) continue;
        named = true;
        EXPECT_NE(p.message.find(what), std::string::npos) << p.message;
        EXPECT_NE(p.message.find("cluster " + std::to_string(cluster)), std::string::npos)
            << p.message;
        EXPECT_EQ(p.fix, "run `fsck.fat -a` on the key first, then `ukpu repair`");
    }
    EXPECT_TRUE(named) << "no broken chain at cluster " << cluster << ":\n" << advice_of(r);
    bool repair_advised = false;
    for (const auto& p : r.problems)
        repair_advised = repair_advised || p.fix.find("ukpu repair") != std::string::npos;
    EXPECT_TRUE(repair_advised);
    // What repair does: refuses, naming the same cluster and fsck.fat.
    RepairOptions o;
    o.journal_dir = img.path().parent_path() / "journal";
    try {
        (void)plan_repair(*dev, o);
        ADD_FAILURE() << "repair took a key verify calls broken";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::bad_fat) << e.what();
        EXPECT_EQ(e.where().cluster, cluster) << e.what();
        EXPECT_NE(e.message().find("fsck.fat -a"), std::string::npos) << e.message();
    }
}

// After `fsck.fat -a`, neither verify nor repair sees a broken chain any more.
void expect_mended_by_fsck(const FatImage& img) {
    const auto fsck =
        ukpu::test::run_command("fsck.fat -a " + ukpu::test::shell_quote(img.path().string()));
    EXPECT_NE(fsck.exit_code, 0) << "fsck.fat found nothing to mend: " << fsck.output;
    auto dev = img.open();
    const VerifyReport r = verify_key(*dev);
    EXPECT_FALSE(r.has(Defect::broken_chain)) << advice_of(r);
    RepairOptions o;
    o.journal_dir = img.path().parent_path() / "journal";
    try {
        (void)plan_repair(*dev, o);
    } catch (const Error& e) {
        EXPECT_NE(e.code(), ErrorCode::bad_fat) << e.what();
        EXPECT_NE(e.code(), ErrorCode::bad_directory) << e.what();
    }
}

TEST(BadFat, CrossLinkIntoSetupBinIsABrokenChainNotAFragment) {
    REQUIRE_TOOLS();
    SetupAfterTwoFiles t;
    ASSERT_GE(t.setup_clusters, 2u);
    EXPECT_NE(t.img.mtool("mshowfat", "::SETUP.BIN").output.find("<8-"), std::string::npos);
    t.set_entry(8, 6);  // SETUP.BIN: 8 6 7, B.BIN: 5 6 7
    expect_broken_chain(t.img, 6, "cross-linked");
    // The legacy verdict still says why it does not find the file, with the same advice.
    auto dev = t.img.open();
    const VerifyReport r = verify_key(*dev);
    ASSERT_TRUE(r.legacy);
    EXPECT_FALSE(r.legacy->found);
    expect_mended_by_fsck(t.img);
}

TEST(BadFat, LoopInSetupBinIsABrokenChain) {
    REQUIRE_TOOLS();
    SetupAfterTwoFiles t;
    ASSERT_GE(t.setup_clusters, 3u);
    t.set_entry(10, 9);  // SETUP.BIN: 8 9 10 9 ...
    expect_broken_chain(t.img, 9, "loops back to cluster 9");
    auto dev = t.img.open();
    const VerifyReport r = verify_key(*dev);
    EXPECT_FALSE(r.uefi->found);
    expect_mended_by_fsck(t.img);
}

TEST(BadFat, CrossLinkBetweenOtherFilesIsABrokenChain) {
    REQUIRE_TOOLS();
    SetupAfterTwoFiles t;
    t.set_entry(4, 6);  // A.BIN: 2 3 4 6 7, B.BIN: 5 6 7
    expect_broken_chain(t.img, 6, "cross-linked");
    expect_mended_by_fsck(t.img);
}

TEST(BadFat, OutOfRangeAndFreeInAChainAreBrokenChains) {
    REQUIRE_TOOLS();
    {
        SetupAfterTwoFiles t;
        t.set_entry(3, 0xFF00);  // A.BIN: 2 3 -> past the last cluster
        expect_broken_chain(t.img, 3, "outside 2..");
    }
    SetupAfterTwoFiles t;
    t.set_entry(3, 0);  // A.BIN: 2 3 and cluster 3 free
    expect_broken_chain(t.img, 3, "marked free");
}

// A lost cluster (allocated, in no chain) where setup.bin's run goes: repair would refuse, so
// verify says so instead of advising `ukpu repair` for the slot-order defects it finds.
TEST(BadFat, LostClusterInSetupBinsWayIsABrokenChain) {
    REQUIRE_TOOLS();
    SetupAfterTwoFiles t;
    ASSERT_GE(t.setup_clusters, 2u);
    t.img.del("::A.BIN");    // clusters 2-4 free, a deleted slot first
    t.set_entry(3, 0xFFFF);  // cluster 3 allocated, owned by nothing
    {
        auto dev = t.img.open();
        const VerifyReport r = verify_key(*dev);
        EXPECT_TRUE(r.has(Defect::deleted_slot_first)) << advice_of(r);
    }
    expect_broken_chain(t.img, 3, "lost cluster");
    expect_mended_by_fsck(t.img);
    // fsck.fat freed it: now repair takes the key, as verify then advises.
    auto dev = t.img.open(true);
    const VerifyReport r = verify_key(*dev);
    bool repair_alone = false;
    for (const auto& p : r.problems) repair_alone |= p.fix == "run `ukpu repair`";
    EXPECT_TRUE(repair_alone) << advice_of(r);
    RepairOptions o;
    o.journal_dir = t.dir / "journal";
    EXPECT_TRUE(repair_key(*dev, o).written);
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
