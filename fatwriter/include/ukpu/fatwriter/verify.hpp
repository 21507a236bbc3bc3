// Reading a key as each firmware generation reads it: legacy BIOSes (raw sector I/O in the
// device's sectors: FAT16 with sectors of the device's block size, SETUP.BIN in root slot 0,
// contiguous), UEFI BIOSes (\setup.bin through a FAT driver that takes the boot sector's sector
// size, any FAT type, any case) and modern MEBx (the UEFI path with the modern content rules);
// then the file's bytes through setupbin's checker, and which record the next PC takes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/geometry.hpp"
#include "ukpu/fatwriter/key_writer.hpp"
#include "ukpu/setupbin/problem.hpp"

namespace ukpu::fat {

// Each defect verify can name. Layout defects are fixed by `ukpu repair` (`--strict` where
// legacy BIOSes need the volume converted: FAT12, FAT32, sectors that are not the device's
// blocks; then every layout fix is `--strict`, as that one run mends them all); broken chains by
// `fsck.fat -a` first; content defects need the file rebuilt, which no command does alone.
// verify never advises `ukpu repair` (or `--strict`) for a key repair would refuse or leave as
// it is: it asks repair's planner and says why instead.
enum class Defect {
    unreadable,          // no partition table / boot sector, or a broken FAT or directory
    label_entry_first,   // a volume-label entry precedes SETUP.BIN in the root
    long_name_entry,     // long-name slots precede (or belong to) the SETUP.BIN entry
    lowercase_name,      // the 8.3 entry carries NT lower-case flags
    deleted_slot_first,  // a deleted slot precedes SETUP.BIN in the root
    not_first,           // another file or directory precedes SETUP.BIN in the root
    bad_attributes,      // SETUP.BIN is a directory, hidden, system ...
    fragmented,          // its clusters are not one contiguous run
    not_first_cluster,   // (note) its data does not start at the first data cluster
    in_subdirectory,     // setup.bin exists only below the root
    renamed,             // a root file holds a setup.bin under another name
    not_found,           // no setup.bin anywhere
    wrong_fat_type,      // FAT12 or FAT32 where legacy BIOSes read only FAT16
    size_mismatch,       // the file size differs from the size its header declares
    all_consumed,        // every record has been taken
    fats_differ,         // the FAT copies are not identical
    // The boot sector's sector size is not the device's block size: UEFI reads it through its
    // FAT driver, a legacy BIOS reading raw device sectors does not.
    sector_size_mismatch,
    // A cluster chain only fsck.fat can mend (a cross-link, a loop, a cluster out of range, free
    // or bad inside a chain, a lost cluster in setup.bin's way): `ukpu repair` refuses the key
    // until `fsck.fat -a` has run; the cluster is named.
    broken_chain,
    content,  // a setup.bin content problem reported by the checker
};

const char* to_string(Defect d);  // "label-entry-first", "long-name-entry", ...

struct VerifyProblem {
    setupbin::Firmware firmware = setupbin::Firmware::format;
    setupbin::Severity severity = setupbin::Severity::error;
    Defect defect = Defect::content;
    std::optional<std::uint32_t> slot;     // root-directory slot
    std::optional<std::uint32_t> cluster;  // data cluster
    std::optional<std::uint64_t> offset;   // byte offset on the device, or in the file (content)
    std::string message;
    // What removes the problem, without naming the key: "run `ukpu repair`", "run `fsck.fat -a`
    // on the key first, then `ukpu repair`", "rebuild the file ...". A fix that is a command
    // reads "run `CMD`" or "run `CMD`, then `CMD`"; front ends print fix_text(), which names the
    // key in those commands. Any other fix is advice and never starts with "run".
    std::string fix;
    // A content problem (Defect::content): the checker's own finding, with its record and field,
    // so that a front end can say one finding on many records once.
    std::optional<setupbin::Problem> content;

    std::string where() const;  // "slot 0, cluster 2, offset 0x100000"
};

struct GenerationResult {
    bool found = false;                        // the firmware finds the file and accepts it
    std::optional<std::uint32_t> next_record;  // 1-based
    bool usable = false;                       // ... and the next record would be applied
    std::string path;                          // how it was found: "\SETUP.BIN", "root slot 0"
};

struct VerifyOptions {
    bool legacy = true;
    bool uefi = true;
    bool mebx = true;  // the UEFI path with the modern MEBx content rules
    // Before advising `ukpu repair` (or `--strict`), ask repair's planner whether it would take
    // the key (nothing is written); when it would refuse, the advice says why, or puts the
    // fsck.fat step first for a broken chain.
    bool repair_advice = true;
};

struct VerifyReport {
    std::optional<PartitionScheme> scheme;
    std::optional<std::uint64_t> volume_first_sector;
    std::optional<FatType> fat_type;
    // The boot sector's sector size (BPB_BytsPerSec); the volume is read in it, which may differ
    // from the device's block size (sector_size_mismatch).
    std::optional<std::uint32_t> bytes_per_sector;
    std::string label;
    std::optional<GenerationResult> legacy, uefi, mebx;
    std::vector<VerifyProblem> problems;
    // How a command names the key read, to complete the commands of the fixes: {"--image",
    // PATH} (with {"--sector-size", N} for an image read in other than 512-byte sectors, or in
    // sectors other than its boot sector's) or {"--device", PATH}, from the device's describe();
    // empty when the device does not say (planned changes). A front end that knows the key by
    // another name sets it before printing.
    std::vector<std::string> target;
    // The MBR entry (1..4) holding the volume read: the partition fsck.fat is run on.
    std::optional<std::uint32_t> partition;

    // True when every generation asked for finds a usable record.
    bool ok() const;
    // True when the device holds no readable FAT volume (no partition table or boot sector, a
    // BPB out of range) or a chain only fsck.fat can mend: malformed input, which `ukpu repair`
    // refuses too. Front ends say so with the exit code of bad input when the key is not ok().
    bool malformed() const;
    bool has(Defect d) const;
};

// Never throws for a malformed key: what cannot be read becomes a problem. Throws Error(io) for
// a device that cannot be read at all.
VerifyReport verify_key(BlockDevice& device, const VerifyOptions& options = {});

// `p.fix` as a front end prints it, with the key of `r.target` in its commands:
// "run `ukpu repair --image key.img`", "run `fsck.fat -a /dev/sdb1`, then `ukpu repair --device
// /dev/sdb`" (paths quoted for a shell where they need it). Every command of a fix that starts
// with "run", run in order as printed, removes the problem. Where a command cannot be completed
// (no target; fsck.fat on a partitioned image, which it cannot open) the fix is said as advice
// that does not start with "run"; advice stays as it is.
std::string fix_text(const VerifyProblem& p, const VerifyReport& r);

}  // namespace ukpu::fat
