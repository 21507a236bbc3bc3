// Pairs made elsewhere, all the way onto sticks: 10,000 PID/PPS pairs made here (std::mt19937 and
// the spec's checksum, not ukpu's generator) as a CSV, `ukpu keys import`ed into a fresh store and
// `ukpu keys write --batch` to three loop devices dressed as USB sticks; then each stick is read
// without ukpu: SETUP.BIN copied off with mtools, the volume label read with blkid, the records
// decoded by a decoder written here from the byte layout of spec/setupbin-format.md. Every pair
// is on exactly one stick, in the file's order, with the passwords given; the store (read with
// sqlite3) holds three written key files labelled B<batch>K001..K003 whose sha256 and records are
// the sticks'. An Intel SCS csti_pid_map export (dashed pairs, its own passwords, used rows) goes
// the same way onto one stick. A key file written again onto another stick whose write fails is
// still on its first stick (the store as before, its records still exported); written again
// for real, the new stick holds the same bytes.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "support/fake_machine.hpp"
#include "support/files.hpp"
#include "support/json.hpp"
#include "support/loop_stick.hpp"
#include "support/run_ukpu.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::test::import_sticks {

using keystest::capture;
using keystest::shell_quote;
using keystest::spec_checksum;
using keystest::store_rows;

struct Pair {
    std::string pid;  // 8 characters, no dash
    std::string pps;  // 32 characters, no dash
    bool operator==(const Pair&) const = default;
};

// `n` pairs with distinct PIDs, each character uniform over A-Z0-9 and the checksum characters
// as the spec gives them (section 5).
std::vector<Pair> make_pairs(std::size_t n, std::uint32_t seed) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::mt19937 gen(seed);
    std::uniform_int_distribution<int> pick(0, 35);
    auto chars = [&](std::size_t k) {
        std::string s;
        for (std::size_t i = 0; i < k; ++i) s += alphabet[pick(gen)];
        return s;
    };
    std::set<std::string> seen;
    std::vector<Pair> out;
    while (out.size() < n) {
        Pair p;
        p.pid = chars(7);
        p.pid += spec_checksum(p.pid);
        for (int g = 0; g < 8; ++g) {
            const std::string three = chars(3);
            p.pps += three;
            p.pps += spec_checksum(three);
        }
        if (!seen.insert(p.pid).second) continue;
        out.push_back(std::move(p));
    }
    return out;
}

