#include "keys_test_util.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <stdexcept>

#include <gtest/gtest.h>

#include "local_postgres.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ukpu::keystest {

Captured capture(const std::string& command) {
    Captured c;
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) throw std::runtime_error("popen failed: " + command);
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) c.out.append(buf, n);
    int status = ::pclose(p);
    c.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return c;
}

std::string shell_quote(std::string_view text) {
    std::string out = "'";
    for (char ch : text) {
        if (ch == '\'')
            out += "'\\''";
        else
            out += ch;
    }
    return out + "'";
}

std::vector<std::vector<std::string>> sqlite_rows(const std::string& db, const std::string& query) {
    Captured c = capture("sqlite3 -ascii " + shell_quote(db) + " " + shell_quote(query));
    if (c.status != 0) throw std::runtime_error("sqlite3 failed on " + db + ": " + query);
    std::vector<std::vector<std::string>> rows;
    for (const auto& line : split(c.out, '\x1e')) {
        if (line.empty()) continue;
        rows.push_back(split(line, '\x1f'));
    }
    return rows;
}

bool on_postgresql() {
    const char* v = std::getenv("UKPU_TEST_STORE");
    return v && std::string_view(v).substr(0, 10) == "postgresql";
}

namespace {

// Every store test skips on PostgreSQL when it is not installed (scripts/setup installs it).
class PostgresEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        if (on_postgresql() && postgres_bin().empty())
            GTEST_SKIP() << "UKPU_TEST_STORE=postgresql but PostgreSQL is not installed (no "
                            "/usr/lib/postgresql/*/bin/initdb); scripts/setup installs it";
    }
};

[[maybe_unused]] ::testing::Environment* const postgres_environment =
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

bool is_url(const std::string& store) {
    return store.rfind("postgresql://", 0) == 0;
}

// The database of a URL store_for made: postgresql:///NAME?host=...
std::string database_of(const std::string& url) {
    const std::size_t start = std::string("postgresql:///").size();
    return url.substr(start, url.find('?') - start);
}

}  // namespace

std::string store_for(const std::string& path) {
    if (!on_postgresql()) return path;
    static std::map<std::string, std::string> made;
    static int counter = 0;
    auto it = made.find(path);
    if (it != made.end()) return it->second;
    LocalPostgres& pg = shared_postgres();
    const std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(++counter) +
                             "_" + std::filesystem::path(path).stem().string();
    pg.create_database(name);
    return made[path] = pg.url(name);
}

std::vector<std::vector<std::string>> store_rows(const std::string& store,
                                                 const std::string& query) {
    if (!is_url(store)) return sqlite_rows(store, query);
    auto rows = shared_postgres().rows(query, database_of(store));
    for (auto& row : rows)
        for (auto& v : row)
            if (v == "t" || v == "f") v = v == "t" ? "1" : "0";
    return rows;
}

void store_sql(const std::string& store, const std::string& sql) {
    if (!is_url(store)) {
        if (capture("sqlite3 -bail " + shell_quote(store) + " " + shell_quote(sql)).status != 0)
            throw std::runtime_error("sqlite3 failed on " + store + ": " + sql);
        return;
    }
    (void)shared_postgres().psql("-c " + shell_quote(sql), "", database_of(store));
}

bool store_exists(const std::string& store) {
    if (!is_url(store)) return std::filesystem::exists(store);
    return store_rows(store,
                      "SELECT count(*) FROM information_schema.tables WHERE table_name = "
                      "'ukpu_schema'")[0][0] != "0";
}

void set_store_version(const std::string& store, int version) {
    store_sql(store, is_url(store) ? "UPDATE ukpu_schema SET version = " + std::to_string(version)
                                   : "PRAGMA user_version = " + std::to_string(version));
}

mode_t file_mode(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("cannot stat " + path);
    return st.st_mode & 07777;
}

std::vector<std::string> names_in(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

char spec_checksum(std::string_view chars) {
    unsigned sum = 0;
    for (char ch : chars) sum += static_cast<unsigned char>(ch);
    const unsigned v = sum % 36;
    return static_cast<char>(v <= 9 ? '0' + v : 'A' + (v - 10));
}

namespace {
bool all_allowed(std::string_view s) {
    for (char ch : s)
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))) return false;
    return true;
}
}  // namespace

bool spec_pid_ok(std::string_view pid) {
    return pid.size() == 8 && all_allowed(pid) && pid[7] == spec_checksum(pid.substr(0, 7));
}

bool spec_pps_ok(std::string_view pps) {
    if (pps.size() != 32 || !all_allowed(pps)) return false;
    for (std::size_t g = 0; g < 32; g += 4)
        if (pps[g + 3] != spec_checksum(pps.substr(g, 3))) return false;
    return true;
}

std::vector<std::string> split(std::string_view text, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        auto at = text.find(sep, start);
        out.emplace_back(text.substr(start, at - start));
        if (at == std::string_view::npos) break;
        start = at + 1;
    }
    return out;
}

std::string remove_dashes(std::string_view text) {
    std::string out;
    for (char ch : text)
        if (ch != '-') out += ch;
    return out;
}

}  // namespace ukpu::keystest
