// The key store: a new file is 0600 with ukpu's application_id and schema version (read with the
// sqlite3 tool), foreign databases and newer schemas are refused untouched, a duplicate PID
// rolls the whole batch back.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/keys/batch_builder.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/exports.hpp"
#include "ukpu/keys/key_store.hpp"
#include "ukpu/keys/key_store_schema.hpp"
#include "ukpu/keys/staged_store.hpp"

namespace ukpu::keys {
namespace {

using keystest::capture;
using keystest::file_mode;
using keystest::shell_quote;
using keystest::sqlite_rows;
using keystest::store_rows;

NewBatch small_batch(std::uint32_t n, const std::string& target) {
    BatchRequest req;
    req.count = n;
    req.current_password = "admin";
    auto files = build_batch(req);
    NewBatch nb;
    nb.ukpu_version = "test";
    nb.file_version = "2.1";
    nb.settings = "{}";
    NewKeyFile f;
    f.target = target;
    f.sha256 = files[0].sha256;
    f.records = files[0].records;
    nb.files.push_back(f);
    return nb;
}

std::string file_text(const std::string& path) {
    auto b = test::read_bytes(path);
    return std::string(b.begin(), b.end());
}

TEST(KeyStore, NewStoreIsPrivateAndMarked) {
    if (keystest::on_postgresql()) GTEST_SKIP() << "a SQLite file's own (postgres_store_test.cpp)";
    test::TempDir dir;
    const std::string path = dir.path("sub/dir/keys.db");
    { KeyStore store(path); }
    EXPECT_EQ(file_mode(path), 0600u);
    EXPECT_EQ(file_mode(dir.path("sub/dir")), 0700u);
    EXPECT_EQ(store_rows(path, "PRAGMA application_id")[0][0],
              std::to_string(store_application_id));
    EXPECT_EQ(store_rows(path, "PRAGMA user_version")[0][0], std::to_string(store_schema_version));
    EXPECT_EQ(store_rows(path, "PRAGMA journal_mode")[0][0], "wal");
    EXPECT_EQ(store_rows(path, "PRAGMA page_size")[0][0], "16384");
    // Reopening migrates nothing and keeps the data.
    {
        KeyStore store(path);
        store.add_batch(small_batch(3, "a"));
        // The WAL and shared-memory files SQLite makes take the store's mode.
        EXPECT_EQ(file_mode(path + "-wal"), 0600u);
        EXPECT_EQ(file_mode(path + "-shm"), 0600u);
    }
    // A store whose mode was widened is narrowed again when opened.
    std::filesystem::permissions(path, std::filesystem::perms(0644));
    KeyStore again(path);
    EXPECT_EQ(file_mode(path), 0600u);
    EXPECT_EQ(again.records().size(), 3u);
    EXPECT_EQ(again.schema_version(), store_schema_version);
}

TEST(KeyStore, OpeningAnExistingStoreCreatesNothing) {
    if (keystest::on_postgresql()) GTEST_SKIP() << "a SQLite file's own (postgres_store_test.cpp)";
    test::TempDir dir;
    const std::string path = dir.path("sub/keys.db");
    try {
        KeyStore store(path, OpenMode::existing);
        FAIL() << "opened a store that is not there";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_found);
        EXPECT_EQ(e.where(), path);
        EXPECT_NE(e.message().find("no key store here"), std::string::npos) << e.message();
    }
    EXPECT_FALSE(std::filesystem::exists(dir.path("sub")));
    // An empty file is nobody's store: refused, and left empty.
    test::write_text(dir.path("empty.db"), "");
    try {
        KeyStore store(dir.path("empty.db"), OpenMode::existing);
        FAIL() << "took an empty file for a store";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_a_store) << e.what();
    }
    EXPECT_EQ(std::filesystem::file_size(dir.path("empty.db")), 0u);
    // A store that is there opens, with its data.
    { KeyStore(path).add_batch(small_batch(2, "a")); }
    KeyStore again(path, OpenMode::existing);
    EXPECT_EQ(again.records().size(), 2u);
}

