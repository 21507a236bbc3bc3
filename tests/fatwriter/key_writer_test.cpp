// The key writer checked by independent tools: fsck.fat, mtools (mdir, mshowfat, mcopy),
// blkid and sfdisk, over every FAT type, layout, sector size and a range of sizes.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include <unistd.h>

#include "fixtures.hpp"
#include "support/oracle.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/key_writer.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "ukpu/setupbin/write.hpp"

namespace {

using namespace ukpu::fat;
using ukpu::test::corpus_file;
using ukpu::test::LoopDevice;
using ukpu::test::read_host_file;
using ukpu::test::run_command;
using ukpu::test::shell_quote;
using ukpu::test::TempDir;

using ukpu::test::MiB;

// A setup.bin of `records` PSK-style records, so that it spans several clusters.
std::vector<std::uint8_t> sample_setup_bin(std::size_t records) {
    namespace sb = ukpu::setupbin;
    std::vector<std::vector<sb::Entry>> recs;
    for (std::size_t i = 0; i < records; ++i) {
        std::string pw = "Pw#" + std::to_string(100000 + i) + "x";
        recs.push_back({{1, 1, 0, {'a', 'd', 'm', 'i', 'n'}},
                        {1, 2, 0, std::vector<std::uint8_t>(pw.begin(), pw.end())}});
    }
    sb::BuildOptions o;
    o.version = sb::FormatVersion::v2_1;
    o.scramble = true;
    return sb::serialize(sb::build(o, recs));
}

bool tools_present() {
    for (const char* t : {"fsck.fat", "mdir", "mshowfat", "mcopy", "blkid", "sfdisk"})
        if (!ukpu::test::tool_available(t)) return false;
    return true;
}

struct Case {
    FatType fs;
    PartitionScheme scheme;
    std::uint32_t sector_size;
    std::uint64_t size;
};

std::string name_of(const Case& c) {
    return std::string(to_string(c.fs)) + "_" + to_string(c.scheme) + "_" +
           std::to_string(c.sector_size) + "_" + std::to_string(c.size / MiB) + "MiB";
}

// Every combination; those whose type does not fit the size are dropped by plan_key below.
std::vector<Case> all_cases() {
    std::vector<Case> cases;
    for (FatType fs : {FatType::fat12, FatType::fat16, FatType::fat32})
        for (PartitionScheme s : {PartitionScheme::mbr, PartitionScheme::superfloppy})
            for (std::uint32_t ss : {512u, 4096u})
                for (std::uint64_t size :
                     {1 * MiB, 4 * MiB, 16 * MiB, 64 * MiB, 300 * MiB, 2048 * MiB, 32768 * MiB})
                    cases.push_back({fs, s, ss, size});
    return cases;
}

// Checks one key image with every oracle; returns a description of the first failure.
void check_with_oracles(const std::filesystem::path& img, const KeyLayout& k, const Case& c,
                        const std::vector<std::uint8_t>& setup, const TempDir& dir) {
    const std::uint64_t off = k.volume_first_sector * c.sector_size;
    const std::string mt = shell_quote(img.string() + (off ? "@@" + std::to_string(off) : ""));

    // fsck.fat, on a loop device that shows the volume with the right logical sector size.
    LoopDevice loop(img, off, c.sector_size);
    if (::geteuid() == 0) {
        ASSERT_TRUE(loop.ok()) << loop.error();
    }
    if (loop.ok()) {
        auto r = run_command("fsck.fat -n " + loop.path());
        EXPECT_EQ(r.exit_code, 0) << r.output;
        auto b = run_command("blkid -p -o export " + loop.path());
        EXPECT_NE(b.output.find("TYPE=vfat"), std::string::npos) << b.output;
        EXPECT_NE(b.output.find(std::string("VERSION=") + to_string(c.fs)), std::string::npos)
            << b.output;
    } else if (off == 0 && c.sector_size == 512) {
        auto r = run_command("fsck.fat -n " + shell_quote(img.string()));
        EXPECT_EQ(r.exit_code, 0) << r.output;
    }

    // The partition table as sfdisk reads it: one partition at the volume, not bootable.
    if (c.scheme == PartitionScheme::mbr) {
        auto r = run_command("sfdisk -d " + shell_quote(img.string()));
        EXPECT_EQ(r.exit_code, 0) << r.output;
        std::smatch m;
        ASSERT_TRUE(std::regex_search(r.output, m,
                                      std::regex(R"(start=\s*(\d+), size=\s*(\d+), type=(\w+))")))
            << r.output;
        EXPECT_EQ(std::stoull(m[1]), k.volume_first_sector);
        EXPECT_EQ(std::stoull(m[2]), k.volume_sectors);
        EXPECT_EQ(std::stoul(m[3].str(), nullptr, 16), k.partition_type);
        EXPECT_EQ(r.output.find("bootable"), std::string::npos) << r.output;
    } else {
        auto b = run_command("blkid -p -o export " + shell_quote(img.string()));
        EXPECT_NE(b.output.find(std::string("VERSION=") + to_string(c.fs)), std::string::npos)
            << b.output;
    }

    // mdir lists the root in slot order: SETUP.BIN must be the first entry.
    auto d = run_command("mdir -i " + mt + " -a ::");
    EXPECT_EQ(d.exit_code, 0) << d.output;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(d.output, m, std::regex(R"(\n(\S+ +\S* +<?\w*>? *\d+ ))")))
        << d.output;
    EXPECT_EQ(m[1].str().substr(0, 5), "SETUP") << d.output;
    EXPECT_NE(m[1].str().find("BIN"), std::string::npos) << d.output;