// A secret file as ukpu wants it: mode 0600.
void write_secret(const std::string& path, const std::string& text) {
    write_text(path, text);
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

// XXXX-XXXX from 8 characters, XXXX-...-XXXX from 32.
std::string dashed(const std::string& plain) {
    std::string out;
    for (std::size_t i = 0; i < plain.size(); ++i)
        out += (i && i % 4 == 0 ? "-" : "") + plain.substr(i, 1);
    return out;
}

// ---- An independent setup.bin decoder, from the byte layout of spec/setupbin-format.md ----

std::uint32_t le(const std::vector<std::uint8_t>& b, std::size_t at, int size) {
    if (at + static_cast<std::size_t>(size) > b.size())
        throw std::runtime_error("read past the end at " + std::to_string(at));
    std::uint32_t v = 0;
    for (int i = size - 1; i >= 0; --i) v = (v << 8) | b[at + static_cast<std::size_t>(i)];
    return v;
}

struct Entry {
    std::uint16_t module = 0, variable = 0;
    std::string value;
};

struct DecodedRecord {
    std::uint32_t number = 0;
    bool valid = false, scrambled = false;
    std::vector<Entry> entries;
    std::string value(std::uint16_t module, std::uint16_t variable, int* count = nullptr) const {
        std::string v;
        int n = 0;
        for (const auto& e : entries)
            if (e.module == module && e.variable == variable) {
                v = e.value;
                ++n;
            }
        if (count) *count = n;
        return v;
    }
};

struct Decoded {
    std::uint8_t major = 0, minor = 0;
    std::uint16_t flags = 0;
    std::uint32_t record_count = 0, consumed = 0;
    std::vector<DecodedRecord> records;
};

// Section 2 (the 512-byte file header), 3.1 (record headers), 3.2 (entries), 3.3 (scrambling).
// Throws on anything the layout does not allow, so that a wrong file cannot decode by accident.
Decoded decode(const std::vector<std::uint8_t>& b) {
    static const std::map<std::uint8_t, std::vector<std::uint8_t>> guids = {
        {1,
         {0xb5, 0x16, 0xfb, 0x71, 0x87, 0xcb, 0xf9, 0x4a, 0xb4, 0x41, 0xca, 0x7b, 0x38, 0x35, 0x78,
          0xf9}},
        {2,
         {0x96, 0xb2, 0x81, 0x58, 0xcf, 0x6b, 0x72, 0x4c, 0x8b, 0x91, 0xa1, 0x5e, 0x51, 0x2e, 0x99,
          0xc4}},
    };
    auto fail = [](const std::string& what) { throw std::runtime_error("setup.bin: " + what); };
    if (b.size() < 512) fail("shorter than the file header");
    Decoded d;
    d.major = b[0x18];
    d.minor = b[0x19];
    const auto guid = guids.find(d.major);
    if (guid == guids.end() || !std::equal(guid->second.begin(), guid->second.end(), b.begin()))
        fail("not a PID/PPS version GUID (1 or 2) matching MajorVersion " +
             std::to_string(d.major));
    const std::uint32_t header_chunks = le(b, 0x10, 2);
    if (header_chunks != 1) fail("RecordChunkCount " + std::to_string(header_chunks));
    if (le(b, 0x14, 4) != 0) fail("header RecordNumber not 0");
    d.flags = static_cast<std::uint16_t>(le(b, 0x1a, 2));
    d.record_count = le(b, 0x1c, 4);
    d.consumed = le(b, 0x20, 4);
    const std::uint32_t record_chunks = le(b, 0x24, 2);
    if (record_chunks < 1) fail("DataRecordChunkCount 0");
    const std::size_t record_size = 512u * record_chunks;
    if (b.size() != 512u * header_chunks + d.record_count * record_size)
        fail("size " + std::to_string(b.size()) + " is not header + " +
             std::to_string(d.record_count) + " records");
    if (d.consumed > d.record_count) fail("DataRecordsConsumed past DataRecordCount");
    // ModuleList: u16 ids ended by 0 (the generator writes {1, 2}).
    if (le(b, 0x28, 2) != 1 || le(b, 0x2a, 2) != 2 || le(b, 0x2c, 2) != 0)
        fail("module list is not {1, 2}");
    for (std::uint32_t i = 0; i < d.record_count; ++i) {
        const std::size_t at = 512u * header_chunks + i * record_size;
        DecodedRecord r;
        if (le(b, at, 4) != 1) fail("record " + std::to_string(i + 1) + ": type not 1");
        const std::uint32_t flags = le(b, at + 4, 4);
        r.valid = flags & 1u;
        r.scrambled = flags & 2u;
        if (le(b, at + 0x10, 2) != record_chunks) fail("record chunk count");
        const std::uint32_t header_bytes = le(b, at + 0x12, 2);
        if (header_bytes != 24) fail("record header byte count " + std::to_string(header_bytes));
        r.number = le(b, at + 0x14, 4);
        std::vector<std::uint8_t> body(b.begin() + static_cast<std::ptrdiff_t>(at + header_bytes),
                                       b.begin() + static_cast<std::ptrdiff_t>(at + record_size));
        if (r.scrambled)
            for (auto& x : body) x = static_cast<std::uint8_t>(x - 0x11);
        std::size_t e = 0;
        while (e + 8 <= body.size()) {
            const auto module = static_cast<std::uint16_t>(le(body, e, 2));
            const auto variable = static_cast<std::uint16_t>(le(body, e + 2, 2));
            const std::uint32_t length = le(body, e + 4, 2);
            if (module == 0 && variable == 0 && length == 0) break;
            if (le(body, e + 6, 2) != 0) fail("entry reserved bytes not 0");
            if (e + 8 + length > body.size()) fail("entry runs past its record");
            r.entries.push_back(
                {module, variable,
                 std::string(body.begin() + static_cast<std::ptrdiff_t>(e + 8),
                             body.begin() + static_cast<std::ptrdiff_t>(e + 8 + length))});
            e += 8 + (length + 3) / 4 * 4;
        }
        // What follows the last entry is zero padding.
        for (std::size_t k = e; k < body.size(); ++k)
            if (body[k] != 0) fail("record " + std::to_string(i + 1) + ": bytes after the entries");
        d.records.push_back(std::move(r));
    }
    return d;
}

// ---- The sticks, read with mtools and blkid ----

struct StickRead {
    std::string label;
    std::vector<std::uint8_t> setup;
    std::string sha256;
};

StickRead read_stick(const std::string& loop, const std::string& out) {
    StickRead s;
    // The strict layout: one MBR partition at 1 MiB.
    const auto copied = capture("MTOOLS_SKIP_CHECK=1 mcopy -n -i " + shell_quote(loop) +
                                "@@1M ::SETUP.BIN " + shell_quote(out) + " 2>&1");
    if (copied.status != 0) throw std::runtime_error("mcopy from " + loop + ": " + copied.out);
    s.setup = read_bytes(out);
    auto label = capture("blkid -p -O 1048576 -s LABEL_FATBOOT -o value " + shell_quote(loop));
    s.label = label.out.substr(0, label.out.find('\n'));
    auto sum = capture("sha256sum " + shell_quote(out));
    s.sha256 = sum.out.substr(0, sum.out.find(' '));
    return s;
}

// The pairs of a decoded file in record order, every record checked to be a fresh, valid PID/PPS
// record holding one PID, one PPS and the passwords `current` and `fresh` (or, when empty, any).
std::vector<Pair> pairs_on(const Decoded& d, const std::string& current,
                           const std::vector<std::string>& fresh) {
    std::vector<Pair> out;
    EXPECT_EQ(d.major, 2);
    EXPECT_EQ(d.minor, 1);
    EXPECT_EQ(d.flags, 0);
    EXPECT_EQ(d.consumed, 0u);
    for (std::size_t i = 0; i < d.records.size(); ++i) {
        const DecodedRecord& r = d.records[i];
        SCOPED_TRACE("record " + std::to_string(i + 1));
        EXPECT_EQ(r.number, i + 1);
        EXPECT_TRUE(r.valid);
        EXPECT_FALSE(r.scrambled);
        int pids = 0, ppss = 0;
        Pair p{r.value(2, 1, &pids), r.value(2, 2, &ppss)};
        EXPECT_EQ(pids, 1);
        EXPECT_EQ(ppss, 1);
        EXPECT_TRUE(keystest::spec_pid_ok(p.pid)) << p.pid;
        EXPECT_TRUE(keystest::spec_pps_ok(p.pps));
        EXPECT_EQ(r.value(1, 1), current);
        if (i < fresh.size()) {
            EXPECT_EQ(r.value(1, 2), fresh[i]);
        }
        out.push_back(std::move(p));
    }
    return out;
}

std::string one(const std::string& db, const std::string& query) {
    const auto rows = store_rows(db, query);
    return rows.empty() || rows[0].empty() ? std::string() : rows[0][0];
}

class ImportedPairsOnSticks : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0 || run_shell("command -v losetup >/dev/null 2>&1") != 0)
            GTEST_SKIP() << "loop devices need root";
        for (const char* tool : {"sqlite3", "mcopy", "blkid", "sha256sum"})
            if (run_shell(std::string("command -v ") + tool + " >/dev/null 2>&1") != 0)
                GTEST_SKIP() << tool;
        write_secret(t_.path("cur.txt"), "admin\n");
        write_secret(t_.path("new.txt"), "N3w-Passw0rd!\n");
    }
    // A 32 MiB loop device dressed as a USB stick; empty when losetup failed.
    std::string add_stick(const std::string& name, const std::string& serial,
                          const std::string& port) {
        sticks_.push_back(std::make_unique<LoopStick>(t_.path(name + ".img"), 32));
        if (!sticks_.back()->ok()) return {};
        sticks_.back()->dress_as_usb_stick(m_.f, name, serial, port,
                                           8 + static_cast<int>(sticks_.size()));
        return sticks_.back()->loop();
    }
    std::string db() const { return keystest::store_for(t_.path("keys.db")); }

    TempDir t_;
    FakeMachine m_;
    std::vector<std::unique_ptr<LoopStick>> sticks_;  // detached before t_ goes
};