TEST(KeyStore, AVersion1StoreIsMigratedKeepingItsRecords) {
    if (keystest::on_postgresql()) GTEST_SKIP() << "a SQLite file's own (postgres_store_test.cpp)";
    test::TempDir dir;
    const std::string path = dir.path("v1.db");
    // A store as the first schema left it, made with the sqlite3 tool from migration 0 alone.
    const std::string v1 = std::string(store_migrations()[0]);
    test::write_text(dir.path("v1.sql"),
                     v1 +
                         "INSERT INTO batches VALUES (1, '2026-01-01T00:00:00Z', '0.1.0', '2.1', "
                         "1, '{}');\n"
                         "INSERT INTO key_files VALUES (1, 1, 1, '/tmp/setup.bin', 'ab', 1, 1);\n"
                         "INSERT INTO records VALUES (1, 1, 1, 1, 'ABCD1234', "
                         "'0123456789ABCDEFGHJKLMNPQRSTUVWX', 'admin', 'N3w-Passw0rd!', 'on-key', "
                         "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');\n"
                         "PRAGMA application_id=" +
                         std::to_string(store_application_id) + ";\nPRAGMA user_version=1;\n");
    ASSERT_EQ(
        capture("sqlite3 " + shell_quote(path) + " < " + shell_quote(dir.path("v1.sql"))).status,
        0);
    ::chmod(path.c_str(), 0600);
    {
        KeyStore store(path);
        EXPECT_EQ(store.schema_version(), store_schema_version);
        const auto b = store.batch(1);
        ASSERT_EQ(b.files.size(), 1u);
        EXPECT_FALSE(b.files[0].device.has_value());  // a file, not a stick
        EXPECT_EQ(store.records().at(0).pid, "ABCD1234");
        // The new columns take a stick's identity.
        NewBatch nb = small_batch(2, "s");
        nb.files[0].device = StickIdentity{"SER1", "SanDisk", "Cruzer", 64ull << 20, "3-2"};
        const auto added = store.add_batch(nb);
        ASSERT_TRUE(added.files[0].device.has_value());
        EXPECT_EQ(added.files[0].device->serial, "SER1");
        EXPECT_EQ(added.files[0].device->size, 64ull << 20);
        store.mark_file_written(added.files[0].id);
        EXPECT_EQ(store.batch(added.id).on_key, 2u);
    }
    EXPECT_EQ(store_rows(path, "PRAGMA user_version")[0][0], std::to_string(store_schema_version));
    EXPECT_EQ(store_rows(path,
                         "SELECT device_serial, device_bus_path FROM key_files WHERE "
                         "device_serial IS NOT NULL")[0],
              (std::vector<std::string>{"SER1", "3-2"}));
}

