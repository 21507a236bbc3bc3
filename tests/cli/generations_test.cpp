// Which generations a key is judged by: without --firmware, those its content is for (a PID/PPS
// key: legacy and UEFI BIOSes, the modern MEBx left out and said so once); --firmware all, or a
// named generation, is the user's demand. build and verify agree.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/files.hpp"
#include "support/json.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::test::generations {
namespace {

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

class PskKey : public ::testing::Test {
protected:
    void SetUp() override {
        write_text(t_.path("cur.txt"), "admin\n");
        write_text(t_.path("new.txt"), "N3w-Passw0rd!\n");
        const auto r = run_ukpu({"keys", "generate", "-n", "20", "--current-password-file",
                                 t_.path("cur.txt"), "--new-password-file", t_.path("new.txt"),
                                 "-o", t_.path("psk.bin"), "--store", t_.path("k.db")});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    RunResult build(std::vector<std::string> extra) {
        std::vector<std::string> args = {"build", "--image",     t_.path("k.img"),   "--size",
                                         "16M",   "--setup-bin", t_.path("psk.bin"), "--overwrite"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_ukpu(args);
    }
    TempDir t_;
};

TEST_F(PskKey, BuildAndVerifyJudgeItForLegacyAndUefiAndSaySoOnce) {
    auto r = build({});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(count_of(r.err, "left out modern MEBx"), 1u) << r.err;
    EXPECT_EQ(count_of(r.err + r.out, "[mebx]"), 0u) << r.err;
    r = run_ukpu({"verify", "--image", t_.path("k.img")});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(count_of(r.err, "left out modern MEBx"), 1u) << r.err;
    EXPECT_LT(count_of(r.out + r.err, "\n"), 10u) << r.out << r.err;
    r = run_ukpu({"--json", "verify", "--image", t_.path("k.img")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Json doc = parse_json(r.out);
    EXPECT_EQ(doc.at("firmware"), "legacy,uefi");
    EXPECT_EQ(doc.at("left_out").size(), 1u);
}

TEST_F(PskKey, FirmwareAllIsADemand) {
    ASSERT_EQ(build({}).exit_code, 0);
    auto r = run_ukpu({"verify", "--image", t_.path("k.img"), "--firmware", "all"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(count_of(r.err, "left out"), 0u) << r.err;
    r = run_ukpu({"verify", "--image", t_.path("k.img"), "--firmware", "mebx"});
    EXPECT_EQ(r.exit_code, 1);
    r = run_ukpu({"verify", "--image", t_.path("k.img"), "--firmware", "legacy"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    // build: the checker refuses the file for the modern MEBx, nothing is written.
    r = build({"--firmware", "all"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("[mebx]"), std::string::npos) << r.err;
    // A word that is no generation is a usage error.
    r = run_ukpu({"verify", "--image", t_.path("k.img"), "--firmware", "bios"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST(Generations, APkiKeyIsJudgedByEveryGeneration) {
    TempDir t;
    auto r = run_ukpu({"build", "--image", t.path("k.img"), "--size", "16M", "--setup-bin",
                       corpus("v4-pki-amt-test-ca.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(count_of(r.err, "left out"), 0u) << r.err;
    r = run_ukpu({"--json", "verify", "--image", t.path("k.img")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(parse_json(r.out).at("firmware"), "all");
}

TEST(Generations, RepairIsJudgedByTheGenerationsNotByWhatItChoseToDo) {
    TempDir t;
    const std::string img = t.path("k32.img");
    // FAT32 asked for: written, but legacy BIOSes read only FAT16.
    auto r = run_ukpu({"build", "--image", img, "--size", "64M", "--fs", "fat32", "--setup-bin",
                       corpus("v4-pki-amt-test-ca.bin")});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    // repair without --strict keeps FAT32: still not usable by legacy BIOSes, exit 1 saying so.
    r = run_ukpu({"repair", "--image", img, "--journal", t.path("j")});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("legacy BIOS: "), std::string::npos) << r.err;
    // Asked for UEFI only, the same key passes.
    r = run_ukpu({"repair", "--image", img, "--journal", t.path("j"), "--firmware", "uefi,mebx"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // --strict converts it to FAT16: usable by every generation.
    r = run_ukpu({"repair", "--image", img, "--journal", t.path("j"), "--strict"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(run_ukpu({"verify", "--image", img, "--firmware", "all"}).exit_code, 0);
}

}  // namespace
}  // namespace ukpu::test::generations
