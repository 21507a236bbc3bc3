// `ukpu keys generate/list/export` end to end on 10,000 records: the setup.bin files (parsed with
// setupbin::parse), the store (read with the sqlite3 tool) and the exports agree one for one;
// the scs-sql export loads into sqlite3; no secret reaches stdout or stderr; refusals.
#include <filesystem>
#include <map>
#include <set>
#include <unordered_set>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "support/files.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/pidpps.hpp"

namespace ukpu::keys {
namespace {

using keystest::capture;
using keystest::file_mode;
using keystest::remove_dashes;
using keystest::shell_quote;
using keystest::split;
using keystest::store_rows;
using test::run_ukpu;

constexpr std::uint32_t total = 10000;
constexpr std::uint32_t per_key = 1000;
constexpr const char* current_password = "Cur!Pw#42x";

struct Row {
    std::string id, target, file_index, number, pid, pps, current, fresh, state;
};

const char* store_query =
    "SELECT r.id, f.target, f.file_index, r.record_number, r.pid, r.pps, r.current_password, "
    "r.new_password, r.state FROM records r JOIN key_files f ON f.id = r.key_file_id ORDER BY "
    "r.id";

std::vector<Row> batch_rows(const std::string& db) {
    std::vector<Row> out;
    for (auto& r : store_rows(db, store_query)) {
        EXPECT_EQ(r.size(), 9u);
        if (r.size() != 9) continue;
        out.push_back({r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]});
    }
    return out;
}

std::string text_of(const std::vector<std::uint8_t>& v) {
    return std::string(v.begin(), v.end());
}

// Finds any of `secrets` inside `text` by sliding a window of each secret length.
std::size_t secrets_in(const std::string& text, const std::unordered_set<std::string>& secrets) {
    std::set<std::size_t> lengths;
    std::unordered_set<std::string_view> views;
    for (const auto& s : secrets) {
        lengths.insert(s.size());
        views.insert(s);
    }
    const std::string_view all(text);
    std::size_t hits = 0;
    for (auto len : lengths)
        for (std::size_t i = 0; i + len <= all.size(); ++i)
            if (views.count(all.substr(i, len))) ++hits;
    return hits;
}

class KeysBatch : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new test::TempDir();
        test::write_text(dir_->path("current.txt"), std::string(current_password) + "\n");
        outputs_ = new std::vector<std::string>();
        auto r = run_ukpu(
            {"keys", "generate", "-n", std::to_string(total), "--per-key", std::to_string(per_key),
             "--random-new-password", "--current-password-file", dir_->path("current.txt"), "-o",
             dir_->path("setup.bin"), "--store", keystest::store_for(dir_->path("keys.db"))});
        generate_exit_ = r.exit_code;
        generate_err_ = new std::string(r.err);
        outputs_->push_back(r.out + r.err);
    }
    static void TearDownTestSuite() {
        delete dir_;
        delete outputs_;
        delete generate_err_;
    }
    static std::string store() { return keystest::store_for(dir_->path("keys.db")); }
    static std::string key_file(std::uint32_t i) {
        return dir_->path("setup-" + std::to_string(i) + ".bin");
    }

    static test::TempDir* dir_;
    static std::vector<std::string>* outputs_;
    static std::string* generate_err_;
    static int generate_exit_;
};

test::TempDir* KeysBatch::dir_ = nullptr;
std::vector<std::string>* KeysBatch::outputs_ = nullptr;
std::string* KeysBatch::generate_err_ = nullptr;
int KeysBatch::generate_exit_ = -1;

