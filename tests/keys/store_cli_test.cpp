// The key store as the command line opens it: `keys list`, `keys export` and `keys sync` never
// create a store (a mistyped --store is refused, naming the default store); only `keys
// generate` does.
#include <filesystem>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "support/files.hpp"
#include "support/run_ukpu.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::keys {
namespace {

using test::run_ukpu;

TEST(KeysStoreOpen, ReadingNeverCreatesAStore) {
    if (keystest::on_postgresql())
        GTEST_SKIP() << "the default store is a file (postgres_store_test.cpp)";
    test::TempDir dir;
    test::ScopedEnv xdg("XDG_DATA_HOME", dir.path("data"));
    const std::string default_store = dir.path("data") + "/ukpu/keys.db";
    const std::string typo = dir.path("kyes.db");
    test::write_text(dir.path("cur.txt"), "admin\n");
    test::write_text(dir.path("new.txt"), "N3w-Passw0rd!\n");
    auto r = run_ukpu({"keys", "generate", "-n", "2", "--current-password-file",
                       dir.path("cur.txt"), "--new-password-file", dir.path("new.txt"), "-o",
                       dir.path("setup.bin"), "--store", dir.path("keys.db")});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    const std::vector<std::vector<std::string>> readers = {
        {"keys", "list"},
        {"keys", "list", "--batch", "1"},
        {"--json", "keys", "list"},
        {"keys", "export", "--format", "scs-csv", "-o", dir.path("x.csv")},
        {"keys", "sync", "--setup-bin", dir.path("setup.bin")},
    };
    for (auto args : readers) {
        SCOPED_TRACE(args[1]);
        // The default store does not exist yet.
        r = run_ukpu(args);
        EXPECT_EQ(r.exit_code, 3) << r.err;
        EXPECT_NE(r.err.find(default_store), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(dir.path("data"))) << "created the default store";
        // Nor does the mistyped one: named, and the default store named beside it.
        args.insert(args.end(), {"--store", typo});
        r = run_ukpu(args);
        EXPECT_EQ(r.exit_code, 3) << r.err;
        EXPECT_NE(r.err.find(typo), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(default_store), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("no key store"), std::string::npos) << r.err;
        EXPECT_FALSE(std::filesystem::exists(typo)) << "created the mistyped store";
        EXPECT_FALSE(std::filesystem::exists(dir.path("x.csv")));
    }
    // The real store is read as ever.
    r = run_ukpu({"keys", "list", "--store", dir.path("keys.db")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // Only generate creates one.
    r = run_ukpu({"keys", "generate", "-n", "2", "--current-password-file", dir.path("cur.txt"),
                  "--new-password-file", dir.path("new.txt"), "-o", dir.path("other.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::filesystem::exists(default_store));
    r = run_ukpu({"keys", "list"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace ukpu::keys
