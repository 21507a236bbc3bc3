// `ukpu keys import FILE`: 10,000 pairs that ukpu's own generator made (keys generate, then keys
// export --format csv) into a fresh store, equal pair for pair as sqlite3 reads both stores; an
// SCS-shaped CSV written here; one bad checksum refused naming its line with the store unchanged
// (sqlite3 .dump before and after); a PID already stored, --dry-run, and the exit codes.
#include <algorithm>
#include <chrono>
#include <filesystem>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "support/files.hpp"
#include "support/json.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::test::import_cli {

using keystest::capture;
using keystest::shell_quote;
using keystest::store_rows;

// Every row of the store's tables, as sqlite3 or psql read them.
std::string dump(const std::string& db) {
    std::string out;
    for (const char* table : {"batches", "key_files", "records"})
        for (const auto& row :
             store_rows(db, std::string("SELECT * FROM ") + table + " ORDER BY id"))
            for (const auto& v : row) out += v + "|";
    return out;
}

std::vector<std::vector<std::string>> pairs_of(const std::string& db) {
    return store_rows(db,
                      "SELECT pid, pps, current_password, new_password FROM records ORDER BY id");
}

// The lines of `text` (split at LF, each CR kept).
std::vector<std::string> lines_of(const std::string& text) {
    return keystest::split(text, '\n');
}

std::string text_of(const std::string& path) {
    const auto bytes = test::read_bytes(path);
    return std::string(bytes.begin(), bytes.end());
}

std::string joined_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + lines[i];
    return out;
}

}  // namespace ukpu::test::import_cli

