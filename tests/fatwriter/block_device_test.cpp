// The block-device layer on image files and, through loop devices, on real block devices with
// 512- and 4096-byte logical sectors.
#include <gtest/gtest.h>
#include <unistd.h>

#include "fixtures.hpp"
#include "support/oracle.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/key_writer.hpp"

namespace {

using namespace ukpu::fat;
using ukpu::test::corpus_file;
using ukpu::test::LoopDevice;
using ukpu::test::run_command;
using ukpu::test::shell_quote;
using ukpu::test::TempDir;

using ukpu::test::MiB;

TEST(ImageFile, CreatesSparseFilesOfExactSizeAndChecksRanges) {
    TempDir dir;
    auto img = ImageFile::create(dir / "a.img", 64 * MiB, 512, false);
    EXPECT_EQ(img->sector_count(), 131072u);
    EXPECT_EQ(std::filesystem::file_size(dir / "a.img"), 64 * MiB);
    std::vector<std::uint8_t> s(1024, 0x42);
    img->write(10, s);
    std::vector<std::uint8_t> back(1024);
    img->read(10, back);
    EXPECT_EQ(back, s);
    EXPECT_EQ(img->stats().write_calls, 1u);
    EXPECT_EQ(img->stats().bytes_written, 1024u);
    EXPECT_THROW(img->write(131071, s), Error);  // one sector past the end
    std::vector<std::uint8_t> odd(100);
    EXPECT_THROW(img->read(0, odd), Error);  // not whole sectors
    EXPECT_THROW(ImageFile::create(dir / "b.img", 1000, 512, false), Error);
    EXPECT_THROW(ImageFile::create(dir / "a.img", MiB, 512, false), Error);  // exists
    EXPECT_THROW(ImageFile::create(dir / "c.img", MiB, 768, false), Error);  // sector size
    // The file is sparse: allocated blocks far below its size.
    const auto du = run_command("du -B1 " + shell_quote((dir / "a.img").string()));
    EXPECT_LT(std::stoull(du.output), MiB);
}

TEST(OffsetView, MapsSectorsIntoTheBaseDevice) {
    TempDir dir;
    auto img = ImageFile::create(dir / "a.img", 4 * MiB, 512, false);
    OffsetView part(*img, 2048, 4096);
    std::vector<std::uint8_t> s(512, 0x17);
    part.write(1, s);
    std::vector<std::uint8_t> back(512);
    img->read(2049, back);
    EXPECT_EQ(back, s);
    EXPECT_THROW(part.write(4096, s), Error);
    EXPECT_THROW(OffsetView(*img, 8000, 1000), Error);
}

class LoopBlockDevice : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(LoopBlockDevice, ReportsSizeAndSectorSizeAndHoldsAKeyEveryToolReads) {
    if (::geteuid() != 0) GTEST_SKIP() << "loop devices need root";
    const std::uint32_t ss = GetParam();
    TempDir dir;
    const auto img = dir / "stick.img";
    { auto f = ImageFile::create(img, 256 * MiB, 512, false); }
    KeyLayout k;
    {
        LoopDevice loop(img, 0, ss);
        ASSERT_TRUE(loop.ok()) << loop.error();
        auto dev = open_device(loop.path(), true);
        EXPECT_NE(dynamic_cast<LinuxBlockDevice*>(dev.get()), nullptr);
        EXPECT_EQ(dev->sector_size(), ss);
        EXPECT_EQ(dev->size_bytes(), 256 * MiB);
        // A second writer is refused while the first holds the device.
        EXPECT_THROW(LinuxBlockDevice::open(loop.path(), true), Error);
        // A reader is not.
        EXPECT_NO_THROW(LinuxBlockDevice::open(loop.path(), false));
        const std::vector<std::uint8_t> setup = corpus_file("v4-pki-amt-test-ca.bin");
        KeyOptions o;
        k = write_key(*dev, setup, {}, o);
        EXPECT_EQ(k.geometry.bytes_per_sector, ss);
        EXPECT_EQ(dev->stats().flushes, 1u);
    }
    // The partition, seen through a loop device with the same logical sector size.
    LoopDevice part(img, k.volume_first_sector * ss, ss);
    ASSERT_TRUE(part.ok()) << part.error();
    auto r = run_command("fsck.fat -n " + part.path());
    EXPECT_EQ(r.exit_code, 0) << r.output;
    auto b = run_command("blkid -p -o export " + part.path());
    EXPECT_NE(b.output.find("VERSION=FAT16"), std::string::npos) << b.output;
    auto d = run_command("mdir -i " + shell_quote(part.path()) + " -a ::");
    EXPECT_NE(d.output.find("SETUP    BIN"), std::string::npos) << d.output;
}

INSTANTIATE_TEST_SUITE_P(SectorSizes, LoopBlockDevice, ::testing::Values(512u, 4096u));

}  // namespace
