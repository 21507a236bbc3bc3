// `ukpu keys sync`: after the firmware's consumption (setupbin::consume_next on the file's
// bytes) of k records, from a key image built with fatwriter's write_key or from a setup.bin
// file, exactly those k records are consumed in the store (read with the sqlite3 tool); a fully
// consumed setup.bin, which nothing identifies, and a --key-file the key does not prove are
// refused with nothing marked.
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "support/files.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/key_writer.hpp"
#include "ukpu/setupbin/consume.hpp"

namespace ukpu::keys {
namespace {

using keystest::store_rows;
using test::run_ukpu;

using Consumed = std::set<std::pair<int, int>>;  // (key file index, record number)

Consumed consumed_in(const std::string& db) {
    Consumed out;
    for (const auto& r : store_rows(db,
                                    "SELECT f.file_index, r.record_number FROM records r JOIN "
                                    "key_files f ON f.id = r.key_file_id WHERE "
                                    "r.state = 'consumed'"))
        out.insert({std::stoi(r[0]), std::stoi(r[1])});
    return out;
}

std::vector<std::uint8_t> consumed_copy(const std::string& path, int k) {
    auto bytes = test::read_bytes(path);
    for (int i = 0; i < k; ++i) {
        auto c = setupbin::consume_next(bytes);
        EXPECT_TRUE(c.consumed);
        EXPECT_EQ(c.record_index, static_cast<std::uint32_t>(i));
    }
    return bytes;
}

void write_image(const std::string& path, const std::vector<std::uint8_t>& setup_bin) {
    auto img = fat::ImageFile::create(path, 16ull << 20, 512, false);
    fat::KeyOptions o;
    o.device_is_zeroed = true;
    fat::write_key(*img, setup_bin, {}, o);
}

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    test::write_text(path, std::string(bytes.begin(), bytes.end()));
}

TEST(KeysSync, MarksExactlyTheConsumedRecords) {
    test::TempDir dir;
    const std::string db = keystest::store_for(dir.path("keys.db"));
    test::write_text(dir.path("cur.txt"), "admin\n");
    test::write_text(dir.path("new.txt"), "N3w-Passw0rd!\n");
    auto r = run_ukpu({"keys", "generate", "-n", "30", "--per-key", "10", "--scramble",
                       "--current-password-file", dir.path("cur.txt"), "--new-password-file",
                       dir.path("new.txt"), "-o", dir.path("setup.bin"), "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(consumed_in(db).empty());

    // Key 2 as an image after 4 PCs took a record each.
    write_image(dir.path("key2.img"), consumed_copy(dir.path("setup-2.bin"), 4));
    // A dry run says what it would mark and changes nothing.
    r = run_ukpu(
        {"--json", "--dry-run", "keys", "sync", "--image", dir.path("key2.img"), "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"newly_marked\": 4"), std::string::npos) << r.out;
    EXPECT_TRUE(consumed_in(db).empty());
    r = run_ukpu({"--json", "keys", "sync", "--image", dir.path("key2.img"), "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"newly_marked\": 4"), std::string::npos) << r.out;
    EXPECT_EQ(consumed_in(db), (Consumed{{2, 1}, {2, 2}, {2, 3}, {2, 4}}));

    // Key 1 as a setup.bin file after 3.
    write_bytes(dir.path("key1.bin"), consumed_copy(dir.path("setup-1.bin"), 3));
    r = run_ukpu({"keys", "sync", "--setup-bin", dir.path("key1.bin"), "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(consumed_in(db), (Consumed{{1, 1}, {1, 2}, {1, 3}, {2, 1}, {2, 2}, {2, 3}, {2, 4}}));

    // Syncing the same key again changes nothing.
    r = run_ukpu({"--json", "keys", "sync", "--image", dir.path("key2.img"), "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"newly_marked\": 0"), std::string::npos) << r.out;
    EXPECT_EQ(consumed_in(db).size(), 7u);

    // A fully consumed setup.bin carries no PID and no volume id: nothing proves which key file
    // it is, so nothing is marked, with or without --key-file.
    write_bytes(dir.path("key3.bin"), consumed_copy(dir.path("setup-3.bin"), 10));
    r = run_ukpu({"keys", "sync", "--setup-bin", dir.path("key3.bin"), "--store", db});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("nothing names its key file"), std::string::npos) << r.err;
    const std::string id3 = store_rows(db, "SELECT id FROM key_files WHERE file_index=3")[0][0];
    r = run_ukpu(
        {"keys", "sync", "--setup-bin", dir.path("key3.bin"), "--key-file", id3, "--store", db});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("does not match key file " + id3), std::string::npos) << r.err;
    // Key 1 named as key file 3: its PIDs say otherwise.
    r = run_ukpu(
        {"keys", "sync", "--setup-bin", dir.path("key1.bin"), "--key-file", id3, "--store", db});
    EXPECT_EQ(r.exit_code, 4) << "key 1 named as key file 3";
    const Consumed want{{1, 1}, {1, 2}, {1, 3}, {2, 1}, {2, 2}, {2, 3}, {2, 4}};
    EXPECT_EQ(consumed_in(db), want);

    // The scs export says used = 1 for exactly those.
    r = run_ukpu({"keys", "export", "--format", "scs-sql", "--plain-pid-pps", "-o",
                  dir.path("x.sql"), "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(keystest::capture("sqlite3 -bail " + keystest::shell_quote(dir.path("x.db")) + " < " +
                                keystest::shell_quote(dir.path("x.sql")))
                  .status,
              0);
    const auto used =
        store_rows(dir.path("x.db"), "SELECT count(*) FROM csti_pid_map WHERE used=1");
    EXPECT_EQ(used[0][0], "7");

    // A key from another store is not recognised.
    r = run_ukpu({"keys", "generate", "-n", "2", "--current-password-file", dir.path("cur.txt"),
                  "--new-password-file", dir.path("new.txt"), "-o", dir.path("other.bin"),
                  "--store", keystest::store_for(dir.path("other.db"))});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_ukpu({"keys", "sync", "--setup-bin", dir.path("other.bin"), "--store", db});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("not in the key store"), std::string::npos) << r.err;
    EXPECT_EQ(consumed_in(db).size(), 7u);
}

}  // namespace
}  // namespace ukpu::keys
