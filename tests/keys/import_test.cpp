// keys::read_pairs and keys::import_batch: PID/PPS pairs read from every format ukpu imports
// (ukpu's csv and json exports, Intel SCS's csti_pid_map CSV dashed or plain, with or without its
// header, CSV with other column names), RFC 4180 quoting, a BOM and CRLF; each kind of bad pair
// refused naming its line and field; a PID twice in the file or already in the store refused with
// nothing stored (the store read back with sqlite3).
#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/exports.hpp"
#include "ukpu/keys/import.hpp"
#include "ukpu/keys/key_store.hpp"
#include "ukpu/keys/pidpps_generator.hpp"
#include "ukpu/setupbin/pidpps.hpp"

namespace ukpu::test::import_test {

using namespace ukpu::keys;
using keystest::spec_checksum;
using keystest::store_rows;

// Fresh pairs made with the generator (checked against the spec's checksum by its own tests),
// with passwords that need quoting in CSV and escaping in JSON.
std::vector<KeyRecord> records(std::size_t n) {
    std::vector<KeyRecord> out;
    for (std::size_t i = 0; i < n; ++i) {
        KeyRecord r;
        r.id = static_cast<std::int64_t>(i + 1);
        r.batch_id = 1;
        r.key_file_id = 1;
        r.file_index = 1;
        r.key_file = "/tmp/a,b \"key\".bin";
        r.record_number = static_cast<std::uint32_t>(i + 1);
        r.pid = generate_pid();
        r.pps = generate_pps();
        r.current_password = "ad,min";
        r.new_password = "N3w-Passw0rd!" + std::to_string(i);
        r.state = RecordState::on_key;
        out.push_back(r);
    }
    return out;
}

// The error `f` throws (fails the test when it throws none).
template <typename F>
Error error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    ADD_FAILURE() << "no error thrown";
    return Error(ErrorCode::io, "none");
}

void expect_pairs(const ImportedFile& got, const std::vector<KeyRecord>& want,
                  bool passwords = true) {
    ASSERT_EQ(got.pairs.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(got.pairs[i].pid, want[i].pid) << i;
        EXPECT_EQ(got.pairs[i].pps, want[i].pps) << i;
        if (!passwords) continue;
        EXPECT_EQ(got.pairs[i].current_password.value_or("-"), want[i].current_password) << i;
        EXPECT_EQ(got.pairs[i].new_password.value_or("-"), want[i].new_password) << i;
    }
}

// A valid pair whose PPS has a wrong checksum character in group `group` (0-based).
std::pair<std::string, char> pps_with_bad_group(std::size_t group) {
    std::string pps = generate_pps();
    const std::size_t at = group * 4 + 3;
    const char right = pps[at];
    pps[at] = right == 'A' ? 'B' : 'A';
    return {pps, right};
}

std::string csv_of(const std::vector<std::pair<std::string, std::string>>& pairs) {
    std::string out = "pid,pps,current_password,new_password\n";
    for (const auto& [pid, pps] : pairs) out += pid + "," + pps + ",admin,N3w-Passw0rd!\n";
    return out;
}

}  // namespace ukpu::test::import_test

