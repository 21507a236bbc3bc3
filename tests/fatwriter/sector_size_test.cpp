// Keys whose boot sector's sector size is not the device's block size: a superfloppy of 4096-byte
// sectors on a device of 512-byte blocks, and the reverse. A UEFI FAT driver (EDK2, as OVMF
// ships it), GRUB, 7-Zip and mtools read them byte for byte through the boot sector's sector
// size; verify must agree for UEFI, say why a legacy BIOS (raw device sectors) does not, and
// repair must work through the same view. An MBR key's partition moves with the block size:
// nothing is found there. The keys are written by ukpu's own writer; mtools and fsck.fat, which
// take the sector size from the boot sector, are the independent oracles.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "repair_support.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/key_writer.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/fatwriter/repair.hpp"
#include "ukpu/fatwriter/verify.hpp"

namespace sector_size_test {

using namespace ukpu::fat;
using ukpu::setupbin::Firmware;
using ukpu::test::MiB;
using ukpu::test::TempDir;
namespace snap = ukpu::test::snapshot;

bool tools() {
    return ukpu::test::fat_tools_available();
}

std::string problems_of(const VerifyReport& r) {
    std::string out;
    for (const auto& p : r.problems)
        out += std::string(ukpu::setupbin::to_string(p.firmware)) + " " + to_string(p.defect) +
               " [" + p.where() + "] " + p.message + " -> " + p.fix + "\n";
    return out;
}

const VerifyProblem* problem_of(const VerifyReport& r, Defect d, Firmware fw) {
    for (const auto& p : r.problems)
        if (p.defect == d && p.firmware == fw) return &p;
    return nullptr;
}

std::string mtools(const std::string& command) {
    int rc = 0;
    const std::string out = snap::shell("MTOOLS_SKIP_CHECK=1 " + command + " 2>&1", &rc);
    if (rc != 0) throw std::runtime_error(command + ": " + out);
    return out;
}

// A key written by ukpu with `written`-byte sectors into a 64 MiB image.
std::filesystem::path write_image(const TempDir& dir, std::uint32_t written, PartitionScheme scheme,
                                  const std::vector<std::uint8_t>& setup,
                                  std::vector<KeyFile> extras = {}) {
    const auto img = dir / "key.img";
    auto dev = ImageFile::create(img, 64 * MiB, written, true);
    KeyOptions o;
    o.scheme = scheme;
    o.volume_id = 0x5EC70125;
    o.timestamp = 1700000000;
    o.device_is_zeroed = true;
    (void)write_key(*dev, setup, extras, o);
    return img;
}

// Block sizes: {the image's sector size, the device's block size}.
class Mismatch : public ::testing::TestWithParam<std::pair<std::uint32_t, std::uint32_t>> {};

std::string mismatch_name(
    const ::testing::TestParamInfo<std::pair<std::uint32_t, std::uint32_t>>& i) {
    return "sectors" + std::to_string(i.param.first) + "_blocks" + std::to_string(i.param.second);
}

// The view reads and writes the same bytes as the image file holds, across block boundaries.
TEST_P(Mismatch, SectorSizeViewIsByteForByte) {
    const auto [sectors, blocks] = GetParam();
    TempDir dir;
    const auto img = dir / "raw.img";
    const auto pattern = ukpu::test::random_bytes(1 * MiB, 5);
    std::ofstream(img, std::ios::binary)
        .write(reinterpret_cast<const char*>(pattern.data()),
               static_cast<std::streamsize>(pattern.size()));
    auto dev = ImageFile::open(img, blocks, true);
    SectorSizeView view(*dev, 8192, (1 * MiB - 8192) / sectors, sectors);
    EXPECT_EQ(view.first_byte(), 8192u);
    std::vector<std::uint8_t> got(3 * sectors);
    view.read(5, got);
    EXPECT_TRUE(std::equal(got.begin(), got.end(), pattern.begin() + 8192 + 5 * sectors));
    const auto data = ukpu::test::random_bytes(sectors, 6);
    view.write(7, data);
    dev.reset();
    auto expect = pattern;
    std::copy(data.begin(), data.end(), expect.begin() + 8192 + 7 * sectors);
    EXPECT_TRUE(ukpu::test::read_host_file(img) == expect) << "neighbouring bytes changed";
    auto again = ImageFile::open(img, blocks, false);
    SectorSizeView v2(*again, 8192, (1 * MiB - 8192) / sectors, sectors);
    EXPECT_THROW(v2.read(v2.sector_count(), got), Error);
    EXPECT_THROW(SectorSizeView(*again, 0, 1 * MiB / sectors + 1, sectors), Error);
}

// UEFI finds the file through the boot sector's sector size; legacy BIOSes do not, and verify
// says why. mtools reads the image the same way UEFI does.
TEST_P(Mismatch, SuperfloppyIsFoundByUefiNotByLegacy) {
    if (!tools()) GTEST_SKIP() << "dosfstools/mtools missing";
    const auto [sectors, blocks] = GetParam();
    TempDir dir;
    const auto setup = ukpu::test::corpus_file("v4-pki-amt-test-ca.bin");
    const auto img = write_image(dir, sectors, PartitionScheme::superfloppy, setup,
                                 {{"README.TXT", {'h', 'i'}}});
    // The oracles: fsck.fat clean, mtools lists and copies the file byte for byte.
    int rc = 0;
    const auto fsck = snap::shell("fsck.fat -n " + snap::quote(img.string()) + " 2>&1", &rc);
    EXPECT_EQ(rc, 0) << fsck;
    EXPECT_NE(mtools("mdir -i " + snap::quote(img.string()) + " ::").find("SETUP    BIN"),
              std::string::npos);
    EXPECT_EQ(snap::setup_sha256(img.string(), dir / "x"),
              snap::shell("sha256sum " +
                          snap::quote(std::string(UKPU_CORPUS_DIR) + "/v4-pki-amt-test-ca.bin") +
                          " | cut -c1-64 | tr -d '\\n'"));

    auto dev = ImageFile::open(img, blocks, false);
    const VerifyReport r = verify_key(*dev);
    ASSERT_TRUE(r.uefi && r.legacy && r.mebx);
    EXPECT_TRUE(r.uefi->found) << problems_of(r);
    EXPECT_TRUE(r.uefi->usable) << problems_of(r);
    EXPECT_EQ(r.uefi->path, "\\SETUP.BIN");
    EXPECT_EQ(r.bytes_per_sector, sectors);
    EXPECT_EQ(r.fat_type, FatType::fat16);
    EXPECT_FALSE(r.has(Defect::unreadable)) << problems_of(r);
    EXPECT_FALSE(r.legacy->found);
    const VerifyProblem* p = problem_of(r, Defect::sector_size_mismatch, Firmware::legacy);
    ASSERT_NE(p, nullptr) << problems_of(r);
    EXPECT_NE(p->message.find("the boot sector says " + std::to_string(sectors) +
                              "-byte sectors but the device has " + std::to_string(blocks) +
                              "-byte blocks"),
              std::string::npos)
        << p->message;
    EXPECT_NE(p->fix.find("ukpu repair --strict"), std::string::npos) << p->fix;
    // The same image as a device of its own sector size: every generation finds it.
    auto same = ImageFile::open(img, sectors, false);
    const VerifyReport ok = verify_key(*same);
    EXPECT_TRUE(ok.ok()) << problems_of(ok);
    EXPECT_FALSE(ok.has(Defect::sector_size_mismatch));
}

// An MBR's offsets are in device blocks: on blocks of another size the partition is elsewhere
// and no file system is found there (as EDK2 finds none).
TEST_P(Mismatch, MbrKeyIsNotFound) {
    const auto [sectors, blocks] = GetParam();
    TempDir dir;
    const auto img = write_image(dir, sectors, PartitionScheme::mbr,
                                 ukpu::test::corpus_file("v4-pki-amt-test-ca.bin"));
    auto dev = ImageFile::open(img, blocks, false);
    const VerifyReport r = verify_key(*dev);
    ASSERT_TRUE(r.uefi && r.legacy);
    EXPECT_FALSE(r.uefi->found) << problems_of(r);
    EXPECT_FALSE(r.legacy->found);
    EXPECT_TRUE(r.has(Defect::unreadable)) << problems_of(r);
}

// Repair opens such a key through the same view: setup.bin moved up from a folder, every other
// file kept, the key still of the boot sector's sector size (UEFI finds it, mtools and fsck.fat
// agree); --strict then rewrites it as the strict layout in the device's own sector size, which
// legacy BIOSes read too.
TEST_P(Mismatch, RepairWorksThroughTheView) {
    if (!tools()) GTEST_SKIP() << "dosfstools/mtools missing";
    const auto [sectors, blocks] = GetParam();
    TempDir dir;
    const auto setup = ukpu::test::corpus_file("v4-pki-amt-test-ca.bin");
    const auto img = write_image(dir, sectors, PartitionScheme::superfloppy, setup,
                                 {{"NOTES.TXT", ukpu::test::random_bytes(9000, 7)}});
    const std::string i = "-i " + snap::quote(img.string()) + " ";
    const auto host_setup = dir / "setup.bin";
    mtools("mcopy -n " + i + "::SETUP.BIN " + snap::quote(host_setup.string()));
    mtools("mdel " + i + "::SETUP.BIN");
    mtools("mmd " + i + "::AMT");
    mtools("mcopy " + i + snap::quote(host_setup.string()) + " ::AMT/Setup.bin");
    const auto before = snap::take(img.string(), dir / "x");
    const auto sha = snap::setup_sha256(img.string(), dir / "x", "/AMT/Setup.bin");
    {
        auto dev = ImageFile::open(img, blocks, false);
        const VerifyReport r = verify_key(*dev);
        EXPECT_FALSE(r.uefi->found);
        EXPECT_TRUE(r.has(Defect::in_subdirectory)) << problems_of(r);
    }
    const std::uint64_t fsck_none = 0;
    RepairOptions o;
    o.journal_dir = dir / "journal";
    {
        auto dev = ImageFile::open(img, blocks, true);
        const RepairResult res = repair_key(*dev, o);
        EXPECT_TRUE(res.written);
        EXPECT_FALSE(res.plan.strict_conversion);
        EXPECT_EQ(res.plan.setup_path, "\\AMT\\Setup.bin");
        bool noted = false;
        for (const auto& n : res.plan.notes) noted |= n.find("--strict") != std::string::npos;
        EXPECT_TRUE(noted);
    }
    // fsck.fat clean, the tree as before, setup.bin's bytes unchanged, in one run from cluster 2.
    EXPECT_EQ(ukpu::test::fsck_problems(img, fsck_none), "");
    EXPECT_EQ(snap::take(img.string(), dir / "x"), before);
    EXPECT_EQ(snap::setup_sha256(img.string(), dir / "x"), sha);
    const auto shown = mtools("mshowfat " + i + "::SETUP.BIN");
    EXPECT_NE(shown.find("::/SETUP.BIN <2"), std::string::npos) << shown;
    EXPECT_EQ(std::count(shown.begin(), shown.end(), '<'), 1) << shown;
    {
        auto dev = ImageFile::open(img, blocks, false);
        const VerifyReport r = verify_key(*dev);
        EXPECT_TRUE(r.uefi->usable) << problems_of(r);
        EXPECT_EQ(r.bytes_per_sector, sectors);
        EXPECT_TRUE(r.has(Defect::sector_size_mismatch)) << problems_of(r);
    }
    // --strict: the strict layout in the device's sectors; legacy BIOSes find it now.
    o.strict = true;
    {
        auto dev = ImageFile::open(img, blocks, true);
        const RepairResult res = repair_key(*dev, o);
        EXPECT_TRUE(res.plan.strict_conversion);
        ASSERT_TRUE(res.plan.strict_layout);
        EXPECT_EQ(res.plan.strict_layout->geometry.bytes_per_sector, blocks);
    }
    auto dev = ImageFile::open(img, blocks, false);
    const VerifyReport r = verify_key(*dev);
    EXPECT_TRUE(r.ok()) << problems_of(r);
    EXPECT_EQ(r.scheme, PartitionScheme::mbr);
    EXPECT_EQ(r.bytes_per_sector, blocks);
    const std::string part = img.string() + "@@1M";
    EXPECT_EQ(snap::take(part, dir / "x"), before);
    EXPECT_EQ(snap::setup_sha256(part, dir / "x"), sha);
}

// Interrupted after each of its writes through the view, the repair is finished by the next run
// (the journal holds device blocks; writes of sectors smaller than a block read and write back
// the whole block).
TEST_P(Mismatch, InterruptedRepairIsFinished) {
    if (!tools()) GTEST_SKIP() << "dosfstools/mtools missing";
    const auto [sectors, blocks] = GetParam();
    TempDir dir;
    const auto setup = ukpu::test::corpus_file("v4-pki-amt-test-ca.bin");
    const auto img = write_image(dir, sectors, PartitionScheme::superfloppy, setup,
                                 {{"A.TXT", ukpu::test::random_bytes(5000, 8)}});
    const std::string i = "-i " + snap::quote(img.string()) + " ";
    const auto host_setup = dir / "setup.bin";
    mtools("mcopy -n " + i + "::SETUP.BIN " + snap::quote(host_setup.string()));
    mtools("mdel " + i + "::SETUP.BIN");
    mtools("mmd " + i + "::Provisioning");
    mtools("mcopy " + i + snap::quote(host_setup.string()) + " ::Provisioning/setup.bin");
    const auto original = ukpu::test::read_host_file(img);
    const auto before = snap::take(img.string(), dir / "x");
    RepairOptions o;
    o.journal_dir = dir / "journal";
    std::uint64_t writes = 0;
    {
        auto dev = ImageFile::open(img, blocks, true);
        ukpu::test::FailingDevice counting(*dev, UINT64_MAX);
        (void)repair_key(counting, o);
        writes = counting.writes();
    }
    ASSERT_GT(writes, 1u);
    for (std::uint64_t k = 0; k < writes; ++k) {
        SCOPED_TRACE("interrupted after write " + std::to_string(k));
        std::ofstream(img, std::ios::binary | std::ios::trunc)
            .write(reinterpret_cast<const char*>(original.data()),
                   static_cast<std::streamsize>(original.size()));
        {
            auto dev = ImageFile::open(img, blocks, true);
            ukpu::test::FailingDevice failing(*dev, k);
            EXPECT_THROW((void)repair_key(failing, o), Error);
        }
        auto dev = ImageFile::open(img, blocks, true);
        const auto res = repair_key(*dev, o);
        EXPECT_EQ(res.recovery.action, RecoveryAction::rolled_forward);
        EXPECT_TRUE(res.plan.nothing_to_do);
        dev.reset();
        EXPECT_EQ(ukpu::test::fsck_problems(img, 0), "");
        EXPECT_EQ(snap::take(img.string(), dir / "x"), before);
        auto rd = ImageFile::open(img, blocks, false);
        EXPECT_TRUE(verify_key(*rd).uefi->usable);
    }
}

INSTANTIATE_TEST_SUITE_P(Sizes, Mismatch,
                         ::testing::Values(std::pair{4096u, 512u}, std::pair{512u, 4096u}),
                         mismatch_name);

// A boot sector whose sector size is not the device's and whose volume does not fit the window
// in that size is not translated: the reader names BPB_BytsPerSec (see BadBpb).
TEST(SectorSizeView, NotUsedForAVolumeThatDoesNotFit) {
    TempDir dir;
    const auto img = write_image(dir, 512, PartitionScheme::superfloppy,
                                 ukpu::test::corpus_file("v4-pki-amt-test-ca.bin"));
    {
        std::fstream f(img, std::ios::binary | std::ios::in | std::ios::out);
        f.seekp(0x0B);
        const char bps[2] = {0x00, 0x10};  // 4096: 131072 sectors of 4096 bytes do not fit
        f.write(bps, 2);
    }
    auto dev = ImageFile::open(img, 512, false);
    const auto loc = locate_volume(*dev);
    const auto view = open_volume_view(*dev, loc);
    EXPECT_EQ(view->sector_size(), 512u);
    try {
        Volume vol(*view);
        ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.where().field, "BPB_BytsPerSec") << e.what();
    }
}

}  // namespace sector_size_test
