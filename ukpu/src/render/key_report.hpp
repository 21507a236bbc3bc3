// What the command line prints of keys made, repaired or read: the JSON documents of a key's
// outcome (layout, I/O, read-back, verify report), of a repair (plan, recovery, verify), of a
// stick's identity, and the one line that sums up several sticks.
#pragma once

#include <string>
#include <vector>

#include "context.hpp"
#include "render/json.hpp"
#include "ukpu/devices/discovery.hpp"
#include "ukpu/fatwriter/key_writer.hpp"
#include "ukpu/fatwriter/repair.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/key_repair.hpp"
#include "ukpu/provision/stick_writer.hpp"

namespace ukpu::cli {

// {"scheme", "fs", "volume_first_sector", ..., "setup_offset"}
Json layout_json(const fat::KeyLayout& k);
// The identity of a stick: which stick holds a key.
Json stick_json(const devices::DeviceInfo& d);
// The repair plan.
Json plan_json(const fat::RepairPlan& p);

// A key's outcome added to `doc`: target, device, layout, io, written, read_back_identical,
// verify and ok; a failure as "ok": false and "error": {"exit_code", "message"}.
void add_key_outcome(Json& doc, const provision::KeyOutcome& out);
// A repair's outcome added to `doc`: device, target, journal_dir, recovery, plan, written, io,
// verify and ok; a failure as for a key.
void add_repair_outcome(Json& doc, const provision::RepairOutcome& out);
// A failure of one of several keys: target, "ok": false, "error".
void add_failure(Json& doc, const std::string& target, int code, const std::string& message);

// One stick of several, for the summary line.
struct StickLine {
    std::string target;
    devices::DeviceInfo disk;  // its identity (empty fields when unknown)
    int code = exit_ok;
};

// After several sticks: one line saying how many came out well (`done`: "written and
// verified"), and a warning naming each one that did not by its device, serial and USB port, so
// that it can be found among the others. Nothing for a single stick.
void print_sticks_summary(const GlobalOptions& g, const std::string& done,
                          const std::vector<StickLine>& sticks);

}  // namespace ukpu::cli
