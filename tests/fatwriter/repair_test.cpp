// Repair on every defect key verify names and on keys with hundreds of files and folders:
// afterwards fsck.fat is clean, verify finds setup.bin, and mtools sees every other file with
// the same path, long name, size, attributes, timestamps and sha256. Refusals change nothing.
#include <gtest/gtest.h>

#include <fstream>

#include "repair_support.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/repair.hpp"
#include "ukpu/fatwriter/volume.hpp"

namespace {

using namespace ukpu::fat;
using ukpu::test::FatImage;
using ukpu::test::ImageSpec;
using ukpu::test::RepairCase;
using ukpu::test::TempDir;
namespace snap = ukpu::test::snapshot;

#define SKIP_WITHOUT_TOOLS() \
    if (!ukpu::test::fat_tools_available()) GTEST_SKIP() << "dosfstools/mtools/fdisk missing"

RepairOptions options(const TempDir& dir) {
    RepairOptions o;
    o.journal_dir = dir / "journal";
    return o;
}

std::vector<std::uint8_t> image_bytes(const FatImage& img) {
    return ukpu::test::read_host_file(img.path());
}

bool journal_empty(const TempDir& dir) {
    std::error_code ec;
    return !std::filesystem::exists(dir / "journal") ||
           std::filesystem::is_empty(dir / "journal", ec);
}

// The error plan_repair and repair_key throw, with the image left as it was.
Error refusal(const TempDir& dir, const FatImage& img, RepairOptions o = {}) {
    if (o.journal_dir.empty()) o.journal_dir = dir / "journal";
    const auto before = image_bytes(img);
    std::optional<Error> err;
    try {
        auto dev = img.open(true);
        (void)repair_key(*dev, o);
    } catch (const Error& e) {
        err = e;
    }
    EXPECT_EQ(image_bytes(img), before) << "a refused repair changed the key";
    EXPECT_TRUE(journal_empty(dir));
    if (!err) {
        ADD_FAILURE() << "repair did not refuse";
        return Error(ErrorCode::io, "none");
    }
    return *err;
}

class RepairDefect : public ::testing::TestWithParam<RepairCase> {};

TEST_P(RepairDefect, RepairsAndKeepsEveryFile) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    auto img = GetParam().make(dir);
    const auto before = snap::take(ukpu::test::drive(*img), dir / "x");
    ASSERT_GT(before.lines.size(), 2u);
    RepairPlan plan;
    {
        auto dev = img->open();
        plan = plan_repair(*dev, options(dir));
    }
    EXPECT_FALSE(plan.nothing_to_do);
    const auto sha = snap::setup_sha256(ukpu::test::drive(*img), dir / "x", plan.setup_path);
    ASSERT_EQ(sha.size(), 64u);
    {
        auto dev = img->open(true);
        const auto res = repair_key(*dev, options(dir));
        EXPECT_TRUE(res.written);
        EXPECT_GT(res.io.bytes_written, 0u);
        EXPECT_EQ(res.plan.setup_path, plan.setup_path);
    }
    EXPECT_EQ(ukpu::test::check_repaired(*img, before, sha, GetParam().legacy, dir / "x"), "");
    EXPECT_TRUE(journal_empty(dir));
    // A second run has nothing to do and writes nothing.
    auto dev = img->open(true);
    const auto again = repair_key(*dev, options(dir));
    EXPECT_TRUE(again.plan.nothing_to_do);
    EXPECT_FALSE(again.written);
    EXPECT_EQ(again.io.bytes_written, 0u);
}

INSTANTIATE_TEST_SUITE_P(Keys, RepairDefect, ::testing::ValuesIn(ukpu::test::repair_cases()),
                         [](const auto& info) { return info.param.name; });

// Interrupts the repair after its k-th write for every k, then finishes it (even k) or rolls it
// back (odd k: the key is byte for byte as before, and a new repair succeeds).
class RepairInterrupted : public ::testing::TestWithParam<RepairCase> {};

