// Repairing keys through the host journal (ukpu/fatwriter/repair.hpp): an image or confirmed
// sticks (device_safety.hpp), several at once with progress and a stop at a safe point, each key
// read back and checked as the firmware would. Shared by `ukpu repair` and the window.
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
    // ok: repaired (or nothing to do) and found; problems: a generation the key is for would
    // still not find it; anything else: the failure, said in `message`.
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

// The plan of a repair without writing (a dry run): a pending journal is applied to a preview
// first.
struct RepairPreview {
    std::optional<std::filesystem::path> pending_journal;
    fat::RepairPlan plan;
};
RepairPreview preview_repair(Reporter& reporter, const fat::RepairOptions& ro,
                             const std::string& target, std::uint32_t sector_size);

// The plan in words: `lead` then the steps as notes, or that there is nothing to do; the plan's
// notes as warnings.
void report_plan(Reporter& reporter, const fat::RepairPlan& p, const std::string& lead);

// Repairs an image file in place. Throws Error.
RepairOutcome repair_image(const Context& ctx, Reporter& reporter, const fat::RepairOptions& ro,
                           const std::string& path, std::uint32_t sector_size);

// One stick to repair: checked and confirmed, the name it was given.
struct StickRepair {
    devices::DeviceInfo disk;
    std::string target;
};

// Repairs every stick (at once, one journal each, when there are several); each outcome says
// what state its stick is in and what to run next (a failure also reported as an error). With a
// single stick its failure is thrown instead.
std::vector<RepairOutcome> repair_sticks(const Context& ctx, Reporter& reporter,
                                         const std::vector<StickRepair>& jobs,
                                         const fat::RepairOptions& ro);

}  // namespace ukpu::provision
