// The scs-sql export loads into PostgreSQL: a server started in a temporary directory (initdb,
// pg_ctl; as the postgres user when run as root), listening only on a unix socket there, and
// stopped at the end. The loaded rows equal the store's.
#include <glob.h>
#include <pwd.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "support/files.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::keys {
namespace {

using keystest::capture;
using keystest::shell_quote;
using keystest::sqlite_rows;

std::string postgres_bin() {
    glob_t g{};
    std::string found;
    if (::glob("/usr/lib/postgresql/*/bin/initdb", 0, nullptr, &g) == 0 && g.gl_pathc > 0)
        found = std::filesystem::path(g.gl_pathv[g.gl_pathc - 1]).parent_path().string();
    ::globfree(&g);
    return found;
}

// Runs the server for the test's lifetime; stops it in the destructor.
class LocalPostgres {
public:
    LocalPostgres(std::string bin, std::string dir) : bin_(std::move(bin)), dir_(std::move(dir)) {
        if (::geteuid() == 0) {
            const passwd* pw = ::getpwnam("postgres");
            if (!pw) throw std::runtime_error("no postgres user to run the server as");
            if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
                throw std::runtime_error("cannot chown " + dir_);
            as_ = "runuser -u postgres -- ";
        }
        run(as_ + shell_quote(bin_ + "/initdb") + " -D " + shell_quote(dir_ + "/data") +
            " -A trust -U postgres --no-sync -E UTF8 > " + shell_quote(dir_ + "/initdb.log") +
            " 2>&1");
        run(as_ + shell_quote(bin_ + "/pg_ctl") + " -D " + shell_quote(dir_ + "/data") + " -l " +
            shell_quote(dir_ + "/server.log") + " -w -o " +
            shell_quote("-k " + dir_ + " -c listen_addresses= -c fsync=off") +
            " start > /dev/null");
        started_ = true;
    }
    ~LocalPostgres() {
        if (started_)
            (void)capture(as_ + shell_quote(bin_ + "/pg_ctl") + " -D " +
                          shell_quote(dir_ + "/data") + " -m immediate -w stop > /dev/null 2>&1");
    }
    LocalPostgres(const LocalPostgres&) = delete;
    LocalPostgres& operator=(const LocalPostgres&) = delete;

    // psql with the file on stdin (read by this process, so its mode can stay 0600).
    std::string psql(const std::string& args, const std::string& input_file = "") const {
        std::string cmd = as_ + shell_quote(bin_ + "/psql") + " -X -q -v ON_ERROR_STOP=1 -h " +
                          shell_quote(dir_) + " -U postgres -d postgres " + args;
        if (!input_file.empty()) cmd += " < " + shell_quote(input_file);
        auto c = capture(cmd);
        if (c.status != 0) throw std::runtime_error("psql failed: " + cmd);
        return c.out;
    }

private:
    static void run(const std::string& cmd) {
        if (capture(cmd).status != 0) throw std::runtime_error("failed: " + cmd);
    }
    std::string bin_, dir_, as_;
    bool started_ = false;
};

TEST(KeysPostgres, ScsSqlLoadsWithTheStoresRows) {
    const std::string bin = postgres_bin();
    if (bin.empty())
        GTEST_SKIP() << "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
                        "scripts/setup installs it";
    test::TempDir dir;
    test::write_text(dir.path("cur.txt"), "it's-admin\n");
    auto r =
        test::run_ukpu({"keys", "generate", "-n", "500", "--per-key", "100",
                        "--random-new-password", "--current-password-file", dir.path("cur.txt"),
                        "-o", dir.path("setup.bin"), "--store", dir.path("keys.db")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = test::run_ukpu({"keys", "export", "--format", "scs-sql", "-o", dir.path("scs.sql"),
                        "--store", dir.path("keys.db")});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    std::string pgdir = (std::filesystem::temp_directory_path() / "ukpu-pg-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pgdir.data()), nullptr);
    struct Cleanup {
        std::string d;
        ~Cleanup() {
            std::error_code ec;
            std::filesystem::remove_all(d, ec);
        }
    } cleanup{pgdir};
    LocalPostgres pg(bin, pgdir);
    pg.psql("", dir.path("scs.sql"));
    const std::string out = pg.psql(
        "-At -F '|' -c 'SELECT id, pid, pps, current_password, admin_password, used FROM "
        "csti_pid_map ORDER BY id'");
    const auto store =
        sqlite_rows(dir.path("keys.db"),
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