TEST(KeyStore, AVersion2StoreIsMigratedInPlace) {
    if (keystest::on_postgresql()) GTEST_SKIP() << "a SQLite file's own (postgres_store_test.cpp)";
    test::TempDir dir;
    const std::string path = dir.path("v2.db");
    // A store as schema 2 left it: key file 1 written to a file, key file 2 to a stick that
    // failed (its records never left 'generated').
    const std::string v2 = std::string(store_migrations()[0]) + std::string(store_migrations()[1]);
    const std::string record = "'0123456789ABCDEFGHJKLMNPQRSTUVWX', 'admin', 'N3w-Passw0rd!', ";
    const std::string at = "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');\n";
    test::write_text(
        dir.path("v2.sql"),
        v2 + "INSERT INTO batches VALUES (1, '2026-01-01T00:00:00Z', '0.1.0', '2.1', 2, '{}');\n" +
            "INSERT INTO key_files VALUES (1, 1, 1, '/tmp/setup-1.bin', 'ab', 1, 1, NULL, NULL, "
            "NULL, NULL, NULL);\n" +
            "INSERT INTO key_files VALUES (2, 1, 2, '/dev/sdx', 'cd', 2, 2, 'SER1', 'SanDisk', "
            "'Cruzer', 67108864, '3-2');\n" +
            "INSERT INTO records VALUES (1, 1, 1, 1, 'ABCD1234', " + record + "'consumed', " + at +
            "INSERT INTO records VALUES (2, 1, 2, 1, 'EFGH5678', " + record + "'generated', " + at +
            "PRAGMA application_id=" + std::to_string(store_application_id) +
            ";\nPRAGMA user_version=2;\n");
    ASSERT_EQ(
        capture("sqlite3 " + shell_quote(path) + " < " + shell_quote(dir.path("v2.sql"))).status,
        0);
    ::chmod(path.c_str(), 0600);
    {
        KeyStore store(path, OpenMode::existing);
        EXPECT_EQ(store.schema_version(), store_schema_version);
        const auto b = store.batch(1);
        ASSERT_EQ(b.files.size(), 2u);
        EXPECT_EQ(b.files[0].state, KeyFileState::written);
        EXPECT_EQ(b.files[1].state, KeyFileState::failed);
        EXPECT_FALSE(b.files[0].volume_id.has_value());
        EXPECT_FALSE(b.files[1].volume_id.has_value());
        EXPECT_EQ(batch_state(b), "partly failed");
        // The records are kept; the failed stick's record is not exported.
        const auto chosen = select_for_export(store.records());
        ASSERT_EQ(chosen.records.size(), 1u);
        EXPECT_EQ(chosen.records[0].pid, "ABCD1234");
        ASSERT_EQ(chosen.left_out.size(), 1u);
        EXPECT_EQ(chosen.left_out[0].pid, "EFGH5678");
    }
    EXPECT_EQ(store_rows(path, "PRAGMA user_version")[0][0], std::to_string(store_schema_version));
    // Version 4 rebuilt records: same ids, none voided, each still on its key file.
    EXPECT_EQ(
        store_rows(
            path,
            "SELECT id, key_file_id, record_number, void_reason IS NULL FROM records ORDER BY id"),
        (std::vector<std::vector<std::string>>{{"1", "1", "1", "1"}, {"2", "2", "1", "1"}}));
    EXPECT_EQ(store_rows(path, "SELECT id, state, volume_id IS NULL FROM key_files ORDER BY id"),
              (std::vector<std::vector<std::string>>{{"1", "written", "1"}, {"2", "failed", "1"}}));
}

