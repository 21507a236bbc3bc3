// Repair's picture of a volume: every directory with its raw bytes, every file and folder entry,
// every cluster chain with its owner, each cluster's owner, and the FAT; cross-links, loops and
// broken chains refused with a pointer to fsck.fat (verify reports the same as broken_chain).
// Also which files can be the setup file.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ukpu/fatwriter/directory.hpp"
#include "ukpu/fatwriter/repair.hpp"
#include "ukpu/fatwriter/volume.hpp"

namespace ukpu::fat {

struct ScannedDir {
    std::string path;                     // "\" for the root
    std::uint32_t first = 0;              // 0: the fixed FAT12/16 root
    std::vector<std::uint32_t> clusters;  // empty for the fixed root
    std::vector<std::uint8_t> bytes;      // the raw slots
    std::optional<std::size_t> chain;     // index into chains
};

struct ScannedEntry {
    std::string path;
    std::size_t dir = 0;  // the directory holding it
    DirSlot slot;
    std::optional<std::size_t> chain;   // its clusters (none for an empty file)
    std::optional<std::size_t> subdir;  // a folder: its index in dirs
};

struct ScannedChain {
    std::string owner;
    std::vector<std::uint32_t> clusters;
    std::optional<std::size_t> dir;  // the chain of a directory
};

struct ScannedVolume {
    std::vector<ScannedDir> dirs;  // dirs[0] is the root
    std::vector<ScannedEntry> entries;
    std::vector<ScannedChain> chains;
    std::vector<std::int32_t> owner;  // per cluster: index into chains, -1 for none
    std::vector<std::uint32_t> fat;   // FAT copy 0, entries 0 .. max_cluster
};

// What repair says of a FAT only fsck.fat can mend, after the reason.
inline constexpr const char* fsck_advice =
    "; the FAT is inconsistent: run `fsck.fat -a` on the key first";

// An error that says the volume is inconsistent (bad_fat, bad_directory): a cross-link, a loop, a
// cluster out of range, free or bad inside a chain, a lost cluster in the way, a directory loop.
bool inconsistent(const Error& e);
// The message without fsck_advice at its end.
std::string without_fsck_advice(const std::string& message);

// Every directory, entry and chain. Throws Error(bad_fat / bad_directory) naming the cluster for
// an inconsistent volume, the message ending in fsck_advice when `advice`; io as it comes.
ScannedVolume scan_volume(const Volume& volume, bool advice = true);

// The slot's cluster field (FAT32: both halves).
std::uint32_t slot_cluster(std::span<const std::uint8_t> dir, std::size_t slot, FatType type);
void set_slot_cluster(std::span<std::uint8_t> dir, std::size_t slot, FatType type,
                      std::uint32_t cluster);

// A setup.bin GUID and a header consistent with `file_size`.
bool setup_header_consistent(std::span<const std::uint8_t> head, std::uint32_t file_size);
// The size the header declares, when there is a header with a known GUID.
std::optional<std::uint64_t> setup_declared_size(std::span<const std::uint8_t> head);

// Files named SETUP.BIN (any case) or holding a setup.bin header, and the chosen one (an index
// into scan.entries). Throws not_found / bad_argument as plan_repair documents.
std::size_t choose_setup_file(const Volume& volume, const ScannedVolume& scan,
                              const RepairOptions& options, std::vector<SetupCandidate>& out);

}  // namespace ukpu::fat
