// What a repair must keep, seen through mtools alone: every entry line of `mdir -/ -a` (short
// name, size, date, time, long name) per folder, every `mattrib -/` line (attributes and path),
// the volume label, and the sha256 of every file extracted with `mcopy -s -n -m`. Entries of the
// setup file (any name holding "setup") are left out: repair moves and renames it on purpose.
// Header-only so that the library and the command-line tests share it.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>

namespace ukpu::test::snapshot {

inline std::string shell(const std::string& command, int* status = nullptr) {
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

inline std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

inline bool mentions_setup(const std::string& line) {
    std::string l = line;
    std::transform(l.begin(), l.end(), l.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return l.find("setup") != std::string::npos;
}

struct Tree {
    std::set<std::string> lines;
    bool operator==(const Tree&) const = default;
};

// `target` is an mtools drive spec: "IMG" or "IMG@@1M".
inline Tree take(const std::string& target, const std::filesystem::path& scratch) {
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

// The differences, one per line, for a test message.
inline std::string diff(const Tree& before, const Tree& after) {
    std::string out;
    for (const auto& l : before.lines)
        if (!after.lines.count(l)) out += "  lost: " + l + "\n";
    for (const auto& l : after.lines)
        if (!before.lines.count(l)) out += "  new:  " + l + "\n";
    return out;
}

// sha256 of a file (default ::/SETUP.BIN) as mtools reads it; `path` as "\\AMT\\x" or "/AMT/x".
inline std::string setup_sha256(const std::string& target, const std::filesystem::path& scratch,
                                std::string path = "/SETUP.BIN") {
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