TEST(KeyStore, AVersion4StoreIsMigratedKeepingEveryColumn) {
    if (keystest::on_postgresql()) GTEST_SKIP() << "a SQLite file's own migration";
    test::TempDir dir;
    const std::string path = dir.path("v4.db");
    // A store as schema 4 left it, made with the sqlite3 tool: a written key file with its bytes,
    // a record on it, a consumed one, a voided one, and an imported record on no key file.
    std::string v4;
    for (std::size_t i = 0; i < 4; ++i) v4 += std::string(store_migrations()[i]);
    const std::string pw = "'admin', 'N3w-Passw0rd!', ";
    const std::string at = "'2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'";
    test::write_text(
        dir.path("v4.sql"),
        v4 + "INSERT INTO batches VALUES (1, '2026-01-01T00:00:00Z', '0.1.0', '2.1', 4, '{}');\n" +
            "INSERT INTO key_files (id, batch_id, file_index, target, sha256, first_record, "
            "last_record, state, label, setup_bin) VALUES (1, 1, 1, '/tmp/setup.bin', 'ab', 1, 3, "
            "'written', 'B0001K001', x'0102ff');\n" +
            "INSERT INTO records VALUES (7, 1, 1, 1, 'ABCD1234', 'PPS1', " + pw + "'on-key', " +
            at + ", NULL, NULL);\n" +
            "INSERT INTO records VALUES (8, 1, 1, 2, 'EFGH5678', 'PPS2', " + pw + "'consumed', " +
            at + ", NULL, NULL);\n" +
            "INSERT INTO records VALUES (9, 1, 1, 3, 'JKLM9012', 'PPS3', " + pw + "'on-key', " +
            at + ", 'lost stick', '2026-01-03T00:00:00Z');\n" +
            "INSERT INTO records VALUES (10, 1, NULL, NULL, 'NPQR3456', 'PPS4', " + pw +
            "'generated', " + at + ", NULL, NULL);\n" + "PRAGMA application_id=" +
            std::to_string(store_application_id) + ";\nPRAGMA user_version=4;\n");
    ASSERT_EQ(
        capture("sqlite3 " + shell_quote(path) + " < " + shell_quote(dir.path("v4.sql"))).status,
        0);
    const std::string every_column =
        "SELECT id, batch_id, coalesce(key_file_id, '-'), coalesce(record_number, '-'), pid, pps, "
        "current_password, new_password, state, created_at, updated_at, coalesce(void_reason, "
        "'-'), coalesce(voided_at, '-') FROM records ORDER BY id";
    const auto before = sqlite_rows(path, every_column);
    ASSERT_EQ(before.size(), 4u);
    ::chmod(path.c_str(), 0600);
    {
        KeyStore store(path, OpenMode::existing);
        EXPECT_EQ(store.schema_version(), store_schema_version);
        const auto b = store.batch(1);
        EXPECT_EQ(b.on_key, 2u);
        EXPECT_EQ(b.consumed, 1u);
        EXPECT_EQ(b.voided, 1u);
        EXPECT_EQ(b.unplaced, 1u);
        EXPECT_EQ(store.setup_bin(1), (std::vector<std::uint8_t>{0x01, 0x02, 0xff}));
        ASSERT_EQ(store.records_of_file(1).size(), 3u);
        EXPECT_EQ(store.records_of_file(1)[1].pid, "EFGH5678");
    }
    EXPECT_EQ(sqlite_rows(path, "PRAGMA user_version")[0][0], std::to_string(store_schema_version));
    // Every record and column as it was, ids included.
    EXPECT_EQ(sqlite_rows(path, every_column), before);
    // The duplicate index is gone; the others are there, and the constraints still hold.
    EXPECT_EQ(
        sqlite_rows(path,
                    "SELECT name FROM sqlite_schema WHERE type='index' AND tbl_name='records' "
                    "ORDER BY name"),
        (std::vector<std::vector<std::string>>{
            {"records_batch"}, {"sqlite_autoindex_records_1"}, {"sqlite_autoindex_records_2"}}));
    EXPECT_EQ(sqlite_rows(path, "PRAGMA integrity_check")[0][0], "ok");
    // A store made before keeps its page size (the sqlite3 tool's 4 KiB).
    EXPECT_EQ(sqlite_rows(path, "PRAGMA page_size")[0][0], "4096");
    EXPECT_EQ(sqlite_rows(path, "PRAGMA foreign_key_check").size(), 0u);
    const std::string insert =
        "INSERT INTO records (batch_id, key_file_id, record_number, pid, pps, current_password, "
        "new_password, state, created_at, updated_at) VALUES (1, 1, 4, 'STUV7890', 'P', 'a', 'b', ";
    EXPECT_NE(capture("sqlite3 " + shell_quote(path) + " \"" + insert + "'bogus', 'x', 'x')\" 2>&1")
                  .status,
              0);
    EXPECT_NE(capture("sqlite3 " + shell_quote(path) +
                      " \"INSERT INTO records (batch_id, pid, pps, current_password, new_password, "
                      "state, created_at, updated_at) VALUES (1, 'ABCD1234', 'P', 'a', 'b', "
                      "'generated', 'x', 'x')\" 2>&1")
                  .status,
              0);  // a PID already stored
    for (const char* state : {"generated", "on-key", "consumed", "exported"})
        EXPECT_EQ(capture("sqlite3 " + shell_quote(path) + " \"BEGIN; " + insert + "'" + state +
                          "', 'x', 'x'); ROLLBACK\"")
                      .status,
                  0)
            << state;
}