    // mshowfat: one run of clusters from the first data cluster.
    const std::uint32_t first = c.fs == FatType::fat32 ? 3 : 2;
    const std::uint32_t n = static_cast<std::uint32_t>(
        (setup.size() + k.geometry.bytes_per_cluster() - 1) / k.geometry.bytes_per_cluster());
    const std::string run =
        n == 1 ? "<" + std::to_string(first) + ">"
               : "<" + std::to_string(first) + "-" + std::to_string(first + n - 1) + ">";
    auto f = run_command("mshowfat -i " + mt + " ::SETUP.BIN");
    EXPECT_EQ(f.exit_code, 0) << f.output;
    EXPECT_NE(f.output.find("::/SETUP.BIN " + run + "\n"), std::string::npos)
        << "expected " << run << ", got " << f.output;

    // fatcat: start cluster and size in the root listing, and a contiguous chain.
    if (ukpu::test::tool_available("fatcat") && c.sector_size == 512) {
        const std::string fc = "fatcat " + shell_quote(img.string()) + " -O " + std::to_string(off);
        auto l = run_command(fc + " -l /");
        EXPECT_NE(l.output.find("SETUP.BIN"), std::string::npos) << l.output;
        EXPECT_NE(
            l.output.find("c=" + std::to_string(first) + " s=" + std::to_string(setup.size())),
            std::string::npos)
            << l.output;
        auto ch = run_command(fc + " -@ " + std::to_string(first));
        EXPECT_NE(ch.output.find("Chain size: " + std::to_string(n)), std::string::npos)
            << ch.output;
        EXPECT_NE(ch.output.find("Chain is contiguous"), std::string::npos) << ch.output;
    }

    // The bytes as mtools reads them.
    const auto out = dir / "copied.bin";
    auto cp = run_command("mcopy -n -i " + mt + " ::SETUP.BIN " + shell_quote(out.string()));
    EXPECT_EQ(cp.exit_code, 0) << cp.output;
    EXPECT_EQ(read_host_file(out), setup);
    std::filesystem::remove(out);
}