namespace ukpu::keys {
namespace {

namespace imp = ukpu::test::import_test;
using keystest::spec_checksum;
using keystest::store_rows;

TEST(KeysImport, ReadsUkpusOwnCsvAndJsonExports) {
    const auto recs = imp::records(25);
    const ImportedFile csv = read_pairs(export_records(recs, ExportFormat::csv), "e.csv");
    EXPECT_EQ(csv.format, ImportFormat::csv);
    EXPECT_TRUE(csv.current_password_column);
    EXPECT_TRUE(csv.new_password_column);
    imp::expect_pairs(csv, recs);
    EXPECT_EQ(csv.pairs[0].line, 2u);
    EXPECT_EQ(csv.pairs[24].line, 26u);

    const ImportedFile json = read_pairs(export_records(recs, ExportFormat::json), "e.json");
    EXPECT_EQ(json.format, ImportFormat::json);
    imp::expect_pairs(json, recs);
    // One record a line after '{' and "records": [.
    EXPECT_EQ(json.pairs[0].line, 3u);
    EXPECT_EQ(json.pairs[24].line, 27u);

    // A consumed record (state in csv, used in json) is marked used.
    auto with_consumed = recs;
    with_consumed[3].state = RecordState::consumed;
    EXPECT_TRUE(
        read_pairs(export_records(with_consumed, ExportFormat::csv), "c.csv").pairs[3].used);
    EXPECT_TRUE(
        read_pairs(export_records(with_consumed, ExportFormat::json), "c.json").pairs[3].used);
    EXPECT_FALSE(
        read_pairs(export_records(with_consumed, ExportFormat::csv), "c.csv").pairs[2].used);
}

TEST(KeysImport, ReadsScsCsvDashedPlainAndWithoutHeader) {
    auto recs = imp::records(12);
    recs[5].state = RecordState::consumed;
    for (const PidForm form : {PidForm::dashed, PidForm::plain}) {
        const std::string text = export_records(recs, ExportFormat::scs_csv, form);
        const ImportedFile f = read_pairs(text, "scs.csv");
        EXPECT_EQ(f.format, ImportFormat::scs_csv);
        imp::expect_pairs(f, recs);
        EXPECT_TRUE(f.pairs[5].used);
        EXPECT_FALSE(f.pairs[4].used);
        // The same rows without their header line: csti_pid_map's six columns in order.
        const std::string rows = text.substr(text.find('\n') + 1);
        const ImportedFile bare = read_pairs(rows, "rows.csv");
        EXPECT_EQ(bare.format, ImportFormat::scs_csv);
        imp::expect_pairs(bare, recs);
        EXPECT_EQ(bare.pairs[0].line, 1u);
        EXPECT_TRUE(bare.pairs[5].used);
        // Read as plain csv, rows without a header are refused.
        const Error e =
            imp::error_of([&] { (void)read_pairs(rows, "rows.csv", ImportFormat::csv); });
        EXPECT_EQ(e.code(), ErrorCode::bad_input);
        EXPECT_EQ(e.where(), "rows.csv: line 1");
        EXPECT_NE(e.message().find("no header naming the pid and pps columns"), std::string::npos)
            << e.message();
    }
    // The column names in upper case, in another order, other columns between them.
    std::string text = "Used,Admin_Password,PPS,Comment,PID,ID,Current_Password\n";
    for (const auto& r : recs)
        text += "0," + r.new_password + "," + setupbin::format_pps(r.pps) + ",x," +
                setupbin::format_pid(r.pid) + "," + std::to_string(r.id) + ",\"" +
                r.current_password + "\"\n";
    const ImportedFile f = read_pairs(text, "mixed.csv");
    EXPECT_EQ(f.format, ImportFormat::csv);
    imp::expect_pairs(f, recs);
}

TEST(KeysImport, Rfc4180QuotingBomCrlfAndSeparators) {
    const auto recs = imp::records(3);
    const std::string a = recs[0].pid, b = recs[1].pid, c = recs[2].pid;
    // A BOM, CRLF, quoted fields holding the separator, doubled quotes and a line break; blank
    // lines skipped; lines counted through the quoted line break.
    const std::string text =
        "\xef\xbb\xbf"
        "\"PID\",\"PPS\",\"current password\",\"new password\",notes\r\n" +
        a + "," + recs[0].pps + ",\"ad,min\",\"P@ss,w0rd!\",\"say \"\"hi\"\"\"\r\n" + "\r\n" +
        "\"" + setupbin::format_pid(b) + "\"," + recs[1].pps +
        ",admin,Secr3t-Pw!,\"two\r\nlines\"\r\n" +  // record on lines 4-5
        c + "," + recs[2].pps + ",admin, \"Qu0ted-Pw!\" ,\r\n";
    const ImportedFile f = read_pairs(text, "q.csv");
    ASSERT_EQ(f.pairs.size(), 3u);
    EXPECT_EQ(f.pairs[0].current_password.value_or(""), "ad,min");
    EXPECT_EQ(f.pairs[0].new_password.value_or(""), "P@ss,w0rd!");
    EXPECT_EQ(f.pairs[1].pid, b);
    EXPECT_EQ(f.pairs[0].line, 2u);
    EXPECT_EQ(f.pairs[1].line, 4u);
    EXPECT_EQ(f.pairs[2].line, 6u);
    EXPECT_EQ(f.pairs[2].new_password.value_or(""), "Qu0ted-Pw!");

    // Semicolons (a spreadsheet in a locale with decimal commas) and tabs.
    for (const char sep : {';', '\t'}) {
        std::string t = std::string("pid") + sep + "pps" + sep + "new_password\n";
        for (const auto& r : recs) t += r.pid + sep + r.pps + sep + "\"N3w;Pass\tw0rd!\"\n";
        const ImportedFile g = read_pairs(t, "s.csv");
        imp::expect_pairs(g, recs, false);
        EXPECT_EQ(g.pairs[1].new_password.value_or(""), "N3w;Pass\tw0rd!");
        EXPECT_FALSE(g.current_password_column);
        EXPECT_TRUE(g.new_password_column);
    }
    // LF only, and no line break at the end.
    std::string lf = "pid,pps\n" + a + "," + recs[0].pps + "\n" + b + "," + recs[1].pps;
    EXPECT_EQ(read_pairs(lf, "lf.csv").pairs.size(), 2u);
}

TEST(KeysImport, MalformedCsvNamesTheLine) {
    const auto recs = imp::records(2);
    struct Case {
        std::string text;
        std::string where;
        std::string says;
    };
    const std::string p0 = recs[0].pid + "," + recs[0].pps;
    const std::string p1 = recs[1].pid + "," + recs[1].pps;
    const std::vector<Case> cases = {
        {"pid,pps\n" + p0 + "\n\"" + p1 + "\n", "m.csv: line 3", "never closed"},
        {"pid,pps\n" + p0 + ",extra\n", "m.csv: line 2", "3 fields, but the header names 2"},
        {"pid,pps\n" + p0 + "\n" + recs[1].pid + "\n", "m.csv: line 3",
         "1 field, but the header names 2"},
        {"pid,pps\n" + recs[0].pid + ",ab\"cd\n", "m.csv: line 2", "has a quote"},
        {"pid,pps\n\"" + recs[0].pid + "\"x," + recs[0].pps + "\n", "m.csv: line 2",
         "text after its closing quote"},
        {"pid,secret\n" + p0 + "\n", "m.csv: line 1", "names no pps column"},
        {"pid,pps,PID\n" + p0 + ",x\n", "m.csv: line 1", "are both pid"},
        {"", "m.csv", "no records"},
        {"\n\r\n,,\n", "m.csv", "no records"},
        {"a,b\n" + p0 + "\n", "m.csv: line 1", "no header naming the pid and pps columns"},
        {std::string("\xff\xfe", 2) + "p\0i\0d\0", "m.csv: line 1", "UTF-16"},
    };
    for (const auto& c : cases) {
        const Error e = imp::error_of([&] { (void)read_pairs(c.text, "m.csv"); });
        EXPECT_EQ(e.code(), ErrorCode::bad_input) << c.text;
        EXPECT_EQ(e.where(), c.where) << c.text;
        EXPECT_NE(e.message().find(c.says), std::string::npos) << c.text << "\n" << e.message();
    }
}

TEST(KeysImport, MalformedJsonNamesTheLine) {
    const auto recs = imp::records(2);
    struct Case {
        std::string text;
        std::string where;
        std::string says;
    };
    const std::string good = "{\"pid\": \"" + recs[0].pid + "\", \"pps\": \"" + recs[0].pps + "\"}";
    const std::vector<Case> cases = {
        {"{\"records\": [\n" + good + ",\n{\"pid\": \"" + recs[1].pid + "\"\n]}", "j.json: line 4",
         "not valid JSON"},
        {"{\"records\": [\n" + good + ",\n{\"pid\": \"" + recs[1].pid + "\"}\n]}", "j.json: line 3",
         "no pps"},
        {"{\"records\": [\n" + good + ",\n{\"pid\": \"" + recs[1].pid + "\", \"pps\": 7}\n]}",
         "j.json: line 3, pps", "not a string"},
        {"{\"rows\": []}", "j.json: line 1", "without \"records\""},
        {"{\"records\": {}}", "j.json: line 1", "not an array"},
        {"{\"records\": []}", "j.json", "no records"},
        {"[\n" + good + ",\n 5\n]", "j.json: record 2", "not an object"},
    };
    for (const auto& c : cases) {
        const Error e = imp::error_of([&] { (void)read_pairs(c.text, "j.json"); });
        EXPECT_EQ(e.code(), ErrorCode::bad_input) << c.text;
        EXPECT_EQ(e.where(), c.where) << c.text;
        EXPECT_NE(e.message().find(c.says), std::string::npos) << c.text << "\n" << e.message();
    }
    // A bare array of records, each on its own lines.
    const std::string arr = "[\n  " + good + ",\n  {\n    \"PID\": \"" +
                            setupbin::format_pid(recs[1].pid) + "\",\n    \"PPS\": \"" +
                            setupbin::format_pps(recs[1].pps) + "\"\n  }\n]\n";
    const ImportedFile f = read_pairs(arr, "a.json");
    ASSERT_EQ(f.pairs.size(), 2u);
    EXPECT_EQ(f.pairs[1].pid, recs[1].pid);
    EXPECT_EQ(f.pairs[1].pps, recs[1].pps);
    EXPECT_EQ(f.pairs[0].line, 2u);
    EXPECT_EQ(f.pairs[1].line, 3u);
    EXPECT_FALSE(f.current_password_column);
}

TEST(KeysImport, EachKindOfBadPairNamesItsLineAndField) {
    const auto recs = imp::records(20);
    auto pairs = [&] {
        std::vector<std::pair<std::string, std::string>> v;
        for (const auto& r : recs) v.push_back({r.pid, r.pps});
        return v;
    };
    struct Case {
        std::size_t index;  // the pair changed (its line is index + 2)
        std::string pid;
        std::string pps;
        std::string field;
        std::string says;
    };
    const std::string pid7 = recs[3].pid.substr(0, 7);
    const char pid_right = spec_checksum(pid7);
    const std::string bad_pid = pid7 + (pid_right == 'Z' ? 'Y' : 'Z');
    const auto [bad_pps, pps_right] = imp::pps_with_bad_group(5);
    std::vector<Case> cases = {
        {15, recs[15].pid, bad_pps, "pps",
         std::string("checksum character at position 24 is '") + bad_pps[23] +
             "' but the characters before it give '" + pps_right + "'"},
        {3, bad_pid, recs[3].pps, "pid",
         std::string("checksum character at position 8 is '") + bad_pid[7] +
             "' but the characters before it give '" + pid_right + "'"},
        {7, recs[7].pid.substr(0, 7), recs[7].pps, "pid", "must be 8 characters, found 7"},
        {8, recs[8].pid + "A", recs[8].pps, "pid", "must be 8 characters, found 9"},
        {9, recs[9].pid, recs[9].pps + "AAAA", "pps", "must be 32 characters, found 36"},
        {10, recs[10].pid, recs[10].pps.substr(1), "pps", "must be 32 characters, found 31"},
        {11, "abcd1234", recs[11].pps, "pid", "has 'a' at position 1; only A-Z and 0-9"},
        {12, recs[12].pid, "ABC_" + recs[12].pps.substr(4), "pps", "has '_' at position 4"},
        {13, "", recs[13].pps, "pid", "found 0"},
    };
    for (const auto& c : cases) {
        auto v = pairs();
        v[c.index] = {c.pid, c.pps};
        const Error e = imp::error_of([&] { (void)read_pairs(imp::csv_of(v), "pairs.csv"); });
        EXPECT_EQ(e.code(), ErrorCode::bad_input) << c.says;
        EXPECT_EQ(e.where(), "pairs.csv: line " + std::to_string(c.index + 2) + ", " + c.field);
        EXPECT_NE(e.message().find(c.says), std::string::npos) << e.message();
        // The PPS itself is a secret: never in the message.
        EXPECT_EQ(e.message().find(c.pps), std::string::npos) << e.message();
    }
    // Only the first bad pair is named.
    auto v = pairs();
    v[4].first = bad_pid;
    v[2].second = bad_pps;
    EXPECT_EQ(imp::error_of([&] { (void)read_pairs(imp::csv_of(v), "pairs.csv"); }).where(),
              "pairs.csv: line 4, pps");
    // Dashes anywhere are removed; spaces around a pair are not part of it.
    v = pairs();
    v[0] = {setupbin::format_pid(recs[0].pid), " " + setupbin::format_pps(recs[0].pps) + " "};
    EXPECT_EQ(read_pairs(imp::csv_of(v), "pairs.csv").pairs[0].pps, recs[0].pps);
    // A used column that is neither 0 nor 1.
    const std::string used = "pid,pps,used\n" + recs[0].pid + "," + recs[0].pps + ",2\n";
    const Error e = imp::error_of([&] { (void)read_pairs(used, "u.csv"); });
    EXPECT_EQ(e.where(), "u.csv: line 2, used");
}

TEST(KeysImport, APidTwiceInTheFileNamesBothLines) {
    const auto recs = imp::records(6);
    std::vector<std::pair<std::string, std::string>> v;
    for (const auto& r : recs) v.push_back({r.pid, r.pps});
    v[4] = {setupbin::format_pid(recs[1].pid), generate_pps()};  // line 6 repeats line 3
    const Error e = imp::error_of([&] { (void)read_pairs(imp::csv_of(v), "d.csv"); });
    EXPECT_EQ(e.code(), ErrorCode::duplicate_pid);
    EXPECT_EQ(e.where(), "d.csv: line 6, pid");
    EXPECT_NE(e.message().find("PID " + setupbin::format_pid(recs[1].pid) + " is also on line 3"),
              std::string::npos)
        << e.message();
}

TEST(KeysImport, PasswordsFromColumnsOrOptions) {
    auto recs = imp::records(4);
    recs[2].state = RecordState::consumed;
    const ImportedFile f = read_pairs(export_records(recs, ExportFormat::scs_csv), "s.csv");

    // The file's own passwords; the used pair left out; the settings name the source.
    NewBatch b = import_batch(f, "s.csv", "/abs/s.csv", {});
    ASSERT_EQ(b.unplaced.size(), 3u);
    EXPECT_EQ(b.unplaced[2].pid, recs[3].pid);
    EXPECT_EQ(b.unplaced[2].current_password, "ad,min");
    EXPECT_EQ(b.unplaced[2].new_password, recs[3].new_password);
    EXPECT_TRUE(b.files.empty());
    EXPECT_EQ(b.file_version, "");
    EXPECT_NE(b.settings.find("\"imported_from\": \"/abs/s.csv\""), std::string::npos)
        << b.settings;
    EXPECT_NE(b.settings.find("\"format\": \"scs-csv\""), std::string::npos) << b.settings;
    EXPECT_NE(b.settings.find("\"used_left_out\": 1"), std::string::npos) << b.settings;
    EXPECT_EQ(b.settings.find(recs[0].new_password), std::string::npos) << "no secret";

    // Given passwords stand for the columns on every pair.
    ImportPasswords given;
    given.current = "admin";
    given.current_from = "--current-password-file cur.txt";
    given.new_password = "Oth3r-Passw0rd!";
    given.new_from = "--new-password-file new.txt";
    b = import_batch(f, "s.csv", "/abs/s.csv", given);
    for (const auto& r : b.unplaced) {
        EXPECT_EQ(r.current_password, "admin");
        EXPECT_EQ(r.new_password, "Oth3r-Passw0rd!");
    }

    // A file without password columns needs both options (a usage error naming each).
    std::string text = "pid,pps\n" + recs[0].pid + "," + recs[0].pps + "\n";
    const ImportedFile bare = read_pairs(text, "b.csv");
    Error e = imp::error_of([&] { (void)import_batch(bare, "b.csv", "/b.csv", {}); });
    EXPECT_EQ(e.code(), ErrorCode::bad_argument);
    EXPECT_EQ(e.where(), "--current-password-file");
    ImportPasswords cur_only;
    cur_only.current = "admin";
    e = imp::error_of([&] { (void)import_batch(bare, "b.csv", "/b.csv", cur_only); });
    EXPECT_EQ(e.where(), "--new-password-file");

    // A weak new password: refused naming the line, or the option.
    text = "pid,pps,current_password,new_password\n" + recs[0].pid + "," + recs[0].pps +
           ",admin,N3w-Passw0rd!\n" + recs[1].pid + "," + recs[1].pps + ",admin,password\n";
    const ImportedFile weak = read_pairs(text, "w.csv");
    e = imp::error_of([&] { (void)import_batch(weak, "w.csv", "/w.csv", {}); });
    EXPECT_EQ(e.code(), ErrorCode::weak_password);
    EXPECT_EQ(e.where(), "w.csv: line 3, new_password");
    ImportPasswords weak_option;
    weak_option.new_password = "short";
    weak_option.new_from = "--new-password-file new.txt";
    e = imp::error_of([&] { (void)import_batch(weak, "w.csv", "/w.csv", weak_option); });
    EXPECT_EQ(e.code(), ErrorCode::weak_password);
    EXPECT_EQ(e.where(), "--new-password-file new.txt");

    // An empty field where the column is there, and a current password over 32 bytes.
    text = "pid,pps,current_password,new_password\n" + recs[0].pid + "," + recs[0].pps +
           ",,N3w-Passw0rd!\n";
    e = imp::error_of(
        [&] { (void)import_batch(read_pairs(text, "e.csv"), "e.csv", "/e.csv", {}); });
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    EXPECT_EQ(e.where(), "e.csv: line 2, current_password");
    text = "pid,pps,current_password,new_password\n" + recs[0].pid + "," + recs[0].pps + "," +
           std::string(33, 'a') + ",N3w-Passw0rd!\n";
    e = imp::error_of(
        [&] { (void)import_batch(read_pairs(text, "l.csv"), "l.csv", "/l.csv", {}); });
    EXPECT_EQ(e.where(), "l.csv: line 2, current_password");

    // Every pair used: nothing to import.
    for (auto& r : recs) r.state = RecordState::consumed;
    const ImportedFile all_used = read_pairs(export_records(recs, ExportFormat::json), "u.json");
    e = imp::error_of([&] { (void)import_batch(all_used, "u.json", "/u.json", {}); });
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
}

TEST(KeysImport, APidInTheStoreRefusesTheFileAndNothingIsStored) {
    test::TempDir dir;
    const std::string db = keystest::store_for(dir.path("keys.db"));
    const auto first = imp::records(5);
    {
        KeyStore store(db);
        const ImportedFile f = read_pairs(export_records(first, ExportFormat::csv), "one.csv");
        refuse_stored_pids(store, f, "one.csv");  // an empty store holds none of them
        NewBatch b = import_batch(f, "one.csv", "/one.csv", {});
        b.ukpu_version = "test";
        const BatchInfo info = store.add_batch(b);
        EXPECT_EQ(info.record_count, 5u);
        EXPECT_EQ(info.unplaced, 5u);
    }
    const auto before = store_rows(db, "SELECT id, pid, pps, batch_id FROM records ORDER BY id");
    ASSERT_EQ(before.size(), 5u);
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(before[i][1], first[i].pid);
        EXPECT_EQ(before[i][2], first[i].pps);
    }
    EXPECT_EQ(store_rows(db,
                         "SELECT count(*) FROM records WHERE key_file_id IS NULL AND "
                         "record_number IS NULL AND state = 'generated'")[0][0],
              "5");

