// verify_key on keys made with mkfs.fat and mtools: one good key, then one key per defect.
#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "ukpu/setupbin/consume.hpp"

namespace {

using namespace ukpu::fat;
using ukpu::setupbin::Firmware;
using ukpu::setupbin::Severity;
using ukpu::test::FatImage;
using ukpu::test::ImageSpec;
using ukpu::test::TempDir;

#define REQUIRE_TOOLS() \
    if (!ukpu::test::fat_tools_available()) GTEST_SKIP() << "dosfstools/mtools/fdisk missing"

const char* const good_file = "v4-pki-amt-test-ca.bin";

std::vector<std::uint8_t> good_bytes() {
    return ukpu::test::corpus_file(good_file);
}

VerifyReport verify(const FatImage& img) {
    auto dev = img.open();
    return verify_key(*dev);
}

std::string dump(const VerifyReport& r) {
    std::string out;
    for (const auto& p : r.problems)
        out += std::string(ukpu::setupbin::to_string(p.firmware)) + " " + to_string(p.defect) +
               " [" + p.where() + "] " + p.message + " -> " + p.fix + "\n";
    return out;
}

// The problem for `defect` under `firmware`, with severity error.
const VerifyProblem* find(const VerifyReport& r, Defect defect, Firmware firmware) {
    for (const auto& p : r.problems)
        if (p.defect == defect && p.firmware == firmware) return &p;
    return nullptr;
}

void expect_legacy_defect(const VerifyReport& r, Defect defect, const std::string& fix) {
    const VerifyProblem* p = find(r, defect, Firmware::legacy);
    ASSERT_NE(p, nullptr) << to_string(defect) << " not reported:\n" << dump(r);
    EXPECT_EQ(p->severity, Severity::error);
    EXPECT_NE(p->fix.find(fix), std::string::npos) << p->fix;
    ASSERT_TRUE(r.legacy);
    EXPECT_FALSE(r.legacy->found) << dump(r);
    EXPECT_FALSE(r.legacy->usable);
}

void expect_uefi_usable(const VerifyReport& r) {
    ASSERT_TRUE(r.uefi);
    EXPECT_TRUE(r.uefi->found) << dump(r);
    EXPECT_TRUE(r.uefi->usable) << dump(r);
    EXPECT_EQ(r.uefi->next_record, 1u);
}

class GoodKey : public ::testing::TestWithParam<ImageSpec> {};

TEST_P(GoodKey, PassesLegacyAndUefi) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, GetParam());
    img.copy_bytes(good_bytes(), "::SETUP.BIN");
    const auto r = verify(img);
    ASSERT_TRUE(r.legacy);
    EXPECT_TRUE(r.legacy->found) << dump(r);
    EXPECT_TRUE(r.legacy->usable) << dump(r);
    EXPECT_EQ(r.legacy->next_record, 1u);
    EXPECT_EQ(r.legacy->path, "root slot 0");
    expect_uefi_usable(r);
    EXPECT_EQ(r.uefi->path, "\\SETUP.BIN");
    for (const auto& p : r.problems)
        if (p.firmware != Firmware::mebx) {
            EXPECT_NE(p.severity, Severity::error) << dump(r);
        }
    EXPECT_FALSE(r.has(Defect::not_first_cluster)) << dump(r);  // mcopy on a fresh FAT16 uses 2
    EXPECT_EQ(r.fat_type, FatType::fat16);
}

INSTANTIATE_TEST_SUITE_P(Fat16, GoodKey,
                         ::testing::Values(ImageSpec{64ull << 20, 16, false, 512, "", ""},
                                           ImageSpec{64ull << 20, 16, true, 512, "", ""}));

TEST(Verify, LabelEntryFirst) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, false, 512, "AMTKEY", ""});
    img.copy_bytes(good_bytes(), "::SETUP.BIN");
    const auto r = verify(img);
    expect_legacy_defect(r, Defect::label_entry_first, "ukpu repair");
    EXPECT_EQ(find(r, Defect::label_entry_first, Firmware::legacy)->slot, 0u);
    expect_uefi_usable(r);
    EXPECT_EQ(r.label, "AMTKEY");
}

