// `ukpu keys write`: a stored key file written again is byte-identical to the first (its sha256
// as the store holds it, read with sqlite3); with --unconsumed after a sync only the records no
// PC took are on the new key, decoded independently of the store; a key image is labelled for
// its key file (read back with mtools); consumed or voided records are refused.
#include <cstdio>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "support/files.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/keys/batch_builder.hpp"
#include "ukpu/setupbin/consume.hpp"
#include "ukpu/setupbin/parse.hpp"

namespace ukpu::test::write_cli {

using keystest::capture;
using keystest::shell_quote;
using keystest::store_rows;

std::vector<std::uint8_t> consumed_copy(const std::string& path, int k) {
    auto bytes = read_bytes(path);
    for (int i = 0; i < k; ++i) EXPECT_TRUE(setupbin::consume_next(bytes).consumed);
    return bytes;
}

// The PIDs of a setup.bin's records a PC can still take, in order (2/1 of each valid record).
std::vector<std::string> unconsumed_pids(const std::vector<std::uint8_t>& bytes) {
    std::vector<std::string> out;
    for (const auto& rec : setupbin::parse(bytes).records) {
        if (rec.consumed || !rec.valid()) continue;
        for (const auto& e : rec.entries)
            if (e.module == 2 && e.variable == 1) out.emplace_back(e.value.begin(), e.value.end());
    }
    return out;
}

struct Batch {
    TempDir dir;
    std::string db = keystest::store_for(dir.path("keys.db"));
    Batch() {
        write_text(dir.path("cur.txt"), "admin\n");
        write_text(dir.path("new.txt"), "N3w-Passw0rd!\n");
    }
    RunResult generate(int n, const std::string& out) {
        return run_ukpu({"keys", "generate", "-n", std::to_string(n), "--current-password-file",
                         dir.path("cur.txt"), "--new-password-file", dir.path("new.txt"), "-o", out,
                         "--store", db});
    }
};

}  // namespace ukpu::test::write_cli

