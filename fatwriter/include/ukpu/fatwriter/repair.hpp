// Repairing a key so that every firmware finds setup.bin: find the setup file (any case, any
// folder, or renamed), move other files' clusters out of the way so that it gets one contiguous
// run from the first data cluster, put its 8.3 entry `SETUP   BIN` in root slot 0, keep every
// other file; with `strict`, also convert a FAT12, FAT32 or superfloppy key to the strict layout.
// A volume whose boot sector's sector size is not the device's block size is read and repaired
// as a UEFI FAT driver reads it (open_volume_view). Every change goes through a host journal
// first (see journal.hpp), so an interrupted repair is finished or undone by the next run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/geometry.hpp"
#include "ukpu/fatwriter/journal.hpp"
#include "ukpu/fatwriter/key_writer.hpp"
#include "ukpu/fatwriter/volume.hpp"

namespace ukpu::fat {

struct RepairOptions {
    // Which file to use when several look like setup.bin: a path ("\AMT\setup.bin") or a name,
    // any case.
    std::optional<std::string> setup_bin_name;
    // Also convert a key legacy BIOSes cannot read, or read differently, to the strict layout
    // (MBR at 1 MiB, FAT16 in the device's sector size): FAT12, FAT32, a superfloppy, a volume
    // whose sectors are not the device's blocks.
    bool strict = false;
    // Where journals live; required by repair_key.
    std::filesystem::path journal_dir;
    // The stick's identity, part of the journal's name (journal_path): e.g. its serial and USB
    // port, "4C530001-usb3-2", so that two sticks of one model with the same volume id and size,
    // repaired at once, never share a journal. Characters outside [A-Za-z0-9_.-] become '_' (at
    // most 64 are kept). Empty (images): the name without a tag, as before. A pending journal
    // is found only with the tag it was written with.
    std::string journal_tag;
    // A pending journal is rolled back instead of forward (then no new repair runs).
    bool roll_back = false;
};

// A file that can be the setup file.
struct SetupCandidate {
    std::string path;  // "\AMT\setup.bin"
    std::uint32_t size = 0;
    bool named = false;      // its name is SETUP.BIN in some case
    bool header_ok = false;  // a setup.bin GUID and a header consistent with its size
};

// Clusters of another file or folder moved out of setup.bin's run.
struct ClusterMove {
    std::string owner;  // its path; "\" for the FAT32 root directory
    std::vector<ClusterRun> from;
    std::vector<ClusterRun> to;
};

struct RepairPlan {
    bool nothing_to_do = false;
    bool strict_conversion = false;  // the key is reformatted in the strict layout
    FatType fat_type = FatType::fat16;
    PartitionScheme scheme = PartitionScheme::superfloppy;
    std::string setup_path;  // where the setup file was found
    std::uint32_t setup_size = 0;
    std::vector<ClusterRun> setup_runs;  // its clusters before
    std::uint32_t target_first = 0;      // its clusters after: [target_first, +target_clusters)
    std::uint32_t target_clusters = 0;
    std::uint32_t cluster_bytes = 0;
    std::vector<ClusterMove> moves;
    std::uint32_t clusters_moved = 0;
    std::uint32_t deleted_slots_dropped = 0;
    std::uint32_t root_entries_after = 0;  // slots in use in the root afterwards
    std::uint32_t files_kept = 0;          // other files and folders on the key
    std::vector<SetupCandidate> candidates;
    std::vector<std::string> steps;  // the plan in words, in order
    std::vector<std::string> notes;  // what the repair cannot do (FAT32 under legacy ...)
    // Bytes that had to move: other files' clusters moved plus setup.bin's clusters rewritten
    // (strict: every file and folder).
    std::uint64_t bytes_to_move = 0;
    std::uint64_t sectors_to_write = 0;  // sectors whose content changes (journal size)
    std::optional<KeyLayout> strict_layout;
};

struct RepairResult {
    RepairPlan plan;
    Recovery recovery;  // what was done with a pending journal first
    bool written = false;
    std::filesystem::path journal;  // the journal used (removed once done)
    IoStats io;                     // of the device, for this repair
};

// The pending journal of this device under options.journal_dir and options.journal_tag
// (journal.hpp's pending_state / preview_recovery with the options' directory, tag and
// roll_back): what --dry-run shows of an interrupted repair.
Recovery pending_state(BlockDevice& device, const RepairOptions& options);
std::unique_ptr<BlockDevice> preview_recovery(BlockDevice& device, const RepairOptions& options);

// Reads the key and plans the repair without writing. Throws Error: bad_mbr / bad_bpb /
// bad_fat / bad_directory (inconsistent key: the message points to fsck.fat), not_found (no
// setup file), bad_argument (several candidates and no --setup-bin-name, or a name that matches
// none), no_space (not enough free clusters, full root directory, strict files that do not
// fit), unsupported (a content defect repair cannot fix, e.g. a size mismatch).
RepairPlan plan_repair(BlockDevice& device, const RepairOptions& options);

// Recovers a pending journal first, then plans, journals and writes the repair in ordered steps
// (moved clusters into free space; flush; FATs and directories; flush; setup.bin's run; flush),
// then removes the journal. Throws like plan_repair, JournalConflict, or Error(io).
RepairResult repair_key(BlockDevice& device, const RepairOptions& options);

}  // namespace ukpu::fat