TEST(Verify, LongNameEntry) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, false, 512, "", ""});
    img.copy_bytes(good_bytes(), "::Setup.bin");  // mixed case: mtools adds a long name
    const auto r = verify(img);
    expect_legacy_defect(r, Defect::long_name_entry, "ukpu repair");
    expect_uefi_usable(r);
    EXPECT_EQ(r.uefi->path, "\\Setup.bin");
}

TEST(Verify, LowercaseName) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, false, 512, "", ""});
    img.copy_bytes(good_bytes(), "::setup.bin");  // 8.3 with NT lowercase flags, no long name
    const auto r = verify(img);
    expect_legacy_defect(r, Defect::lowercase_name, "ukpu repair");
    EXPECT_FALSE(r.has(Defect::long_name_entry)) << dump(r);
    expect_uefi_usable(r);
}

TEST(Verify, NotFirst) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, false, 512, "", ""});
    img.copy_bytes(ukpu::test::random_bytes(100, 7), "::README.TXT");
    img.copy_bytes(good_bytes(), "::SETUP.BIN");
    const auto r = verify(img);
    expect_legacy_defect(r, Defect::not_first, "ukpu repair");
    EXPECT_EQ(find(r, Defect::not_first, Firmware::legacy)->slot, 0u);
    expect_uefi_usable(r);
}

TEST(Verify, DeletedSlotFirst) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, false, 512, "", ""});
    img.copy_bytes(ukpu::test::random_bytes(100, 8), "::OLD.TXT");
    img.copy_bytes(good_bytes(), "::SETUP.BIN");
    img.del("::OLD.TXT");
    const auto r = verify(img);
    expect_legacy_defect(r, Defect::deleted_slot_first, "ukpu repair");
    EXPECT_FALSE(r.has(Defect::not_first));
    expect_uefi_usable(r);
}

TEST(Verify, Fragmented) {
    REQUIRE_TOOLS();
    TempDir dir;
    // 512-byte clusters: the 1024-byte file needs two clusters, split around B.TXT.
    FatImage img(dir, {16ull << 20, 16, false, 512, "", "-s 1"});
    img.copy_bytes(ukpu::test::random_bytes(512, 9), "::A.TXT");
    img.copy_bytes(ukpu::test::random_bytes(512, 10), "::B.TXT");
    img.del("::A.TXT");
    img.copy_bytes(good_bytes(), "::SETUP.BIN");
    const auto shown = img.mtool("mshowfat", "::SETUP.BIN");
    ASSERT_NE(shown.output.find("> <"), std::string::npos) << "not fragmented: " << shown.output;
    const auto r = verify(img);
    expect_legacy_defect(r, Defect::fragmented, "ukpu repair");
    expect_uefi_usable(r);
}

TEST(Verify, InSubdirectoryOnly) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, false, 512, "", ""});
    img.mkdir("::AMT");
    img.copy_bytes(good_bytes(), "::AMT/SETUP.BIN");
    const auto r = verify(img);
    expect_legacy_defect(r, Defect::in_subdirectory, "ukpu repair");
    const VerifyProblem* p = find(r, Defect::in_subdirectory, Firmware::uefi);
    ASSERT_NE(p, nullptr) << dump(r);
    EXPECT_NE(p->message.find("\\AMT\\SETUP.BIN"), std::string::npos) << p->message;
    EXPECT_FALSE(r.uefi->found);
    EXPECT_FALSE(r.ok());
}

TEST(Verify, Renamed) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, false, 512, "", ""});
    img.copy_bytes(good_bytes(), "::KEY.BIN");
    const auto r = verify(img);
    expect_legacy_defect(r, Defect::renamed, "ukpu repair");
    ASSERT_NE(find(r, Defect::renamed, Firmware::uefi), nullptr) << dump(r);
    EXPECT_FALSE(r.has(Defect::not_found));
    EXPECT_FALSE(r.uefi->found);
}

TEST(Verify, NothingThere) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, false, 512, "", ""});
    img.copy_bytes(ukpu::test::random_bytes(2000, 11), "::OTHER.BIN");
    const auto r = verify(img);
    EXPECT_TRUE(r.has(Defect::not_found)) << dump(r);
    EXPECT_FALSE(r.has(Defect::renamed));
}