TEST(KeyStore, ABatchIsUsableOnlyOnceItsKeyFilesAreWritten) {
    test::TempDir dir;
    const std::string path = keystest::store_for(dir.path("keys.db"));
    KeyStore store(path);
    NewBatch nb = small_batch(3, "first");
    NewKeyFile second = small_batch(2, "second").files[0];
    nb.files.push_back(second);
    const BatchInfo b = store.add_batch(nb);
    // Stored, not written: pending, its records 'generated', nothing exported (the rows say
    // 'on-key' from the start: the key file's state decides).
    EXPECT_EQ(batch_state(store.batch(b.id)), "pending");
    for (const auto& f : store.batch(b.id).files) EXPECT_EQ(f.state, KeyFileState::pending);
    EXPECT_EQ(store.batch(b.id).generated, 5u);
    EXPECT_EQ(store.batch(b.id).on_key, 0u);
    for (const auto& r : store.records()) EXPECT_EQ(r.state, RecordState::generated) << r.pid;
    EXPECT_TRUE(select_for_export(store.records()).records.empty());
    EXPECT_EQ(store.mark_exported(std::nullopt), 0u);
    // The first reaches its stick (with its volume id), the second fails.
    store.mark_file_written(b.files[0].id, 0x1234ABCDu);
    store.mark_file_failed(b.files[1].id);
    const BatchInfo after = store.batch(b.id);
    EXPECT_EQ(after.files[0].state, KeyFileState::written);
    EXPECT_EQ(after.files[0].volume_id, 0x1234ABCDu);
    EXPECT_EQ(after.files[1].state, KeyFileState::failed);
    EXPECT_EQ(after.on_key, 3u);
    EXPECT_EQ(after.generated, 2u);
    EXPECT_EQ(batch_state(after), "partly failed");
    const auto chosen = select_for_export(store.records());
    EXPECT_EQ(chosen.records.size(), 3u);
    EXPECT_EQ(chosen.left_out.size(), 2u);
    // The failed file's records are 'generated' in the rows themselves too.
    EXPECT_EQ(store_rows(path, "SELECT state, count(*) FROM records WHERE key_file_id = " +
                                   std::to_string(b.files[1].id) + " GROUP BY state"),
              (std::vector<std::vector<std::string>>{{"generated", "2"}}));
    // Exporting marks the written file's records only.
    EXPECT_EQ(store.mark_exported(std::nullopt), 3u);
    EXPECT_EQ(store.batch(b.id).exported, 3u);
    EXPECT_EQ(store.batch(b.id).generated, 2u);
    ASSERT_EQ(store.key_files_with_volume_id(0x1234ABCDu).size(), 1u);
    EXPECT_EQ(store.key_files_with_volume_id(0x1234ABCDu)[0].id, b.files[0].id);
    // Marking failed never takes back a written key file.
    store.mark_file_failed(b.files[0].id);
    EXPECT_EQ(store.key_file(b.files[0].id).state, KeyFileState::written);
    // A whole batch of files written at once.
    const BatchInfo c = store.add_batch(small_batch(2, "third"));
    store.mark_written(c.id);
    EXPECT_EQ(batch_state(store.batch(c.id)), "written");
    EXPECT_EQ(store.batch(c.id).on_key, 2u);
}

// Records handed over one at a time are those records() returns, in the same order, with their
// key file's fields and the state it gives them; an unknown batch is not found.
TEST(KeyStore, RecordsOneAtATimeAreTheRecordsReadAtOnce) {
    test::TempDir dir;
    KeyStore store(keystest::store_for(dir.path("keys.db")));
    NewBatch nb = small_batch(3, "first");
    nb.files.push_back(small_batch(2, "second").files[0]);
    const BatchInfo b = store.add_batch(nb);
    store.mark_file_written(b.files[0].id);
    const BatchInfo c = store.add_batch(small_batch(2, "third"));
    for (const std::optional<std::int64_t> which :
         {std::optional<std::int64_t>{}, std::optional<std::int64_t>{b.id}}) {
        std::vector<KeyRecord> visited;
        store.for_each_record(which, [&](const KeyRecord& r) { visited.push_back(r); });
        const auto all = store.records(which);
        ASSERT_EQ(visited.size(), which ? 5u : 7u);
        ASSERT_EQ(visited.size(), all.size());
        for (std::size_t i = 0; i < all.size(); ++i) {
            EXPECT_EQ(visited[i].id, all[i].id);
            EXPECT_EQ(visited[i].pid, all[i].pid);
            EXPECT_EQ(visited[i].pps, all[i].pps);
            EXPECT_EQ(visited[i].key_file, all[i].key_file);
            EXPECT_EQ(visited[i].file_index, all[i].file_index);
            EXPECT_EQ(visited[i].state, all[i].state);
            EXPECT_EQ(visited[i].file_state, all[i].file_state);
        }
        EXPECT_EQ(visited[0].key_file, "first");
        EXPECT_EQ(visited[0].state, RecordState::on_key);
        EXPECT_EQ(visited[3].key_file, "second");
        EXPECT_EQ(visited[3].state, RecordState::generated);  // its key file is still pending
    }
    EXPECT_EQ(store.records(c.id).size(), 2u);
    try {
        store.for_each_record(c.id + 1, [](const KeyRecord&) {});
        ADD_FAILURE() << "an unknown batch was read";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_found);
    }
}