TEST(KeyWriter, EveryTypeLayoutSectorSizeAndSizeIsCleanForEveryOracle) {
    if (!tools_present()) GTEST_SKIP() << "dosfstools, mtools, util-linux or fdisk missing";
    const auto setup = sample_setup_bin(40);  // 20.5 KiB: several clusters on most volumes
    int built = 0;
    for (const Case& c : all_cases()) {
        SCOPED_TRACE(name_of(c));
        KeyOptions o;
        o.fs = c.fs;
        o.scheme = c.scheme;
        o.max_volume_bytes = 0;  // the whole device: exercise every size
        o.volume_id = 0x1234ABCD;
        o.timestamp = 1700000000;
        o.device_is_zeroed = true;
        try {
            (void)plan_key(c.size / c.sector_size, c.sector_size, setup.size(), {}, o);
        } catch (const Error& e) {
            EXPECT_TRUE(e.code() == ErrorCode::bad_geometry || e.code() == ErrorCode::no_space)
                << e.what();
            continue;  // this type does not fit this size
        }
        TempDir dir;
        const auto img = dir / "key.img";
        auto dev = ImageFile::create(img, c.size, c.sector_size, false);
        const KeyLayout k = write_key(*dev, setup, {}, o);
        dev.reset();
        EXPECT_EQ(k.geometry.type, c.fs);
        // verify agrees: UEFI always finds it; legacy exactly when the volume is FAT16.
        {
            auto rd = ImageFile::open(img, c.sector_size, false);
            const VerifyReport r = verify_key(*rd);
            ASSERT_TRUE(r.uefi && r.legacy);
            EXPECT_TRUE(r.uefi->usable);
            EXPECT_EQ(r.uefi->next_record, 1u);
            EXPECT_EQ(r.legacy->found, c.fs == FatType::fat16);
            EXPECT_EQ(r.has(Defect::wrong_fat_type), c.fs != FatType::fat16);
            for (Defect d : {Defect::label_entry_first, Defect::long_name_entry,
                             Defect::lowercase_name, Defect::not_first, Defect::fragmented,
                             Defect::not_first_cluster, Defect::fats_differ, Defect::size_mismatch})
                EXPECT_FALSE(r.has(d)) << to_string(d);
        }
        check_with_oracles(img, k, c, setup, dir);
        ++built;
    }
    // FAT12 up to 64 MiB, FAT16 from 4 MiB, FAT32 from 64 MiB (with 512-byte sectors).
    EXPECT_GE(built, 40);
}

TEST(KeyWriter, DefaultIsTheStrictLayout) {
    if (!tools_present()) GTEST_SKIP() << "tools missing";
    TempDir dir;
    const auto img = dir / "key.img";
    const auto setup = corpus_file("v4-pki-amt-test-ca.bin");
    auto dev = ImageFile::create(img, 8192 * MiB, 512, false);
    KeyOptions o;
    o.volume_id = 0xCAFEF00D;
    o.device_is_zeroed = true;
    const KeyLayout k = write_key(*dev, setup, {}, o);
    dev.reset();
    // MBR, partition at 1 MiB, FAT16 capped below 2 GiB with clusters of at most 32 KiB.
    EXPECT_EQ(k.scheme, PartitionScheme::mbr);
    EXPECT_EQ(k.volume_first_sector, 2048u);
    EXPECT_EQ(k.geometry.type, FatType::fat16);
    EXPECT_LE(k.volume_sectors * 512, 2048 * MiB);
    EXPECT_LE(k.geometry.bytes_per_cluster(), 32768u);
    EXPECT_EQ(k.setup_first_cluster, 2u);
    check_with_oracles(img, k, {FatType::fat16, PartitionScheme::mbr, 512, 8192 * MiB}, setup, dir);
    // No label entry: fsck lists only SETUP.BIN in the root.
    LoopDevice loop(img, 1 * MiB, 512);
    if (loop.ok()) {
        auto r = run_command("fsck.fat -n -v -l " + loop.path());
        EXPECT_NE(r.output.find("Checking file /SETUP.BIN"), std::string::npos) << r.output;
        EXPECT_EQ(r.output.find("Checking file /NO NAME"), std::string::npos) << r.output;
    }
    // Small sticks stay FAT16 (SmallSticksGetFat16); FAT12 only when asked.
    auto small = ImageFile::create(dir / "small.img", 8 * MiB, 512, false);
    EXPECT_EQ(write_key(*small, setup, {}, o).geometry.type, FatType::fat16);
    o.fs = FatType::fat12;
    EXPECT_EQ(write_key(*small, setup, {}, o).geometry.type, FatType::fat12);
}