TEST(Verify, Fat32UnderLegacy) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 32, true, 512, "", ""});
    img.copy_bytes(good_bytes(), "::SETUP.BIN");
    const auto r = verify(img);
    expect_legacy_defect(r, Defect::wrong_fat_type, "ukpu repair");
    EXPECT_NE(find(r, Defect::wrong_fat_type, Firmware::legacy)->message.find("FAT32"),
              std::string::npos);
    expect_uefi_usable(r);
    EXPECT_EQ(r.fat_type, FatType::fat32);
}

class SizeMismatch : public ::testing::TestWithParam<int> {};

TEST_P(SizeMismatch, TruncatedOrPadded) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, false, 512, "", ""});
    auto bytes = good_bytes();
    bytes.resize(static_cast<std::size_t>(static_cast<int>(bytes.size()) + GetParam()), 0);
    img.copy_bytes(bytes, "::SETUP.BIN");
    const auto r = verify(img);
    if (GetParam() < 0) {
        expect_legacy_defect(r, Defect::size_mismatch, "rebuild the file");
    } else {  // trailing bytes: legacy BIOSes only warn; UEFI code needs the exact size
        const VerifyProblem* p = find(r, Defect::size_mismatch, Firmware::legacy);
        ASSERT_NE(p, nullptr) << dump(r);
        EXPECT_EQ(p->severity, Severity::warning);
    }
    ASSERT_NE(find(r, Defect::size_mismatch, Firmware::uefi), nullptr) << dump(r);
    EXPECT_FALSE(r.uefi->usable);
}

INSTANTIATE_TEST_SUITE_P(Sizes, SizeMismatch, ::testing::Values(-24, 512));

TEST(Verify, AllRecordsConsumed) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, false, 512, "", ""});
    auto bytes = good_bytes();
    bytes[0x1A] &= 0xFE;  // FileFlags bit 0 clear: records are consumed, not reused
    for (int i = 0; i < 64 && ukpu::setupbin::next_record(bytes); ++i)
        ASSERT_TRUE(ukpu::setupbin::consume_next(bytes).consumed) << "reusable file";
    ASSERT_FALSE(ukpu::setupbin::next_record(bytes));
    img.copy_bytes(bytes, "::SETUP.BIN");
    const auto r = verify(img);
    expect_legacy_defect(r, Defect::all_consumed, "rebuild the file");
    EXPECT_FALSE(r.uefi->found);
    EXPECT_FALSE(r.uefi->next_record);
}

TEST(Verify, FatsDiffer) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, false, 512, "", ""});
    img.copy_bytes(good_bytes(), "::SETUP.BIN");
    // FAT16, 64 MiB: 4 reserved sectors and FATs of 128 sectors, so FAT 2 starts at sector
    // 4 + 128; mark cluster 100 used.
    const std::uint8_t eoc[2] = {0xFF, 0xFF};
    img.patch((4 + 128) * 512 + 100 * 2, eoc);
    const auto fsck =
        ukpu::test::run_command("fsck.fat -n " + ukpu::test::shell_quote(img.path().string()));
    EXPECT_NE(fsck.output.find("FATs differ"), std::string::npos) << fsck.output;
    const auto r = verify(img);
    const VerifyProblem* p = find(r, Defect::fats_differ, Firmware::format);
    ASSERT_NE(p, nullptr) << dump(r);
    EXPECT_EQ(p->cluster, 100u);
    EXPECT_NE(p->fix.find("ukpu repair"), std::string::npos);
}

// verify advises `ukpu repair` only for a key repair takes: when repair would refuse it, the
// advice says so and why.
TEST(Verify, AdviceSaysWhyRepairWouldRefuse) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, false, 512, "", ""});
    img.copy_bytes(ukpu::test::random_bytes(3000, 12), "::A.TXT");
    img.copy_bytes(ukpu::test::corpus_file("acu-12.1-default.bin"), "::Backup.bin");
    img.copy_bytes(good_bytes(), "::SETUP.BIN");
    const auto r = verify(img);
    const VerifyProblem* p = find(r, Defect::not_first, Firmware::legacy);
    ASSERT_NE(p, nullptr) << dump(r);
    EXPECT_EQ(p->fix.find("run `ukpu repair`"), std::string::npos) << p->fix;
    EXPECT_NE(p->fix.find("`ukpu repair` refuses this key"), std::string::npos) << p->fix;
    EXPECT_NE(p->fix.find("--setup-bin-name"), std::string::npos) << p->fix;
}

