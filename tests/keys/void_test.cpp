// `ukpu keys void`: by PID, key file and batch, --dry-run changing nothing, consumed records kept,
// every export leaving the voided records out (read from the files and, for scs-sql, from the
// table sqlite3 loads), and the exit codes. The store is read with sqlite3.
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "support/files.hpp"
#include "support/json.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/setupbin/consume.hpp"

namespace ukpu::test::void_test {

using keystest::capture;
using keystest::shell_quote;
using keystest::store_rows;

std::string file_text(const std::string& path) {
    const auto bytes = test::read_bytes(path);
    return std::string(bytes.begin(), bytes.end());
}

// PIDs of the store's voided records, and their reasons.
std::set<std::string> voided_pids(const std::string& db) {
    std::set<std::string> out;
    for (const auto& r : store_rows(db, "SELECT pid FROM records WHERE voided_at IS NOT NULL"))
        out.insert(r[0]);
    return out;
}

std::set<std::string> pids_where(const std::string& db, const std::string& condition) {
    std::set<std::string> out;
    for (const auto& r : store_rows(db,
                                    "SELECT r.pid FROM records r JOIN key_files f ON f.id = "
                                    "r.key_file_id WHERE " +
                                        condition))
        out.insert(r[0]);
    return out;
}

// A copy of setup.bin `path` after the firmware took `k` records.
void consume(const std::string& path, const std::string& out, int k) {
    auto bytes = test::read_bytes(path);
    for (int i = 0; i < k; ++i)
        if (!setupbin::consume_next(bytes).consumed) throw std::runtime_error("not consumed");
    test::write_bytes(out, bytes);
}

}  // namespace ukpu::test::void_test

