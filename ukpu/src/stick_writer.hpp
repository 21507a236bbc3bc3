// Writing keys onto sticks that passed the safety rules and were confirmed (key_target.hpp):
// several at once, one thread each, with progress; then each one read back past the page cache
// and verified as the firmware would. Shared by `ukpu build` and `ukpu keys generate --device`.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "context.hpp"
#include "ukpu/devices/discovery.hpp"
#include "json.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/key_writer.hpp"

namespace ukpu::cli {

// One stick to write: checked and confirmed, the name it was given, and its setup.bin.
struct StickJob {
    devices::DeviceInfo disk;
    std::string target;
    std::vector<std::uint8_t> setup;
    // Called from the stick's writer thread after each write request (bytes done, bytes in
    // all), besides the progress line on stderr; may be empty.
    std::function<void(std::uint64_t, std::uint64_t)> on_progress;
};

// What became of one stick: its exit code (exit_ok: written, read back identical and found by
// the generations its layout is for) and its JSON document.
struct StickOutcome {
    int code = 0;
    Json doc;
    std::string message;  // what went wrong, in one line (empty for exit_ok)
};

// One stick's failure, reported while the others go on: the error printed on stderr, and
// recorded in `doc` (target, "ok": false, "error": {exit_code, message}); returns its code.
int record_stick_failure(const std::string& target, const CliError& e, Json& doc);

// Writes every stick (at once when there are several), then reads each back and verifies it.
// Ctrl-C (under the InterruptGuard this installs) stops every write at its next safe point.
// Each outcome says what state its stick is in; with a single stick, its error is thrown
// instead (CliError), as every command reports one failure.
std::vector<StickOutcome> write_sticks(const GlobalOptions& g, const std::vector<StickJob>& jobs,
                                       const std::vector<fat::KeyFile>& extras,
                                       const fat::KeyOptions& ko);

// After a key was written to `dev` (an image or a stick): records the layout and I/O in `doc`,
// reads setup.bin back past the page cache and verifies the key. Returns exit_ok when the bytes
// read back are the ones written and the firmware generations of the layout find the key;
// exit_problems when they do not find it; throws CliError (exit_io) when the bytes differ.
int check_written_key(const GlobalOptions& g, const std::string& target, fat::BlockDevice& dev,
                      const fat::KeyLayout& k, const fat::KeyOptions& ko,
                      const std::vector<std::uint8_t>& setup, Json& doc);

// The layout as JSON and as one line of text.
Json layout_json(const fat::KeyLayout& k);
std::string layout_text(const fat::KeyLayout& k);
// The identity of a stick as JSON: which stick holds a key.
Json device_json(const devices::DeviceInfo& d);

// The time written into the key's directory entries: SOURCE_DATE_EPOCH when set (reproducible
// builds; CliError exit_usage when it is not a number), else now.
std::int64_t key_timestamp();
// A volume serial number from the CSPRNG.
std::uint32_t random_volume_id();

// After several sticks: one line saying how many came out well (`done`: "written and
// verified"), and a warning naming each one that did not by its device, serial and USB port, so
// that it can be found among the others. Nothing for a single stick.
void print_sticks_summary(const GlobalOptions& g, const std::string& done,
                          const std::vector<devices::DeviceInfo>& disks,
                          const std::vector<std::string>& targets, const std::vector<int>& codes);

// The exit code of several outcomes: the most serious one.
int worse_exit(int a, int b);

}  // namespace ukpu::cli