// FAT12 is converted by `ukpu repair --strict`, unless the stick is too small for FAT16.
TEST(Verify, Fat12AdvisesStrictRepairWhereItFits) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage fits(dir, {8ull << 20, 12, true, 512, "", ""}, "fits.img");
    fits.copy_bytes(good_bytes(), "::SETUP.BIN");
    auto r = verify(fits);
    const VerifyProblem* p = find(r, Defect::wrong_fat_type, Firmware::legacy);
    ASSERT_NE(p, nullptr) << dump(r);
    EXPECT_EQ(p->fix, "run `ukpu repair --strict`");
    expect_uefi_usable(r);

    FatImage small(dir, {3ull << 20, 12, false, 512, "", ""}, "small.img");
    small.copy_bytes(good_bytes(), "::SETUP.BIN");
    r = verify(small);
    p = find(r, Defect::wrong_fat_type, Firmware::legacy);
    ASSERT_NE(p, nullptr) << dump(r);
    EXPECT_NE(p->fix.find("`ukpu repair --strict` refuses this key"), std::string::npos) << p->fix;
    EXPECT_NE(p->fix.find("at least 3111 KiB"), std::string::npos) << p->fix;
}

TEST(Verify, OnlyAskedGenerations) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 32, false, 512, "", ""});
    img.copy_bytes(good_bytes(), "::setup.bin");
    auto dev = img.open();
    VerifyOptions opt;
    opt.legacy = false;
    opt.mebx = false;
    const auto r = verify_key(*dev, opt);
    EXPECT_FALSE(r.legacy);
    EXPECT_FALSE(r.mebx);
    expect_uefi_usable(r);
    EXPECT_TRUE(r.ok()) << dump(r);
}

VerifyProblem with_fix(const std::string& fix) {
    VerifyProblem p;
    p.fix = fix;
    return p;
}

VerifyReport on(std::vector<std::string> target, std::optional<std::uint32_t> partition = {}) {
    VerifyReport r;
    r.target = std::move(target);
    r.partition = partition;
    return r;
}

// verify names the key it read in its report, as `ukpu` names it.
TEST(VerifyFix, ReportNamesTheImageAndItsSectorSize) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 16, true, 512, "AMTKEY", ""});
    img.copy_bytes(good_bytes(), "::SETUP.BIN");
    auto r = verify(img);
    EXPECT_EQ(r.target, (std::vector<std::string>{"--image", img.path().string()}));
    EXPECT_EQ(r.partition, 1u);
    const VerifyProblem* p = find(r, Defect::label_entry_first, Firmware::legacy);
    ASSERT_NE(p, nullptr) << dump(r);
    EXPECT_EQ(p->fix, "run `ukpu repair`");
    EXPECT_EQ(fix_text(*p, r), "run `ukpu repair --image " + img.path().string() + "`");
    auto dev = ImageFile::open(img.path(), 4096, false);
    r = verify_key(*dev);
    EXPECT_EQ(r.target,
              (std::vector<std::string>{"--image", img.path().string(), "--sector-size", "4096"}));
    // Read in the sectors the image was made with, but not its boot sector's: said too.
    FatImage foreign(dir, {16ull << 20, 16, false, 4096, "", "-s 1"}, "foreign.img");
    foreign.copy_bytes(good_bytes(), "::SETUP.BIN");
    dev = ImageFile::open(foreign.path(), 512, false);
    r = verify_key(*dev);
    EXPECT_EQ(r.target, (std::vector<std::string>{"--image", foreign.path().string(),
                                                  "--sector-size", "512"}));
}

