// `ukpu keys export --format scs-sql --upsert`: generate, export, load into a database; records
// consumed (the firmware's consumption on the setup.bin bytes, read back by keys sync) and voided;
// export again and load it twice: the table equals the store's exportable records row for row
// (as sqlite3 reads the store), voided ones deleted, used set for the consumed ones. The same
// against SQLite (sqlite3) and a real PostgreSQL server started in a temporary directory (skipped
// only when PostgreSQL is not installed; scripts/setup installs it).
#include <unistd.h>

#include <filesystem>
#include <functional>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "local_postgres.hpp"
#include "support/files.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/setupbin/consume.hpp"

namespace ukpu::test::upsert_test {

using keystest::capture;
using keystest::shell_quote;
using keystest::store_rows;

using Rows = std::vector<std::vector<std::string>>;

// What csti_pid_map must hold after the last load: the records of written key files that left
// `generated` and were not voided, used 1 when consumed; PID and PPS without dashes.
Rows expected_rows(const std::string& db) {
    return store_rows(db,
                      "SELECT r.id, r.pid, r.pps, r.current_password, r.new_password, "
                      "CASE WHEN r.state = 'consumed' THEN 1 ELSE 0 END FROM records r JOIN "
                      "key_files f ON f.id = r.key_file_id WHERE f.state = 'written' AND "
                      "r.state <> 'generated' AND r.voided_at IS NULL ORDER BY r.id");
}

// `rows` with the dashes taken out of the PID and PPS columns.
Rows plain(Rows rows) {
    for (auto& r : rows) {
        r[1] = keystest::remove_dashes(r[1]);
        r[2] = keystest::remove_dashes(r[2]);
    }
    return rows;
}

void consume(const std::string& path, const std::string& out, int k) {
    auto bytes = test::read_bytes(path);
    for (int i = 0; i < k; ++i)
        if (!setupbin::consume_next(bytes).consumed) throw std::runtime_error("not consumed");
    test::write_bytes(out, bytes);
}

using keystest::LocalPostgres;
using keystest::postgres_bin;

constexpr const char* table_query =
    "SELECT id, pid, pps, current_password, admin_password, used FROM csti_pid_map ORDER BY id";

// One database to load the exports into and read back.
struct Target {
    std::function<void(const std::string&)> load;
    std::function<Rows()> rows;
};

// The whole life against `target`: generate 300 records on 3 keys, export --upsert and load;
// then 4 records consumed on key 2 and synced, key 3 and one record of key 1 voided (a PC had
// taken one of key 3's: it stays, used), export --upsert, load twice; each time the table equals
// the store. `form` is --plain-pid-pps or nothing.
void run_life(const test::TempDir& dir, const Target& target, bool plain_form) {
    const std::string db = keystest::store_for(dir.path("keys.db"));
    test::write_text(dir.path("cur.txt"), "it's-admin\n");
    auto r =
        test::run_ukpu({"keys", "generate", "-n", "300", "--per-key", "100",
                        "--random-new-password", "--current-password-file", dir.path("cur.txt"),
                        "-o", dir.path("setup.bin"), "--store", db, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto export_upsert = [&](const std::string& out) {
        std::vector<std::string> args = {"keys", "export", "--format", "scs-sql", "--upsert",
                                         "-o",   out,      "--store",  db,        "--quiet"};
        if (plain_form) args.push_back("--plain-pid-pps");
        const auto e = test::run_ukpu(args);
        ASSERT_EQ(e.exit_code, 0) << e.err;
    };
    auto table = [&] { return plain_form ? target.rows() : plain(target.rows()); };

    export_upsert(dir.path("first.sql"));
    target.load(dir.path("first.sql"));
    ASSERT_EQ(expected_rows(db).size(), 300u);
    EXPECT_EQ(table(), expected_rows(db));
    if (!plain_form) {
        const Rows raw = target.rows();
        ASSERT_FALSE(raw.empty());
        EXPECT_EQ(raw[0][1].size(), 9u) << "dashed PID";
        EXPECT_EQ(raw[0][2].size(), 39u) << "dashed PPS";
    }

    // 4 PCs took a record of key 2, 1 of key 3: read back from the keys by keys sync.
    consume(dir.path("setup-2.bin"), dir.path("key2.bin"), 4);
    consume(dir.path("setup-3.bin"), dir.path("key3.bin"), 1);
    for (const std::string key : {"key2.bin", "key3.bin"}) {
        r = test::run_ukpu({"keys", "sync", "--setup-bin", dir.path(key), "--store", db});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    const std::string key3 = store_rows(db, "SELECT id FROM key_files WHERE file_index=3")[0][0];
    r = test::run_ukpu(
        {"keys", "void", "--key-file", key3, "--reason", "stick lost", "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string pid1 = store_rows(db, "SELECT pid FROM records WHERE id=7")[0][0];
    r = test::run_ukpu({"keys", "void", "--pid", pid1, "--reason", "typo", "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(store_rows(db, "SELECT count(*) FROM records WHERE voided_at IS NOT NULL")[0][0],
              "100");

    export_upsert(dir.path("second.sql"));
    const Rows want = expected_rows(db);
    ASSERT_EQ(want.size(), 200u);  // 300 - 99 of key 3 - 1 of key 1
    for (int load = 1; load <= 2; ++load) {
        target.load(dir.path("second.sql"));
        EXPECT_EQ(table(), want) << "after load " << load;
    }
    std::size_t used = 0;
    for (const auto& row : table()) used += row[5] == "1";
    EXPECT_EQ(used, 5u);
    for (const auto& row : table()) EXPECT_NE(row[0], "7") << "voided record 7 is still there";

    // The first export loaded again, then the second: back to the store (an old file does not
    // leave the table behind once the newest is loaded).
    target.load(dir.path("first.sql"));
    target.load(dir.path("second.sql"));
    EXPECT_EQ(table(), want);
}

}  // namespace ukpu::test::upsert_test

namespace ukpu::keys {
namespace {

namespace ut = ukpu::test::upsert_test;
using keystest::store_rows;

TEST(KeysUpsert, ConvergesInSqlite) {
    for (const bool plain_form : {false, true}) {
        SCOPED_TRACE(plain_form ? "--plain-pid-pps" : "dashed");
        test::TempDir dir;
        const std::string table = dir.path("server.db");
        ut::Target target{[&](const std::string& sql) {
                              const auto c = keystest::capture("sqlite3 -bail " +
                                                               keystest::shell_quote(table) +
                                                               " < " + keystest::shell_quote(sql));
                              ASSERT_EQ(c.status, 0) << sql;
                          },
                          [&] { return store_rows(table, ut::table_query); }};
        ut::run_life(dir, target, plain_form);
    }
}

TEST(KeysUpsert, UsedNeverGoesBackAndOtherFormatsAreRefused) {
    test::TempDir dir;
    const std::string db = keystest::store_for(dir.path("keys.db"));
    test::write_text(dir.path("cur.txt"), "admin\n");
    auto r = test::run_ukpu({"keys", "generate", "-n", "5", "--random-new-password",
                             "--current-password-file", dir.path("cur.txt"), "-o",
                             dir.path("setup.bin"), "--store", db, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = test::run_ukpu({"keys", "export", "--format", "scs-sql", "--upsert", "-o",
                        dir.path("u.sql"), "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string server = dir.path("server.db");
    auto load = [&](const std::string& sql) {
        return keystest::capture("sqlite3 -bail " + keystest::shell_quote(server) + " < " +
                                 keystest::shell_quote(sql))
            .status;
    };
    ASSERT_EQ(load(dir.path("u.sql")), 0);
    // The server marked record 2 used on its own (a PC provisioned with it before its key was
    // synced): loading the store's view again keeps it used.
    ASSERT_EQ(keystest::capture("sqlite3 " + keystest::shell_quote(server) +
                                " 'UPDATE csti_pid_map SET used = 1 WHERE id = 2'")
                  .status,
              0);
    ASSERT_EQ(load(dir.path("u.sql")), 0);
    EXPECT_EQ(store_rows(server, "SELECT id FROM csti_pid_map WHERE used = 1"), (ut::Rows{{"2"}}));
    EXPECT_EQ(store_rows(server, "SELECT count(*) FROM csti_pid_map")[0][0], "5");

    // --upsert belongs to scs-sql: a usage error, no file written.
    for (const std::string format : {"scs-csv", "csv", "json"}) {
        r = test::run_ukpu({"keys", "export", "--format", format, "--upsert", "-o",
                            dir.path("x." + format), "--store", db});
        EXPECT_EQ(r.exit_code, 2) << format << ": " << r.err;
        EXPECT_NE(r.err.find("--upsert: only with --format scs-sql"), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(dir.path("x." + format)));
    }
    // The plain scs-sql stays plain INSERTs.
    r = test::run_ukpu(
        {"keys", "export", "--format", "scs-sql", "-o", dir.path("plain.sql"), "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto bytes = test::read_bytes(dir.path("plain.sql"));
    const std::string text(bytes.begin(), bytes.end());
    EXPECT_EQ(text.find("ON CONFLICT"), std::string::npos);
    EXPECT_EQ(text.find("DELETE"), std::string::npos);
}

TEST(KeysUpsert, ConvergesInPostgres) {
    const std::string bin = ut::postgres_bin();
    if (bin.empty())
        GTEST_SKIP() << "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
                        "scripts/setup installs it";
    for (const bool plain_form : {false, true}) {
        SCOPED_TRACE(plain_form ? "--plain-pid-pps" : "dashed");
        test::TempDir dir;
        ut::LocalPostgres pg(bin);
        ut::Target target{[&](const std::string& sql) { pg.load(sql); },
                          [&] { return pg.rows(ut::table_query); }};
        ut::run_life(dir, target, plain_form);
    }
}

}  // namespace
}  // namespace ukpu::keys
