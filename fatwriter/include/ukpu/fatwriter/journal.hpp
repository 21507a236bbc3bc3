// The repair journal: before- and after-images of every sector a repair changes, written to a
// host file (mode 0600, fsync'ed, renamed into place) before the first write to the key. A run
// interrupted at any write (stick pulled, process killed) is finished (rolled forward) or undone
// (rolled back) from it by the next run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/error.hpp"

namespace ukpu::fat {

// Consecutive sectors from `lba` (absolute on the device) written in step `phase`.
struct JournalRecord {
    std::uint64_t lba = 0;
    std::uint32_t phase = 1;
    std::vector<std::uint8_t> before;  // the sectors as they were
    std::vector<std::uint8_t> after;   // the sectors as the repair leaves them
};

struct Journal {
    std::uint32_t sector_size = 512;
    std::uint64_t device_sectors = 0;
    std::uint32_t volume_id = 0;
    std::int64_t created = 0;  // seconds since the epoch
    std::string description;   // the device as it was described when the repair started
    std::vector<JournalRecord> records;

    std::uint64_t bytes() const;  // bytes of after-images
};

// The stick's identity as it appears in a journal's name: every character outside
// [A-Za-z0-9_.-] becomes '_', at most 64 characters ("SN 4C53/0001, usb 3-2" ->
// "SN_4C53_0001__usb_3-2").
std::string journal_tag_text(std::string_view tag);

// The file a journal for `device` gets in `dir`: "VOLUMEID-SECTORSxSECTORSIZE.ukpu-journal"
// ("E114B69F-131072x512.ukpu-journal"), with the tag when there is one:
// "VOLUMEID-SECTORSxSECTORSIZE-TAG.ukpu-journal". Two sticks with the same volume id and
// geometry, repaired with different tags, never share a journal; a pending journal is found only
// with its own tag (none for none).
std::filesystem::path journal_path(const std::filesystem::path& dir, const Journal& j,
                                   std::string_view tag = {});

// Writes atomically (temporary file, fsync, rename, fsync of the directory), mode 0600, creating
// `dir` (0700) when missing. Throws Error(io).
void write_journal(const std::filesystem::path& path, const Journal& j);
// Reads a journal; nullopt when the file is incomplete or damaged (its checksum does not match:
// the run stopped before its first write to the key). Throws Error(io) when it cannot be read.
std::optional<Journal> read_journal(const std::filesystem::path& path);

enum class RecoveryAction {
    none,            // no journal for this device
    discarded,       // an incomplete journal: nothing had been written; removed
    already_done,    // every sector already holds its after-image; removed
    rolled_forward,  // the interrupted repair was finished
    rolled_back,     // the interrupted repair was undone
};
const char* to_string(RecoveryAction a);

struct Recovery {
    RecoveryAction action = RecoveryAction::none;
    std::filesystem::path path;
    std::uint64_t sectors_written = 0;
};

// Thrown when a journal matches the device's size but the key changed since (a sector holds
// neither its before- nor its after-image): nothing is written, the journal is kept.
class JournalConflict : public Error {
public:
    using Error::Error;
};

// Looks in `dir` for a pending journal of `device` (its name with the device's sector size and
// count and `tag`, every journaled sector holding its before- or after-image), and finishes it
// (`roll_back` false: after-images, phase by phase with a flush after each) or undoes it
// (before-images, last phase first). The journal is removed once the device is flushed. Never
// writes when there is none.
Recovery recover_pending(BlockDevice& device, const std::filesystem::path& dir, bool roll_back,
                         std::string_view tag = {});

// What recovery would do, without writing: the journal's state on this device.
Recovery pending_state(BlockDevice& device, const std::filesystem::path& dir,
                       std::string_view tag = {});

// The device as it will be once a pending journal is finished (or rolled back): a read-only
// view over `device` with the journal applied in memory; `device` itself when there is none.
// For --dry-run plans of an interrupted key. The view refers to `device`, which must outlive it.
std::unique_ptr<BlockDevice> preview_recovery(BlockDevice& device, const std::filesystem::path& dir,
                                              bool roll_back, std::string_view tag = {});

// Writes `records` phase by phase, flushing after each phase.
void apply_records(BlockDevice& device, const std::vector<JournalRecord>& records, bool after);

}  // namespace ukpu::fat