TEST(VerifyFix, CommandsNameTheKey) {
    const auto repair = with_fix("run `ukpu repair`");
    const auto strict = with_fix("run `ukpu repair --strict`");
    const auto fsck = with_fix("run `fsck.fat -a` on the key first, then `ukpu repair`");
    const auto fsck_strict =
        with_fix("run `fsck.fat -a` on the key first, then `ukpu repair --strict`");
    EXPECT_EQ(fix_text(repair, on({"--image", "k.img"})), "run `ukpu repair --image k.img`");
    EXPECT_EQ(fix_text(strict, on({"--image", "k.img", "--sector-size", "4096"})),
              "run `ukpu repair --strict --image k.img --sector-size 4096`");
    EXPECT_EQ(fix_text(repair, on({"--image", "/keys/my key's.img"})),
              "run `ukpu repair --image '/keys/my key'\\''s.img'`");
    // fsck.fat mends the volume: the image or device of a superfloppy, a device's partition.
    EXPECT_EQ(fix_text(fsck, on({"--image", "k.img"})),
              "run `fsck.fat -a k.img`, then `ukpu repair --image k.img`");
    EXPECT_EQ(fix_text(fsck_strict, on({"--device", "/dev/sdb"}, 1)),
              "run `fsck.fat -a /dev/sdb1`, then `ukpu repair --strict --device /dev/sdb`");
    EXPECT_EQ(fix_text(fsck, on({"--device", "/dev/loop3"}, 2)),
              "run `fsck.fat -a /dev/loop3p2`, then `ukpu repair --device /dev/loop3`");
    EXPECT_EQ(fix_text(fsck, on({"--device", "/dev/sdc"})),
              "run `fsck.fat -a /dev/sdc`, then `ukpu repair --device /dev/sdc`");
    // No command where none can be completed: a partition of an image, an unnamed key.
    for (const auto& r : {on({"--image", "k.img"}, 1), on({})}) {
        for (const auto* p : {&repair, &fsck}) {
            const std::string t = fix_text(*p, r);
            if (p == &repair && !r.target.empty()) continue;
            EXPECT_NE(t.rfind("run", 0), 0u) << t;
            EXPECT_EQ(t.find("run `"), std::string::npos) << t;
            EXPECT_NE(t.find("ukpu repair"), std::string::npos) << t;
        }
    }
    EXPECT_NE(fix_text(fsck, on({"--image", "k.img"}, 1)).find("losetup -fP --show k.img"),
              std::string::npos);
    // Advice stays as it is.
    const auto advice = with_fix("rebuild the file");
    EXPECT_EQ(fix_text(advice, on({"--image", "k.img"})), "rebuild the file");
}

// A FAT32 key: legacy BIOSes need the conversion, so every layout fix is the one `--strict` run
// that mends them all (a plain repair would leave a key they cannot read).
TEST(VerifyFix, Fat32LayoutDefectsAllAdviseStrict) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {64ull << 20, 32, false, 512, "STICK", ""});
    img.copy_bytes(good_bytes(), "::setup.bin");
    const auto r = verify(img);
    for (const Defect d :
         {Defect::wrong_fat_type, Defect::label_entry_first, Defect::lowercase_name}) {
        const VerifyProblem* p = find(r, d, Firmware::legacy);
        ASSERT_NE(p, nullptr) << to_string(d) << "\n" << dump(r);
        EXPECT_EQ(p->fix, "run `ukpu repair --strict`") << to_string(d);
    }
    // Asked for UEFI only, nothing needs --strict.
    auto dev = img.open();
    VerifyOptions uefi;
    uefi.legacy = false;
    for (const auto& p : verify_key(*dev, uefi).problems)
        EXPECT_EQ(p.fix.find("--strict"), std::string::npos) << p.fix;
}

// Content problems of a fragmented file are those of its own bytes, not of the run a legacy
// BIOS reads (which holds another file's cluster).
TEST(VerifyFix, FragmentedFileContentIsItsOwn) {
    REQUIRE_TOOLS();
    TempDir dir;
    FatImage img(dir, {16ull << 20, 16, false, 512, "", "-s 1"});
    img.copy_bytes(ukpu::test::random_bytes(512, 9), "::A.TXT");
    img.copy_bytes(ukpu::test::random_bytes(512, 10), "::B.TXT");
    img.del("::A.TXT");
    img.copy_bytes(good_bytes(), "::SETUP.BIN");
    const auto r = verify(img);
    ASSERT_TRUE(r.has(Defect::fragmented)) << dump(r);
    for (const auto& p : r.problems)
        if (p.defect == Defect::content) {
            EXPECT_NE(p.severity, Severity::error) << dump(r);
            EXPECT_EQ(p.message.find("RecordTypeIdentifier"), std::string::npos) << dump(r);
        }
}

}  // namespace