long long ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start)
        .count();
}

}  // namespace ukpu::test::import_sticks

namespace ukpu::keys {
namespace {

namespace is = ukpu::test::import_sticks;
using is::ImportedPairsOnSticks;
using keystest::store_rows;
using test::run_ukpu;

TEST(ImportSticksDecoder, ReadsAKeyFileAsTheSpecLaysItOut) {
    // The decoder itself, on a file ukpu made with one known pair (Intel's example) and
    // scrambled: the descrambled entries give the pair back.
    test::TempDir dir;
    is::write_secret(dir.path("cur.txt"), "admin\n");
    is::write_secret(dir.path("new.txt"), "N3w-Passw0rd!\n");
    is::write_secret(dir.path("pps.txt"), "NKLD-G5DC-RRNQ-E9YZ-ZIJL-7LFL-VJED-69XJ\n");
    for (const bool scramble : {false, true}) {
        std::vector<std::string> args = {"setupbin",
                                         "create",
                                         "-o",
                                         dir.path(scramble ? "s.bin" : "p.bin"),
                                         "--version",
                                         "2.1",
                                         "--current-password-file",
                                         dir.path("cur.txt"),
                                         "--new-password-file",
                                         dir.path("new.txt"),
                                         "--pid",
                                         "0000-037M",
                                         "--pps-file",
                                         dir.path("pps.txt"),
                                         "--firmware",
                                         "legacy,uefi"};
        if (scramble) args.push_back("--scramble");
        const auto r = run_ukpu(args);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        const is::Decoded d = is::decode(test::read_bytes(dir.path(scramble ? "s.bin" : "p.bin")));
        ASSERT_EQ(d.records.size(), 1u);
        EXPECT_EQ(d.records[0].scrambled, scramble);
        EXPECT_EQ(d.records[0].value(2, 1), "0000037M");
        EXPECT_EQ(d.records[0].value(2, 2), "NKLDG5DCRRNQE9YZZIJL7LFLVJED69XJ");
        EXPECT_EQ(d.records[0].value(1, 1), "admin");
        EXPECT_EQ(d.records[0].value(1, 2), "N3w-Passw0rd!");
    }
}

TEST_F(ImportedPairsOnSticks, TenThousandPairsOntoThreeSticks) {
    const std::vector<std::string> devs = {add_stick("sdx", "STICK0001", "3-2"),
                                           add_stick("sdy", "STICK0002", "3-3"),
                                           add_stick("sdz", "STICK0003", "3-4")};
    for (const auto& d : devs) ASSERT_FALSE(d.empty()) << "losetup failed";

    const std::vector<is::Pair> pairs = is::make_pairs(10000, 20261203);
    std::string csv = "pid,pps\n";
    for (const auto& p : pairs) csv += p.pid + "," + p.pps + "\n";
    test::write_text(t_.path("pairs.csv"), csv);

    auto start = std::chrono::steady_clock::now();
    auto r =
        run_ukpu({"--json", "keys", "import", t_.path("pairs.csv"), "--current-password-file",
                  t_.path("cur.txt"), "--new-password-file", t_.path("new.txt"), "--store", db()});
    const long long import_ms = is::ms_since(start);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const test::Json doc = test::parse_json(r.out);
    EXPECT_EQ(doc["records"], 10000);
    EXPECT_EQ(doc["format"], "csv");
    const std::string batch = std::to_string(doc["batch"].get<long long>());
    EXPECT_EQ(batch, "1");

    start = std::chrono::steady_clock::now();
    r = run_ukpu({"keys", "write", "--batch", batch, "--per-key", "3334", "--device", devs[0],
                  "--device", devs[1], "--device", devs[2], "--yes", "--store", db()});
    const long long write_ms = is::ms_since(start);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::printf("[ info     ] 10,000 pairs imported in %lld ms, written to 3 sticks in %lld ms\n",
                import_ms, write_ms);
    EXPECT_LT(import_ms, 20000);
    EXPECT_LT(write_ms, 60000);

    // Each stick, read without ukpu; ordered by its label.
    std::map<std::string, is::StickRead> by_label;
    std::map<std::string, std::string> dev_of;
    for (std::size_t i = 0; i < devs.size(); ++i) {
        is::StickRead s = is::read_stick(devs[i], t_.path("setup-" + std::to_string(i) + ".bin"));
        dev_of[s.label] = devs[i];
        EXPECT_TRUE(by_label.emplace(s.label, std::move(s)).second) << "two sticks labelled alike";
    }
    const std::vector<std::string> labels = {"B0001K001", "B0001K002", "B0001K003"};
    ASSERT_EQ(by_label.size(), 3u);
    for (const auto& l : labels) ASSERT_EQ(by_label.count(l), 1u) << l;

    std::vector<is::Pair> on_sticks;
    const std::vector<std::size_t> per_stick = {3334, 3334, 3332};
    for (std::size_t k = 0; k < labels.size(); ++k) {
        SCOPED_TRACE(labels[k] + " on " + dev_of[labels[k]]);
        const is::Decoded d = is::decode(by_label[labels[k]].setup);
        EXPECT_EQ(d.records.size(), per_stick[k]);
        const auto got =
            is::pairs_on(d, "admin", std::vector<std::string>(d.records.size(), "N3w-Passw0rd!"));
        on_sticks.insert(on_sticks.end(), got.begin(), got.end());
    }
    // Every pair once, in the file's order (the PIDs of the file are distinct).
    ASSERT_EQ(on_sticks.size(), pairs.size());
    std::size_t first_difference = 0;
    while (first_difference < pairs.size() &&
           on_sticks[first_difference] == pairs[first_difference])
        ++first_difference;
    EXPECT_EQ(first_difference, pairs.size()) << "the first pair that differs";

    // The store: three written key files labelled for their sticks, holding the sticks' bytes
    // (sha256) and serials, each record on its key file at the number the stick gives it.
    EXPECT_EQ(store_rows(db(),
                         "SELECT file_index, label, state, device_serial, first_record, "
                         "last_record FROM key_files ORDER BY file_index"),
              (std::vector<std::vector<std::string>>{
                  {"1", "B0001K001", "written", "STICK0001", "1", "3334"},
                  {"2", "B0001K002", "written", "STICK0002", "3335", "6668"},
                  {"3", "B0001K003", "written", "STICK0003", "6669", "10000"}}));
    for (const auto& l : labels)
        EXPECT_EQ(is::one(db(), "SELECT sha256 FROM key_files WHERE label='" + l + "'"),
                  by_label[l].sha256)
            << l;
    const auto placed = store_rows(db(),
                                   "SELECT k.label, r.record_number, r.pid, r.pps, r.state FROM "
                                   "records r JOIN key_files k ON k.id = r.key_file_id ORDER BY "
                                   "k.file_index, r.record_number");
    ASSERT_EQ(placed.size(), pairs.size());
    std::size_t at = 0, mismatches = 0;
    for (std::size_t k = 0; k < labels.size(); ++k)
        for (std::size_t n = 1; n <= per_stick[k]; ++n, ++at) {
            const std::vector<std::string> want = {labels[k], std::to_string(n), pairs[at].pid,
                                                   pairs[at].pps, "on-key"};
            if (placed[at] != want && mismatches++ < 5)
                ADD_FAILURE() << "store row " << at << " is not " << want[0] << " #" << want[1]
                              << " " << want[2];
        }
    EXPECT_EQ(mismatches, 0u);
    EXPECT_EQ(
        store_rows(db(),
                   "SELECT count(*), count(DISTINCT batch_id), count(*) - count(key_file_id), "
                   "count(voided_at) FROM records")[0],
        (std::vector<std::string>{"10000", "1", "0", "0"}));

    // keys list says the same labels.
    r = run_ukpu({"--json", "keys", "list", "--store", db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const test::Json list = test::parse_json(r.out);
    ASSERT_EQ(list["batches"].size(), 1u);
    EXPECT_EQ(list["batches"][0]["state"], "written");
    ASSERT_EQ(list["batches"][0]["files"].size(), 3u);
    for (std::size_t k = 0; k < labels.size(); ++k)
        EXPECT_EQ(list["batches"][0]["files"][k]["label"], labels[k]);

    // Nothing of the batch is on no key now: writing it again is refused, the sticks unchanged.
    r = run_ukpu({"keys", "write", "--batch", batch, "--per-key", "3334", "--device", devs[0],
                  "--device", devs[1], "--device", devs[2], "--yes", "--store", db()});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    for (std::size_t i = 0; i < devs.size(); ++i) {
        const is::StickRead again =
            is::read_stick(devs[i], t_.path("again-" + std::to_string(i) + ".bin"));
        EXPECT_EQ(again.setup, by_label[again.label].setup) << devs[i];
    }
}

TEST_F(ImportedPairsOnSticks, AnScsExportOntoOneStick) {
    const std::string dev = add_stick("sdx", "STICK0101", "3-2");
    ASSERT_FALSE(dev.empty()) << "losetup failed";

    // csti_pid_map rows as ukpu's scs-csv export shapes them (ids of the server, dashed pairs,
    // the row's passwords, CRLF); three rows the server marks used.
    const std::vector<is::Pair> pairs = is::make_pairs(300, 7);
    std::string csv = "id,pid,pps,current_password,admin_password,used\r\n";
    std::vector<is::Pair> unused;
    std::vector<std::string> fresh;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        const bool used = i == 0 || i == 150 || i == 299;
        const std::string password = "P@ssw0rd-" + std::to_string(i);
        csv += std::to_string(5001 + i) + "," + is::dashed(pairs[i].pid) + "," +
               is::dashed(pairs[i].pps) + ",admin," + password + "," + (used ? "1" : "0") + "\r\n";
        if (!used) {
            unused.push_back(pairs[i]);
            fresh.push_back(password);
        }
    }
    test::write_text(t_.path("csti_pid_map.csv"), csv);

    auto r = run_ukpu({"--json", "keys", "import", t_.path("csti_pid_map.csv"), "--store", db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const test::Json doc = test::parse_json(r.out);
    EXPECT_EQ(doc["format"], "scs-csv");
    EXPECT_EQ(doc["records"], 297);
    EXPECT_EQ(doc["used_left_out"], 3);
    r = run_ukpu({"keys", "write", "--batch", "1", "--per-key", "300", "--device", dev, "--yes",
                  "--store", db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    const is::StickRead s = is::read_stick(dev, t_.path("setup.bin"));
    EXPECT_EQ(s.label, "B0001K001");
    const is::Decoded d = is::decode(s.setup);
    ASSERT_EQ(d.records.size(), 297u);
    EXPECT_EQ(is::pairs_on(d, "admin", fresh), unused);
    EXPECT_EQ(store_rows(db(), "SELECT label, state, sha256 FROM key_files")[0],
              (std::vector<std::string>{"B0001K001", "written", s.sha256}));
    EXPECT_EQ(is::one(db(), "SELECT count(*) FROM records WHERE state='on-key' AND key_file_id=1"),
              "297");
}

TEST_F(ImportedPairsOnSticks, AKeyFileWrittenAgainThatFailsStaysOnItsKey) {
    const std::string a = add_stick("sdx", "STICK0201", "3-2");
    const std::string b = add_stick("sdy", "STICK0202", "3-3");
    ASSERT_FALSE(a.empty() || b.empty()) << "losetup failed";
    const std::vector<is::Pair> pairs = is::make_pairs(30, 11);
    std::string csv = "pid,pps\n";
    for (const auto& p : pairs) csv += p.pid + "," + p.pps + "\n";
    test::write_text(t_.path("pairs.csv"), csv);
    auto r =
        run_ukpu({"keys", "import", t_.path("pairs.csv"), "--current-password-file",
                  t_.path("cur.txt"), "--new-password-file", t_.path("new.txt"), "--store", db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_ukpu({"keys", "write", "--batch", "1", "--device", a, "--yes", "--store", db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string key_file =
        "SELECT target, device_serial, volume_id, state, label FROM key_files WHERE id=1";
    const auto written = store_rows(db(), key_file);
    ASSERT_EQ(written.size(), 1u);
    EXPECT_EQ(written[0][0], a);
    EXPECT_EQ(written[0][3], "written");

    // Written again onto stick B (stick A lost, say), the write fails: key file 1 is still on
    // stick A as before, its records still exported as on a key.
    {
        test::ScopedEnv fail("UKPU_FAIL_AFTER_WRITES", "1");
        r = run_ukpu({"keys", "write", "--key-file", "1", "--device", b, "--yes", "--store", db()});
    }
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_EQ(store_rows(db(), key_file), written);
    r = run_ukpu(
        {"keys", "export", "--format", "scs-csv", "-o", t_.path("x.csv"), "--store", db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto exported = test::read_bytes(t_.path("x.csv"));
    EXPECT_EQ(keystest::split(std::string(exported.begin(), exported.end()), '\n').size(), 32u)
        << r.err;  // the header, 30 rows, "" after the last CRLF
    const auto on_a = is::read_stick(a, t_.path("a.bin"));
    EXPECT_EQ(is::pairs_on(is::decode(on_a.setup), "admin", {}), pairs);

    // Written again for real: stick B holds the same bytes, and key file 1 is on it now.
    r = run_ukpu({"keys", "write", "--key-file", "1", "--device", b, "--yes", "--store", db()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto on_b = is::read_stick(b, t_.path("b.bin"));
    EXPECT_EQ(on_b.setup, on_a.setup);
    EXPECT_EQ(on_b.label, "B0001K001");
    const auto moved = store_rows(db(), key_file);
    ASSERT_EQ(moved.size(), 1u);
    EXPECT_EQ(moved[0][0], b);
    EXPECT_EQ(moved[0][1], "STICK0202");
    EXPECT_EQ(moved[0][3], "written");
}

}  // namespace
}  // namespace ukpu::keys