namespace ukpu::keys {
namespace {

namespace ic = ukpu::test::import_cli;
using keystest::store_rows;
using test::run_ukpu;

TEST(KeysImportCli, TenThousandGeneratedPairsIntoAFreshStore) {
    test::TempDir dir;
    const std::string made = keystest::store_for(dir.path("made.db"));
    const std::string fresh = keystest::store_for(dir.path("fresh.db"));
    test::write_text(dir.path("cur.txt"), "admin\n");
    auto r = run_ukpu({"keys", "generate", "-n", "10000", "--random-new-password",
                       "--current-password-file", dir.path("cur.txt"), "-o", dir.path("setup.bin"),
                       "--store", made, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_ukpu({"keys", "export", "--format", "csv", "-o", dir.path("pairs.csv"), "--store", made,
                  "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    // A dry run checks every pair and creates no store.
    r = run_ukpu({"--dry-run", "keys", "import", dir.path("pairs.csv"), "--store", fresh});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(keystest::store_exists(fresh));

    const auto start = std::chrono::steady_clock::now();
    r = run_ukpu({"--json", "keys", "import", dir.path("pairs.csv"), "--store", fresh});
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::printf("[ info     ] 10,000 pairs imported in %lld ms\n", static_cast<long long>(ms));
    EXPECT_LT(ms, 20000);
    const test::Json doc = test::parse_json(r.out);
    const auto names = test::member_names(doc);
    ASSERT_GE(names.size(), 3u);
    EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + 3),
              (std::vector<std::string>{"ok", "batch", "records"}));
    EXPECT_EQ(doc["ok"], true);
    EXPECT_EQ(doc["batch"], 1);
    EXPECT_EQ(doc["records"], 10000);
    EXPECT_EQ(doc["format"], "csv");
    EXPECT_TRUE(keystest::store_exists(fresh));
    // A new SQLite store, made under a hidden name and renamed into place with its batch, is
    // alone beside the files of this run: nothing hidden is left.
    if (!keystest::on_postgresql()) {
        for (const auto& name : keystest::names_in(dir.path().string()))
            EXPECT_NE(name.front(), '.') << name;
    }
    // Secrets never printed.
    const auto stored = ic::pairs_of(made);
    ASSERT_EQ(stored.size(), 10000u);
    for (std::size_t i = 0; i < 50; ++i) {
        EXPECT_EQ(r.out.find(stored[i][1]), std::string::npos);
        EXPECT_EQ(r.err.find(stored[i][1]), std::string::npos);
        EXPECT_EQ(r.err.find(stored[i][3]), std::string::npos);
    }

    // Pair for pair, as sqlite3 reads both stores; on no key, generated, in one batch.
    EXPECT_EQ(ic::pairs_of(fresh), stored);
    EXPECT_EQ(
        store_rows(fresh,
                   "SELECT count(*), count(DISTINCT batch_id), count(*) - count(key_file_id), "
                   "sum(CASE WHEN state = 'generated' THEN 1 ELSE 0 END) FROM records")[0],
        (std::vector<std::string>{"10000", "1", "10000", "10000"}));
    EXPECT_EQ(store_rows(fresh, "SELECT count(*) FROM key_files")[0][0], "0");
    const auto settings = store_rows(fresh, "SELECT settings FROM batches")[0][0];
    EXPECT_NE(settings.find("pairs.csv"), std::string::npos) << settings;
    EXPECT_NE(settings.find("\"format\": \"csv\""), std::string::npos) << settings;

    // keys list shows the batch.
    r = run_ukpu({"--json", "keys", "list", "--store", fresh});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const test::Json list = test::parse_json(r.out);
    ASSERT_EQ(list["batches"].size(), 1u);
    EXPECT_EQ(list["batches"][0]["id"], 1);
    EXPECT_EQ(list["batches"][0]["records"], 10000);
    r = run_ukpu({"keys", "list", "--store", fresh});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("10000"), std::string::npos) << r.out;

    // The same file again: every PID is stored already (exit 4), the store unchanged.
    const std::string before = ic::dump(fresh);
    r = run_ukpu({"keys", "import", dir.path("pairs.csv"), "--store", fresh});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("pairs.csv: line 2, pid: PID "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("already in the key store (record 1 of batch 1)"), std::string::npos)
        << r.err;
    EXPECT_EQ(ic::dump(fresh), before);
}

TEST(KeysImportCli, ScsShapedCsv) {
    test::TempDir dir;
    const std::string db = keystest::store_for(dir.path("keys.db"));
    // csti_pid_map rows as a database tool saves them: upper-case names, dashed pairs, a used
    // row, CRLF, a quoted field. Intel's example pair is on line 2.
    const std::string csv =
        "ID,PID,PPS,CURRENT_PASSWORD,ADMIN_PASSWORD,USED\r\n"
        "101,0000-037M,NKLD-G5DC-RRNQ-E9YZ-ZIJL-7LFL-VJED-69XJ,admin,\"P@ssw0rd-1\",0\r\n"
        "102,0000-012F,0000-1113-2226-3339-444C-555F-666I-777L,admin,P@ssw0rd-2,1\r\n"
        "103,ABCD-EFG8,ZZZI-YYYF-XXXC-WWW9-VVV6-UUU3-TTT0-SSSX,admin,P@ssw0rd-3,0\r\n";
    test::write_text(dir.path("scs.csv"), csv);
    auto r = run_ukpu({"--json", "keys", "import", dir.path("scs.csv"), "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const test::Json doc = test::parse_json(r.out);
    EXPECT_EQ(doc["format"], "scs-csv");
    EXPECT_EQ(doc["records"], 2);
    EXPECT_EQ(doc["used_left_out"], 1);
    EXPECT_NE(r.err.find("1 pair of " + dir.path("scs.csv") + " marked used"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("line 3"), std::string::npos) << r.err;
    EXPECT_EQ(ic::pairs_of(db),
              (std::vector<std::vector<std::string>>{
                  {"0000037M", "NKLDG5DCRRNQE9YZZIJL7LFLVJED69XJ", "admin", "P@ssw0rd-1"},
                  {"ABCDEFG8", "ZZZIYYYFXXXCWWW9VVV6UUU3TTT0SSSX", "admin", "P@ssw0rd-3"}}));

    // Exported again as csti_pid_map rows, they are not there yet: on no key, nothing to
    // export.
    r = run_ukpu(
        {"keys", "export", "--format", "scs-csv", "-o", dir.path("out.csv"), "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ic::lines_of(ic::text_of(dir.path("out.csv"))).size(), 2u);  // the header only
    EXPECT_NE(r.err.find("2 records left out: on no key yet"), std::string::npos) << r.err;
}

TEST(KeysImportCli, OneBadChecksumRefusesTheFileNamingItsLine) {
    test::TempDir dir;
    const std::string made = keystest::store_for(dir.path("made.db"));
    const std::string db = keystest::store_for(dir.path("keys.db"));
    test::write_text(dir.path("cur.txt"), "admin\n");
    test::write_text(dir.path("new.txt"), "N3w-Passw0rd!\n");
    auto r = run_ukpu({"keys", "generate", "-n", "40", "--current-password-file",
                       dir.path("cur.txt"), "--new-password-file", dir.path("new.txt"), "-o",
                       dir.path("setup.bin"), "--store", made, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_ukpu({"keys", "export", "--format", "scs-csv", "-o", dir.path("all.csv"), "--store",
                  made, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto lines = ic::lines_of(ic::text_of(dir.path("all.csv")));
    ASSERT_EQ(lines.size(), 42u);  // header, 40 rows, "" after the last CRLF
    // Rows 1-20 into the store first, so that it has something to keep.
    test::write_text(dir.path("first.csv"),
                     ic::joined_lines(std::vector<std::string>(lines.begin(), lines.begin() + 21)));
    r = run_ukpu({"keys", "import", dir.path("first.csv"), "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    // The rest, with the checksum character of the PPS on line 17 changed: its 3rd group.
    std::vector<std::string> rest = {lines[0]};
    rest.insert(rest.end(), lines.begin() + 21, lines.end());
    auto fields = keystest::split(rest[16], ',');
    ASSERT_EQ(fields.size(), 6u);
    std::string& pps = fields[2];  // XXXX-XXXX-XXXC-...
    ASSERT_EQ(pps.size(), 39u);
    const char right = keystest::spec_checksum(pps.substr(10, 3));
    ASSERT_EQ(pps[13], right);
    const char wrong = right == 'X' ? 'Y' : 'X';
    pps[13] = wrong;
    std::string row;
    for (std::size_t i = 0; i < fields.size(); ++i) row += (i ? "," : "") + fields[i];
    rest[16] = row;
    test::write_text(dir.path("pairs.csv"), ic::joined_lines(rest));

    const std::string before = ic::dump(db);
    for (const bool dry : {true, false}) {
        std::vector<std::string> args = {"keys", "import", dir.path("pairs.csv"), "--store", db};
        if (dry) args.insert(args.begin(), "--dry-run");
        r = run_ukpu(args);
        EXPECT_EQ(r.exit_code, 3) << r.err;
        EXPECT_NE(r.err.find(dir.path("pairs.csv") +
                             ": line 17, pps: the PPS checksum character "
                             "at position 12 is '" +
                             std::string(1, wrong) + "' but the characters before it give '" +
                             std::string(1, right) + "'"),
                  std::string::npos)
            << r.err;
        EXPECT_EQ(ic::dump(db), before);
    }
    // --json: the error as a document too.
    r = run_ukpu({"--json", "keys", "import", dir.path("pairs.csv"), "--store", db});
    EXPECT_EQ(r.exit_code, 3);
    const test::Json doc = test::parse_json(r.out);
    EXPECT_EQ(doc["ok"], false);
    EXPECT_EQ(doc["error"]["where"], dir.path("pairs.csv") + ": line 17, pps");
    EXPECT_EQ(ic::dump(db), before);

    // Mended, it goes in: the store then holds all 40, as made.
    pps[13] = right;
    row.clear();
    for (std::size_t i = 0; i < fields.size(); ++i) row += (i ? "," : "") + fields[i];
    rest[16] = row;
    test::write_text(dir.path("pairs.csv"), ic::joined_lines(rest));
    r = run_ukpu({"keys", "import", dir.path("pairs.csv"), "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ic::pairs_of(db), ic::pairs_of(made));
    EXPECT_EQ(store_rows(db, "SELECT count(*) FROM batches")[0][0], "2");
}

TEST(KeysImportCli, ExitCodes) {
    test::TempDir dir;
    const std::string db = keystest::store_for(dir.path("keys.db"));
    test::write_text(dir.path("new.txt"), "N3w-Passw0rd!\n");
    test::write_text(dir.path("weak.txt"), "password\n");
    test::write_text(dir.path("cur.txt"), "admin\n");
    const std::string pair = "0000-037M,NKLD-G5DC-RRNQ-E9YZ-ZIJL-7LFL-VJED-69XJ";
    test::write_text(dir.path("bare.csv"), "pid,pps\n" + pair + "\n");
    test::write_text(dir.path("twice.csv"),
                     "pid,pps\n" + pair + "\n0000037M,NKLD" + "G5DCRRNQE9YZZIJL7LFLVJED69XJ\n");
    test::write_text(dir.path("empty.csv"), "");
    std::filesystem::create_directory(dir.path("adir"));
    test::write_text(dir.path("not-a-store.db"), "hello");
    const std::vector<std::string> secrets = {"--current-password-file", dir.path("cur.txt"),
                                              "--new-password-file", dir.path("new.txt")};
    struct Row {
        std::vector<std::string> args;
        int code;
        std::string says;
    };
    auto with_secrets = [&](std::vector<std::string> args) {
        args.insert(args.end(), secrets.begin(), secrets.end());
        return args;
    };
    const std::vector<Row> rows = {
        {{dir.path("bare.csv")}, 2, "--current-password-file: required"},
        {{dir.path("bare.csv"), "--current-password-file", dir.path("cur.txt")},
         2,
         "--new-password-file: required"},
        {with_secrets({dir.path("bare.csv"), "--format", "xml"}), 2, "--format"},
        {{dir.path("bare.csv"), "--current-password-file", dir.path("cur.txt"),
          "--new-password-file", dir.path("weak.txt")},
         3,
         "would be rejected by the firmware"},
        {{dir.path("bare.csv"), "--current-password-file", dir.path("missing.txt"),
          "--new-password-file", dir.path("new.txt")},
         3,
         "missing.txt"},
        {with_secrets({dir.path("missing.csv")}), 3, "missing.csv"},
        {with_secrets({dir.path("adir")}), 3, "adir"},
        {with_secrets({dir.path("empty.csv")}), 3, "no records"},
        {with_secrets({dir.path("bare.csv"), "--format", "json"}), 3, "not valid JSON"},
        {with_secrets({dir.path("twice.csv")}), 4,
         "twice.csv: line 3, pid: PID 0000-037M is also on line 2"},
        {with_secrets({dir.path("bare.csv"), "--store", dir.path("not-a-store.db")}), 3,
         "not-a-store.db"},
    };
    for (const auto& row : rows) {
        std::vector<std::string> args = {"keys", "import"};
        args.insert(args.end(), row.args.begin(), row.args.end());
        if (std::find(args.begin(), args.end(), "--store") == args.end())
            args.insert(args.end(), {"--store", db});
        const auto r = run_ukpu(args);
        EXPECT_EQ(r.exit_code, row.code) << row.args[0] << "\n" << r.err;
        EXPECT_NE(r.err.find(row.says), std::string::npos) << r.err;
        EXPECT_FALSE(keystest::store_exists(db)) << "a failed import created the store";
    }
    // The pair goes in once the passwords are given.
    const auto r = run_ukpu(with_secrets({"keys", "import", dir.path("bare.csv"), "--store", db}));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ic::pairs_of(db),
              (std::vector<std::vector<std::string>>{
                  {"0000037M", "NKLDG5DCRRNQE9YZZIJL7LFLVJED69XJ", "admin", "N3w-Passw0rd!"}}));
    EXPECT_EQ(ic::text_of(dir.path("not-a-store.db")), "hello");
}

}  // namespace
}  // namespace ukpu::keys