namespace ukpu::keys {
namespace {

using namespace ukpu::test::write_cli;
using ukpu::test::read_bytes;
using ukpu::test::run_ukpu;

TEST(KeysWrite, AKeyFileWrittenAgainIsByteIdenticalToTheFirst) {
    Batch b;
    ASSERT_EQ(b.generate(6, b.dir.path("first.bin")).exit_code, 0);
    const auto first = read_bytes(b.dir.path("first.bin"));
    auto r = run_ukpu(
        {"keys", "write", "--key-file", "1", "-o", b.dir.path("again.bin"), "--store", b.db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_bytes(b.dir.path("again.bin")), first);
    EXPECT_EQ(keystest::file_mode(b.dir.path("again.bin")), 0600u);
    const std::string stored = store_rows(b.db, "SELECT sha256 FROM key_files WHERE id=1")[0][0];
    EXPECT_EQ(keys::sha256_hex(read_bytes(b.dir.path("again.bin"))), stored);
    // The store knows where the key file is now; its records stay on it.
    EXPECT_EQ(store_rows(b.db, "SELECT target, state FROM key_files WHERE id=1")[0],
              (std::vector<std::string>{b.dir.path("again.bin"), "written"}));
    EXPECT_EQ(store_rows(b.db, "SELECT count(*) FROM records WHERE key_file_id=1")[0][0], "6");
    // An existing output needs --overwrite.
    r = run_ukpu(
        {"keys", "write", "--key-file", "1", "-o", b.dir.path("again.bin"), "--store", b.db});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    // As a key image: labelled for its key file in the boot sector (blkid reads it), its
    // setup.bin the same bytes (mtools reads it).
    r = run_ukpu(
        {"keys", "write", "--key-file", "1", "--image", b.dir.path("key.img"), "--store", b.db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("label B0001K001"), std::string::npos) << r.err;
    auto label = capture("blkid -p -O 1048576 -s LABEL_FATBOOT -o value " +
                         shell_quote(b.dir.path("key.img")));
    EXPECT_NE(label.out.find("B0001K001"), std::string::npos) << label.out;
    auto copied = capture("mcopy -n -i " + shell_quote(b.dir.path("key.img")) +
                          "@@1M ::SETUP.BIN " + shell_quote(b.dir.path("from-image.bin")));
    ASSERT_EQ(copied.status, 0);
    EXPECT_EQ(read_bytes(b.dir.path("from-image.bin")), first);
    EXPECT_EQ(store_rows(b.db, "SELECT label FROM key_files WHERE id=1")[0][0], "B0001K001");
    // keys sync reads the label back; a key relabelled since (the boot sector's label field, at
    // 0x2B of the FAT16 volume at 1 MiB) is said.
    r = run_ukpu({"--json", "keys", "sync", "--image", b.dir.path("key.img"), "--store", b.db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"label\": \"B0001K001\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"recorded_label\": \"B0001K001\""), std::string::npos) << r.out;
    {
        std::FILE* f = std::fopen(b.dir.path("key.img").c_str(), "r+b");
        ASSERT_NE(f, nullptr);
        ASSERT_EQ(std::fseek(f, (1L << 20) + 0x2B, SEEK_SET), 0);
        ASSERT_EQ(std::fwrite("SPARE      ", 1, 11, f), 11u);
        std::fclose(f);
    }
    r = run_ukpu({"keys", "sync", "--image", b.dir.path("key.img"), "--store", b.db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("with the label B0001K001, but this key's label is SPARE"),
              std::string::npos)
        << r.err;
}

TEST(KeysWrite, UnconsumedWritesOnlyTheRecordsNoPcTook) {
    Batch b;
    ASSERT_EQ(b.generate(8, b.dir.path("setup.bin")).exit_code, 0);
    const auto original = read_bytes(b.dir.path("setup.bin"));
    const auto all = unconsumed_pids(original);
    ASSERT_EQ(all.size(), 8u);
    // Three PCs took a record; the store learns it from the key.
    ukpu::test::write_text(b.dir.path("used.bin"), [&] {
        const auto c = consumed_copy(b.dir.path("setup.bin"), 3);
        return std::string(c.begin(), c.end());
    }());
    auto r = run_ukpu({"keys", "sync", "--setup-bin", b.dir.path("used.bin"), "--store", b.db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // The same bytes again would offer the consumed records: refused, pointing at --unconsumed.
    r = run_ukpu(
        {"keys", "write", "--key-file", "1", "-o", b.dir.path("again.bin"), "--store", b.db});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("--unconsumed"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(b.dir.path("again.bin")));
    r = run_ukpu({"keys", "write", "--key-file", "1", "--unconsumed", "-o", b.dir.path("rest.bin"),
                  "--store", b.db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rest = read_bytes(b.dir.path("rest.bin"));
    EXPECT_EQ(unconsumed_pids(rest), std::vector<std::string>(all.begin() + 3, all.end()));
    // Each record keeps its bytes: the new file's records are the original's 4th to 8th.
    const auto before = setupbin::parse(original);
    const auto after = setupbin::parse(rest);
    ASSERT_EQ(after.records.size(), 5u);
    EXPECT_EQ(after.header.records_consumed, 0u);
    for (std::size_t i = 0; i < 5; ++i)
        EXPECT_EQ(after.records[i].entries, before.records[i + 3].entries) << "record " << i + 1;
    // The store: a new key file replacing key file 1, holding the five records as 1-5.
    EXPECT_EQ(store_rows(b.db, "SELECT id, replaces, state FROM key_files WHERE id=2")[0],
              (std::vector<std::string>{"2", "1", "written"}));
    std::vector<std::vector<std::string>> want;
    for (std::size_t i = 3; i < all.size(); ++i) want.push_back({all[i], std::to_string(i - 2)});
    EXPECT_EQ(store_rows(b.db,
                         "SELECT pid, record_number FROM records WHERE key_file_id=2 ORDER "
                         "BY record_number"),
              want);
    EXPECT_EQ(store_rows(b.db,
                         "SELECT count(*) FROM records WHERE key_file_id=1 AND "
                         "state='consumed'")[0][0],
              "3");
    EXPECT_EQ(keys::sha256_hex(rest),
              store_rows(b.db, "SELECT sha256 FROM key_files WHERE id=2")[0][0]);
    // Nothing left on key file 1 to write.
    r = run_ukpu({"keys", "write", "--key-file", "1", "--unconsumed", "-o", b.dir.path("none.bin"),
                  "--store", b.db});
    EXPECT_EQ(r.exit_code, 4) << r.err;
}

TEST(KeysWrite, VoidedRecordsAreNeverWrittenAgain) {
    Batch b;
    ASSERT_EQ(b.generate(3, b.dir.path("setup.bin")).exit_code, 0);
    keystest::store_sql(b.db,
                        "UPDATE records SET void_reason='lost', voided_at='2026-12-03T00:00:00Z' "
                        "WHERE record_number=2");
    auto r = run_ukpu(
        {"keys", "write", "--key-file", "1", "-o", b.dir.path("again.bin"), "--store", b.db});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("voided"), std::string::npos) << r.err;
    r = run_ukpu({"keys", "write", "--key-file", "1", "--unconsumed", "-o", b.dir.path("rest.bin"),
                  "--store", b.db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(unconsumed_pids(read_bytes(b.dir.path("rest.bin"))).size(), 2u);
}

TEST(KeysWrite, OptionsAreCheckedBeforeAnythingIsWritten) {
    Batch b;
    ASSERT_EQ(b.generate(2, b.dir.path("setup.bin")).exit_code, 0);
    // No source, two sources, no output, two outputs: usage errors.
    EXPECT_EQ(run_ukpu({"keys", "write", "-o", b.dir.path("x.bin"), "--store", b.db}).exit_code, 2);
    EXPECT_EQ(run_ukpu({"keys", "write", "--batch", "1", "--key-file", "1", "-o",
                        b.dir.path("x.bin"), "--store", b.db})
                  .exit_code,
              2);
    EXPECT_EQ(run_ukpu({"keys", "write", "--key-file", "1", "--store", b.db}).exit_code, 2);
    EXPECT_EQ(run_ukpu({"keys", "write", "--key-file", "1", "-o", b.dir.path("x.bin"), "--image",
                        b.dir.path("x.img"), "--store", b.db})
                  .exit_code,
              2);
    // An unknown key file or batch: 3, naming it. A batch whose records are all on a key: 4.
    auto r =
        run_ukpu({"keys", "write", "--key-file", "9", "-o", b.dir.path("x.bin"), "--store", b.db});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("key file 9"), std::string::npos) << r.err;
    r = run_ukpu({"keys", "write", "--batch", "1", "--current-password-file", b.dir.path("cur.txt"),
                  "-o", b.dir.path("x.bin"), "--store", b.db});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_FALSE(std::filesystem::exists(b.dir.path("x.bin")));
    // A missing store is not created.
    r = run_ukpu({"keys", "write", "--key-file", "1", "-o", b.dir.path("x.bin"), "--store",
                  keystest::store_for(b.dir.path("none.db"))});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_FALSE(keystest::store_exists(keystest::store_for(b.dir.path("none.db"))));
}

}  // namespace
}  // namespace ukpu::keys

namespace ukpu::keys {
namespace {

using namespace ukpu::test::write_cli;
using ukpu::test::read_bytes;
using ukpu::test::run_ukpu;

TEST(KeysWrite, AVoidedRecordAPcTookIsMarkedAndExportedAsUsed) {
    Batch b;
    ASSERT_EQ(b.generate(3, b.dir.path("setup.bin")).exit_code, 0);
    auto r =
        run_ukpu({"keys", "void", "--key-file", "1", "--reason", "stick lost", "--store", b.db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // The stick turns up: a PC had taken its first record.
    const auto used = consumed_copy(b.dir.path("setup.bin"), 1);
    ukpu::test::write_text(b.dir.path("found.bin"), std::string(used.begin(), used.end()));
    r = run_ukpu({"keys", "sync", "--setup-bin", b.dir.path("found.bin"), "--store", b.db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("1 record of key file 1"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("was voided ('stick lost') but a PC took it"), std::string::npos) << r.err;
    r = run_ukpu(
        {"keys", "export", "--format", "csv", "-o", b.dir.path("out.csv"), "--store", b.db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto text = read_bytes(b.dir.path("out.csv"));
    const std::string csv(text.begin(), text.end());
    const auto rows = store_rows(b.db, "SELECT pid, state FROM records ORDER BY record_number");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0][1], "consumed");
    EXPECT_NE(csv.find(rows[0][0]), std::string::npos) << csv;
    EXPECT_EQ(csv.find(rows[1][0]), std::string::npos) << csv;
    EXPECT_EQ(csv.find(rows[2][0]), std::string::npos) << csv;
}

}  // namespace
}  // namespace ukpu::keys
