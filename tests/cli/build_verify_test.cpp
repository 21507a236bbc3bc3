// `ukpu build` and `ukpu verify` end to end, checked with the independent FAT tools.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "support/files.hpp"
#include "support/json.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace ukpu::test;

bool have(const char* tool) {
    return run_shell(std::string("command -v ") + tool + " >/dev/null 2>&1") == 0;
}

// Captured output of a shell command.
std::string shell_output(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (!p) return out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
    return out;
}

class EnvVar {
public:
    EnvVar(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
    ~EnvVar() { ::unsetenv(name_); }

private:
    const char* name_;
};

TEST(Build, SampleProfileMakesAStrictKeyThatToolsAndVerifyAccept) {
    if (!have("mdir") || !have("mshowfat") || !have("mcopy")) GTEST_SKIP() << "mtools missing";
    TempDir t;
    const std::string img = t.path("key.img");
    auto r = run_ukpu({"build", "--image", img, "--config", samples("pki-amt14.toml"), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const Json doc = parse_json(r.out);
    EXPECT_TRUE(doc.at("ok").get<bool>());
    EXPECT_EQ(doc.at("layout").at("scheme"), "mbr");
    EXPECT_EQ(doc.at("layout").at("fs"), "FAT16");
    EXPECT_EQ(doc.at("layout").at("volume_first_sector"), 2048);
    EXPECT_TRUE(doc.at("read_back_identical").get<bool>());
    EXPECT_TRUE(doc.at("verify").at("generations").at("legacy").at("usable").get<bool>());
    EXPECT_TRUE(doc.at("verify").at("generations").at("uefi").at("usable").get<bool>());
    EXPECT_EQ(std::filesystem::file_size(img), 64u * 1024 * 1024);  // the default --size

    // mtools: SETUP.BIN is the first root entry, one run from cluster 2, the same bytes as
    // `setupbin create` writes from the same profile.
    const std::string mt = img + "@@1M";
    EXPECT_NE(shell_output("mshowfat -i " + mt + " ::SETUP.BIN").find("::/SETUP.BIN <2"),
              std::string::npos);
    ASSERT_EQ(run_ukpu({"setupbin", "create", "--config", samples("pki-amt14.toml"), "-o",
                        t.path("ref.bin")})
                  .exit_code,
              0);
    ASSERT_EQ(run_shell("mcopy -n -i " + mt + " ::SETUP.BIN " + t.path("back.bin")), 0);
    EXPECT_EQ(read_bytes(t.path("back.bin")), read_bytes(t.path("ref.bin")));

    auto v = run_ukpu({"verify", "--image", img});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    EXPECT_NE(v.out.find("legacy: finds root slot 0"), std::string::npos) << v.out;
}

TEST(Build, SetupBinFileUnderAnyNameBecomesSETUPBIN) {
    if (!have("mdir")) GTEST_SKIP() << "mtools missing";
    TempDir t;
    const std::string img = t.path("k.img");
    std::filesystem::copy_file(corpus("v4-pki-amt-test-ca.bin"), t.path("my key (1).dat"));
    auto r = run_ukpu(
        {"build", "--image", img, "--size", "32M", "--setup-bin", t.path("my key (1).dat")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(run_shell("mcopy -n -i " + img + "@@1M ::SETUP.BIN " + t.path("b.bin")), 0);
    EXPECT_EQ(read_bytes(t.path("b.bin")), read_bytes(corpus("v4-pki-amt-test-ca.bin")));
}

TEST(Build, ReproducibleWithSourceDateEpoch) {
    TempDir t;
    EnvVar epoch("SOURCE_DATE_EPOCH", "1700000000");
    for (const char* name : {"a.img", "b.img"})
        ASSERT_EQ(run_ukpu({"build", "--image", t.path(name), "--size", "16M", "--setup-bin",
                            corpus("v4-pki-amt-test-ca.bin")})
                      .exit_code,
                  0);
    EXPECT_EQ(read_bytes(t.path("a.img")), read_bytes(t.path("b.img")));
    ASSERT_EQ(run_ukpu({"build", "--image", t.path("c.img"), "--size", "16M", "--setup-bin",
                        corpus("v4-pki-amt-test-ca.bin"), "--volume-id", "DEADBEEF"})
                  .exit_code,
              0);
    EXPECT_NE(read_bytes(t.path("a.img")), read_bytes(t.path("c.img")));
}

TEST(Build, RefusalsWriteNothing) {
    TempDir t;
    const std::string img = t.path("k.img");
    // Asked to serve the modern MEBx, the checker rejects the ACU default file (manual setup,
    // 2/29 = 1): refused, no image. (Without --firmware the file is for older AMT: judged by
    // legacy and UEFI BIOSes, tests/cli/generations_test.cpp.)
    auto r = run_ukpu({"build", "--image", img, "--setup-bin", corpus("acu-12.1-default.bin"),
                       "--firmware", "all"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("2/29"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(img));
    // A malformed file is bad input.
    r = run_ukpu({"build", "--image", img, "--setup-bin",
                  std::string(UKPU_TEST_DATA_DIR) + "/malformed/zero-header-chunks.bin"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("RecordChunkCount"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(img));
    // Dry run: the plan, no file.
    r = run_ukpu(
        {"build", "--image", img, "--setup-bin", corpus("v4-pki-amt-test-ca.bin"), "--dry-run"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("would write"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(img));
    // An existing image is not replaced without --overwrite.
    write_text(img, "precious");
    r = run_ukpu({"build", "--image", img, "--setup-bin", corpus("v4-pki-amt-test-ca.bin")});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_EQ(read_bytes(img).size(), 8u);
    r = run_ukpu(
        {"build", "--image", img, "--overwrite", "--setup-bin", corpus("v4-pki-amt-test-ca.bin")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // A layout that cannot be made: FAT32 on 16 MiB.
    r = run_ukpu({"build", "--image", t.path("x.img"), "--size", "16M", "--fs", "fat32",
                  "--setup-bin", corpus("v4-pki-amt-test-ca.bin")});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("FAT32"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(t.path("x.img")));
    // Neither --image nor --device, or both.
    EXPECT_EQ(run_ukpu({"build", "--setup-bin", corpus("v4-pki-amt-test-ca.bin")}).exit_code, 2);
}

TEST(Build, DevicesMustBeBlockDevicesAndConfirmed) {
    TempDir t;
    write_text(t.path("file"), "x");
    auto r = run_ukpu({"build", "--device", t.path("file"), "--setup-bin",
                       corpus("v4-pki-amt-test-ca.bin"), "--yes"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("not a block device"), std::string::npos) << r.err;
    if (::geteuid() != 0 || !have("losetup")) GTEST_SKIP() << "loop devices need root";
    // A loop device is a disk that is not USB: written only with --allow-non-usb and its name
    // (--confirm, no terminal here), then verified through the device path with 512- and
    // 4096-byte logical sectors.
    for (const char* ss : {"512", "4096"}) {
        SCOPED_TRACE(ss);
        const std::string img = t.path(std::string("stick") + ss + ".img");
        ASSERT_EQ(run_shell("truncate -s 128M " + img), 0);
        std::string loop = shell_output("losetup -f --show -b " + std::string(ss) + " " + img);
        loop = loop.substr(0, loop.find('\n'));
        ASSERT_EQ(loop.rfind("/dev/loop", 0), 0u) << loop;
        struct Detach {
            std::string dev;
            ~Detach() { run_shell("losetup -d " + dev); }
        } detach{loop};
        r = run_ukpu({"build", "--device", loop, "--setup-bin", corpus("v4-pki-amt-test-ca.bin")});
        EXPECT_EQ(r.exit_code, 4) << r.err;  // not confirmed
        r = run_ukpu({"build", "--device", loop, "--setup-bin", corpus("v4-pki-amt-test-ca.bin"),
                      "--allow-non-usb", "--confirm", loop, "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        const Json doc = parse_json(r.out);
        EXPECT_EQ(doc.at("keys").at(0).at("layout").at("sector_size"), std::stod(ss));
        auto v = run_ukpu({"verify", "--device", loop});
        EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    }
}

// A loop device may be an admin's VM disk or backup image attached with losetup: --yes alone
// never writes it, and neither does --allow-non-usb without its name.
TEST(Build, ALoopDeviceIsNotWrittenAfterYesAlone) {
    if (::geteuid() != 0 || !have("losetup")) GTEST_SKIP() << "loop devices need root";
    TempDir t;
    const std::string img = t.path("vm-disk.img");
    ASSERT_EQ(run_shell("head -c 1M /dev/urandom > " + img + " && truncate -s 64M " + img), 0);
    const auto before = read_bytes(img);
    std::string loop = shell_output("losetup -f --show " + img);
    loop = loop.substr(0, loop.find('\n'));
    ASSERT_EQ(loop.rfind("/dev/loop", 0), 0u) << loop;
    struct Detach {
        std::string dev;
        ~Detach() { run_shell("losetup -d " + dev); }
    } detach{loop};
    const std::string backing = std::filesystem::canonical(img).string();
    auto build = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"build", "--device", loop, "--setup-bin",
                                         corpus("v4-pki-amt-test-ca.bin")};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_ukpu(args);
    };
    auto r = build({"--yes"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find(loop + ": not USB: a loop device (backed by " + backing + ")"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("--allow-non-usb"), std::string::npos) << r.err;
    r = build({"--allow-non-usb", "--yes"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("not confirmed: a loop device (backed by " + backing + ")"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("--yes is not enough"), std::string::npos) << r.err;
    // A --confirm naming another device is a usage error, even beside one naming this one.
    r = build({"--allow-non-usb", "--confirm", loop, "--confirm", "/dev/sdz"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--confirm /dev/sdz: names no device being written"), std::string::npos)
        << r.err;
    EXPECT_TRUE(read_bytes(img) == before) << "the loop device was written";
}

TEST(Verify, NamesTheDefectsOfAKeyMadeWithMkfsAndMtools) {
    if (!have("mkfs.fat") || !have("mcopy")) GTEST_SKIP() << "dosfstools or mtools missing";
    TempDir t;
    const std::string img = t.path("k.img");
    ASSERT_EQ(run_shell("truncate -s 64M " + img + " && mkfs.fat -F 16 -n MYKEY " + img +
                        " >/dev/null && mcopy -i " + img + " " + corpus("v4-pki-amt-test-ca.bin") +
                        " ::setup.bin"),
              0);
    auto r = run_ukpu({"verify", "--image", img, "--json"});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    const Json doc = parse_json(r.out);
    EXPECT_FALSE(doc.at("ok").get<bool>());
    EXPECT_FALSE(doc.at("generations").at("legacy").at("found").get<bool>());
    EXPECT_TRUE(doc.at("generations").at("uefi").at("usable").get<bool>());
    bool label = false, lower = false;
    for (const auto& p : doc.at("problems")) {
        if (p.at("defect").get<std::string>() == "label-entry-first") label = true;
        if (p.at("defect").get<std::string>() == "lowercase-name") lower = true;
        if (p.at("defect").get<std::string>() != "content") {  // layout defects: repair fixes them
            EXPECT_NE(p.at("fix").get<std::string>().find("ukpu repair"), std::string::npos)
                << p.at("message").get<std::string>();
        }
    }
    EXPECT_TRUE(label);
    EXPECT_TRUE(lower);
    // Only the UEFI generation asked for: that one finds it.
    EXPECT_EQ(run_ukpu({"verify", "--image", img, "--firmware", "uefi"}).exit_code, 0);
    // Not a key at all, or no image: malformed or missing input.
    write_text(t.path("junk.img"), std::string(4096, 'j'));
    EXPECT_EQ(run_ukpu({"verify", "--image", t.path("junk.img")}).exit_code, 3);
    EXPECT_EQ(run_ukpu({"verify", "--image", t.path("missing.img")}).exit_code, 3);
}

}  // namespace
