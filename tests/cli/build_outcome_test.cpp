// What `ukpu build` leaves and what it says: an image exists only once complete (a size the file
// system cannot hold, a failed write, Ctrl-C: no file, and the next run is not told it already
// exists); the verdict is the generations of --firmware (a FAT12 key exits 1 for all, 0 for
// UEFI); every stick of a run gets its own volume serial (read back with blkid), --volume-id
// names one.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <set>

#include "support/fake_machine.hpp"
#include "support/json.hpp"
#include "support/loop_stick.hpp"
#include "support/oracle.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::test::build_outcome {
namespace {

namespace fs = std::filesystem;

RunResult build_image(const std::string& image, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"build", "--image", image, "--setup-bin",
                                     corpus("v4-pki-amt-test-ca.bin")};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_ukpu(args);
}

std::set<std::string> entries(const std::string& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
    return names;
}

TEST(BuildImage, ASizeTooLargeLeavesNoFileAndTheNextRunWorks) {
    TempDir t;
    auto r = build_image(t.path("k.img"), {"--size", "100T"});
    EXPECT_NE(r.exit_code, 0) << r.err;
    EXPECT_TRUE(entries(t.dir()).empty()) << r.err;
    r = build_image(t.path("k.img"), {"--size", "16M"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(entries(t.dir()), std::set<std::string>{"k.img"});
    // mtools reads the key back from the partition at 1 MiB.
    EXPECT_EQ(run_command("mtype -i " + shell_quote(t.path("k.img") + "@@1M") +
                          " ::SETUP.BIN | cmp - " + shell_quote(corpus("v4-pki-amt-test-ca.bin")))
                  .exit_code,
              0);
}

TEST(BuildImage, CtrlCOrAFailedWriteLeavesNoFile) {
    TempDir t;
    {
        ScopedEnv stop("UKPU_INTERRUPT_AFTER_WRITES", "2");
        auto r = build_image(t.path("k.img"), {"--size", "16M"});
        EXPECT_EQ(r.exit_code, 130) << r.err;
        EXPECT_NE(r.err.find("nothing was left at " + t.path("k.img")), std::string::npos) << r.err;
    }
    EXPECT_TRUE(entries(t.dir()).empty());
    {
        ScopedEnv fail("UKPU_FAIL_AFTER_WRITES", "3");
        auto r = build_image(t.path("k.img"), {"--size", "16M"});
        EXPECT_EQ(r.exit_code, 5) << r.err;
    }
    EXPECT_TRUE(entries(t.dir()).empty());
    // An existing image is untouched by a failed --overwrite.
    ASSERT_EQ(build_image(t.path("k.img"), {"--size", "16M"}).exit_code, 0);
    const auto before = run_command("sha256sum < " + shell_quote(t.path("k.img"))).output;
    {
        ScopedEnv fail("UKPU_FAIL_AFTER_WRITES", "3");
        auto r = build_image(t.path("k.img"), {"--size", "32M", "--overwrite"});
        EXPECT_EQ(r.exit_code, 5) << r.err;
    }
    EXPECT_EQ(run_command("sha256sum < " + shell_quote(t.path("k.img"))).output, before);
    EXPECT_EQ(entries(t.dir()), std::set<std::string>{"k.img"});
}

TEST(BuildImage, TheVerdictIsTheGenerationsAskedNotTheLayoutAskedFor) {
    TempDir t;
    // FAT12 asked for: written, but legacy BIOSes cannot use it, and every generation is asked
    // for by default.
    auto r = build_image(t.path("k12.img"), {"--size", "4M", "--fs", "fat12", "--json"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("legacy BIOS"), std::string::npos) << r.err;
    const Json doc = parse_json(r.out);
    EXPECT_EQ(doc.at("ok"), false);
    ASSERT_EQ(doc.at("unusable").size(), 1u);
    EXPECT_EQ(doc.at("unusable")[0].get<std::string>().rfind("legacy BIOS: ", 0), 0u);
    EXPECT_TRUE(fs::exists(t.path("k12.img")));  // complete, kept: the verdict says what it is
    // Asked for UEFI and the modern MEBx only, the same key passes.
    r = build_image(t.path("k12.img"),
                    {"--size", "4M", "--fs", "fat12", "--firmware", "uefi,mebx", "--overwrite"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // The default at 4 MiB is FAT16, which every generation reads.
    r = build_image(t.path("k16.img"), {"--size", "4M"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(BuildImage, AnImageIsReadInTheSectorSizeItWasMadeWith) {
    TempDir t;
    for (const std::string layout : {"mbr", "superfloppy"}) {
        const std::string img = t.path("k4k-" + layout + ".img");
        auto r = build_image(img, {"--size", "32M", "--sector-size", "4096", "--layout", layout});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        // No --sector-size needed to read it back: verify, repair and keys sync take it from the
        // image.
        r = run_ukpu({"--json", "verify", "--image", img});
        EXPECT_EQ(r.exit_code, 0) << layout << ": " << r.out << r.err;
        EXPECT_EQ(parse_json(r.out).at("generations").at("legacy").at("found"), true) << layout;
        r = run_ukpu({"repair", "--image", img, "--journal", t.path("j"), "--dry-run"});
        EXPECT_EQ(r.exit_code, 0) << layout << ": " << r.err;
        // --sector-size still overrides: read in 512-byte sectors, the MBR's partition is
        // elsewhere.
        if (layout == "mbr") {
            r = run_ukpu({"verify", "--image", img, "--sector-size", "512"});
            EXPECT_NE(r.exit_code, 0) << r.out;
        }
    }
}

// Sticks: loop devices dressed as USB sticks in a fake sysfs tree.
class TwoSticks : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0 || run_shell("command -v losetup >/dev/null 2>&1") != 0)
            GTEST_SKIP() << "loop devices need root";
        for (int i = 0; i < 2; ++i) {
            const std::string name = i == 0 ? "sdx" : "sdy";
            sticks_.push_back(std::make_unique<LoopStick>(t_.path(name + ".img"), 16));
            ASSERT_TRUE(sticks_.back()->ok()) << "losetup failed";
            sticks_.back()->dress_as_usb_stick(m_.f, name, "STICK000" + std::to_string(i + 1),
                                               "3-" + std::to_string(i + 1), 8 + i);
        }
    }
    std::string a() const { return sticks_[0]->loop(); }
    std::string b() const { return sticks_[1]->loop(); }
    RunResult build(std::vector<std::string> extra) {
        std::vector<std::string> args = {
            "build", "--device", a(),           "--device",
            b(),     "--yes",    "--setup-bin", corpus("v4-pki-amt-test-ca.bin")};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_ukpu(args);
    }
    std::string volume_id(const std::string& dev) {
        // blkid reads the partition's boot sector (the strict layout: MBR, partition 1).
        LoopDevice part(dev, 1 * MiB, 512);
        if (!part.ok()) return "?" + part.error();
        auto r = run_command("blkid -p -o value -s UUID " + shell_quote(part.path()));
        return r.output;
    }
    TempDir t_;
    FakeMachine m_;
    std::vector<std::unique_ptr<LoopStick>> sticks_;  // detached before t_ goes
};

TEST_F(TwoSticks, EachStickGetsItsOwnVolumeSerialEvenWhenReproducible) {
    ScopedEnv epoch("SOURCE_DATE_EPOCH", "1700000000");
    auto r = build({"--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string va = volume_id(a()), vb = volume_id(b());
    EXPECT_EQ(va.size(), 10u) << va;  // "1234-ABCD\n"
    EXPECT_NE(va, vb);
    const Json doc = parse_json(r.out);
    ASSERT_EQ(doc.at("keys").size(), 2u);
    EXPECT_EQ(doc.at("keys")[0].at("volume_id").get<std::string>() + "\n", va);
    EXPECT_EQ(doc.at("keys")[1].at("volume_id").get<std::string>() + "\n", vb);
    // The same run again gives the same serials: reproducible, still distinct.
    ASSERT_EQ(build({}).exit_code, 0);
    EXPECT_EQ(volume_id(a()), va);
    EXPECT_EQ(volume_id(b()), vb);
    // --volume-id names one key's serial: refused for two sticks before anything is written.
    r = build({"--volume-id", "DEADBEEF"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--volume-id"), std::string::npos) << r.err;
    EXPECT_EQ(volume_id(a()), va);
}

}  // namespace
}  // namespace ukpu::test::build_outcome
