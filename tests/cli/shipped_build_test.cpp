// The shipped `ukpu` reads no test setting: with UKPU_SYSFS_ROOT, UKPU_MOUNTINFO, UKPU_SWAPS and
// the fault variables set, it still sees the real machine and writes sticks in full, while the
// test build (ukpu-test, which the other tests run) takes them. Each check runs both programs
// with the same environment, so that it fails if the variables stop working or start leaking.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "support/fake_machine.hpp"
#include "support/files.hpp"
#include "support/json.hpp"
#include "support/loop_stick.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace ukpu::test;

std::string read_text(const std::string& path) {
    const auto b = read_bytes(path);
    return std::string(b.begin(), b.end());
}

// Runs the shipped ukpu (the default build's program) with `args`.
RunResult run_shipped(const std::vector<std::string>& args) {
    TempDir t;
    std::string cmd = UKPU_SHIPPED_BINARY;
    for (const auto& a : args) cmd += " '" + a + "'";
    cmd += " >" + t.path("out") + " 2>" + t.path("err") + " </dev/null";
    RunResult r;
    r.exit_code = run_shell(cmd);
    r.out = read_text(t.path("out"));
    r.err = read_text(t.path("err"));
    return r;
}

const std::string fake_serial = "4C530001230915117075";  // the fake machine's /dev/sdb

TEST(ShippedBuild, ListsTheRealMachineWhateverTheTestVariablesSay) {
    FakeMachine m;
    const RunResult hooked = run_ukpu({"devices", "--all", "--json"});
    ASSERT_EQ(hooked.exit_code, 0) << hooked.err;
    ASSERT_NE(hooked.out.find(fake_serial), std::string::npos) << hooked.out;
    ASSERT_NE(hooked.out.find("UKPU_SYSFS_ROOT"), std::string::npos) << hooked.out;

    const RunResult shipped = run_shipped({"devices", "--all", "--json"});
    ASSERT_EQ(shipped.exit_code, 0) << shipped.err;
    (void)parse_json(shipped.out);
    EXPECT_EQ(shipped.out.find(fake_serial), std::string::npos) << shipped.out;
    EXPECT_EQ(shipped.out.find("UKPU_SYSFS_ROOT"), std::string::npos) << shipped.out;
}

TEST(ShippedBuild, ChecksTheRealDiskNotTheFakeStick) {
    FakeMachine m;
    TempDir t;
    ASSERT_EQ(run_ukpu({"setupbin", "create", "--config", samples("pki-amt14.toml"), "-o",
                        t.path("setup.bin")})
                  .exit_code,
              0);
    // No --yes and no terminal: neither program writes anything; each says what it found.
    const std::vector<std::string> args = {"build", "--device", "/dev/sdb", "--setup-bin",
                                           t.path("setup.bin")};
    // The test build takes /dev/sdb for the fake machine's removable USB stick and asks to
    // confirm it, showing its identity.
    const RunResult hooked = run_ukpu(args);
    ASSERT_EQ(hooked.exit_code, 4) << hooked.err;
    ASSERT_NE(hooked.err.find(fake_serial), std::string::npos) << hooked.err;
    // The shipped program looks at this machine's /dev/sdb, whatever it is (usually nothing).
    const RunResult shipped = run_shipped(args);
    EXPECT_NE(shipped.exit_code, 0) << shipped.err;
    EXPECT_EQ(shipped.out.find(fake_serial), std::string::npos) << shipped.out;
    EXPECT_EQ(shipped.err.find(fake_serial), std::string::npos) << shipped.err;
}

TEST(ShippedBuild, WritesAStickInFullWhateverTheFaultVariablesSay) {
    if (::geteuid() != 0 || run_shell("command -v losetup >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "loop devices need root";
    TempDir t;
    LoopStick a(t.path("a.img"), 32);
    LoopStick b(t.path("b.img"), 32);
    ASSERT_TRUE(a.ok() && b.ok()) << "losetup failed";
    ASSERT_EQ(run_ukpu({"setupbin", "create", "--config", samples("pki-amt14.toml"), "-o",
                        t.path("setup.bin")})
                  .exit_code,
              0);
    ScopedEnv fail("UKPU_FAIL_AFTER_WRITES", "1");
    auto build = [&](const std::string& loop) {
        const std::string name = loop.substr(loop.rfind('/') + 1);
        return std::vector<std::string>{"build", "--device",        loop,
                                        "--yes", "--allow-non-usb", "--confirm",
                                        name,    "--setup-bin",     t.path("setup.bin")};
    };
    // The test build injects the failure after the first write request.
    const RunResult hooked = run_ukpu(build(a.loop()));
    EXPECT_EQ(hooked.exit_code, 5) << hooked.err;
    EXPECT_NE(hooked.err.find("injected by UKPU_FAIL_AFTER_WRITES"), std::string::npos)
        << hooked.err;
    // The shipped program writes the whole key and verifies it.
    const RunResult shipped = run_shipped(build(b.loop()));
    EXPECT_EQ(shipped.exit_code, 0) << shipped.err;
    EXPECT_EQ(shipped.err.find("injected"), std::string::npos) << shipped.err;
    const RunResult verify = run_ukpu({"verify", "--device", b.loop()});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

}  // namespace
