// The scs-sql export loads into PostgreSQL: a server started in a temporary directory (initdb,
// pg_ctl; as the postgres user when run as root), listening only on a unix socket there, and
// stopped at the end. The loaded rows equal the store's.
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "local_postgres.hpp"
#include "support/files.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::keys {
namespace {

using keystest::capture;
using keystest::shell_quote;
using keystest::store_rows;

using keystest::LocalPostgres;
using keystest::postgres_bin;

TEST(KeysPostgres, ScsSqlLoadsWithTheStoresRows) {
    const std::string bin = postgres_bin();
    if (bin.empty())
        GTEST_SKIP() << "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
                        "scripts/setup installs it";
    test::TempDir dir;
    test::write_text(dir.path("cur.txt"), "it's-admin\n");
    auto r = test::run_ukpu({"keys", "generate", "-n", "500", "--per-key", "100",
                             "--random-new-password", "--current-password-file",
                             dir.path("cur.txt"), "-o", dir.path("setup.bin"), "--store",
                             keystest::store_for(dir.path("keys.db"))});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = test::run_ukpu({"keys", "export", "--format", "scs-sql", "-o", dir.path("scs.sql"),
                        "--store", keystest::store_for(dir.path("keys.db"))});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    LocalPostgres pg(bin);
    pg.psql("", dir.path("scs.sql"));
    const std::string out = pg.psql(
        "-At -F '|' -c 'SELECT id, pid, pps, current_password, admin_password, used FROM "
        "csti_pid_map ORDER BY id'");
    const auto store =
        store_rows(keystest::store_for(dir.path("keys.db")),
                   "SELECT id, pid, pps, current_password, new_password FROM records ORDER BY id");
    ASSERT_EQ(store.size(), 500u);
    auto lines = keystest::split(out, '\n');
    ASSERT_EQ(lines.size(), 501u) << out.substr(0, 300);
    for (std::size_t i = 0; i < store.size(); ++i) {
        auto f = keystest::split(lines[i], '|');
        ASSERT_EQ(f.size(), 6u) << lines[i];
        EXPECT_EQ(f[0], store[i][0]);
        EXPECT_EQ(keystest::remove_dashes(f[1]), store[i][1]);
        EXPECT_EQ(f[1].size(), 9u);
        EXPECT_EQ(keystest::remove_dashes(f[2]), store[i][2]);
        EXPECT_EQ(f[3], "it's-admin");
        EXPECT_EQ(f[3], store[i][3]);
        EXPECT_EQ(f[4], store[i][4]);
        EXPECT_EQ(f[5], "0");
    }
}

}  // namespace
}  // namespace ukpu::keys
