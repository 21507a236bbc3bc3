// `ukpu devices` and the safety rules of `build --device`, on a fake machine (sysfs tree, mount
// table and swaps from tests/support/fake_machine.hpp): the listing, its JSON shape, and every
// refusal with exit 4 and its reason. With root, a loop device dressed as a USB stick in the fake
// tree goes through the whole device path: identity shown, written, a write failing halfway
// (exit 5) and an interruption (exit 130), each followed by `verify` saying what state it is in.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <tuple>

#include "context.hpp"
#include "interrupt_guard.hpp"
#include "render/progress_line.hpp"
#include "support/desktop_key.hpp"
#include "support/fake_machine.hpp"
#include "support/files.hpp"
#include "support/json.hpp"
#include "support/loop_stick.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/provision/stop.hpp"

namespace {

using namespace ukpu::test;

RunResult build_on(const std::string& dev, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"build", "--device", dev, "--setup-bin",
                                     corpus("v4-pki-amt-test-ca.bin")};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_ukpu(args);
}

const Json* by_path(const Json& list, const std::string& path) {
    for (const auto& d : list)
        if (d.at("path").get<std::string>() == path) return &d;
    return nullptr;
}

TEST(Devices, ListsTheWritableSticksWithTheirIdentity) {
    FakeMachine m;
    auto r = run_ukpu({"devices"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("/dev/sdb: SanDisk Ultra, 14.3 GiB, serial 4C530001230915117075, USB "
                         "2-1.4 (0781:5581)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("/dev/sdc: Samsung Flash Drive"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("mounted: /media/user/KEY DISK (sdc1); build and repair need --unmount"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(r.out.find("nvme0n1"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("/dev/sda"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("5 other disks are hidden; `ukpu devices --all`"), std::string::npos)
        << r.err;
    // What could not be learned is said.
    EXPECT_NE(
        r.out.find("note: libusb not consulted (UKPU_SYSFS_ROOT names a test tree); ids and speed "
                   "from sysfs only"),
        std::string::npos)
        << r.out;
}

TEST(Devices, AllListsHiddenDisksWithTheReason) {
    FakeMachine m;
    auto r = run_ukpu({"devices", "--all"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* reason :
         {"hidden: system disk: holds / via dm-0", "hidden: not USB (ata)",
          "hidden: empty card reader (size 0)", "hidden: system disk: holds swap"})
        EXPECT_NE(r.out.find(reason), std::string::npos) << reason << "\n" << r.out;
}

TEST(Devices, JsonShape) {
    FakeMachine m;
    auto r = run_ukpu({"devices", "--json", "--all"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Json doc = parse_json(r.out);
    const Json& list = doc.at("devices");
    ASSERT_EQ(list.size(), 7u);
    const std::vector<std::string> contract = {
        "path",   "usb",    "removable", "size",         "logical_sector_size",
        "vendor", "model",  "serial",    "bus_path",     "usb_id",
        "mounts", "system", "writable",  "hidden_reason"};
    for (const auto& d : list) {
        const auto keys = member_names(d);
        ASSERT_GE(keys.size(), contract.size());
        EXPECT_EQ(std::vector<std::string>(keys.begin(), keys.begin() + contract.size()), contract);
        EXPECT_EQ(d.at("writable").get<bool>(), d.at("hidden_reason").is_null())
            << d.at("path").get<std::string>();
    }
    const Json* b = by_path(list, "/dev/sdb");
    ASSERT_TRUE(b);
    EXPECT_TRUE(b->at("usb").get<bool>());
    EXPECT_TRUE(b->at("removable").get<bool>());
    EXPECT_EQ(b->at("size"), 30031872.0 * 512);
    EXPECT_EQ(b->at("logical_sector_size"), 512);
    EXPECT_EQ(b->at("vendor"), "SanDisk");
    EXPECT_EQ(b->at("model"), "Ultra");
    EXPECT_EQ(b->at("serial"), "4C530001230915117075");
    EXPECT_EQ(b->at("bus_path"), "2-1.4");
    EXPECT_EQ(b->at("usb_id"), "0781:5581");
    EXPECT_EQ(b->at("mounts").size(), 0u);
    EXPECT_FALSE(b->at("system").get<bool>());
    EXPECT_TRUE(b->at("writable").get<bool>());
    EXPECT_TRUE(b->at("hidden_reason").is_null());
    ASSERT_GE(b->at("notes").size(), 1u);

    const Json* c = by_path(list, "/dev/sdc");
    ASSERT_TRUE(c);
    ASSERT_EQ(c->at("mounts").size(), 1u);
    EXPECT_EQ(c->at("mounts").at(0), "/media/user/KEY DISK");

    const Json* n = by_path(list, "/dev/nvme0n1");
    ASSERT_TRUE(n);
    EXPECT_TRUE(n->at("system").get<bool>());
    EXPECT_FALSE(n->at("writable").get<bool>());
    EXPECT_EQ(n->at("hidden_reason"), "system disk: holds / via dm-0");
    EXPECT_TRUE(n->at("bus_path").is_null());
    EXPECT_EQ(n->at("mounts").size(), 3u);
    EXPECT_EQ(by_path(list, "/dev/sda")->at("hidden_reason"), "not USB (ata)");
    EXPECT_EQ(by_path(list, "/dev/sdd")->at("hidden_reason"), "empty card reader (size 0)");

    EXPECT_FALSE(doc.at("usb_bus").at("libusb").get<bool>());
    EXPECT_NE(doc.at("usb_bus").at("note").get<std::string>().find("UKPU_SYSFS_ROOT"),
              std::string::npos);

    // Without --all: only the writable sticks.
    r = run_ukpu({"devices", "--json"});
    const Json shown = parse_json(r.out);
    ASSERT_EQ(shown.at("devices").size(), 2u);
    EXPECT_EQ(shown.at("devices").at(0).at("path"), "/dev/sdb");
    EXPECT_EQ(shown.at("devices").at(1).at("path"), "/dev/sdc");
}

TEST(Devices, ListingTheRealMachineWorksWithOrWithoutAUsbBus) {
    if (!std::filesystem::is_directory("/sys/block")) GTEST_SKIP() << "no sysfs here";
    auto r = run_ukpu({"devices", "--all", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Json doc = parse_json(r.out);
    if (!doc.at("usb_bus").at("libusb").get<bool>() ||
        doc.at("usb_bus").at("devices").get<double>() == 0) {
        EXPECT_FALSE(doc.at("usb_bus").at("note").get<std::string>().empty());
    }
}

TEST(Devices, UnreadableMountTableIsAnErrorNotAGuess) {
    FakeMachine m;
    ScopedEnv bad("UKPU_MOUNTINFO", m.f.mountinfo() + ".missing");
    auto r = run_ukpu({"devices"});
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("cannot read the mount table"), std::string::npos) << r.err;
    // Nor is a device written when its safety cannot be checked.
    r = build_on("/dev/sdb", {"--yes"});
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("cannot be checked"), std::string::npos) << r.err;
}

struct Refusal {
    std::string device;
    std::vector<std::string> flags;
    std::string reason;
};

TEST(Devices, EveryUnsafeTargetIsRefusedWithItsReason) {
    FakeMachine m;
    const std::vector<Refusal> cases = {
        {"/dev/nvme0n1", {"--yes"}, "system disk (holds / via dm-0): ukpu never writes it"},
        {"/dev/nvme0n1",
         {"--allow-non-usb", "--confirm", "nvme0n1"},
         "system disk (holds / via dm-0)"},
        {"/dev/dm-0", {"--yes", "--allow-non-usb"}, "system disk (holds /)"},
        {"/dev/dm-1", {"--yes", "--allow-non-usb"}, "system disk (holds swap)"},
        {"/dev/nvme0n1p3", {"--yes"}, "a partition of nvme0n1"},
        {"/dev/sdb1", {"--yes"}, "a partition of sdb: give the whole disk /dev/sdb"},
        {"/dev/sda", {"--yes"}, "not USB (ata): ukpu writes USB mass storage only"},
        {"/dev/sda", {"--yes", "--allow-non-usb"}, "--yes is not enough"},
        {"/dev/sdc", {"--yes"}, "mounted at /media/user/KEY DISK (sdc1): close what uses it"},
        {"/dev/sdc", {"--yes", "--unmount"}, "could not unmount /media/user/KEY DISK (sdc1)"},
        {"/dev/sdd", {"--yes"}, "empty card reader (size 0)"},
        {"/dev/sdb", {}, "confirm with --yes"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.device);
        auto r = build_on(c.device, c.flags);
        EXPECT_EQ(r.exit_code, 4) << r.err;
        EXPECT_NE(r.err.find(c.reason), std::string::npos) << r.err;
    }
    // A --confirm that names no device being written is a usage error, before anything is asked.
    for (const std::string other : {"sdb", "/dev/sdb"}) {
        SCOPED_TRACE(other);
        auto r = build_on("/dev/sda", {"--allow-non-usb", "--confirm", "sda", "--confirm", other});
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_NE(r.err.find("--confirm " + other + ": names no device being written (/dev/sda)"),
                  std::string::npos)
            << r.err;
    }
    // A removable USB "stick" of 1 TiB: more likely an external disk; its name must be typed.
    m.f.put(m.f.sysfs() + "/block/sdb/size", std::to_string(2ull << 30));
    auto big = build_on("/dev/sdb", {"--yes"});
    EXPECT_EQ(big.exit_code, 4) << big.err;
    EXPECT_NE(big.err.find("larger than 128 GiB (an external disk rather than a stick?) (SanDisk "
                           "Ultra, 1 TiB"),
              std::string::npos)
        << big.err;
    m.f.put(m.f.sysfs() + "/block/sdb/size", "30031872");
    // An unmounted LUKS mapping on the stick still holds it.
    m.f.add_dm("dm-7", "253:7", "luks-key", 30000000, {"sdb1"});
    std::filesystem::create_directories(m.f.sysfs() + "/block/sdb/sdb1/holders/dm-7");
    auto held = build_on("/dev/sdb", {"--yes"});
    EXPECT_EQ(held.exit_code, 4) << held.err;
    EXPECT_NE(held.err.find("in use: dm-7 (luks-key) is stacked on sdb1"), std::string::npos)
        << held.err;
    std::filesystem::remove(m.f.sysfs() + "/block/sdb/sdb1/holders/dm-7");
    // Read-only.
    m.f.put(m.f.sysfs() + "/block/sdb/ro", "1");
    auto r = build_on("/dev/sdb", {"--yes"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("read-only"), std::string::npos) << r.err;
    // A dry run says the same.
    r = build_on("/dev/nvme0n1", {"--dry-run"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    // With --json, the refusal is the one document on stdout.
    r = build_on("/dev/sda", {"--yes", "--json"});
    EXPECT_EQ(r.exit_code, 4);
    const Json doc = parse_json(r.out);
    EXPECT_EQ(doc.at("error").at("exit_code"), 4);
    EXPECT_NE(doc.at("error").at("message").get<std::string>().find("not USB"), std::string::npos);
}

TEST(Progress, TextHasBytesSpeedAndTimeLeft) {
    const std::string t = ukpu::cli::ProgressLine::text(12u << 20, 40u << 20, 1.5);
    EXPECT_EQ(t, "12 MiB / 40 MiB (30%), 8 MiB/s, 4 s left") << t;
    EXPECT_EQ(ukpu::cli::ProgressLine::text(0, 0, 0), "0 bytes");
    ukpu::cli::GlobalOptions g;
    g.json = true;
    EXPECT_EQ(ukpu::cli::ProgressLine::mode_for(g), ukpu::cli::ProgressLine::Mode::off);
    g.json = false;
    g.quiet = true;
    EXPECT_EQ(ukpu::cli::ProgressLine::mode_for(g), ukpu::cli::ProgressLine::Mode::off);
}

TEST(Progress, TheLineIsCutToTheTerminalWidthInTheName) {
    using ukpu::cli::ProgressLine;
    const std::string name =
        "/dev/disk/by-id/usb-SanDisk_Cruzer_Blade_4C530001234567890123-0:0: writing";
    const std::string progress = "12 MiB / 40 MiB (30%), 8 MiB/s, 4 s left";
    EXPECT_EQ(ProgressLine::fit(name, progress, 0), name + ": " + progress);
    EXPECT_EQ(ProgressLine::fit("/dev/sdb: writing", progress, 79),
              "/dev/sdb: writing: " + progress);
    for (std::size_t width : {79u, 60u, 50u}) {
        const std::string line = ProgressLine::fit(name, progress, width);
        EXPECT_EQ(line.size(), width) << line;
        EXPECT_NE(line.find("..."), std::string::npos) << line;
        EXPECT_EQ(line.substr(line.size() - progress.size()), progress) << line;  // kept whole
        EXPECT_EQ(line.substr(0, 2), "/d") << line;  // the start of the name, then its end
    }
    const std::string wide = ProgressLine::fit(name, progress, 79);
    EXPECT_EQ(wide.substr(0, 5), "/dev/") << wide;
    EXPECT_NE(wide.find(": writing: "), std::string::npos) << wide;
    // Narrower than the progress itself: the start of the line, never longer than the width.
    EXPECT_EQ(ProgressLine::fit(name, progress, 20).size(), 20u);
}

TEST(InterruptGuardTest, TermAndHangupAskForASafeStopLikeCtrlC) {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        SCOPED_TRACE(sig);
        struct sigaction before {};
        ::sigaction(sig, nullptr, &before);
        {
            ukpu::cli::InterruptGuard guard;
            EXPECT_EQ(ukpu::provision::stop_flag(), 0);
            ::raise(sig);  // handled: the process goes on
            EXPECT_EQ(ukpu::provision::stop_flag(), 1);
        }
        // The previous handler is back.
        struct sigaction after {};
        ::sigaction(sig, nullptr, &after);
        EXPECT_EQ(after.sa_handler, before.sa_handler);
    }
}

// A loop device dressed as a USB stick in the fake tree: the fake sysfs entry carries the loop
// device's number and size, so the safety rules see a USB stick and the writes reach the loop.
class FakeStickOnLoop : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0 || run_shell("command -v losetup >/dev/null 2>&1") != 0)
            GTEST_SKIP() << "loop devices need root";
        img_ = t_.path("stick.img");
        loop_ = add_stick("sdx", "STICK0001", 64, "3-2");
        ASSERT_FALSE(loop_.empty()) << "losetup failed";
    }
    // Another loop device of `mib` MiB, dressed as USB stick `name` with `serial` on port `port`
    // of the same hub; its path, or empty when it could not be attached.
    std::string add_stick(const std::string& name, const std::string& serial, int mib,
                          const std::string& port) {
        const std::string image = sticks_.empty() ? img_ : t_.path(name + ".img");
        sticks_.push_back(std::make_unique<LoopStick>(image, mib));
        if (!sticks_.back()->ok()) return {};
        sticks_.back()->dress_as_usb_stick(m_.f, name, serial, port,
                                           8 + static_cast<int>(sticks_.size()));
        return sticks_.back()->loop();
    }
    TempDir t_;
    FakeMachine m_;
    std::string img_;
    std::string loop_;
    std::vector<std::unique_ptr<LoopStick>> sticks_;  // detached before t_ goes
};

TEST_F(FakeStickOnLoop, WrittenAfterTheIdentityIsShownThenVerified) {
    auto r = build_on(loop_, {"--yes"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("writing " + loop_ +
                         ": SanDisk Cruzer Blade, 64 MiB, serial STICK0001, USB 3-2 (0781:5567) "
                         "(confirmed with --yes)"),
              std::string::npos)
        << r.err;
    // The file's finding is said once, before writing, not again in the written key's report.
    const std::string finding = "the certificate hash is not preceded";
    ASSERT_NE(r.err.find(finding), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(finding, r.err.find(finding) + 1), std::string::npos) << r.err;
    // Not a terminal: no progress lines (a log is not a terminal), unless --verbose asks for
    // plain ones, the last at 100%.
    EXPECT_EQ(r.err.find(loop_ + ": writing: "), std::string::npos) << r.err;
    r = build_on(loop_, {"--yes", "--verbose"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find(loop_ + ": writing: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("(100%)"), std::string::npos) << r.err;
    auto v = run_ukpu({"verify", "--device", loop_});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    // --json and --quiet: no progress.
    r = build_on(loop_, {"--yes", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find(": writing: "), std::string::npos) << r.err;
    const Json written = parse_json(r.out);
    EXPECT_TRUE(written.at("keys").at(0).at("ok").get<bool>());
    EXPECT_EQ(written.at("keys").at(0).at("device").at("serial"), "STICK0001");
    EXPECT_EQ(written.at("keys").at(0).at("device").at("bus_path"), "3-2");
    r = build_on(loop_, {"--yes", "--quiet"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find(": writing: "), std::string::npos) << r.err;
}

TEST_F(FakeStickOnLoop, NonRemovableStickNeedsItsNameNotYes) {
    m_.f.put(m_.f.sysfs() + "/block/sdx/removable", "0");
    auto r = build_on(loop_, {"--yes"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("--yes is not enough"), std::string::npos) << r.err;
    r = build_on(loop_, {"--confirm", "sdx"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(FakeStickOnLoop, WriteFailingHalfwayIsExit5AndVerifySaysWhatIsLeft) {
    ASSERT_EQ(build_on(loop_, {"--yes"}).exit_code, 0);  // a good key first
    ScopedEnv fail("UKPU_FAIL_AFTER_WRITES", "2");
    auto r = build_on(loop_, {"--yes"});
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("Input/output error"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("stopped after 2 write requests"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("holds no usable key"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("ukpu verify --device " + loop_), std::string::npos) << r.err;
    auto v = run_ukpu({"verify", "--device", loop_});
    EXPECT_EQ(v.exit_code, 3) << v.out << v.err;  // no readable FAT volume left
    EXPECT_NE(v.out.find("neither a FAT boot sector nor a partition table"), std::string::npos)
        << v.out;
    EXPECT_NE(v.out.find("fix: build the key with `ukpu build`"), std::string::npos) << v.out;
}

TEST_F(FakeStickOnLoop, InterruptStopsAtASafePointWithExit130) {
    ScopedEnv stop("UKPU_INTERRUPT_AFTER_WRITES", "1");
    auto r = build_on(loop_, {"--yes", "--json"});
    EXPECT_EQ(r.exit_code, 130) << r.err;
    EXPECT_NE(r.err.find("stopping after the current write request"), std::string::npos) << r.err;
    const Json doc = parse_json(r.out);
    EXPECT_NE(doc.at("error").at("message").get<std::string>().find(
                  "interrupted; stopped after 1 write request "),
              std::string::npos);
    auto v = run_ukpu({"verify", "--device", loop_});
    EXPECT_EQ(v.exit_code, 3) << v.out;
    // Running the build again finishes the key.
    ::unsetenv("UKPU_INTERRUPT_AFTER_WRITES");
    EXPECT_EQ(build_on(loop_, {"--yes"}).exit_code, 0);
    EXPECT_EQ(run_ukpu({"verify", "--device", loop_}).exit_code, 0);
}

TEST_F(FakeStickOnLoop, SeveralSticksAreAllCheckedBeforeAnyIsWritten) {
    // The second target is refused: the first, good one is not touched either.
    auto r = build_on(loop_, {"--device", "/dev/sda", "--yes"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("not USB (ata)"), std::string::npos) << r.err;
    const auto bytes = read_bytes(img_);
    EXPECT_TRUE(std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; }));
    // The same stick twice is a usage error.
    r = build_on(loop_, {"--device", loop_, "--yes"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("names sdx a second time"), std::string::npos) << r.err;
}

TEST_F(FakeStickOnLoop, SeveralSticksAreWrittenAtOnceAndEachVerified) {
    // A second loop device, dressed as a second USB stick.
    const std::string loop2 = add_stick("sdy", "STICK0002", 32, "3-3");
    ASSERT_FALSE(loop2.empty());

    auto r = build_on(loop_, {"--device", loop2, "--yes", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const Json doc = parse_json(r.out);
    ASSERT_EQ(doc.at("keys").size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_TRUE(doc.at("keys").at(i).at("ok").get<bool>()) << i;
        EXPECT_TRUE(doc.at("keys").at(i).at("read_back_identical").get<bool>()) << i;
    }
    EXPECT_EQ(doc.at("keys").at(1).at("target"), loop2);
    EXPECT_NE(r.err.find("2 of 2 sticks written and verified"), std::string::npos) << r.err;
    EXPECT_EQ(run_ukpu({"verify", "--device", loop_}).exit_code, 0);
    EXPECT_EQ(run_ukpu({"verify", "--device", loop2}).exit_code, 0);
    // Both verified in one run: a report each, with the stick's identity.
    auto v = run_ukpu({"verify", "--device", loop_, "--device", loop2, "--json"});
    EXPECT_EQ(v.exit_code, 0) << v.err;
    const Json both = parse_json(v.out);
    EXPECT_TRUE(both.at("ok").get<bool>());
    ASSERT_EQ(both.at("keys").size(), 2u);
    EXPECT_EQ(both.at("keys").at(1).at("device").at("serial"), "STICK0002");
    EXPECT_TRUE(both.at("keys").at(1).at("generations").at("uefi").at("found").get<bool>());

    // Both fail halfway: each says what state it is in, the run exits 5.
    {
        ScopedEnv fail("UKPU_FAIL_AFTER_WRITES", "1");
        r = build_on(loop_, {"--device", loop2, "--yes", "--json"});
        EXPECT_EQ(r.exit_code, 5) << r.err;
        // The summary names each failed stick so that it can be found among the others.
        EXPECT_NE(r.err.find("0 of 2 sticks written and verified; not: " + loop_ +
                             " (serial STICK0001, USB port 3-2): exit 5; " + loop2 +
                             " (serial STICK0002, USB port 3-3): exit 5"),
                  std::string::npos)
            << r.err;
        const Json bad = parse_json(r.out);
        for (std::size_t i = 0; i < 2; ++i) {
            EXPECT_FALSE(bad.at("keys").at(i).at("ok").get<bool>());
            EXPECT_EQ(bad.at("keys").at(i).at("error").at("exit_code"), 5);
            EXPECT_NE(bad.at("keys").at(i).at("error").at("message").get<std::string>().find(
                          "holds no usable key"),
                      std::string::npos);
        }
    }
    // Sticks holding no FAT volume at all: malformed input (exit 3), as repair says.
    v = run_ukpu({"verify", "--device", loop_, "--device", loop2});
    EXPECT_EQ(v.exit_code, 3) << v.out;
    EXPECT_NE(v.err.find("0 of 2 sticks usable by every firmware generation asked for; not: " +
                         loop_ + " (serial STICK0001, USB port 3-2): exit 3"),
              std::string::npos)
        << v.err;
}

// The first line `command` prints, trailing newline dropped.
std::string first_line(const std::string& command) {
    std::string out;
    FILE* p = ::popen(command.c_str(), "r");
    char buf[512];
    if (p && std::fgets(buf, sizeof buf, p)) out = buf;
    if (p) ::pclose(p);
    return out.substr(0, out.find('\n'));
}

TEST_F(FakeStickOnLoop, KeyBatchOnSeveralSticksRecordsWhichStickHoldsWhichRecords) {
    if (run_shell("command -v sqlite3 >/dev/null 2>&1") != 0) GTEST_SKIP() << "no sqlite3";
    const std::string loop2 = add_stick("sdy", "STICK0002", 32, "3-3");
    ASSERT_FALSE(loop2.empty());
    write_text(t_.path("current.txt"), "admin");
    const std::string db = t_.path("keys.db");
    auto generate = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"keys",
                                         "generate",
                                         "-n",
                                         "6",
                                         "--per-key",
                                         "3",
                                         "--store",
                                         db,
                                         "--current-password-file",
                                         t_.path("current.txt"),
                                         "--random-new-password",
                                         "--device",
                                         loop_,
                                         "--device",
                                         loop2};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_ukpu(args);
    };
    // 6 records at 3 per key are 2 keys: a third stick, or a missing one, is a usage error and
    // nothing is stored.
    auto r = run_ukpu({"keys", "generate", "-n", "6", "--per-key", "2", "--store", db,
                       "--current-password-file", t_.path("current.txt"), "--random-new-password",
                       "--device", loop_, "--device", loop2, "--yes"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("make 3 setup.bin files, but 2 sticks were given"), std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(db));
    // Not confirmed: refused before anything is generated or stored.
    r = generate({});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_FALSE(std::filesystem::exists(db));
    // A dry run checks the sticks and writes nothing: no store, the stick still blank.
    r = generate({"--dry-run"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(std::filesystem::exists(db));
    const auto blank = read_bytes(img_);
    EXPECT_TRUE(std::all_of(blank.begin(), blank.end(), [](std::uint8_t b) { return b == 0; }));

    r = generate({"--yes", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Json doc = parse_json(r.out);
    ASSERT_EQ(doc.at("files").size(), 2u);
    EXPECT_EQ(doc.at("files").at(0).at("serial"), "STICK0001");
    EXPECT_EQ(doc.at("files").at(1).at("serial"), "STICK0002");
    EXPECT_TRUE(doc.at("files").at(0).at("key").at("read_back_identical").get<bool>());
    EXPECT_TRUE(doc.at("files").at(1).at("key").at("ok").get<bool>());
    EXPECT_EQ(r.out.find("\"pps\""), std::string::npos);  // no secret in the output

    // The store (read with sqlite3) names each stick by serial, and its records are on the key.
    EXPECT_EQ(first_line("sqlite3 " + db +
                         " \"SELECT group_concat(device_serial || ':' || first_record || '-' || "
                         "last_record, ' ') FROM key_files ORDER BY file_index\""),
              "STICK0001:1-3 STICK0002:4-6");
    EXPECT_EQ(
        first_line("sqlite3 " + db + " \"SELECT state, count(*) FROM records GROUP BY state\""),
        "on-key|6");
    // Each stick verifies, and holds exactly its own key file's records: sync matches a stick
    // to its key file by the PIDs on it.
    for (const auto& [dev, serial] :
         {std::pair{loop_, std::string("STICK0001")}, std::pair{loop2, std::string("STICK0002")}}) {
        SCOPED_TRACE(dev);
        // PID/PPS keys are for older AMT: a modern MEBx aborts their records by design.
        const auto v = run_ukpu({"verify", "--device", dev, "--firmware", "legacy,uefi"});
        EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
        auto s = run_ukpu({"keys", "sync", "--store", db, "--device", dev, "--json"});
        ASSERT_EQ(s.exit_code, 0) << s.err;
        const auto id = parse_json(s.out).at("key_file_id").get<long long>();
        EXPECT_EQ(first_line("sqlite3 " + db + " \"SELECT device_serial FROM key_files WHERE id=" +
                             std::to_string(id) + "\""),
                  serial);
        EXPECT_EQ(parse_json(s.out).at("device_serial"), serial);
        EXPECT_EQ(s.err.find("a copy of the key?"), std::string::npos) << s.err;
    }
    // The store says stick 1's key file went to another stick: sync says so.
    ASSERT_EQ(run_shell("sqlite3 " + db +
                        " \"UPDATE key_files SET device_serial='OTHER' WHERE device_serial="
                        "'STICK0001'\""),
              0);
    auto s = run_ukpu({"keys", "sync", "--store", db, "--device", loop_});
    EXPECT_EQ(s.exit_code, 0) << s.err;
    EXPECT_NE(s.err.find("recorded key file 1 on the stick with serial OTHER, but this stick's "
                         "serial is STICK0001 (a copy of the key?)"),
              std::string::npos)
        << s.err;
    // keys list shows which stick holds which records.
    auto l = run_ukpu({"keys", "list", "--store", db, "--batch", "1"});
    EXPECT_NE(l.out.find("stick serial STICK0002 (SanDisk Cruzer Blade, 32 MiB, was " + loop2 +
                         " at USB 3-3) records 4-6"),
              std::string::npos)
        << l.out;

    // A second batch whose writes fail: exit 5, and that batch's records stay 'generated'. The
    // sticks hold batch 1's records, which no PC took: their names confirm them.
    {
        ScopedEnv fail("UKPU_FAIL_AFTER_WRITES", "1");
        r = generate({"--yes", "--confirm", loop_, "--confirm", loop2});
    }
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("records stay 'generated' in batch 2"), std::string::npos) << r.err;
    EXPECT_EQ(first_line("sqlite3 " + db +
                         " \"SELECT group_concat(state) FROM (SELECT DISTINCT state FROM records "
                         "WHERE batch_id=2)\""),
              "generated");
}

TEST_F(FakeStickOnLoop, SeveralSticksAreRepairedAtOnceKeepingTheirFiles) {
    if (run_shell("command -v mkfs.fat >/dev/null && command -v mcopy >/dev/null && command -v "
                  "fsck.fat >/dev/null") != 0)
        GTEST_SKIP() << "dosfstools/mtools missing";
    const std::string loop2 = add_stick("sdy", "STICK0002", 32, "3-3");
    ASSERT_FALSE(loop2.empty());
    ASSERT_TRUE(make_desktop_key(loop_, corpus("v4-pki-amt-test-ca.bin")));
    ASSERT_TRUE(make_desktop_key(loop2, corpus("v4-pki-amt-test-ca.bin")));
    ASSERT_EQ(run_ukpu({"verify", "--device", loop_, "--firmware", "legacy"}).exit_code, 1);
    const std::string journal = t_.path("journal");

    // Not confirmed: neither stick is touched.
    auto r = run_ukpu({"repair", "--device", loop_, "--device", loop2, "--journal", journal});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    r = run_ukpu(
        {"repair", "--device", loop_, "--device", loop2, "--journal", journal, "--yes", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Json doc = parse_json(r.out);
    EXPECT_TRUE(doc.at("ok").get<bool>());
    ASSERT_EQ(doc.at("repairs").size(), 2u);
    EXPECT_EQ(doc.at("repairs").at(0).at("device").at("serial"), "STICK0001");
    EXPECT_EQ(doc.at("repairs").at(1).at("device").at("serial"), "STICK0002");
    for (const auto& [dev, img] : {std::pair{loop_, img_}, std::pair{loop2, t_.path("sdy.img")}}) {
        SCOPED_TRACE(dev);
        EXPECT_TRUE(doc.at("repairs").at(dev == loop_ ? 0 : 1).at("written").get<bool>());
        const auto v = run_ukpu({"verify", "--device", dev, "--firmware", "legacy,uefi"});
        EXPECT_EQ(v.exit_code, 0) << v.out;
        EXPECT_EQ(run_shell("fsck.fat -n " + img + " >/dev/null"), 0);
        // The other file is kept, byte for byte (mtools reads it back).
        EXPECT_TRUE(desktop_key_notes_kept(img));
    }
}

TEST_F(FakeStickOnLoop, InterruptedRepairSaysHowToFinishAndTheNextRunDoes) {
    if (run_shell("command -v mkfs.fat >/dev/null && command -v mcopy >/dev/null && command -v "
                  "fsck.fat >/dev/null") != 0)
        GTEST_SKIP() << "dosfstools/mtools missing";
    ASSERT_TRUE(make_desktop_key(loop_, corpus("v4-pki-amt-test-ca.bin")));
    const std::string journal = t_.path("journal");
    {
        ScopedEnv stop("UKPU_INTERRUPT_AFTER_WRITES", "1");
        auto r = run_ukpu({"repair", "--device", loop_, "--journal", journal, "--yes"});
        EXPECT_EQ(r.exit_code, 130) << r.err;
        EXPECT_NE(r.err.find("interrupted; stopped after 1 write request "), std::string::npos)
            << r.err;
        EXPECT_NE(r.err.find("run the same `ukpu repair --device " + loop_ + "` again"),
                  std::string::npos)
            << r.err;
    }
    // The journal is there, and the next run finishes the repair from it.
    EXPECT_FALSE(std::filesystem::is_empty(journal));
    auto r = run_ukpu({"repair", "--device", loop_, "--journal", journal, "--yes"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("pending journal"), std::string::npos) << r.err;
    EXPECT_TRUE(std::filesystem::is_empty(journal));
    EXPECT_EQ(run_ukpu({"verify", "--device", loop_, "--firmware", "legacy,uefi"}).exit_code, 0);
    EXPECT_EQ(run_shell("fsck.fat -n " + img_ + " >/dev/null"), 0);
    EXPECT_TRUE(desktop_key_notes_kept(img_));
}

TEST_F(FakeStickOnLoop, AStickHoldingTheFilesInUseIsNotWritten) {
    if (run_shell("command -v mke2fs >/dev/null && command -v mount >/dev/null") != 0)
        GTEST_SKIP() << "e2fsprogs or mount missing";
    // The stick is mounted for real (the fake mount table does not say so): the setup.bin read,
    // the journal and the key store are on it. ext2: every Linux kernel mounts it (containers
    // often lack vfat).
    ASSERT_EQ(run_shell("mke2fs -q -F -t ext2 " + loop_ + " >/dev/null 2>&1"), 0);
    const std::string mnt = t_.path("mnt");
    std::filesystem::create_directories(mnt);
    if (run_shell("mount " + loop_ + " " + mnt) != 0) GTEST_SKIP() << "cannot mount";
    struct Unmount {
        std::string dir;
        ~Unmount() { run_shell("umount " + dir); }
    } unmount{mnt};
    std::filesystem::copy_file(corpus("v4-pki-amt-test-ca.bin"), mnt + "/input.bin");
    auto r = run_ukpu({"build", "--device", loop_, "--setup-bin", mnt + "/input.bin", "--yes"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("holds --setup-bin (" + mnt + "/input.bin"), std::string::npos) << r.err;
    r = run_ukpu({"repair", "--device", loop_, "--journal", mnt + "/journal", "--yes"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("holds the repair journal"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(mnt + "/journal"));
    write_text(t_.path("current.txt"), "admin");
    r = run_ukpu({"keys", "generate", "-n", "2", "--store", mnt + "/keys.db",
                  "--current-password-file", t_.path("current.txt"), "--random-new-password",
                  "--device", loop_, "--yes"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("holds the key store (" + mnt + "/keys.db"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(mnt + "/keys.db"));
    // The stick's file system is intact: nothing was written.
    EXPECT_TRUE(std::filesystem::exists(mnt + "/input.bin"));
}

TEST_F(FakeStickOnLoop, AUserWhoMayNotOpenTheStickIsToldBeforeBeingAsked) {
    if (run_shell("command -v runuser >/dev/null") != 0) GTEST_SKIP() << "no runuser";
    // The program and its input where the unprivileged user can reach them.
    TempDir open_dir;
    std::filesystem::permissions(open_dir.path(""), std::filesystem::perms(0755));
    const std::string bin = open_dir.path("ukpu");
    std::filesystem::copy_file(UKPU_BINARY, bin);
    std::filesystem::copy_file(corpus("v4-pki-amt-test-ca.bin"), open_dir.path("s.bin"));
    std::filesystem::permissions(open_dir.path("s.bin"), std::filesystem::perms(0644));
    if (run_shell("runuser -u nobody -- " + bin + " --help >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "nobody cannot run the program here";
    ::chown(loop_.c_str(), 0, 6);  // root:disk, as udev leaves whole disks
    ::chmod(loop_.c_str(), 0660);
    const std::string env = "UKPU_SYSFS_ROOT=" + m_.f.sysfs() +
                            " UKPU_MOUNTINFO=" + m_.f.mountinfo() + " UKPU_SWAPS=" + m_.f.swaps();
    // The fake machine readable by that user too.
    std::filesystem::permissions(std::filesystem::path(m_.f.sysfs()).parent_path(),
                                 std::filesystem::perms(0755));
    const std::string out = open_dir.path("out.txt");
    const int rc =
        run_shell("cd / && runuser -u nobody -- env " + env + " " + bin + " build --device " +
                  loop_ + " --setup-bin " + open_dir.path("s.bin") + " --yes >" + out + " 2>&1");
    const auto bytes = read_bytes(out);
    const std::string err(bytes.begin(), bytes.end());
    EXPECT_EQ(rc, 5) << err;
    EXPECT_NE(err.find("this user may not write it (root:"), std::string::npos) << err;
    EXPECT_NE(err.find("0660): run ukpu with sudo, or as a member of group"), std::string::npos)
        << err;
    EXPECT_EQ(err.find("confirmed"), std::string::npos) << err;  // refused before confirming
    const auto stick = read_bytes(img_);
    EXPECT_TRUE(std::all_of(stick.begin(), stick.end(), [](std::uint8_t b) { return b == 0; }));
}

// Runs `ukpu ARGS` on a pseudo-terminal (script(1)) with `typed` on its input; returns what the
// terminal showed and the exit status.
std::pair<std::string, int> on_terminal(const std::string& args, const std::string& typed) {
    const std::string cmd = "printf '" + typed + "' | TERM=xterm script -qec \"" +
                            std::string(UKPU_BINARY) + " " + args + "\" /dev/null";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return {"", -1};
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int status = ::pclose(p);
    return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

TEST_F(FakeStickOnLoop, OnATerminalProgressIsOneLineRewrittenInPlace) {
    if (run_shell("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no script(1)";
    const auto [out, code] = on_terminal(
        "build --device " + loop_ + " --setup-bin " + corpus("v4-pki-amt-test-ca.bin") + " --yes",
        "");
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("\r\033[K" + loop_ + ": writing: "), std::string::npos) << out;
    EXPECT_NE(out.find("(100%)"), std::string::npos) << out;
}

TEST_F(FakeStickOnLoop, OnATerminalANonRemovableStickNeedsItsNameTyped) {
    if (run_shell("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "no script(1)";
    m_.f.put(m_.f.sysfs() + "/block/sdx/removable", "0");
    const std::string args =
        "build --device " + loop_ + " --setup-bin " + corpus("v4-pki-amt-test-ca.bin");
    auto [out, code] = on_terminal(args, "yes\\n");
    EXPECT_EQ(code, 4) << out;
    EXPECT_NE(out.find("Type its name (sdx) to continue"), std::string::npos) << out;
    EXPECT_NE(out.find("SanDisk Cruzer Blade, 64 MiB, serial STICK0001, USB 3-2"),
              std::string::npos)
        << out;
    std::tie(out, code) = on_terminal(args, "sdx\\n");
    EXPECT_EQ(code, 0) << out;
}

TEST_F(FakeStickOnLoop, IdentityChangedBetweenCheckAndWriteIsRefused) {
    // A stick whose serial in sysfs differs from what the kernel device holds cannot be caught
    // from outside the process; a size that does not match the device is refused at open.
    m_.f.put(m_.f.sysfs() + "/block/sdx/size", "262144");
    auto r = build_on(loop_, {"--yes"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("sysfs says 128 MiB but the device holds 64 MiB"), std::string::npos)
        << r.err;
}

}  // namespace