// The strict layout is FAT16 on every stick FAT16 allows, small ones included (they were FAT12,
// which legacy BIOSes do not read): 4, 8, 15 and 16 MiB, with an MBR and as a superfloppy.
TEST(KeyWriter, SmallSticksGetFat16) {
    if (!tools_present()) GTEST_SKIP() << "tools missing";
    const auto setup = sample_setup_bin(40);
    for (std::uint64_t size : {4 * MiB, 8 * MiB, 15 * MiB, 16 * MiB})
        for (PartitionScheme scheme : {PartitionScheme::mbr, PartitionScheme::superfloppy}) {
            const Case c{FatType::fat16, scheme, 512, size};
            SCOPED_TRACE(name_of(c));
            TempDir dir;
            const auto img = dir / "key.img";
            auto dev = ImageFile::create(img, size, 512, false);
            KeyOptions o;  // the default: nothing asked
            o.scheme = scheme;
            o.volume_id = 0x0BADCAFE;
            o.timestamp = 1700000000;
            o.device_is_zeroed = true;
            const KeyLayout k = write_key(*dev, setup, {}, o);
            dev.reset();
            EXPECT_EQ(k.geometry.type, FatType::fat16);
            auto rd = ImageFile::open(img, 512, false);
            const VerifyReport r = verify_key(*rd);
            ASSERT_TRUE(r.legacy && r.uefi);
            EXPECT_TRUE(r.legacy->usable);
            EXPECT_TRUE(r.uefi->usable);
            EXPECT_FALSE(r.has(Defect::wrong_fat_type));
            // fsck.fat -n, blkid (VERSION=FAT16), sfdisk, mdir, mshowfat, fatcat, mcopy.
            check_with_oracles(img, k, c, setup, dir);
        }
}

