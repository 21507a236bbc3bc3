#include "support/repair_snapshot.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>

namespace ukpu::test::snapshot {

std::string shell(const std::string& command, int* status) {
    std::string out;
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p) return out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int rc = ::pclose(p);
    if (status) *status = rc;
    return out;
}

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

bool mentions_setup(const std::string& line) {
    std::string l = line;
    std::transform(l.begin(), l.end(), l.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return l.find("setup") != std::string::npos;
}

Tree take(const std::string& target, const std::filesystem::path& scratch) {
    Tree t;
    const std::string env = "MTOOLS_SKIP_CHECK=1 ";
    std::istringstream dir(shell(env + "mdir -/ -a -i " + quote(target) + " ::"));
    std::string line, folder;
    while (std::getline(dir, line)) {
        while (!line.empty() && line.back() == ' ') line.pop_back();
        if (line.rfind("Directory for ", 0) == 0) {
            folder = line.substr(14);
            continue;
        }
        if (line.rfind(" Volume in drive", 0) == 0) {
            t.lines.insert("label:" + line);
            continue;
        }
        if (line.empty() || line[0] == ' ' || line.rfind("Total", 0) == 0) continue;
        if (mentions_setup(line)) continue;
        t.lines.insert("mdir:" + folder + ":" + line);
    }
    std::istringstream attrs(shell(env + "mattrib -/ -i " + quote(target) + " ::"));
    while (std::getline(attrs, line))
        if (!mentions_setup(line)) t.lines.insert("mattrib:" + line);
    std::filesystem::remove_all(scratch);
    std::filesystem::create_directories(scratch);
    shell(env + "mcopy -s -n -m -i " + quote(target) + " ::/ " + quote(scratch.string() + "/"));
    std::istringstream sums(shell("cd " + quote(scratch.string()) +
                                  " && find . -type f -print0 | sort -z | xargs -0 -r sha256sum"));
    while (std::getline(sums, line))
        if (!mentions_setup(line)) t.lines.insert("sha256:" + line);
    std::filesystem::remove_all(scratch);
    return t;
}

std::string diff(const Tree& before, const Tree& after) {
    std::string out;
    for (const auto& l : before.lines)
        if (!after.lines.count(l)) out += "  lost: " + l + "\n";
    for (const auto& l : after.lines)
        if (!before.lines.count(l)) out += "  new:  " + l + "\n";
    return out;
}

std::string setup_sha256(const std::string& target, const std::filesystem::path& scratch,
                         std::string path) {
    for (auto& c : path)
        if (c == '\\') c = '/';
    std::filesystem::remove_all(scratch);
    std::filesystem::create_directories(scratch);
    const auto f = scratch / "s.bin";
    shell("MTOOLS_SKIP_CHECK=1 mcopy -n -i " + quote(target) + " " + quote("::" + path) + " " +
          quote(f.string()));
    std::string s = shell("sha256sum " + quote(f.string()) + " | cut -c1-64");
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    std::filesystem::remove_all(scratch);
    return s;
}

}  // namespace ukpu::test::snapshot
