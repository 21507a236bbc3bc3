// Repairing keys through the host journal (ukpu/fatwriter/repair.hpp): an image or confirmed
// sticks (device_safety.hpp), several at once with progress and a stop at a safe point, each key
// read back and checked as the firmware would. Shared by `ukpu repair` and the window.
//
// Every key gets a repair journal of its own: the services put the key's identity into the
// journal's name (fat::RepairOptions::journal_tag; a tag in the options they are given is
// replaced), so that two keys with the same volume id and size (two sticks of one model written
// from one image, two copies of one image) repaired at once, in one run or in two processes,
// never share a journal, and a pending journal is found (finished, rolled back, previewed) only
// for the key it was written for. The tag is what tells two keys present at once apart, so a
// pending journal is found again only with the key where it was: the same stick in the same USB
// port, the same loop device backing file, the same image path. (A journal left without a tag,
// by a run before the keys were named, is not found.) The journal itself is written under a
// unique temporary name in the journal directory and renamed into place (fat::write_journal),
// so two runs never write one temporary file either.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ukpu/devices/discovery.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/journal.hpp"
#include "ukpu/fatwriter/repair.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "ukpu/provision/context.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/reporter.hpp"

namespace ukpu::provision {

// $XDG_STATE_HOME/ukpu/journal, else ~/.local/state/ukpu/journal; Error (bad_argument) when
// neither variable is set.
std::filesystem::path default_journal_dir();

// The journal tag of a stick (fatwriter's journal_tag_text makes it a file name part):
// - a USB stick: its port, then its serial when it has one, "usb3-2-4C530001" ("usb3-2" without
//   a serial); the port comes first because it alone differs between two sticks present at
//   once (cheap sticks share serials), and a tag is cut at 64 characters;
// - a loop device: "loop-" and its backing file's name with a hash of its whole path
//   ("loop-stick-a.img-1C2D3E4F"; devices::DeviceInfo::model holds the backing file), its device
//   name ("loop3") when the backing file is not known;
// - any other disk: its device name, then its serial when it has one ("sdb-WD123").
std::string stick_journal_tag(const devices::DeviceInfo& disk);
// The journal tag of an image file: "image-", its file name and a hash of its absolute path
// ("image-key.img-0A1B2C3D"), so that two copies of one image at different paths repaired at
// once do not share a journal. A pending journal is found only at the same path: an image moved
// or renamed after an interrupted repair must be put back to finish it.
std::string image_journal_tag(const std::filesystem::path& image);

// The status of a repair error: io, bad_input for an unreadable or inconsistent key, problems
// for a key that cannot be repaired as asked.
Status repair_status(const fat::Error& e);
// The error as a repair reports it: the target and the offending location.
Error repair_error(const std::string& target, const fat::Error& e);

// What became of one key's repair.
struct RepairOutcome {
    std::string target;
    std::optional<devices::DeviceInfo> device;  // the stick, when one was repaired
    std::filesystem::path journal_dir;
    // ok: repaired (or nothing to do) and usable by every generation it is judged by; problems:
    // one of them cannot use it (which and why in `message`); anything else: the failure.
    Status status = Status::ok;
    std::string message;
    bool repaired = false;  // the repair ran (the fields below are known)
    fat::Recovery recovery;
    bool roll_back = false;               // only a pending journal was rolled back
    std::optional<fat::RepairPlan> plan;  // not for a roll-back
    bool written = false;
    fat::IoStats io;
    std::optional<fat::VerifyReport> verify;
    bool found = false;
};

// The plan of a repair without writing (a dry run): a pending journal of this key (the one of
// `disk`'s tag, or of the image's tag when `disk` is null: `target` is an image file) is applied
// to a preview first.
// The repair is then run on a copy of the key kept in memory (fat::OverlayDevice; its journal
// in a temporary directory) and the result judged as a repair judges it, by `firmware` or the
// generations the key's content is for: `unusable` names each that could not use it and why, so
// that a dry run says what the repair would say (not for a roll-back).
struct RepairPreview {
    std::optional<std::filesystem::path> pending_journal;
    fat::RepairPlan plan;
    std::optional<fat::VerifyReport> verify;  // of the key as the repair would leave it
    std::vector<std::string> unusable;
};
RepairPreview preview_repair(Reporter& reporter, const fat::RepairOptions& ro,
                             const std::string& target, std::uint32_t sector_size,
                             const devices::DeviceInfo* disk = nullptr,
                             const std::optional<std::string>& firmware = std::nullopt);

// The plan in words: `lead` then the steps as notes, or that there is nothing to do; the plan's
// notes as warnings.
void report_plan(Reporter& reporter, const fat::RepairPlan& p, const std::string& lead);

// Repairs an image file in place, journaled under image_journal_tag(path). Throws Error.
// The key is then judged by `firmware` (a --firmware list) when given, else by the generations
// its content is for (generations.hpp): problems when one of them cannot use it.
RepairOutcome repair_image(const Context& ctx, Reporter& reporter, const fat::RepairOptions& ro,
                           const std::string& path, std::uint32_t sector_size,
                           const std::optional<std::string>& firmware = std::nullopt);

// One stick to repair: checked and confirmed, the name it was given.
struct StickRepair {
    devices::DeviceInfo disk;
    std::string target;
};

// Repairs every stick (at once, when there are several), each journaled under its
// stick_journal_tag; each outcome says what state its stick is in and what to run next (a
// failure also reported as an error). With a single stick its failure is thrown instead. Two
// sticks of one tag (one backing file attached as two loop devices) are refused, Error
// bad_argument, before anything is written.
std::vector<RepairOutcome> repair_sticks(const Context& ctx, Reporter& reporter,
                                         const std::vector<StickRepair>& jobs,
                                         const fat::RepairOptions& ro,
                                         const std::optional<std::string>& firmware = std::nullopt);

}  // namespace ukpu::provision