TEST_P(RepairInterrupted, AfterEveryWrite) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    auto img = GetParam().make(dir);
    const auto original = image_bytes(*img);
    const auto before = snap::take(ukpu::test::drive(*img), dir / "x");
    std::string setup_path;
    {
        auto dev = img->open();
        setup_path = plan_repair(*dev, options(dir)).setup_path;
    }
    const auto sha = snap::setup_sha256(ukpu::test::drive(*img), dir / "x", setup_path);
    auto restore = [&] {
        std::ofstream(img->path(), std::ios::binary | std::ios::trunc)
            .write(reinterpret_cast<const char*>(original.data()),
                   static_cast<std::streamsize>(original.size()));
    };
    std::uint64_t writes = 0;
    {
        auto dev = img->open(true);
        ukpu::test::FailingDevice counting(*dev, UINT64_MAX);
        (void)repair_key(counting, options(dir));
        writes = counting.writes();
    }
    ASSERT_GT(writes, 2u);
    for (std::uint64_t k = 0; k < writes; ++k) {
        SCOPED_TRACE("interrupted after write " + std::to_string(k));
        restore();
        {
            auto dev = img->open(true);
            ukpu::test::FailingDevice failing(*dev, k);
            EXPECT_THROW((void)repair_key(failing, options(dir)), Error);
        }
        EXPECT_FALSE(journal_empty(dir)) << "no journal left behind";
        auto dev = img->open(true);
        if (k % 2 == 1) {
            auto o = options(dir);
            o.roll_back = true;
            const auto res = repair_key(*dev, o);
            EXPECT_EQ(res.recovery.action, RecoveryAction::rolled_back);
            dev.reset();
            EXPECT_TRUE(image_bytes(*img) == original) << "rollback did not restore the key";
            dev = img->open(true);
            (void)repair_key(*dev, options(dir));
        } else {
            const auto res = repair_key(*dev, options(dir));
            EXPECT_EQ(res.recovery.action, RecoveryAction::rolled_forward);
            EXPECT_TRUE(res.plan.nothing_to_do);
        }
        dev.reset();
        EXPECT_TRUE(journal_empty(dir));
        const auto problems =
            ukpu::test::check_repaired(*img, before, sha, GetParam().legacy, dir / "x");
        EXPECT_EQ(problems, "");
        if (!problems.empty()) break;
    }
}

std::vector<RepairCase> interrupted_cases() {
    std::vector<RepairCase> out;
    for (auto& c : ukpu::test::repair_cases())
        if (c.name == "InSubdirectory" || c.name == "LargeSetupMovesManyFiles" ||
            c.name == "Fat32InPlace" || c.name == "Fragmented")
            out.push_back(c);
    return out;
}

INSTANTIATE_TEST_SUITE_P(Keys, RepairInterrupted, ::testing::ValuesIn(interrupted_cases()),
                         [](const auto& info) { return info.param.name; });

std::unique_ptr<FatImage> fat16(const TempDir& d, const std::string& args = "") {
    return std::make_unique<FatImage>(d, ImageSpec{64ull << 20, 16, false, 512, "", args});
}

TEST(RepairRefuses, SizeMismatchIsContent) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    auto img = fat16(dir);
    img->copy_bytes(ukpu::test::random_bytes(100, 1), "::A.TXT");
    auto bytes = ukpu::test::corpus_file("v4-pki-amt-test-ca.bin");
    bytes.resize(bytes.size() + 512, 0);
    img->copy_bytes(bytes, "::SETUP.BIN");
    const Error e = refusal(dir, *img);
    EXPECT_EQ(e.code(), ErrorCode::unsupported);
    EXPECT_NE(e.message().find("size mismatch"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("rebuild the file"), std::string::npos) << e.message();
}

TEST(RepairRefuses, NoSetupFile) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    auto img = fat16(dir);
    img->copy_bytes(ukpu::test::random_bytes(2000, 2), "::OTHER.BIN");
    const Error e = refusal(dir, *img);
    EXPECT_EQ(e.code(), ErrorCode::not_found);
    EXPECT_NE(e.message().find("no setup file"), std::string::npos) << e.message();
}