// A new batch never takes a PID the store holds: the store says which of a list it holds (500
// to a query), and planning a batch draws those again until none is held.
TEST(KeyStore, ABatchDrawsAgainThePidsTheStoreHolds) {
    test::TempDir dir;
    KeyStore store(keystest::store_for(dir.path("keys.db")));
    const BatchInfo b = store.add_batch(small_batch(3, "first"));
    const auto held = store.records(b.id);
    std::vector<std::string> asked;
    for (int i = 0; i < 1200; ++i) asked.push_back("Q" + std::to_string(1000000 + i));
    asked[7] = held[0].pid;
    asked[700] = held[2].pid;
    EXPECT_EQ(store.pids_held(asked), (std::set<std::string>{held[0].pid, held[2].pid}));
    EXPECT_TRUE(store.pids_held({}).empty());

    // The store holds (so this test's callback says) the first 10 PIDs drawn.
    BatchRequest req;
    req.count = 50;
    req.per_key = 20;
    req.current_password = "admin";
    std::vector<std::vector<std::string>> calls;
    std::set<std::string> refused;
    const auto files = plan_batch(req, [&](const std::vector<std::string>& pids) {
        calls.push_back(pids);
        std::set<std::string> out;
        if (calls.size() == 1)
            for (std::size_t i = 0; i < 10; ++i) out.insert(pids[i]);
        refused.insert(out.begin(), out.end());
        return out;
    });
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].size(), 50u);
    EXPECT_EQ(calls[1].size(), 10u);  // only the ten drawn again are asked about again
    std::set<std::string> pids;
    for (const auto& f : files)
        for (const auto& r : f.records) {
            EXPECT_FALSE(refused.count(r.pid)) << r.pid;
            EXPECT_TRUE(keystest::spec_pid_ok(r.pid)) << r.pid;
            pids.insert(r.pid);
        }
    EXPECT_EQ(pids.size(), 50u);
    EXPECT_EQ(std::set<std::string>(calls[1].begin(), calls[1].end()).size(), 10u);
}

