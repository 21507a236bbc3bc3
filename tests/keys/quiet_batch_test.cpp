// Summaries, not floods: a 1,000-record PID/PPS batch onto three loop-device sticks says what
// matters in fewer than 20 lines on stderr and exits 0; --quiet says nothing on success; the same
// finding on many records is one line with a count; a build from a many-record file says each
// warning once.
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "keys_test_util.hpp"
#include "support/fake_machine.hpp"
#include "support/files.hpp"
#include "support/loop_stick.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::test::quiet_batch {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

class QuietBatch : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0 || run_shell("command -v losetup >/dev/null 2>&1") != 0)
            GTEST_SKIP() << "loop devices need root";
        for (int i = 0; i < 3; ++i) {
            const std::string name = "sd" + std::string(1, static_cast<char>('x' + i));
            sticks_.push_back(std::make_unique<LoopStick>(t_.path(name + ".img"), 32));
            ASSERT_TRUE(sticks_.back()->ok()) << "losetup failed";
            sticks_.back()->dress_as_usb_stick(m_.f, name, "QUIET000" + std::to_string(i),
                                               "4-" + std::to_string(i + 1), 20 + i);
        }
        write_text(t_.path("current.txt"), "admin\n");
    }
    RunResult generate(const std::string& store, std::vector<std::string> flags) {
        std::vector<std::string> args = {"keys",
                                         "generate",
                                         "-n",
                                         "1000",
                                         "--per-key",
                                         "334",
                                         "--store",
                                         t_.path(store),
                                         "--current-password-file",
                                         t_.path("current.txt"),
                                         "--random-new-password",
                                         "--yes"};
        for (const auto& s : sticks_) args.insert(args.end(), {"--device", s->loop()});
        args.insert(args.end(), flags.begin(), flags.end());
        return run_ukpu(args);
    }

    TempDir t_;
    FakeMachine m_;
    std::vector<std::unique_ptr<LoopStick>> sticks_;  // detached before t_ goes
};

TEST_F(QuietBatch, AThousandRecordsOnThreeSticksInFewerThanTwentyLines) {
    const RunResult r = generate("keys.db", {});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto lines = lines_of(r.err);
    EXPECT_LT(lines.size(), 20u) << r.err;
    EXPECT_NE(r.err.find("3 of 3 sticks"), std::string::npos) << r.err;
    // Every line once: no finding repeated per record or per stick.
    std::map<std::string, int> seen;
    for (const auto& l : lines) ++seen[l];
    for (const auto& [l, n] : seen) EXPECT_EQ(n, 1) << l;
    // No doubled severities.
    EXPECT_EQ(r.err.find("warning: WARNING"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("error: error"), std::string::npos) << r.err;
    // Nothing secret on the way.
    EXPECT_EQ(r.out.find("PPS"), std::string::npos);

    // Each stick holds its records: read back through the command line.
    for (const auto& s : sticks_) {
        const RunResult v = run_ukpu({"verify", "--device", s->loop()});
        EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    }
}

TEST_F(QuietBatch, QuietSaysNothingOnSuccessAndVerboseListsEveryRecord) {
    const RunResult q = generate("quiet.db", {"--quiet"});
    ASSERT_EQ(q.exit_code, 0) << q.err;
    EXPECT_TRUE(lines_of(q.err).empty()) << q.err;

    // A file whose records share one finding: the summary names a count and the first records;
    // --verbose lists them all.
    const std::string file = t_.path("batch.bin");
    ASSERT_EQ(run_ukpu({"keys", "generate", "-n", "300", "--store",
                        keystest::store_for(t_.path("f.db")), "--current-password-file",
                        t_.path("current.txt"), "--random-new-password", "-o", file})
                  .exit_code,
              0);
    const RunResult all = run_ukpu({"setupbin", "check", file, "--firmware", "all"});
    EXPECT_EQ(all.exit_code, 1);
    const auto summary = lines_of(all.out);
    EXPECT_LT(summary.size(), 20u) << all.out;
    EXPECT_NE(all.out.find("(300)"), std::string::npos) << all.out;
    const RunResult verbose =
        run_ukpu({"--verbose", "setupbin", "check", file, "--firmware", "all"});
    EXPECT_NE(verbose.out.find("1-300"), std::string::npos) << verbose.out;

    // A build from a many-record file says each warning once.
    const RunResult b =
        run_ukpu({"build", "--image", t_.path("k.img"), "--size", "16M", "--setup-bin", file});
    EXPECT_EQ(b.exit_code, 0) << b.err;
    std::map<std::string, int> seen;
    for (const auto& l : lines_of(b.err)) ++seen[l];
    for (const auto& [l, n] : seen) EXPECT_EQ(n, 1) << l << "\n" << b.err;
    EXPECT_LT(lines_of(b.err).size(), 20u) << b.err;
}

}  // namespace
}  // namespace ukpu::test::quiet_batch