TEST(RepairRefuses, CrossLinkedChains) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    auto img = fat16(dir);
    img->copy_bytes(ukpu::test::random_bytes(100, 3), "::A.TXT");
    img->copy_bytes(ukpu::test::random_bytes(100, 4), "::B.TXT");
    img->copy_bytes(ukpu::test::corpus_file("v4-pki-amt-test-ca.bin"), "::SETUP.BIN");
    // A.TXT (cluster 2) continues into B.TXT's cluster 3, in both FATs (4 reserved, 128 each).
    const std::vector<std::uint8_t> link{3, 0};
    img->patch(4 * 512 + 2 * 2, link);
    img->patch((4 + 128) * 512 + 2 * 2, link);
    const Error e = refusal(dir, *img);
    EXPECT_EQ(e.code(), ErrorCode::bad_fat);
    EXPECT_NE(e.message().find("cross-linked"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("fsck.fat"), std::string::npos) << e.message();
}

// With no free cluster left, the clusters in setup.bin's way move into setup.bin's old ones.
TEST(RepairFullKey, ReusesSetupBinsOldClusters) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    auto img = std::make_unique<FatImage>(dir, ImageSpec{8ull << 20, 16, false, 512, "", "-s 1"});
    img->copy_bytes(ukpu::test::random_bytes(512, 5), "::A.TXT");
    std::uint64_t free_bytes = 0;
    {
        auto dev = img->open();
        Volume v(*dev);
        free_bytes = std::uint64_t{v.free_clusters()} * v.geometry().bytes_per_cluster();
    }
    img->copy_bytes(ukpu::test::random_bytes(free_bytes - 1024, 6), "::FILL.BIN");
    img->copy_bytes(ukpu::test::corpus_file("v4-pki-amt-test-ca.bin"), "::SETUP.BIN");
    {
        auto dev = img->open();
        ASSERT_EQ(Volume(*dev).free_clusters(), 0u);
    }
    const auto before = snap::take(ukpu::test::drive(*img), dir / "x");
    const auto sha = snap::setup_sha256(ukpu::test::drive(*img), dir / "x");
    {
        auto dev = img->open(true);
        const auto res = repair_key(*dev, options(dir));
        EXPECT_EQ(res.plan.clusters_moved, 2u);
    }
    EXPECT_EQ(ukpu::test::check_repaired(*img, before, sha, true, dir / "x"), "");
}

TEST(RepairRefuses, FullFixedRoot) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    auto img = fat16(dir, "-r 16");
    img->mkdir("::AMT");
    img->copy_bytes(ukpu::test::corpus_file("v4-pki-amt-test-ca.bin"), "::AMT/SETUP.BIN");
    std::uint32_t slots = 0;
    {
        auto dev = img->open();
        slots = Volume(*dev).geometry().root_entries;
    }
    const auto host = dir / "many";
    std::filesystem::create_directories(host);
    for (std::uint32_t i = 0; i + 1 < slots; ++i)
        std::ofstream(host / ("F" + std::to_string(i) + ".TXT")) << i;
    ASSERT_EQ(img->mtool("mcopy", snap::quote(host.string()) + "/* ::").exit_code, 0);
    const Error e = refusal(dir, *img);
    EXPECT_EQ(e.code(), ErrorCode::no_space);
    EXPECT_NE(e.message().find("root directory is full"), std::string::npos) << e.message();
}

