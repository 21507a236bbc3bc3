// `ukpu keys generate` with -o: a batch whose files could not all be written leaves the store as
// it was (read with the sqlite3 tool), no file of the batch and no temporary file behind, and a
// store that did not exist is not created (nor any of the files it was made in meanwhile); an
// export that runs out of disk leaves no file.
#include <filesystem>

#include <unistd.h>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "support/files.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::keys {
namespace {

using keystest::names_in;
using keystest::store_rows;
using test::run_ukpu;

std::string first_value(const std::string& db, const std::string& query) {
    return store_rows(db, query).at(0).at(0);
}

TEST(KeysGenerate, ABatchThatNeverReachedItsFilesLeavesTheStoreAsItWas) {
    test::TempDir dir;
    const std::string db = keystest::store_for(dir.path("keys.db"));
    test::write_text(dir.path("cur.txt"), "admin\n");
    auto generate = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"keys",
                                         "generate",
                                         "--current-password-file",
                                         dir.path("cur.txt"),
                                         "--random-new-password",
                                         "--store",
                                         db};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_ukpu(args);
    };
    auto r = generate({"-n", "3", "-o", dir.path("good.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    // No directory to write to: nothing stored.
    r = generate({"-n", "500", "--per-key", "200", "-o", dir.path("missing-dir/setup.bin")});
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_EQ(first_value(db, "SELECT count(*) FROM batches"), "1");
    EXPECT_EQ(first_value(db, "SELECT count(*) FROM key_files"), "1");
    EXPECT_EQ(first_value(db, "SELECT count(*) FROM records"), "3");

    // The second of two files cannot be written (a directory holds its name): the first is not
    // left behind, nor any temporary file, and nothing is stored.
    std::filesystem::create_directories(dir.path("out/setup-2.bin"));
    r = generate({"-n", "4", "--per-key", "2", "-o", dir.path("out/setup.bin")});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_EQ(names_in(dir.path("out")), std::vector<std::string>{"setup-2.bin"});
    EXPECT_EQ(first_value(db, "SELECT count(*) FROM records"), "3");

    // The export holds the three records of the one batch that was written.
    r = run_ukpu({"keys", "export", "--format", "scs-csv", "-o", dir.path("x.csv"), "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto bytes = test::read_bytes(dir.path("x.csv"));
    EXPECT_EQ(keystest::split(std::string(bytes.begin(), bytes.end()), '\n').size(), 3u + 2u);

    // A store that did not exist is not created by a batch that failed.
    r = run_ukpu({"keys", "generate", "-n", "2", "--current-password-file", dir.path("cur.txt"),
                  "--random-new-password", "--store", keystest::store_for(dir.path("new.db")), "-o",
                  dir.path("missing-dir/setup.bin")});
    EXPECT_EQ(r.exit_code, 5) << r.err;
    EXPECT_FALSE(keystest::store_exists(keystest::store_for(dir.path("new.db"))));
}

TEST(KeysGenerate, ANewStoreAppearsOnlyWithItsWholeBatch) {
    // A SQLite store is made under a temporary name and renamed into place; a PostgreSQL one gets
    // its tables in the batch's transaction.
    const bool server = keystest::on_postgresql();
    test::TempDir dir;
    test::write_text(dir.path("cur.txt"), "admin\n");
    std::filesystem::create_directories(dir.path("stores"));
    std::filesystem::create_directories(dir.path("out"));
    const std::string store = keystest::store_for(dir.path("stores/keys.db"));
    auto generate = [&] {
        return run_ukpu({"keys", "generate", "-n", "6", "--per-key", "2", "--current-password-file",
                         dir.path("cur.txt"), "--random-new-password", "--store", store, "-o",
                         dir.path("out/setup.bin")});
    };
    // The third file cannot be written (a directory holds its name) after the first two went into
    // the new store's transaction: neither the store nor anything it was made in is left.
    std::filesystem::create_directories(dir.path("out/setup-3.bin"));
    auto r = generate();
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_FALSE(keystest::store_exists(store));
    EXPECT_EQ(names_in(dir.path("stores")), std::vector<std::string>{});
    EXPECT_EQ(names_in(dir.path("out")), std::vector<std::string>{"setup-3.bin"});

    // Written whole: the store holds the batch, its key files written; a file is alone in its
    // directory (its log folded in) and private.
    std::filesystem::remove(dir.path("out/setup-3.bin"));
    r = generate();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(first_value(store, "SELECT count(*) FROM records"), "6");
    EXPECT_EQ(first_value(store, "SELECT count(*) FROM key_files WHERE state = 'written'"), "3");
    if (!server) {
        EXPECT_EQ(names_in(dir.path("stores")), std::vector<std::string>{"keys.db"});
        EXPECT_EQ(keystest::file_mode(store), 0600u);
        EXPECT_NE(r.err.find("key store " + store), std::string::npos) << r.err;
    }
}

// An export whose disk fills up halfway leaves no file, not even part of one, and marks nothing
// exported: its text goes to a hidden file as it is made, renamed only once whole. The disk is a
// 64 KiB tmpfs (root only), the export about 400 KiB.
TEST(KeysExport, ADiskThatFillsUpHalfwayLeavesNoFileAndMarksNothing) {
    if (::geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
    test::TempDir dir;
    const std::string db = keystest::store_for(dir.path("keys.db"));
    test::write_text(dir.path("cur.txt"), "admin\n");
    auto r = run_ukpu({"keys", "generate", "-n", "2000", "--per-key", "1000",
                       "--current-password-file", dir.path("cur.txt"), "--random-new-password",
                       "-o", dir.path("setup.bin"), "--store", db, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string small = dir.path("small");
    std::filesystem::create_directories(small);
    if (keystest::capture("mount -t tmpfs -o size=64k tmpfs " + keystest::shell_quote(small) +
                          " 2>&1")
            .status != 0)
        GTEST_SKIP() << "cannot mount a tmpfs here";
    struct Unmount {
        std::string at;
        ~Unmount() { (void)keystest::capture("umount " + keystest::shell_quote(at) + " 2>&1"); }
    } unmount{small};
    r = run_ukpu(
        {"keys", "export", "--format", "scs-sql", "-o", small + "/pid-map.sql", "--store", db});
    EXPECT_EQ(r.exit_code, 5) << r.err;  // I/O error
    EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
    EXPECT_EQ(names_in(small), std::vector<std::string>{});
    EXPECT_EQ(first_value(db, "SELECT count(*) FROM records WHERE state = 'exported'"), "0");
    // Room enough: the same export is written whole and marks the records.
    r = run_ukpu({"keys", "export", "--format", "scs-sql", "-o", dir.path("pid-map.sql"), "--store",
                  db, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_GT(std::filesystem::file_size(dir.path("pid-map.sql")), 64u * 1024u);
    EXPECT_EQ(first_value(db, "SELECT count(*) FROM records WHERE state = 'exported'"), "2000");
}

}  // namespace
}  // namespace ukpu::keys
