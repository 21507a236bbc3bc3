// Repairing a key through the host journal (ukpu/fatwriter/repair.hpp) with the command line's
// reporting: the plan as text and JSON, the read-back check as the firmware would, and for sticks
// the rules of writing a device (key_target.hpp), progress and a stop at a safe point. Shared by
// `ukpu repair` and the GUI.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "context.hpp"
#include "ukpu/devices/discovery.hpp"
#include "json.hpp"
#include "stick_writer.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/repair.hpp"

namespace ukpu::cli {

// $XDG_STATE_HOME/ukpu/journal, else ~/.local/state/ukpu/journal; CliError (exit_usage) when
// neither variable is set.
std::filesystem::path default_journal_dir();

// The exit code of a repair error: 5 I/O, 3 an unreadable or inconsistent key, 1 a key that
// cannot be repaired as asked.
int repair_exit_code(const fat::Error& e);
// The error as the command reports it: the target and the offending location.
CliError repair_error(const std::string& target, const fat::Error& e);

Json plan_json(const fat::RepairPlan& p);
// The plan in words on stderr, after `lead`; the notes as warnings.
void print_plan(const fat::RepairPlan& p, const GlobalOptions& g, const std::string& lead);

// Test hook (not in --help): with UKPU_REPAIR_WRITE_DELAY_MS set, every write is slowed so that
// tests can stop a repair halfway; otherwise `dev` itself.
std::unique_ptr<fat::BlockDevice> slowed_for_tests(std::unique_ptr<fat::BlockDevice> dev);

// Repairs the key on `dev` (a pending journal finished or, with roll_back, undone first), then
// reads it back past the page cache as the firmware would. Fills `doc`; returns exit_ok, or
// exit_problems when a generation the key is for would still not find it. Throws CliError.
int repair_opened_key(const GlobalOptions& g, const fat::RepairOptions& ro,
                      const std::string& target, fat::BlockDevice& dev, Json& doc);

// One stick to repair: checked and confirmed (key_target.hpp), the name it was given.
struct StickRepair {
    devices::DeviceInfo disk;
    std::string target;
    // Called from the stick's thread after each write request (bytes done, bytes planned).
    std::function<void(std::uint64_t, std::uint64_t)> on_progress;
};

// Repairs every stick (at once, one journal each, when there are several) under an
// InterruptGuard; each outcome says what state its stick is in and what to run next. With a
// single stick its error is thrown instead.
std::vector<StickOutcome> repair_sticks(const GlobalOptions& g,
                                        const std::vector<StickRepair>& jobs,
                                        const fat::RepairOptions& ro);

}  // namespace ukpu::cli