TEST(RepairRefuses, SeveralSetupFilesUntilOneIsChosen) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    auto img = fat16(dir);
    img->copy_bytes(ukpu::test::random_bytes(3000, 7), "::A.TXT");
    img->copy_bytes(ukpu::test::corpus_file("v4-pki-amt-test-ca.bin"), "::Backup.bin");
    img->copy_bytes(ukpu::test::corpus_file("acu-12.1-default.bin"), "::SETUP.BIN");
    const Error e = refusal(dir, *img);
    EXPECT_EQ(e.code(), ErrorCode::bad_argument);
    EXPECT_NE(e.message().find("\\Backup.bin"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("\\SETUP.BIN"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("--setup-bin-name"), std::string::npos) << e.message();

    const auto before = snap::take(ukpu::test::drive(*img), dir / "x");
    const auto sha = snap::setup_sha256(ukpu::test::drive(*img), dir / "x");
    auto o = options(dir);
    o.setup_bin_name = "setup.bin";
    {
        auto dev = img->open(true);
        EXPECT_TRUE(repair_key(*dev, o).written);
    }
    EXPECT_EQ(ukpu::test::check_repaired(*img, before, sha, true, dir / "x"), "");
}

TEST(RepairStrict, Fat32BecomesStrictFat16) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    FatImage img(dir, ImageSpec{64ull << 20, 32, true, 512, "STICK", ""});
    img.mkdir("::Drivers and tools");
    img.copy_bytes(ukpu::test::random_bytes(70000, 8), "::Drivers and tools/Long driver name.sys");
    img.copy_bytes(ukpu::test::random_bytes(5000, 9), "::Readme first.txt");
    img.copy_bytes(ukpu::test::corpus_file("v4-pki-amt-test-ca.bin"), "::setup.bin");
    const auto before = snap::take(ukpu::test::drive(img), dir / "x");
    const auto sha = snap::setup_sha256(ukpu::test::drive(img), dir / "x", "/setup.bin");
    auto o = options(dir);
    o.strict = true;
    {
        auto dev = img.open(true);
        const auto res = repair_key(*dev, o);
        EXPECT_TRUE(res.plan.strict_conversion);
        ASSERT_TRUE(res.plan.strict_layout);
        EXPECT_EQ(res.plan.strict_layout->geometry.type, FatType::fat16);
    }
    EXPECT_EQ(ukpu::test::check_repaired(img, before, sha, true, dir / "x"), "");
}

TEST(RepairStrict, SuperfloppyGetsAPartition) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    auto img = fat16(dir);
    img->copy_bytes(ukpu::test::random_bytes(9000, 10), "::Some notes.txt");
    img->copy_bytes(ukpu::test::corpus_file("v4-pki-amt-test-ca.bin"), "::SETUP.BIN");
    const auto before = snap::take(ukpu::test::drive(*img), dir / "x");
    const auto sha = snap::setup_sha256(ukpu::test::drive(*img), dir / "x");
    auto o = options(dir);
    o.strict = true;
    {
        auto dev = img->open(true);
        const auto res = repair_key(*dev, o);
        EXPECT_TRUE(res.plan.strict_conversion);
        EXPECT_EQ(res.plan.strict_layout->scheme, PartitionScheme::mbr);
    }
    EXPECT_EQ(ukpu::test::check_repaired(*img, before, sha, true, dir / "x",
                                         img->path().string() + "@@1M", 1024 * 1024),
              "");
}

// FAT12, which legacy BIOSes do not read, is converted by --strict like FAT32.
TEST(RepairStrict, Fat12BecomesStrictFat16) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    FatImage img(dir, ImageSpec{8ull << 20, 12, true, 512, "SMALL", ""});
    img.copy_bytes(ukpu::test::random_bytes(3000, 21), "::Readme first.txt");
    img.copy_bytes(ukpu::test::corpus_file("v4-pki-amt-test-ca.bin"), "::setup.bin");
    const auto before = snap::take(ukpu::test::drive(img), dir / "x");
    const auto sha = snap::setup_sha256(ukpu::test::drive(img), dir / "x", "/setup.bin");
    auto o = options(dir);
    o.strict = true;
    {
        auto dev = img.open(true);
        const auto res = repair_key(*dev, o);
        EXPECT_TRUE(res.plan.strict_conversion);
        ASSERT_TRUE(res.plan.strict_layout);
        EXPECT_EQ(res.plan.strict_layout->geometry.type, FatType::fat16);
    }
    EXPECT_EQ(ukpu::test::check_repaired(img, before, sha, true, dir / "x"), "");
}