namespace ukpu::keys {
namespace {

namespace vt = ukpu::test::void_test;
using keystest::store_rows;
using test::run_ukpu;

class KeysVoid : public ::testing::Test {
protected:
    void SetUp() override {
        test::write_text(dir_.path("cur.txt"), "admin\n");
        test::write_text(dir_.path("new.txt"), "N3w-Passw0rd!\n");
        const auto r =
            run_ukpu({"keys", "generate", "-n", "30", "--per-key", "10", "--current-password-file",
                      dir_.path("cur.txt"), "--new-password-file", dir_.path("new.txt"), "-o",
                      dir_.path("setup.bin"), "--store", db(), "--quiet"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    std::string db() const { return keystest::store_for(dir_.path("keys.db")); }
    std::string file_id(int index) const {
        return store_rows(
            db(), "SELECT id FROM key_files WHERE file_index=" + std::to_string(index))[0][0];
    }
    test::RunResult ukpu(std::vector<std::string> args) const {
        args.insert(args.end(), {"--store", db()});
        return run_ukpu(args);
    }
    test::TempDir dir_;
};

TEST_F(KeysVoid, ByPidKeyFileAndBatch) {
    const std::string pid =
        store_rows(db(),
                   "SELECT r.pid FROM records r JOIN key_files f ON f.id = r.key_file_id "
                   "WHERE f.file_index = 3 AND r.record_number = 5")[0][0];
    const std::string dashed = pid.substr(0, 4) + "-" + pid.substr(4);

    // A dry run says what it would void and changes nothing.
    const char* const all = "SELECT id, state, coalesce(voided_at, '-') FROM records ORDER BY id";
    const auto before = store_rows(db(), all);
    auto r = ukpu({"--json", "--dry-run", "keys", "void", "--pid", dashed, "--reason", "typo"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    test::Json doc = test::parse_json(r.out);
    EXPECT_EQ(doc["voided"], 1);
    EXPECT_EQ(doc["dry_run"], true);
    EXPECT_EQ(store_rows(db(), all), before);

    r = ukpu({"--json", "keys", "void", "--pid", dashed, "--reason", "stick 3 record 5 leaked"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    doc = test::parse_json(r.out);
    EXPECT_EQ(doc["ok"], true);
    EXPECT_EQ(doc["voided"], 1);
    EXPECT_EQ(doc["already_voided"], 0);
    EXPECT_EQ(doc["consumed_kept"], 0);
    EXPECT_EQ(vt::voided_pids(db()), std::set<std::string>{pid});
    EXPECT_EQ(store_rows(db(), "SELECT void_reason FROM records WHERE pid='" + pid + "'")[0][0],
              "stick 3 record 5 leaked");

    // Key file 1: its 10 records.
    r = ukpu({"keys", "void", "--key-file", file_id(1), "--reason", "stick lost"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("key file " + file_id(1) + ": 10 records voided"), std::string::npos)
        << r.err;
    auto want = vt::pids_where(db(), "f.file_index = 1");
    want.insert(pid);
    EXPECT_EQ(vt::voided_pids(db()), want);

    // A PC took 2 records of key 2 (read back by keys sync); then the whole batch: 17 voided,
    // 11 voided before, 2 consumed kept.
    vt::consume(dir_.path("setup-2.bin"), dir_.path("key2.bin"), 2);
    r = ukpu({"keys", "sync", "--setup-bin", dir_.path("key2.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = ukpu({"--dry-run", "--json", "keys", "void", "--batch", "1", "--reason", "batch leaked"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    doc = test::parse_json(r.out);
    EXPECT_EQ(doc["voided"], 17);
    EXPECT_EQ(vt::voided_pids(db()).size(), 11u);
    r = ukpu({"--json", "keys", "void", "--batch", "1", "--reason", "batch leaked"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    doc = test::parse_json(r.out);
    EXPECT_EQ(doc["voided"], 17);
    EXPECT_EQ(doc["already_voided"], 11);
    EXPECT_EQ(doc["consumed_kept"], 2);
    EXPECT_NE(r.err.find("2 consumed records kept"), std::string::npos) << r.err;
    const auto consumed = vt::pids_where(db(), "r.state = 'consumed'");
    EXPECT_EQ(consumed.size(), 2u);
    EXPECT_EQ(vt::voided_pids(db()).size(), 28u);
    for (const auto& c : consumed) EXPECT_FALSE(vt::voided_pids(db()).count(c)) << c;
    // The reasons of the records voided before are kept.
    EXPECT_EQ(store_rows(db(), "SELECT count(*) FROM records WHERE void_reason='stick lost'")[0][0],
              "10");
    // Again: nothing left to void.
    r = ukpu({"--json", "keys", "void", "--batch", "1", "--reason", "again"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(test::parse_json(r.out)["voided"], 0);
}

TEST_F(KeysVoid, ExportsLeaveVoidedRecordsOut) {
    auto r = ukpu({"keys", "void", "--key-file", file_id(2), "--reason", "stick lost"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto voided = vt::voided_pids(db());
    ASSERT_EQ(voided.size(), 10u);
    for (const std::string format : {"scs-csv", "scs-sql", "csv", "json"}) {
        const std::string out = dir_.path("out." + format);
        r = ukpu({"--json", "keys", "export", "--format", format, "--plain-pid-pps", "-o", out});
        ASSERT_EQ(r.exit_code, 0) << format << ": " << r.err;
        EXPECT_EQ(test::parse_json(r.out)["records"], 20) << format;
        EXPECT_NE(r.err.find("10 voided records left out"), std::string::npos) << r.err;
        const std::string text = vt::file_text(out);
        for (const auto& pid : voided) EXPECT_EQ(text.find(pid), std::string::npos) << format;
        for (const auto& pid : vt::pids_where(db(), "f.file_index <> 2"))
            EXPECT_NE(text.find(pid), std::string::npos) << format;
    }
    // The scs-sql loaded by sqlite3: the 20 others, none voided.
    ASSERT_EQ(keystest::capture("sqlite3 -bail " + keystest::shell_quote(dir_.path("scs.db")) +
                                " < " + keystest::shell_quote(dir_.path("out.scs-sql")))
                  .status,
              0);
    std::set<std::string> loaded;
    for (const auto& row : store_rows(dir_.path("scs.db"), "SELECT pid FROM csti_pid_map"))
        loaded.insert(row[0]);
    EXPECT_EQ(loaded, vt::pids_where(db(), "f.file_index <> 2"));
}

TEST_F(KeysVoid, ExitCodes) {
    const std::string before = store_rows(db(),
                                          "SELECT count(*) FROM records WHERE voided_at "
                                          "IS NOT NULL")[0][0];
    struct Row {
        std::vector<std::string> args;
        int code;
        std::string says;
    };
    const std::vector<Row> rows = {
        {{"--reason", "x"}, 2, "give exactly one"},
        {{"--batch", "1", "--key-file", "1", "--reason", "x"}, 2, "excludes"},
        {{"--batch", "1", "--pid", "0000-037M", "--reason", "x"}, 2, "excludes"},
        {{"--batch", "1"}, 2, "--reason is required"},
        {{"--batch", "1", "--reason", "  "}, 2, "--reason"},
        {{"--pid", "0000-037", "--reason", "x"}, 2, "--pid"},
        {{"--pid", "0000-037N", "--reason", "x"}, 2, "checksum"},
        {{"--batch", "9", "--reason", "x"}, 3, "no batch 9"},
        {{"--key-file", "99", "--reason", "x"}, 3, "no key file 99"},
        {{"--pid", "0000-037M", "--reason", "x"}, 3, "no record with PID 0000037M"},
        {{"--dry-run", "--pid", "0000-037M", "--reason", "x"}, 3, "no record with PID 0000037M"},
        {{"--dry-run", "--key-file", "99", "--reason", "x"}, 3, "no key file 99"},
    };
    for (const auto& row : rows) {
        std::vector<std::string> args = {"keys", "void"};
        args.insert(args.end(), row.args.begin(), row.args.end());
        const auto r = ukpu(args);
        EXPECT_EQ(r.exit_code, row.code) << row.args[0] << " " << row.args[1] << "\n" << r.err;
        EXPECT_NE(r.err.find(row.says), std::string::npos) << r.err;
    }
    EXPECT_EQ(store_rows(db(), "SELECT count(*) FROM records WHERE voided_at IS NOT NULL")[0][0],
              before);
    // No store at the path: exit 3, and none is created.
    const auto r = run_ukpu({"keys", "void", "--batch", "1", "--reason", "x", "--store",
                             keystest::store_for(dir_.path("none.db"))});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_FALSE(keystest::store_exists(keystest::store_for(dir_.path("none.db"))));
}

}  // namespace
}  // namespace ukpu::keys
