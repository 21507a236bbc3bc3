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

}  // namespace

std::string postgres_bin() {
    glob_t g{};
    std::string found;
    if (::glob("/usr/lib/postgresql/*/bin/initdb", 0, nullptr, &g) == 0 && g.gl_pathc > 0)
        found = std::filesystem::path(g.gl_pathv[g.gl_pathc - 1]).parent_path().string();
    ::globfree(&g);
    return found;
}

LocalPostgres::LocalPostgres(std::string bin) : bin_(std::move(bin)) {
    dir_ = (std::filesystem::temp_directory_path() / "ukpu-pg-XXXXXX").string();
    if (!::mkdtemp(dir_.data())) throw std::runtime_error("mkdtemp failed");
    if (::geteuid() == 0) {
        const passwd* pw = ::getpwnam("postgres");
        if (!pw) throw std::runtime_error("no postgres user to run the server as");
        if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
            throw std::runtime_error("cannot chown " + dir_);
        as_ = "runuser -u postgres -- ";
    }
    run(as_ + shell_quote(bin_ + "/initdb") + " -D " + shell_quote(dir_ + "/data") +
        " -A trust -U postgres --no-sync -E UTF8 > " + shell_quote(dir_ + "/initdb.log") + " 2>&1");
    run(as_ + shell_quote(bin_ + "/pg_ctl") + " -D " + shell_quote(dir_ + "/data") + " -l " +
        shell_quote(dir_ + "/server.log") + " -w -o " +
        shell_quote("-k " + dir_ + " -c listen_addresses= -c fsync=off") + " start > /dev/null");
    started_ = true;
}

LocalPostgres::~LocalPostgres() {
    if (started_)
        (void)capture(as_ + shell_quote(bin_ + "/pg_ctl") + " -D " + shell_quote(dir_ + "/data") +
                      " -m immediate -w stop > /dev/null 2>&1");
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

std::string LocalPostgres::psql(const std::string& args, const std::string& input_file) const {
    // No NOTICE that the table exists already, on every load.
    std::string cmd = "PGOPTIONS='-c client_min_messages=warning' " + as_ +
                      shell_quote(bin_ + "/psql") + " -X -q -v ON_ERROR_STOP=1 -h " +
                      shell_quote(dir_) + " -U postgres -d postgres " + args;
    if (!input_file.empty()) cmd += " < " + shell_quote(input_file);
    auto c = capture(cmd);
    if (c.status != 0) throw std::runtime_error("psql failed: " + cmd);
    return c.out;
}

std::vector<std::vector<std::string>> LocalPostgres::rows(const std::string& query) const {
    std::vector<std::vector<std::string>> out;
    for (const auto& line : split(psql("-At -F '|' -c " + shell_quote(query)), '\n'))
        if (!line.empty()) out.push_back(split(line, '|'));
    return out;
}

}  // namespace ukpu::keystest