    // A second file whose line 4 holds a stored PID (dashed): refused naming it and its batch.
    auto second = imp::records(4);
    second[2].pid = first[3].pid;
    const std::string text = export_records(second, ExportFormat::scs_csv, PidForm::dashed);
    {
        KeyStore store(db, OpenMode::existing);
        const ImportedFile f = read_pairs(text, "two.csv");
        const Error e = imp::error_of([&] { refuse_stored_pids(store, f, "two.csv"); });
        EXPECT_EQ(e.code(), ErrorCode::duplicate_pid);
        EXPECT_EQ(e.where(), "two.csv: line 4, pid");
        EXPECT_NE(e.message().find("already in the key store (record 4 of batch 1)"),
                  std::string::npos)
            << e.message();
        // The store refuses the batch on its own too, in one transaction.
        NewBatch b = import_batch(f, "two.csv", "/two.csv", {});
        b.ukpu_version = "test";
        EXPECT_EQ(imp::error_of([&] { (void)store.add_batch(b); }).code(),
                  ErrorCode::duplicate_pid);
    }
    EXPECT_EQ(store_rows(db, "SELECT id, pid, pps, batch_id FROM records ORDER BY id"), before);
    EXPECT_EQ(store_rows(db, "SELECT count(*) FROM batches")[0][0], "1");
}

}  // namespace
}  // namespace ukpu::keys
