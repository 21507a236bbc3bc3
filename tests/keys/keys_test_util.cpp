#include "keys_test_util.hpp"

#include <cstdio>
#include <stdexcept>

#include <sys/stat.h>
#include <sys/wait.h>

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

mode_t file_mode(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("cannot stat " + path);
    return st.st_mode & 07777;
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
