#include "local_postgres.hpp"

#include <glob.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "keys_test_util.hpp"

namespace ukpu::keystest {

namespace {

void run(const std::string& cmd) {
    if (capture(cmd).status != 0) throw std::runtime_error("failed: " + cmd);
}

// Run as root, the server's commands run as the postgres user.
std::string run_as() {
    return ::geteuid() == 0 ? "runuser -u postgres -- " : "";
}

}  // namespace

std::string postgres_bin() {
    glob_t g{};
    std::string found;
    if (::glob("/usr/lib/postgresql/*/bin/initdb", 0, nullptr, &g) == 0 && g.gl_pathc > 0)
        found = std::filesystem::path(g.gl_pathv[g.gl_pathc - 1]).parent_path().string();
    ::globfree(&g);
    return found;
}

LocalPostgres::LocalPostgres(std::string bin, std::string password)
    : bin_(std::move(bin)), password_(std::move(password)) {
    dir_ = (std::filesystem::temp_directory_path() / "ukpu-pg-XXXXXX").string();
    if (!::mkdtemp(dir_.data())) throw std::runtime_error("mkdtemp failed");
    if (::geteuid() == 0) {
        const passwd* pw = ::getpwnam("postgres");
        if (!pw) throw std::runtime_error("no postgres user to run the server as");
        if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
            throw std::runtime_error("cannot chown " + dir_);
    }
    as_ = run_as();
    std::string auth = " -A trust";
    if (!password_.empty()) {
        const std::string pwfile = dir_ + "/pw";
        if (capture("printf '%s' " + shell_quote(password_) + " > " + shell_quote(pwfile) +
                    " && chmod 644 " + shell_quote(pwfile))
                .status != 0)
            throw std::runtime_error("cannot write " + pwfile);
        auth = " -A scram-sha-256 --pwfile=" + shell_quote(pwfile);
    }
    run(as_ + shell_quote(bin_ + "/initdb") + " -D " + shell_quote(dir_ + "/data") + auth +
        " -U postgres --no-sync -E UTF8 > " + shell_quote(dir_ + "/initdb.log") + " 2>&1");
    start();
}

std::unique_ptr<LocalPostgres> LocalPostgres::attach(std::string bin, std::string socket_dir) {
    std::unique_ptr<LocalPostgres> pg(new LocalPostgres());
    pg->bin_ = std::move(bin);
    pg->dir_ = std::move(socket_dir);
    pg->as_ = run_as();
    pg->owned_ = false;
    return pg;
}

LocalPostgres::~LocalPostgres() {
    if (!owned_) return;
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

void LocalPostgres::start() {
    run(as_ + shell_quote(bin_ + "/pg_ctl") + " -D " + shell_quote(dir_ + "/data") + " -l " +
        shell_quote(dir_ + "/server.log") + " -w -o " +
        shell_quote("-k " + dir_ + " -c listen_addresses= -c fsync=off " + options_) +
        " start > /dev/null");
    started_ = true;
}

void LocalPostgres::stop() {
    if (started_)
        (void)capture(as_ + shell_quote(bin_ + "/pg_ctl") + " -D " + shell_quote(dir_ + "/data") +
                      " -m immediate -w stop > /dev/null 2>&1");
    started_ = false;
}

std::string LocalPostgres::psql(const std::string& args, const std::string& input_file,
                                const std::string& db) const {
    // No NOTICE that the table exists already, on every load.
    std::string cmd = "PGOPTIONS='-c client_min_messages=warning' " +
                      (password_.empty() ? "" : "PGPASSWORD=" + shell_quote(password_) + " ") +
                      as_ + shell_quote(bin_ + "/psql") + " -X -q -v ON_ERROR_STOP=1 -h " +
                      shell_quote(dir_) + " -U postgres -d " + shell_quote(db) + " " + args;
    if (!input_file.empty()) cmd += " < " + shell_quote(input_file);
    auto c = capture(cmd);
    if (c.status != 0) throw std::runtime_error("psql failed: " + cmd);
    return c.out;
}

std::vector<std::vector<std::string>> LocalPostgres::rows(const std::string& query,
                                                          const std::string& db) const {
    std::vector<std::vector<std::string>> out;
    // Unit and record separators, as sqlite_rows reads sqlite3's output.
    for (const auto& line : split(
             psql("-At -F \"$(printf '\\037')\" -R \"$(printf '\\036')\" -c " + shell_quote(query),
                  "", db),
             '\x1e')) {
        std::string row = line;
        if (!row.empty() && row.back() == '\n') row.pop_back();
        if (!row.empty()) out.push_back(split(row, '\x1f'));
    }
    return out;
}

void LocalPostgres::create_database(const std::string& name) const {
    (void)psql("-c " + shell_quote("CREATE DATABASE \"" + name + "\""));
}

std::string LocalPostgres::url(const std::string& db) const {
    return "postgresql:///" + db + "?host=" + dir_ + "&user=postgres";
}

LocalPostgres& shared_postgres() {
    static std::unique_ptr<LocalPostgres> pg = [] {
        const std::string bin = postgres_bin();
        if (bin.empty()) throw std::runtime_error("PostgreSQL is not installed");
        // UKPU_TEST_STORE=postgresql:DIR: the ctest fixture's server, its socket in DIR.
        const char* store = std::getenv("UKPU_TEST_STORE");
        const std::string_view v = store ? store : "";
        if (v.size() > 11 && v.substr(0, 11) == "postgresql:")
            return LocalPostgres::attach(bin, std::string(v.substr(11)));
        return std::make_unique<LocalPostgres>(bin);
    }();
    return *pg;
}

}  // namespace ukpu::keystest