TEST_F(KeysBatch, FilesStoreAndExportsAgreeOneForOne) {
    ASSERT_EQ(generate_exit_, 0) << *generate_err_;
    EXPECT_NE(generate_err_->find("modern MEBx"), std::string::npos) << *generate_err_;
    const std::uint32_t files = total / per_key;
    EXPECT_FALSE(std::filesystem::exists(key_file(files + 1)));

    // The records as the setup.bin files hold them: pid -> (file, record number, pps, passwords).
    struct OnKey {
        std::uint32_t file, number;
        std::string pps, current, fresh;
    };
    std::map<std::string, OnKey> on_key;
    for (std::uint32_t i = 1; i <= files; ++i) {
        ASSERT_EQ(file_mode(key_file(i)), 0600u);
        const auto bytes = test::read_bytes(key_file(i));
        const setupbin::SetupBin bin = setupbin::parse(bytes);
        EXPECT_EQ(bin.header.major, 2);
        EXPECT_EQ(bin.header.minor, 1);
        ASSERT_EQ(bin.records.size(), per_key);
        for (std::size_t n = 0; n < bin.records.size(); ++n) {
            std::map<std::pair<int, int>, std::string> v;
            for (const auto& e : bin.records[n].entries)
                v[{e.module, e.variable}] = std::string(e.value.begin(), e.value.end());
            const std::string pid = v[{2, 1}];
            ASSERT_TRUE(keystest::spec_pid_ok(pid)) << pid;
            ASSERT_TRUE(keystest::spec_pps_ok(v[{2, 2}]));
            EXPECT_EQ(bin.records[n].number, n + 1);
            // Each PID on exactly one key file, once.
            ASSERT_TRUE(on_key
                            .emplace(pid, OnKey{i, static_cast<std::uint32_t>(n + 1), v[{2, 2}],
                                                v[{1, 1}], v[{1, 2}]})
                            .second)
                << "PID " << pid << " twice";
        }
    }
    ASSERT_EQ(on_key.size(), total);

    const auto rows = batch_rows(store());
    ASSERT_EQ(rows.size(), total);
    std::set<std::string> fresh_passwords;
    for (const auto& r : rows) {
        auto it = on_key.find(r.pid);
        ASSERT_NE(it, on_key.end()) << "store PID " << r.pid << " on no key";
        const OnKey& k = it->second;
        EXPECT_EQ(r.target, std::filesystem::absolute(key_file(k.file)).string());
        EXPECT_EQ(r.file_index, std::to_string(k.file));
        EXPECT_EQ(r.number, std::to_string(k.number));
        EXPECT_EQ(r.pps, k.pps);
        EXPECT_EQ(r.current, k.current);
        EXPECT_EQ(r.current, current_password);
        EXPECT_EQ(r.fresh, k.fresh);
        EXPECT_EQ(r.state, "on-key");
        fresh_passwords.insert(r.fresh);
    }
    EXPECT_EQ(fresh_passwords.size(), total) << "--random-new-password gives each its own";

    // The key files' record ranges split 1..total without gap or overlap.
    auto ranges = store_rows(store(),
                             "SELECT file_index, first_record, last_record, sha256 FROM "
                             "key_files ORDER BY file_index");
    ASSERT_EQ(ranges.size(), files);
    for (std::uint32_t i = 0; i < files; ++i) {
        EXPECT_EQ(ranges[i][1], std::to_string(i * per_key + 1));
        EXPECT_EQ(ranges[i][2], std::to_string((i + 1) * per_key));
        auto sha = capture("sha256sum " + shell_quote(key_file(i + 1)));
        EXPECT_EQ(sha.out.substr(0, 64), ranges[i][3]);
    }

    // scs-csv: id, pid, pps, current_password, admin_password, used, with dashes by default.
    auto r = run_ukpu(
        {"keys", "export", "--format", "scs-csv", "-o", dir_->path("scs.csv"), "--store", store()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    outputs_->push_back(r.out + r.err);
    EXPECT_EQ(file_mode(dir_->path("scs.csv")), 0600u);
    auto lines = split(text_of(test::read_bytes(dir_->path("scs.csv"))), '\n');
    ASSERT_EQ(lines.size(), total + 2);  // header, rows, empty after the last newline
    EXPECT_EQ(lines[0], "id,pid,pps,current_password,admin_password,used\r");
    for (std::uint32_t i = 0; i < total; ++i) {
        std::string line = lines[i + 1];
        ASSERT_EQ(line.back(), '\r');
        line.pop_back();
        auto f = split(line, ',');
        ASSERT_EQ(f.size(), 6u) << line;
        EXPECT_EQ(f[0], rows[i].id);
        EXPECT_EQ(f[1], setupbin::format_pid(rows[i].pid));
        EXPECT_EQ(f[1].size(), 9u);
        EXPECT_EQ(remove_dashes(f[2]), rows[i].pps);
        EXPECT_EQ(f[2].size(), 39u);
        EXPECT_EQ(f[3], rows[i].current);
        EXPECT_EQ(f[4], rows[i].fresh);
        EXPECT_EQ(f[5], "0");
    }

    // csv of every field.
    r = run_ukpu(
        {"keys", "export", "--format", "csv", "-o", dir_->path("all.csv"), "--store", store()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    outputs_->push_back(r.out + r.err);
    EXPECT_EQ(file_mode(dir_->path("all.csv")), 0600u);
    lines = split(text_of(test::read_bytes(dir_->path("all.csv"))), '\n');
    ASSERT_EQ(lines.size(), total + 2);
    for (std::uint32_t i = 0; i < total; ++i) {
        auto f = split(lines[i + 1], ',');
        ASSERT_GE(f.size(), 11u);
        EXPECT_EQ(f[0], rows[i].id);
        EXPECT_EQ(f[5], rows[i].number);
        EXPECT_EQ(f[6], rows[i].pid);
        EXPECT_EQ(f[7], rows[i].pps);
        EXPECT_EQ(f[9], rows[i].fresh);
    }

    // scs-sql loads into sqlite3 with the store's rows.
    r = run_ukpu({"keys", "export", "--format", "scs-sql", "--plain-pid-pps", "-o",
                  dir_->path("scs.sql"), "--store", store()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    outputs_->push_back(r.out + r.err);
    EXPECT_EQ(file_mode(dir_->path("scs.sql")), 0600u);
    ASSERT_EQ(capture("sqlite3 -bail " + shell_quote(dir_->path("loaded.db")) + " < " +
                      shell_quote(dir_->path("scs.sql")))
                  .status,
              0);
    auto loaded = store_rows(dir_->path("loaded.db"),
                             "SELECT id, pid, pps, current_password, admin_password, used FROM "
                             "csti_pid_map ORDER BY id");
    ASSERT_EQ(loaded.size(), total);
    for (std::uint32_t i = 0; i < total; ++i) {
        EXPECT_EQ(loaded[i], (std::vector<std::string>{rows[i].id, rows[i].pid, rows[i].pps,
                                                       rows[i].current, rows[i].fresh, "0"}));
    }

    r = run_ukpu(
        {"keys", "export", "--format", "json", "-o", dir_->path("all.json"), "--store", store()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    outputs_->push_back(r.out + r.err);
    EXPECT_EQ(file_mode(dir_->path("all.json")), 0600u);
    const std::string json = text_of(test::read_bytes(dir_->path("all.json")));
    EXPECT_NE(json.find("\"pps\": \"" + rows[0].pps + "\""), std::string::npos);

    // Exported records are marked so.
    EXPECT_EQ(store_rows(store(), "SELECT state, count(*) FROM records GROUP BY state"),
              (std::vector<std::vector<std::string>>{{"exported", std::to_string(total)}}));
    if (!keystest::on_postgresql()) {
        EXPECT_EQ(file_mode(store()), 0600u);
    }
}

TEST_F(KeysBatch, NoSecretOnStdoutOrStderrUnlessAsked) {
    ASSERT_EQ(generate_exit_, 0) << *generate_err_;
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"keys", "list"},
             {"keys", "list", "--batch", "1"},
             {"--json", "keys", "list"},
             {"keys", "list", "--batch", "1", "--json"},
             {"keys", "export", "--format", "scs-sql", "-o", dir_->path("again.sql")},
             {"--verbose", "keys", "export", "--format", "json", "-o", dir_->path("again.json")},
             {"keys", "export", "--format", "scs-csv", "-o", "/nonexistent-dir/x.csv"}}) {
        auto r = run_ukpu([&] {
            auto a = args;
            a.insert(a.end(), {"--store", store()});
            return a;
        }());
        outputs_->push_back(r.out + r.err);
    }
    std::unordered_set<std::string> secrets{current_password};
    for (const auto& r : batch_rows(store())) {
        secrets.insert(r.pps);
        secrets.insert(setupbin::format_pps(r.pps));
        secrets.insert(r.fresh);
    }
    ASSERT_EQ(secrets.size(), 3 * total + 1);
    for (const auto& out : *outputs_) EXPECT_EQ(secrets_in(out, secrets), 0u) << out.substr(0, 400);

    // The detector finds them when they are asked for.
    auto shown = run_ukpu({"keys", "list", "--batch", "1", "--show-secrets", "--store", store()});
    ASSERT_EQ(shown.exit_code, 0) << shown.err;
    EXPECT_GE(secrets_in(shown.out, secrets), 2 * total);
}

TEST_F(KeysBatch, AnExportThatFailsLeavesNoFile) {
    ASSERT_EQ(generate_exit_, 0) << *generate_err_;
    // The text goes to a hidden file as it is made: a batch found unknown once every record was
    // read leaves neither the file nor the hidden one.
    test::TempDir out;
    for (const char* format : {"scs-sql", "json"}) {
        auto r = run_ukpu({"keys", "export", "--format", format, "--batch", "99", "-o",
                           out.path("x.out"), "--store", store()});
        EXPECT_EQ(r.exit_code, 3) << r.err;  // bad input
        EXPECT_NE(r.err.find("no batch 99"), std::string::npos) << r.err;
        EXPECT_TRUE(std::filesystem::is_empty(out.path())) << format;
    }
}

TEST(KeysRefusals, WeakPasswordForeignStoreNewerSchema) {
    test::TempDir dir;
    test::write_text(dir.path("cur.txt"), "admin\n");
    test::write_text(dir.path("weak.txt"), "weakpassw0rdzz\n");
    test::write_text(dir.path("good.txt"), "N3w-Passw0rd!\n");
    const std::vector<std::string> base = {
        "keys", "generate",           "-n", "3", "--current-password-file", dir.path("cur.txt"),
        "-o",   dir.path("setup.bin")};
    auto with = [&](std::vector<std::string> extra) {
        auto a = base;
        a.insert(a.end(), extra.begin(), extra.end());
        return run_ukpu(a);
    };

    // A dry run writes nothing: no setup.bin, and no store is created.
    auto r = run_ukpu({"--dry-run", "keys", "generate", "-n", "3", "--current-password-file",
                       dir.path("cur.txt"), "-o", dir.path("setup.bin"), "--new-password-file",
                       dir.path("good.txt"), "--store", keystest::store_for(dir.path("dry.db"))});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(keystest::store_exists(keystest::store_for(dir.path("dry.db"))));
    EXPECT_FALSE(std::filesystem::exists(dir.path("setup.bin")));

    r = with({"--new-password-file", dir.path("weak.txt"), "--store",
              keystest::store_for(dir.path("k.db"))});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("would be rejected by the firmware"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("weakpassw0rdzz"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(dir.path("setup.bin")));
    // Refused before anything was stored: the store was not even created.
    EXPECT_FALSE(keystest::store_exists(keystest::store_for(dir.path("k.db"))));

    ASSERT_EQ((keystest::store_sql(keystest::store_for(dir.path("other.db")),
                                   "CREATE TABLE t(x INTEGER)"),
               0),
              0);
    r = with({"--new-password-file", dir.path("good.txt"), "--store",
              keystest::store_for(dir.path("other.db"))});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("not a ukpu key store"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path("setup.bin")));

    // A store of a newer ukpu: made here by a batch, then given a newer schema version.
    r = with({"--new-password-file", dir.path("good.txt"), "--store",
              keystest::store_for(dir.path("k.db"))});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::filesystem::remove(dir.path("setup.bin"));
    ASSERT_EQ((keystest::set_store_version(keystest::store_for(dir.path("k.db")), 99), 0), 0);
    r = with({"--new-password-file", dir.path("good.txt"), "--store",
              keystest::store_for(dir.path("k.db"))});
    EXPECT_EQ(r.exit_code, 4);
    EXPECT_NE(r.err.find("newer than"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path("setup.bin")));

    // Version 4 cannot carry PID/PPS; both password options together are a usage error.
    r = with({"--new-password-file", dir.path("good.txt"), "--version", "4", "--store",
              keystest::store_for(dir.path("fresh.db"))});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    r = with({"--new-password-file", dir.path("good.txt"), "--random-new-password", "--store",
              keystest::store_for(dir.path("fresh.db"))});
    EXPECT_EQ(r.exit_code, 2) << r.err;

    // A single file without --per-key: exactly -o, and the given password on every record.
    r = with({"--new-password-file", dir.path("good.txt"), "--store",
              keystest::store_for(dir.path("fresh.db"))});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(file_mode(dir.path("setup.bin")), 0600u);
    EXPECT_EQ(store_rows(keystest::store_for(dir.path("fresh.db")),
                         "SELECT DISTINCT new_password, current_password FROM records"),
              (std::vector<std::vector<std::string>>{{"N3w-Passw0rd!", "admin"}}));
    // The batch's settings name the options, never the secrets.
    const std::string settings =
        store_rows(keystest::store_for(dir.path("fresh.db")), "SELECT settings FROM batches")[0][0];
    EXPECT_NE(settings.find("--new-password-file"), std::string::npos) << settings;
    EXPECT_EQ(settings.find("N3w-Passw0rd!"), std::string::npos) << settings;
    EXPECT_EQ(settings.find("admin"), std::string::npos) << settings;
}

}  // namespace
}  // namespace ukpu::keys
