// What a repair must keep, seen through mtools alone: every entry line of `mdir -/ -a` (short
// name, size, date, time, long name) per folder, every `mattrib -/` line (attributes and path),
// the volume label, and the sha256 of every file extracted with `mcopy -s -n -m`. Entries of the
// setup file (any name holding "setup") are left out: repair moves and renames it on purpose.
// The library tests and the command-line tests take the same snapshot.
#pragma once

#include <filesystem>
#include <set>
#include <string>

namespace ukpu::test::snapshot {

// Runs `command` through /bin/sh; stdout and stderr together. `status` gets pclose's status.
std::string shell(const std::string& command, int* status = nullptr);

// `s` quoted for /bin/sh.
std::string quote(const std::string& s);

// True when `line` names the setup file (holds "setup", in any case).
bool mentions_setup(const std::string& line);

struct Tree {
    std::set<std::string> lines;
    bool operator==(const Tree&) const = default;
};

// `target` is an mtools drive spec: "IMG" or "IMG@@1M".
Tree take(const std::string& target, const std::filesystem::path& scratch);

// The differences, one per line, for a test message.
std::string diff(const Tree& before, const Tree& after);

// sha256 of a file (default ::/SETUP.BIN) as mtools reads it; `path` as "\\AMT\\x" or "/AMT/x".
std::string setup_sha256(const std::string& target, const std::filesystem::path& scratch,
                         std::string path = "/SETUP.BIN");

}  // namespace ukpu::test::snapshot