// The strict layout is FAT16: a stick too small for it is refused by --strict with the minimum
// named (it used to become FAT12), and repaired in place without --strict.
TEST(RepairStrict, RefusedOnAStickTooSmallForFat16) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    FatImage img(dir, ImageSpec{3ull << 20, 12, false, 512, "", ""});
    img.copy_bytes(ukpu::test::random_bytes(700, 20), "::NOTES.TXT");
    img.copy_bytes(ukpu::test::corpus_file("v4-pki-amt-test-ca.bin"), "::SETUP.BIN");
    auto o = options(dir);
    o.strict = true;
    const Error e = refusal(dir, img, o);
    EXPECT_EQ(e.code(), ErrorCode::no_space);
    EXPECT_NE(e.message().find("FAT16 with the partition at 1024 KiB needs a stick of at least "
                               "3111 KiB; this one has 3072 KiB"),
              std::string::npos)
        << e.message();
    auto dev = img.open(true);
    const auto res = repair_key(*dev, options(dir));
    EXPECT_TRUE(res.written);
    EXPECT_FALSE(res.plan.strict_conversion);
    EXPECT_EQ(res.plan.fat_type, FatType::fat12);
}

TEST(RepairStrict, RefusedWhenTheRootDoesNotFit) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    FatImage img(dir, ImageSpec{64ull << 20, 32, false, 512, "", ""});
    const auto host = dir / "many";
    std::filesystem::create_directories(host);
    for (int i = 0; i < 520; ++i) std::ofstream(host / ("F" + std::to_string(i) + ".TXT")) << i;
    ASSERT_EQ(img.mtool("mcopy", snap::quote(host.string()) + "/* ::").exit_code, 0);
    img.copy_bytes(ukpu::test::corpus_file("v4-pki-amt-test-ca.bin"), "::SETUP.BIN");
    auto o = options(dir);
    o.strict = true;
    const Error e = refusal(dir, img, o);
    EXPECT_EQ(e.code(), ErrorCode::no_space);
    EXPECT_NE(e.message().find("do not fit the strict layout"), std::string::npos) << e.message();
}

}  // namespace

namespace {

// The strict conversion interrupted after its k-th write, then finished by the next run.
TEST(RepairStrictInterrupted, FinishedByTheNextRun) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    FatImage img(dir, ImageSpec{64ull << 20, 32, true, 512, "STICK", ""});
    img.mkdir("::Tools and drivers");
    img.copy_bytes(ukpu::test::random_bytes(90000, 30), "::Tools and drivers/Driver file.sys");
    img.copy_bytes(ukpu::test::random_bytes(3000, 31), "::Readme first.txt");
    img.copy_bytes(ukpu::test::corpus_file("v4-pki-amt-test-ca.bin"), "::setup.bin");
    const auto original = image_bytes(img);
    const auto before = snap::take(ukpu::test::drive(img), dir / "x");
    const auto sha = snap::setup_sha256(ukpu::test::drive(img), dir / "x", "/setup.bin");
    auto o = options(dir);
    o.strict = true;
    auto restore = [&] {
        std::ofstream(img.path(), std::ios::binary | std::ios::trunc)
            .write(reinterpret_cast<const char*>(original.data()),
                   static_cast<std::streamsize>(original.size()));
    };
    std::uint64_t writes = 0;
    {
        auto dev = img.open(true);
        ukpu::test::FailingDevice counting(*dev, UINT64_MAX);
        (void)repair_key(counting, o);
        writes = counting.writes();
    }
    ASSERT_GT(writes, 1u);
    for (std::uint64_t k = 0; k < writes; ++k) {
        SCOPED_TRACE("interrupted after write " + std::to_string(k));
        restore();
        {
            auto dev = img.open(true);
            ukpu::test::FailingDevice failing(*dev, k);
            EXPECT_THROW((void)repair_key(failing, o), Error);
        }
        {
            auto dev = img.open(true);
            const auto res = repair_key(*dev, o);
            EXPECT_EQ(res.recovery.action, RecoveryAction::rolled_forward);
            EXPECT_TRUE(res.plan.nothing_to_do);
        }
        const auto problems = ukpu::test::check_repaired(img, before, sha, true, dir / "x");
        EXPECT_EQ(problems, "");
        if (!problems.empty()) break;
    }
}

}  // namespace