TEST(KeyStore, AKeyFilesBytesAreKeptPackedAndReadBackWhole) {
    test::TempDir dir;
    const std::string path = keystest::store_for(dir.path("keys.db"));
    BatchRequest req;
    req.count = 1000;
    req.current_password = "admin";
    const auto files = build_batch(req);
    NewBatch nb = small_batch(1, "unused");
    nb.files[0].records = files[0].records;
    nb.files[0].sha256 = files[0].sha256;
    nb.files[0].bytes = files[0].bytes;
    std::int64_t id = 0;
    {
        KeyStore store(path);
        id = store.add_batch(nb).files[0].id;
        EXPECT_EQ(store.setup_bin(id), files[0].bytes);
    }
    // Packed with zstd: what the store holds is a small part of the file, and the zstd tool
    // unpacks it to the very bytes.
    const auto rows =
        store_rows(path, "SELECT length(setup_bin), setup_bin_encoding FROM key_files");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0][1], "zstd");
    EXPECT_LT(std::stoul(rows[0][0]), files[0].bytes.size() / 5) << files[0].bytes.size();
    if (!keystest::on_postgresql() && keystest::capture("command -v zstd >/dev/null").status == 0) {
        ASSERT_EQ(capture("sqlite3 " + shell_quote(path) + " \"SELECT writefile('" +
                          dir.path("packed.zst") + "', setup_bin) FROM key_files\" >/dev/null")
                      .status,
                  0);
        ASSERT_EQ(capture("zstd -q -d -o " + shell_quote(dir.path("unpacked.bin")) + " " +
                          shell_quote(dir.path("packed.zst")))
                      .status,
                  0);
        EXPECT_EQ(test::read_bytes(dir.path("unpacked.bin")), files[0].bytes);
    }
    // A damaged frame is an error naming the key file, not wrong bytes.
    keystest::store_sql(path, keystest::on_postgresql()
                                  ? "UPDATE key_files SET setup_bin = '\\x28b52ffd2000'"
                                  : "UPDATE key_files SET setup_bin = x'28b52ffd2000'");
    KeyStore store(path, OpenMode::existing);
    try {
        (void)store.setup_bin(id);
        ADD_FAILURE() << "a damaged setup.bin was read";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::bad_input);
        EXPECT_NE(e.message().find("damaged"), std::string::npos) << e.what();
        EXPECT_NE(e.where().find("key file " + std::to_string(id)), std::string::npos) << e.what();
    }
}

TEST(KeyStore, RefusesADatabaseThatIsNotUkpus) {
    if (keystest::on_postgresql()) GTEST_SKIP() << "a SQLite file's own (postgres_store_test.cpp)";
    test::TempDir dir;
    const std::string path = dir.path("other.db");
    ASSERT_EQ(
        capture("sqlite3 " + shell_quote(path) + " 'CREATE TABLE t(x); INSERT INTO t VALUES (1)'")
            .status,
        0);
    const std::string before = file_text(path);
    try {
        KeyStore store(path);
        FAIL() << "opened a foreign database";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_a_store);
        EXPECT_NE(e.message().find("not a ukpu key store"), std::string::npos) << e.message();
    }
    EXPECT_EQ(file_text(path), before);

    const std::string text = dir.path("notes.txt");
    test::write_text(text,
                     "this is not a database, it is a note that is long enough to fill "
                     "the sqlite header and more than a hundred bytes of plain text.\n");
    try {
        KeyStore store(text);
        FAIL() << "opened a text file";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_a_store) << e.what();
    }
}

TEST(KeyStore, RefusesANewerSchema) {
    test::TempDir dir;
    const std::string path = keystest::store_for(dir.path("keys.db"));
    { KeyStore store(path); }
    keystest::set_store_version(path, 7);
    try {
        KeyStore store(path);
        FAIL() << "opened a newer schema";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::newer_schema);
        EXPECT_NE(e.message().find("schema version 7"), std::string::npos) << e.message();
    }
    EXPECT_EQ(store_rows(path, keystest::on_postgresql() ? "SELECT version FROM ukpu_schema"
                                                         : "PRAGMA user_version")[0][0],
              "7");
}

TEST(KeyStore, DuplicatePidRollsTheBatchBack) {
    test::TempDir dir;
    const std::string path = keystest::store_for(dir.path("keys.db"));
    KeyStore store(path);
    store.add_batch(small_batch(5, "first"));
    NewBatch second = small_batch(5, "second");
    second.files[0].records[3].pid = store.records()[2].pid;
    try {
        store.add_batch(second);
        FAIL() << "stored a duplicate PID";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::duplicate_pid);
        EXPECT_NE(e.message().find("already in the store"), std::string::npos);
    }
    EXPECT_EQ(store_rows(path, "SELECT count(*) FROM records")[0][0], "5");
    EXPECT_EQ(store_rows(path, "SELECT count(*) FROM batches")[0][0], "1");
    EXPECT_EQ(store_rows(path, "SELECT count(*) FROM key_files")[0][0], "1");
}

TEST(KeyStore, WeakNewPasswordIsRefusedWithoutShowingIt) {
    BatchRequest req;
    req.count = 1;
    req.current_password = "admin";
    req.new_password = "weakpass";
    try {
        build_batch(req);
        FAIL() << "accepted a weak password";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::weak_password);
        EXPECT_EQ(std::string(e.what()).find("weakpass"), std::string::npos);
    }
}