// Below the smallest FAT16 volume the default is refused with the minimum named: with 512-byte
// sectors FAT16 needs 4173 sectors (2086.5 KiB), so a stick with the partition at 1 MiB needs
// 2048 + 4173 = 6221 sectors (3110.5 KiB); with 4096-byte sectors 4112 sectors (16448 KiB), and
// 256 + 4112 sectors (17472 KiB) with the partition.
TEST(KeyWriter, BelowTheSmallestFat16VolumeIsRefusedWithTheMinimum) {
    TempDir dir;
    const auto setup = corpus_file("v4-pki-amt-test-ca.bin");
    auto refused = [&](std::uint64_t sectors, std::uint32_t ss, const KeyOptions& o) {
        auto dev = ImageFile::create(dir / "small.img", sectors * ss, ss, true);
        try {
            write_key(*dev, setup, {}, o);
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::bad_geometry) << e.what();
            EXPECT_EQ(dev->stats().write_calls, 0u);
            return std::string(e.what());
        }
        ADD_FAILURE() << sectors << " sectors of " << ss << " bytes were not refused";
        return std::string();
    };
    auto fat_of = [&](std::uint64_t sectors, std::uint32_t ss, const KeyOptions& o) {
        auto dev = ImageFile::create(dir / "small.img", sectors * ss, ss, true);
        return write_key(*dev, setup, {}, o).geometry.type;
    };
    KeyOptions mbr;
    EXPECT_EQ(fat_of(6221, 512, mbr), FatType::fat16);
    std::string m = refused(6220, 512, mbr);
    EXPECT_NE(m.find("FAT16 needs a volume of at least 2087 KiB: the stick or image must be at "
                     "least 3111 KiB with the partition at 1024 KiB (it has 3110 KiB)"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("use --fs fat12 for a smaller one"), std::string::npos) << m;
    m = refused(2048, 512, mbr);  // 1 MiB: no room for the partition either
    EXPECT_NE(m.find("at least 3111 KiB"), std::string::npos) << m;
    KeyOptions floppy;
    floppy.scheme = PartitionScheme::superfloppy;
    EXPECT_EQ(fat_of(4173, 512, floppy), FatType::fat16);
    m = refused(4172, 512, floppy);
    EXPECT_NE(m.find("FAT16 needs a volume of at least 2087 KiB: the stick or image must be at "
                     "least 2087 KiB (it has 2086 KiB)"),
              std::string::npos)
        << m;
    // 4096-byte sectors: a 16 MiB stick is too small for FAT16 with them.
    m = refused(16 * MiB / 4096, 4096, mbr);
    EXPECT_NE(m.find("FAT16 needs a volume of at least 16448 KiB with 4096-byte sectors: the "
                     "stick or image must be at least 17472 KiB"),
              std::string::npos)
        << m;
    EXPECT_EQ(fat_of(4368, 4096, mbr), FatType::fat16);
    // FAT12 when asked.
    KeyOptions fat12 = mbr;
    fat12.fs = FatType::fat12;
    EXPECT_EQ(fat_of(6220, 512, fat12), FatType::fat12);
    fat12.scheme = PartitionScheme::superfloppy;
    EXPECT_EQ(fat_of(2048, 512, fat12), FatType::fat12);
    // FAT32 asked on a small stick names its own minimum.
    KeyOptions fat32 = mbr;
    fat32.fs = FatType::fat32;
    m = refused(16 * MiB / 512, 512, fat32);
    EXPECT_NE(m.find("FAT32 needs a volume of at least"), std::string::npos) << m;
}

TEST(KeyWriter, SameInputsGiveTheSameImageByteForByte) {
    TempDir dir;
    const auto setup = sample_setup_bin(5);
    KeyOptions o;
    o.volume_id = 0x01020304;
    o.timestamp = 1234567890;
    std::vector<std::vector<std::uint8_t>> images;
    for (int i = 0; i < 2; ++i) {
        const auto img = dir / ("k" + std::to_string(i) + ".img");
        auto dev = ImageFile::create(img, 64 * MiB, 512, false);
        write_key(*dev, setup, {}, o);
        dev.reset();
        images.push_back(read_host_file(img));
    }
    EXPECT_EQ(images[0], images[1]);
    o.timestamp = 1234567892;  // a different time changes the directory entries
    auto dev = ImageFile::create(dir / "k2.img", 64 * MiB, 512, false);
    write_key(*dev, setup, {}, o);
    dev.reset();
    EXPECT_NE(read_host_file(dir / "k2.img"), images[0]);
}

TEST(KeyWriter, ClearsOldSignaturesAndOldContentOnAUsedDevice) {
    if (!tools_present()) GTEST_SKIP() << "tools missing";
    TempDir dir;
    const auto img = dir / "used.img";
    // A used 64 MiB stick: every byte 0xAA, a GPT signature at LBA 1 and its backup at the end.
    {
        std::vector<std::uint8_t> junk(64 * MiB, 0xAA);
        const char gpt[] = "EFI PART";
        std::copy(gpt, gpt + 8, junk.begin() + 512);
        std::copy(gpt, gpt + 8, junk.end() - 512);
        std::ofstream(img, std::ios::binary)
            .write(reinterpret_cast<const char*>(junk.data()),
                   static_cast<std::streamsize>(junk.size()));
    }
    const auto setup = corpus_file("acu-12.1-default.bin");
    auto dev = ImageFile::open(img, 512, true);
    KeyOptions o;
    o.volume_id = 7;
    const KeyLayout k = write_key(*dev, setup, {}, o);
    // Large coalesced requests, one flush.
    EXPECT_LE(dev->stats().write_calls, 8u);
    EXPECT_EQ(dev->stats().flushes, 1u);
    dev.reset();
    const auto bytes = read_host_file(img);
    EXPECT_EQ(std::string(bytes.begin() + 512, bytes.begin() + 520).find("EFI PART"),
              std::string::npos);
    for (std::size_t i = bytes.size() - MiB; i < bytes.size(); ++i)
        ASSERT_EQ(bytes[i], 0) << "last MiB not cleared at byte " << i;
    auto gpt = run_command("sfdisk -d " + shell_quote(img.string()));
    EXPECT_NE(gpt.output.find("label: dos"), std::string::npos) << gpt.output;
    check_with_oracles(img, k, {FatType::fat16, PartitionScheme::mbr, 512, 64 * MiB}, setup, dir);
}

