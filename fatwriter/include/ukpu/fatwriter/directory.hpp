// FAT directories as raw slots in on-disk order (files, directories, the volume label, long-name
// slots, deleted slots, the end marker), long names with their checksums, path lookup in any case
// and a bounded walk of the whole tree.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ukpu/fatwriter/volume.hpp"

namespace ukpu::fat {

enum class SlotKind { file, directory, volume_label, lfn, deleted, end };

const char* to_string(SlotKind kind);  // "file", "directory", "volume-label", "lfn", ...

struct DirSlot {
    std::uint32_t index = 0;   // slot number in the directory, from 0
    std::uint64_t offset = 0;  // absolute byte offset of the slot on the device
    SlotKind kind = SlotKind::end;
    std::array<std::uint8_t, 11> raw_name{};  // the 11 name bytes as stored
    std::string short_name;    // "SETUP.BIN": the 8.3 name as stored (0x05 shown as 0xE5)
    std::string display_name;  // short_name with the NT lowercase flags applied: "setup.bin"
    std::string long_name;     // UTF-8, from the LFN slots before this entry; empty if none
    std::uint8_t attributes = 0;
    std::uint8_t nt_flags = 0;  // DIR_NTRes: 0x08 lower-case base, 0x10 lower-case extension
    std::uint32_t first_cluster = 0;
    std::uint32_t size = 0;
    std::uint16_t create_time = 0, create_date = 0, access_date = 0, write_time = 0, write_date = 0;
    // LFN slots only: the sequence byte and the checksum they carry.
    std::uint8_t lfn_order = 0;
    std::uint8_t lfn_checksum = 0;
    // Number of LFN slots attached to this entry (0 without a long name).
    std::uint32_t lfn_slots = 0;
    // Empty when fine; otherwise why the long-name slots do not belong: on an LFN slot,
    // "orphaned long-name slot ..."; on an entry, "long-name checksum mismatch ...".
    std::string lfn_problem;

    // The long name when there is one, else the display name.
    const std::string& name() const { return long_name.empty() ? display_name : long_name; }
    bool is_entry() const { return kind == SlotKind::file || kind == SlotKind::directory; }
    bool is_dot() const { return short_name == "." || short_name == ".."; }
};

// The checksum of an 8.3 name that LFN slots carry.
std::uint8_t lfn_checksum(const std::array<std::uint8_t, 11>& raw_name);

// Case-insensitive (ASCII) comparison used by lookups.
bool names_equal(std::string_view a, std::string_view b);

// Lists a directory: the fixed FAT12/16 root (`first_cluster` 0) or the chain from
// `first_cluster` (FAT32's root is its root cluster). Stops after the end marker. Throws
// Error(bad_fat) for a broken directory chain.
std::vector<DirSlot> list_directory(const Volume& volume, std::uint32_t first_cluster);
std::vector<DirSlot> list_root(const Volume& volume);

// Finds `name` (long or short, any case) among a directory's entries.
std::optional<DirSlot> find_entry(const std::vector<DirSlot>& slots, std::string_view name);

// Looks a path up from the root ("\setup.bin", "/dir/file", "setup.bin"): every component in
// any case through its long or short name. nullopt when a component is missing.
std::optional<DirSlot> lookup(const Volume& volume, std::string_view path);

struct WalkEntry {
    std::string path;  // "\DIR\FILE.TXT" with the names as shown (long names when present)
    std::uint32_t depth = 0;
    DirSlot slot;
};

struct WalkLimits {
    std::uint32_t max_depth = 32;
    std::uint64_t max_entries = 1u << 20;
};

// Every file and directory of the tree (no "." / ".."), parents before children. Directories
// already visited (a loop through a corrupted entry) are not entered again; when
// `owners` is given, every chain is claimed so that cross-links throw Error(bad_fat).
std::vector<WalkEntry> walk(const Volume& volume, const WalkLimits& limits = {},
                            ClusterOwners* owners = nullptr);

}  // namespace ukpu::fat