TEST(KeyExports, QuotingOfCsvAndSql) {
    EXPECT_EQ(csv_field("plain"), "plain");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(sql_string("it's"), "'it''s'");
    EXPECT_EQ(sql_string("back\\slash"), "'back\\slash'");
}

// A new store made under a temporary name (keys generate into a store not there yet): it
// appears at its path only when published, whole and private; dropped, it leaves nothing; a store
// made at the path meanwhile is never replaced.
TEST(StagedStore, AppearsOnlyWhenPublished) {
    if (keystest::on_postgresql()) GTEST_SKIP() << "a SQLite file";
    test::TempDir dir;
    const auto path = dir / "stores/keys.db";
    std::unique_ptr<KeyStore> published;
    {
        StagedStore staged(path);
        EXPECT_EQ(file_mode(dir.path("stores")), 0700u);
        staged.store().add_batch(small_batch(4, "setup.bin"));
        // Not there yet: only the hidden temporary database (and SQLite's files beside it).
        EXPECT_FALSE(std::filesystem::exists(path));
        for (const auto& name : keystest::names_in(dir.path("stores")))
            EXPECT_EQ(name.rfind(".keys.db.", 0), 0u) << name;
        published = staged.publish();
    }
    EXPECT_EQ(published->records().size(), 4u);
    EXPECT_EQ(published->where(), path.string());
    published.reset();
    EXPECT_EQ(keystest::names_in(dir.path("stores")), std::vector<std::string>{"keys.db"});
    EXPECT_EQ(file_mode(path.string()), 0600u);
    // Read by the sqlite3 tool at its place: ukpu's store, the batch in it.
    EXPECT_EQ(sqlite_rows(path.string(), "PRAGMA application_id")[0][0],
              std::to_string(store_application_id));
    EXPECT_EQ(sqlite_rows(path.string(), "SELECT count(*) FROM records")[0][0], "4");
    // Written without a log while hidden, a store in WAL mode like any other once in place.
    EXPECT_EQ(sqlite_rows(path.string(), "PRAGMA journal_mode")[0][0], "wal");
    EXPECT_EQ(sqlite_rows(path.string(), "PRAGMA integrity_check")[0][0], "ok");
}

TEST(StagedStore, DroppedLeavesNothing) {
    if (keystest::on_postgresql()) GTEST_SKIP() << "a SQLite file";
    test::TempDir dir;
    {
        StagedStore staged(dir / "keys.db");
        KeyStore::BatchWriter writer(staged.store(), small_batch(1, "setup.bin"), 1);
        EXPECT_FALSE(keystest::names_in(dir.path().string()).empty());
    }
    EXPECT_EQ(keystest::names_in(dir.path().string()), std::vector<std::string>{});
}

TEST(StagedStore, NeverReplacesAStoreMadeMeanwhile) {
    if (keystest::on_postgresql()) GTEST_SKIP() << "a SQLite file";
    test::TempDir dir;
    const auto path = dir / "keys.db";
    StagedStore staged(path);
    staged.store().add_batch(small_batch(2, "setup.bin"));
    // Another station makes the store first.
    { KeyStore(path).add_batch(small_batch(3, "setup.bin")); }
    try {
        (void)staged.publish();
        FAIL() << "published over a store made meanwhile";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::refused);
        EXPECT_EQ(e.where(), path.string());
        EXPECT_NE(e.message().find("was not stored"), std::string::npos) << e.message();
    }
    EXPECT_EQ(sqlite_rows(path.string(), "SELECT count(*) FROM records")[0][0], "3");
    EXPECT_EQ(keystest::names_in(dir.path().string()), std::vector<std::string>{"keys.db"});

    // And one that is there already is refused before anything is made.
    try {
        StagedStore again(path);
        FAIL() << "staged beside an existing store";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::refused);
    }
    EXPECT_EQ(keystest::names_in(dir.path().string()), std::vector<std::string>{"keys.db"});
}

}  // namespace
}  // namespace ukpu::keys