TEST(KeyWriter, ExtraFilesAndLabelEntryComeAfterSetupBin) {
    if (!tools_present()) GTEST_SKIP() << "tools missing";
    TempDir dir;
    const auto img = dir / "key.img";
    const auto setup = corpus_file("v4-pki-amt-test-ca.bin");
    std::vector<KeyFile> extras = {{"readme.txt", {'h', 'e', 'l', 'l', 'o', '\n'}},
                                   {"DATA.BIN", std::vector<std::uint8_t>(70000, 0x5A)}};
    auto dev = ImageFile::create(img, 64 * MiB, 512, false);
    KeyOptions o;
    o.label = "AMT-KEY";
    o.label_entry = true;
    o.device_is_zeroed = true;
    const KeyLayout k = write_key(*dev, setup, extras, o);
    dev.reset();
    const std::string mt = shell_quote(img.string() + "@@1M");
    auto l = run_command("mlabel -s -i " + mt + " ::");
    EXPECT_NE(l.output.find("AMT-KEY"), std::string::npos) << l.output;
    LoopDevice loop(img, MiB, 512);
    if (loop.ok()) {
        auto r = run_command("fsck.fat -n -v -l " + loop.path());
        EXPECT_EQ(r.exit_code, 0) << r.output;
        const auto a = r.output.find("Checking file /SETUP.BIN");
        const auto b = r.output.find("Checking file /AMT-KEY");
        const auto c = r.output.find("Checking file /README.TXT");
        ASSERT_NE(a, std::string::npos) << r.output;
        ASSERT_NE(b, std::string::npos) << r.output;
        ASSERT_NE(c, std::string::npos) << r.output;
        EXPECT_LT(a, b);
        EXPECT_LT(b, c);
    }
    auto t = run_command("mtype -i " + mt + " ::README.TXT");
    EXPECT_EQ(t.output, "hello\n");
    auto f = run_command("mshowfat -i " + mt + " ::DATA.BIN");
    // DATA.BIN follows SETUP.BIN's clusters directly.
    const std::uint32_t cb = k.geometry.bytes_per_cluster();
    const std::uint32_t start = 2 + (1024 + cb - 1) / cb + (6 + cb - 1) / cb;
    EXPECT_NE(f.output.find("<" + std::to_string(start) + "-"), std::string::npos) << f.output;
    check_with_oracles(img, k, {FatType::fat16, PartitionScheme::mbr, 512, 64 * MiB}, setup, dir);
}

