// What is mounted and what is swap: /proc/self/mountinfo (override UKPU_MOUNTINFO) and
// /proc/swaps (override UKPU_SWAPS).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ukpu::devices {

struct MountEntry {
    unsigned major = 0;
    unsigned minor = 0;
    std::string mount_point;  // unescaped (\040 is a space)
    std::string fs_type;
    std::string source;  // "/dev/sdb1", "overlay", ... (unescaped)
};

// Parses mountinfo text; `where` names the file in errors. Throws Error(malformed).
std::vector<MountEntry> parse_mountinfo(const std::string& text, const std::string& where);
// The device paths of /proc/swaps ("/dev/dm-1"); swap files are returned as they are.
std::vector<std::string> parse_swaps(const std::string& text);

// Octal escapes of mountinfo (\040 space, \011 tab, \012 newline, \134 backslash) undone.
std::string unescape_mount_field(const std::string& field);

// Reads a mount table (/proc/self/mountinfo on the running system). Throws Error(io) when it
// cannot.
std::vector<MountEntry> read_mounts(const std::filesystem::path& mountinfo);
struct SwapEntry {
    std::string path;  // "/dev/dm-1", "/swapfile"
    // For a swap file: the device of the file system that holds it (0:0 when unknown).
    unsigned major = 0;
    unsigned minor = 0;
};

// Reads a swap table (/proc/swaps on the running system). A missing table is no swap when
// `may_be_missing` (a kernel without swap support), else Error(io). A swap file is traced to its
// file system's device with stat().
std::vector<SwapEntry> read_swaps(const std::filesystem::path& swaps, bool may_be_missing);

}  // namespace ukpu::devices
