// `ukpu repair` from the outside: the plan of --dry-run and --json, exit codes, and a repair
// killed with SIGKILL at random points and run again, checked with fsck.fat, `ukpu verify` and
// the mtools view of every file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "support/files.hpp"
#include "support/json.hpp"
#include "support/paths.hpp"
#include "support/repair_snapshot.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"

namespace {

using ukpu::test::run_ukpu;
using ukpu::test::TempDir;
namespace snap = ukpu::test::snapshot;

bool tools() {
    int rc = 0;
    snap::shell("command -v mkfs.fat && command -v mcopy && command -v fsck.fat", &rc);
    return rc == 0;
}

#define SKIP_WITHOUT_TOOLS() \
    if (!tools()) GTEST_SKIP() << "dosfstools/mtools missing"

void must(const std::string& cmd) {
    int rc = 0;
    const auto out = snap::shell(cmd, &rc);
    ASSERT_EQ(rc, 0) << cmd << "\n" << out;
}

// A FAT16 superfloppy written the way desktop tools do: a label entry first, files with long
// names in folders, a deleted slot, setup.bin under a long mixed-case name after them.
std::string make_key(const TempDir& dir, const std::string& setup = "v4-pki-amt-test-ca.bin") {
    const std::string img = dir.path("key.img");
    const std::string env = "MTOOLS_SKIP_CHECK=1 ";
    must("truncate -s 32M " + img + " && mkfs.fat -F16 -n USBKEY " + img + " >/dev/null");
    const std::string tree = dir.path("tree");
    std::string cmd = "mkdir -p '" + tree + "'";
    for (int f = 0; f < 6; ++f) {
        cmd += " && mkdir -p '" + tree + "/Folder number " + std::to_string(f) + "/Inner one'";
        for (int i = 0; i < 8; ++i)
            cmd += " && head -c " + std::to_string(300 + 1500 * i + f) + " /dev/urandom > '" +
                   tree + "/Folder number " + std::to_string(f) + (i % 2 ? "/Inner one" : "") +
                   "/A document " + std::to_string(i) + ".txt'";
    }
    must(cmd);
    must(env + "mcopy -s -m -i " + img + " '" + tree + "'/* ::");
    must(env + "mcopy -i " + img + " /etc/hostname ::OLD.TXT && " + env + "mdel -i " + img +
         " ::OLD.TXT");
    must(env + "mcopy -i " + img + " " + ukpu::test::corpus(setup) + " '::Setup.Bin'");
    return img;
}

std::string fsck(const std::string& img) {
    int rc = 0;
    const auto out = snap::shell("fsck.fat -n " + img, &rc);
    return rc == 0 ? "" : out;
}

TEST(RepairCli, DryRunPrintsThePlanAndWritesNothing) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    const auto img = make_key(dir);
    const auto before = ukpu::test::read_bytes(img);
    const auto r =
        run_ukpu({"--json", "repair", "--image", img, "--dry-run", "--journal", dir.path("j")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ukpu::test::read_bytes(img), before);
    const auto doc = ukpu::test::parse_json(r.out);
    EXPECT_FALSE(doc.at("written").get<bool>());
    const auto& plan = doc.at("plan");
    EXPECT_EQ(plan.at("setup_path"), "\\Setup.Bin");
    EXPECT_EQ(plan.at("target_first_cluster"), 2);
    EXPECT_FALSE(plan.at("nothing_to_do").get<bool>());
    EXPECT_GT(plan.at("clusters_moved"), 0);
    EXPECT_GE(plan.at("moves").size(), 1u);
    EXPECT_GE(plan.at("root_entries_after"), 7);
    EXPECT_GE(plan.at("steps").size(), 3u);
    const auto text = run_ukpu({"repair", "--image", img, "--dry-run", "--journal", dir.path("j")});
    EXPECT_EQ(text.exit_code, 0);
    EXPECT_NE(text.err.find("dry run, nothing written"), std::string::npos) << text.err;
    EXPECT_NE(text.err.find("move \\Folder number"), std::string::npos) << text.err;
}

TEST(RepairCli, RepairsThenHasNothingToDo) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    const auto img = make_key(dir);
    const auto before = snap::take(img, dir.path("x"));
    const auto sha = snap::setup_sha256(img, dir.path("x"), "/Setup.Bin");
    const auto r = run_ukpu({"--json", "repair", "--image", img, "--journal", dir.path("j")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto doc = ukpu::test::parse_json(r.out);
    EXPECT_TRUE(doc.at("written").get<bool>());
    EXPECT_TRUE(doc.at("ok").get<bool>());
    EXPECT_GT(doc.at("io").at("bytes_written"), 0);
    EXPECT_EQ(fsck(img), "");
    const auto v = run_ukpu({"verify", "--image", img, "--firmware", "legacy,uefi"});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    const auto after = snap::take(img, dir.path("x"));
    EXPECT_TRUE(after == before) << snap::diff(before, after);
    EXPECT_EQ(snap::setup_sha256(img, dir.path("x")), sha);
    const auto again = run_ukpu({"repair", "--image", img, "--journal", dir.path("j")});
    EXPECT_EQ(again.exit_code, 0);
    EXPECT_NE(again.err.find("nothing to do"), std::string::npos) << again.err;
}

TEST(RepairCli, ExitCodes) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    const std::string j = dir.path("j");
    // 2: usage.
    EXPECT_EQ(run_ukpu({"repair", "--journal", j}).exit_code, 2);
    // 3: no such image.
    EXPECT_EQ(run_ukpu({"repair", "--image", dir.path("none.img"), "--journal", j}).exit_code, 3);
    // 4: a device that is not a loop device.
    const auto dev = run_ukpu({"repair", "--device", "/dev/null", "--yes", "--journal", j});
    EXPECT_EQ(dev.exit_code, 4) << dev.err;
    // 1: a size mismatch is content, not layout.
    const std::string padded = dir.path("padded.bin");
    must("cp " + ukpu::test::corpus("v4-pki-amt-test-ca.bin") + " " + padded + " && chmod u+w " +
         padded + " && head -c 512 /dev/zero >> " + padded);
    const std::string img = dir.path("k.img");
    must("truncate -s 16M " + img + " && mkfs.fat -F16 " + img + " >/dev/null");
    must("MTOOLS_SKIP_CHECK=1 mcopy -i " + img + " " + padded + " ::SETUP.BIN");
    const auto before = ukpu::test::read_bytes(img);
    const auto size = run_ukpu({"repair", "--image", img, "--journal", j});
    EXPECT_EQ(size.exit_code, 1) << size.err;
    EXPECT_NE(size.err.find("rebuild the file"), std::string::npos) << size.err;
    EXPECT_EQ(ukpu::test::read_bytes(img), before);
    // 1: no setup file.
    must("MTOOLS_SKIP_CHECK=1 mdel -i " + img + " ::SETUP.BIN");
    const auto none = run_ukpu({"--json", "repair", "--image", img, "--journal", j});
    EXPECT_EQ(none.exit_code, 1) << none.err;
    EXPECT_NE(none.out.find("no setup file"), std::string::npos) << none.out;
}

TEST(RepairCli, StrictConvertsFat32ForLegacyBioses) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    const std::string img = dir.path("k32.img");
    const std::string env = "MTOOLS_SKIP_CHECK=1 ";
    must("truncate -s 96M " + img + " && mkfs.fat -F32 -n FAT32KEY " + img + " >/dev/null");
    must(env + "mmd -i " + img + " '::A folder'");
    must(env + "mcopy -i " + img + " /etc/hostname '::A folder/host name.txt'");
    must(env + "mcopy -i " + img + " " + ukpu::test::corpus("v4-pki-amt-test-ca.bin") +
         " ::setup.bin");
    const auto before = snap::take(img, dir.path("x"));
    const auto legacy = run_ukpu({"verify", "--image", img, "--firmware", "legacy"});
    EXPECT_EQ(legacy.exit_code, 1);
    const auto r =
        run_ukpu({"--json", "repair", "--image", img, "--strict", "--journal", dir.path("j")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto doc = ukpu::test::parse_json(r.out);
    EXPECT_TRUE(doc.at("plan").at("strict_conversion").get<bool>());
    const auto v = run_ukpu({"verify", "--image", img, "--firmware", "legacy,uefi"});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    const auto after = snap::take(img + "@@1M", dir.path("x"));
    EXPECT_TRUE(after == before) << snap::diff(before, after);
}

TEST(RepairCli, LoopDeviceNeedsAllowNonUsbAndItsName) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    const auto img = make_key(dir);
    int rc = 0;
    std::string loop = snap::shell("losetup -f --show " + img, &rc);
    if (rc != 0) GTEST_SKIP() << "no loop device: " << loop;
    while (!loop.empty() && loop.back() == '\n') loop.pop_back();
    const auto refused = run_ukpu({"repair", "--device", loop, "--journal", dir.path("j")});
    EXPECT_EQ(refused.exit_code, 4) << refused.err;
    // Not a USB stick: --yes is not enough, with or without --allow-non-usb.
    for (const auto& flags : {std::vector<std::string>{"--yes"},
                              std::vector<std::string>{"--yes", "--allow-non-usb"}}) {
        std::vector<std::string> args = {"repair", "--device", loop, "--journal", dir.path("j")};
        args.insert(args.end(), flags.begin(), flags.end());
        const auto no = run_ukpu(args);
        EXPECT_EQ(no.exit_code, 4) << no.err;
        EXPECT_NE(no.err.find("a loop device (backed by "), std::string::npos) << no.err;
    }
    const auto r = run_ukpu({"repair", "--device", loop, "--allow-non-usb", "--confirm",
                             loop.substr(5), "--journal", dir.path("j")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto v = run_ukpu({"verify", "--device", loop, "--firmware", "legacy,uefi"});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    snap::shell("losetup -d " + loop);
    EXPECT_EQ(fsck(img), "");
}

TEST(RepairCli, ThroughLoopDevicesOf512And4096ByteSectors) {
    SKIP_WITHOUT_TOOLS();
    // FAT16 of 64 MiB: 2 KiB clusters on 512-byte sectors, one 4 KiB sector per cluster.
    for (const auto& [ss, spc] : {std::pair{"512", "4"}, std::pair{"4096", "1"}}) {
        SCOPED_TRACE(ss);
        TempDir dir;
        const std::string img = dir.path("key.img");
        const std::string env = "MTOOLS_SKIP_CHECK=1 ";
        // A file first, setup.bin after it: the legacy BIOS would not find it.
        must("truncate -s 64M " + img + " && mkfs.fat -F16 -s " + spc + " -S " + ss + " " + img +
             " >/dev/null");
        must(env + "mcopy -i " + img + " /etc/os-release ::NOTES.TXT && " + env + "mcopy -i " +
             img + " " + ukpu::test::corpus("v4-pki-amt-test-ca.bin") + " ::Setup.Bin");
        int rc = 0;
        std::string loop = snap::shell("losetup -f --show -b " + std::string(ss) + " " + img, &rc);
        if (rc != 0) GTEST_SKIP() << "no loop device: " << loop;
        while (!loop.empty() && loop.back() == '\n') loop.pop_back();
        struct Detach {
            std::string dev;
            ~Detach() { snap::shell("losetup -d " + dev); }
        } detach{loop};
        EXPECT_EQ(run_ukpu({"verify", "--device", loop, "--firmware", "legacy"}).exit_code, 1);
        const auto r = run_ukpu({"--json", "repair", "--device", loop, "--allow-non-usb",
                                 "--confirm", loop, "--journal", dir.path("j")});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        const auto doc = ukpu::test::parse_json(r.out);
        EXPECT_TRUE(doc.at("written").get<bool>());
        EXPECT_EQ(doc.at("plan").at("cluster_size"), 2048 + 2048 * (ss[0] == '4'));
        const auto v = run_ukpu({"verify", "--device", loop, "--firmware", "legacy,uefi"});
        EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
        EXPECT_EQ(fsck(img), "");
        must(env + "mtype -i " + img + " ::NOTES.TXT | cmp -s - /etc/os-release");
    }
}

// Starts `ukpu repair` with slowed writes and kills it after `after` milliseconds.
int kill_repair_after(const std::string& img, const std::string& journal, int after_ms) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setenv("UKPU_REPAIR_WRITE_DELAY_MS", "25", 1);
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::dup2(null, 2);
        std::string bin = UKPU_BINARY;
        std::vector<std::string> args{bin, "--quiet",   "repair", "--image",
                                      img, "--journal", journal};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(bin.c_str(), argv.data());
        ::_exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(after_ms));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

TEST(RepairCli, KilledAtRandomPointsThenRunAgain) {
    SKIP_WITHOUT_TOOLS();
    TempDir dir;
    const auto img = make_key(dir, "acu-12.1-default.bin");
    const auto original = ukpu::test::read_bytes(img);
    const auto before = snap::take(img, dir.path("x"));
    const auto sha = snap::setup_sha256(img, dir.path("x"), "/Setup.Bin");
    std::mt19937 rng(20261123);
    int killed_midway = 0;
    // At least 8 rounds, and more (up to 24) until 4 kills landed while the repair ran: how long a
    // run takes depends on the machine's load, so the kill times are drawn again each round.
    for (int round = 0; round < 24 && (round < 8 || killed_midway < 4); ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        {
            FILE* f = std::fopen(img.c_str(), "wb");
            std::fwrite(original.data(), 1, original.size(), f);
            std::fclose(f);
        }
        const int after = std::uniform_int_distribution<int>(5, 150)(rng);
        const int status = kill_repair_after(img, dir.path("j"), after);
        if (WIFSIGNALED(status)) ++killed_midway;
        const auto r = run_ukpu({"repair", "--image", img, "--journal", dir.path("j")});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(fsck(img), "");
        const auto v = run_ukpu({"verify", "--image", img, "--firmware", "legacy,uefi"});
        EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
        const auto now = snap::take(img, dir.path("x"));
        EXPECT_TRUE(now == before) << snap::diff(before, now);
        EXPECT_EQ(snap::setup_sha256(img, dir.path("x")), sha);
    }
    EXPECT_GT(killed_midway, 3) << "the kills came too late to interrupt anything";
}

}  // namespace

namespace ukpu::test::repair_dry_run {

// The verdict of a dry run is the one the repair itself gives: a FAT32 key repaired without
// --strict is not usable by legacy BIOSes (exit 1, the same reason), with --strict it would be
// (exit 0); the key and the journal directory are left as they were.
TEST(RepairCli, DryRunGivesTheVerdictOfTheRepair) {
    TempDir dir;
    const std::string img = dir.path("k32.img");
    auto r = run_ukpu({"build", "--image", img, "--size", "64M", "--fs", "fat32", "--setup-bin",
                       corpus("acu-12.1-default.bin"), "--force", "--quiet"});
    ASSERT_NE(r.exit_code, 2) << r.err;  // written; FAT32 is refused for legacy BIOSes (1)
    const auto before = read_bytes(img);
    const std::string journal = dir.path("j");
    std::filesystem::create_directories(journal);
    r = run_ukpu({"--json", "repair", "--dry-run", "--image", img, "--journal", journal});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const auto doc = parse_json(r.out);
    EXPECT_FALSE(doc.at("ok").get<bool>());
    EXPECT_FALSE(doc.at("would_be_usable").get<bool>());
    ASSERT_EQ(doc.at("unusable").size(), 1u);
    const std::string reason = doc.at("unusable").at(0).get<std::string>();
    EXPECT_NE(reason.find("legacy BIOS"), std::string::npos) << reason;
    r = run_ukpu({"repair", "--dry-run", "--strict", "--image", img, "--journal", journal});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_bytes(img), before);
    EXPECT_TRUE(std::filesystem::is_empty(journal));
    // The repair itself says the same, in the same words.
    r = run_ukpu({"repair", "--image", img, "--journal", journal});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find(reason), std::string::npos) << r.err;
    r = run_ukpu({"repair", "--strict", "--image", img, "--journal", journal});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace ukpu::test::repair_dry_run