TEST(KeyWriter, RefusesWhatCannotBeLaidOut) {
    TempDir dir;
    const auto setup = corpus_file("v4-pki-amt-test-ca.bin");
    KeyOptions o;
    o.fs = FatType::fat12;  // FAT16 does not fit 1 MiB at all (BelowTheSmallestFat16Volume...)
    auto tiny = ImageFile::create(dir / "tiny.img", 1 * MiB, 512, false);
    try {
        write_key(*tiny, setup, {}, o);  // no room for a partition at 1 MiB
        ADD_FAILURE() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::bad_geometry);
        EXPECT_NE(std::string(e.what()).find("superfloppy"), std::string::npos) << e.what();
    }
    EXPECT_EQ(tiny->stats().write_calls, 0u);
    o.scheme = PartitionScheme::superfloppy;
    EXPECT_NO_THROW(write_key(*tiny, setup, {}, o));
    o.fs.reset();

    auto dev = ImageFile::create(dir / "k.img", 64 * MiB, 512, false);
    o.label = "this label is far too long";
    EXPECT_THROW(write_key(*dev, setup, {}, o), Error);
    o.label = "OK";
    std::vector<KeyFile> bad = {{"a long file name.text", {1}}};
    EXPECT_THROW(write_key(*dev, setup, bad, o), Error);
    std::vector<KeyFile> huge = {{"BIG.BIN", std::vector<std::uint8_t>(70 * MiB, 1)}};
    try {
        write_key(*dev, setup, huge, o);
        ADD_FAILURE() << "expected no_space";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::no_space);
    }
    EXPECT_EQ(dev->stats().write_calls, 0u) << "a refused layout must write nothing";
    EXPECT_THROW(ImageFile::create(dir / "k.img", 64 * MiB, 512, false), Error)
        << "an existing image is not replaced";
}

TEST(ShortNames, AreUpperCase83) {
    auto n = to_short_name("setup.bin");
    EXPECT_EQ(std::string(n.data(), 11), "SETUP   BIN");
    EXPECT_EQ(std::string(to_short_name("A").data(), 11), "A          ");
    EXPECT_THROW(to_short_name("toolongname.bin"), Error);
    EXPECT_THROW(to_short_name("a.long"), Error);
    EXPECT_THROW(to_short_name("a b.txt"), Error);
    EXPECT_THROW(to_short_name(".bin"), Error);
}

}  // namespace

namespace {

// The oracles used above do fail on a broken image: a guard against checks that cannot fail.
TEST(KeyWriter, OraclesRejectACorruptedImage) {
    if (!tools_present()) GTEST_SKIP() << "tools missing";
    ukpu::test::TempDir dir;
    const auto img = dir / "key.img";
    auto dev = ImageFile::create(img, 64 * MiB, 512, false);
    KeyOptions o;
    o.scheme = PartitionScheme::superfloppy;
    const KeyLayout k = write_key(*dev, sample_setup_bin(8), {}, o);
    // Break the second FAT copy: the two copies now differ.
    std::vector<std::uint8_t> sector(512);
    dev->read(k.geometry.fat_start(1), sector);
    sector[5] ^= 0xFF;
    dev->write(k.geometry.fat_start(1), sector);
    dev.reset();
    auto r = run_command("fsck.fat -n " + shell_quote(img.string()));
    EXPECT_NE(r.exit_code, 0) << r.output;
    // And setup.bin's chain broken in both copies: mshowfat no longer sees one run.
    auto dev2 = ImageFile::open(img, 512, true);
    for (std::uint32_t copy = 0; copy < 2; ++copy) {
        dev2->read(k.geometry.fat_start(copy), sector);
        sector[2 * 3] = 0xF7;  // cluster 3 marked bad
        sector[2 * 3 + 1] = 0xFF;
        dev2->write(k.geometry.fat_start(copy), sector);
    }
    dev2.reset();
    const std::uint32_t n =
        (8 * 512 + 512 + k.geometry.bytes_per_cluster() - 1) / k.geometry.bytes_per_cluster();
    ASSERT_GT(n, 2u);
    auto f = run_command("mshowfat -i " + shell_quote(img.string()) + " ::SETUP.BIN");
    EXPECT_EQ(f.output.find("<2-" + std::to_string(1 + n) + ">"), std::string::npos) << f.output;
    EXPECT_NE(f.output.find("<2-3>"), std::string::npos) << f.output;
}

}  // namespace
