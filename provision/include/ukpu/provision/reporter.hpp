// How the services tell a front end what is happening, without printing: notes (what is being
// done, summaries), warnings, errors that do not end the work (one stick failed, the others go
// on), progress per stick, a key's verify report after it was written, and the confirmation of
// sticks about to be written. The command line renders these as text on stderr (or not, with
// --json and --quiet); the window as widgets. Calls may come from several writer threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ukpu/devices/discovery.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "ukpu/provision/status.hpp"

namespace ukpu::provision {

struct DeviceWritePolicy;  // device_safety.hpp

// What became of one stick of a run that writes or repairs several: written (or repaired), read
// back and usable (ok), usable by some generations only (problems), or why not.
struct StickOutcome {
    std::string target;
    Status status = Status::ok;
    std::string message;  // empty when ok
};

// What will be done to confirmed sticks.
enum class StickAction { write, repair };

// One job's progress (a stick being written or repaired).
class Progress {
public:
    virtual ~Progress() = default;
    // Bytes written so far, of the total the progress was opened with.
    virtual void update(std::uint64_t done) = 0;
    // The job ended (well or not); idempotent.
    virtual void finish() = 0;
};

class Reporter {
public:
    virtual ~Reporter() = default;

    // What is being done, and summaries ("wrote /dev/sdb: mbr, FAT16 ...").
    virtual void note(const std::string& text) = 0;
    virtual void warning(const std::string& text) = 0;
    // A failure that does not end the work: one of several sticks failed.
    virtual void error(const std::string& text) = 0;
    // Whether informational findings are wanted too.
    virtual bool verbose() const { return false; }

    // The report of a key read back after it was written or repaired.
    virtual void key_report(const std::string& target, const fat::VerifyReport& report) = 0;
    // The outcome of one stick, once it was written or repaired and read back (or failed): said
    // by every service that writes or repairs sticks, one call per stick.
    virtual void stick_done(const StickOutcome&) {}

    // Progress of writing `target` (`what`: "writing", "repairing"), `total` bytes in all;
    // `parallel` when several sticks are written at once. Never null.
    virtual std::unique_ptr<Progress> progress(const std::string& target, const std::string& what,
                                               std::uint64_t total, bool parallel) = 0;

    // Asks to go on with sticks that passed the safety rules: returns when confirmed, throws
    // Error(Status::refused) when not. Every identity is shown before anything is written.
    // `policy`: the --confirm values given, and the disks whose name must be typed whatever they
    // are (name_needed: a stick holding records no PC took).
    virtual void confirm_sticks(const std::vector<devices::DeviceInfo>& disks, StickAction action,
                                const DeviceWritePolicy& policy) = 0;

    // Sticks are being written between these two calls: a Ctrl-C then asks for a stop at the
    // next safe point instead of ending the program.
    virtual void writes_begin() {}
    virtual void writes_end() {}
};

// A reporter that shows nothing and confirms nothing (every confirmation is refused).
class SilentReporter : public Reporter {
public:
    void note(const std::string&) override {}
    void warning(const std::string&) override {}
    void error(const std::string&) override {}
    void key_report(const std::string&, const fat::VerifyReport&) override {}
    std::unique_ptr<Progress> progress(const std::string&, const std::string&, std::uint64_t,
                                       bool) override;
    void confirm_sticks(const std::vector<devices::DeviceInfo>& disks, StickAction action,
                        const DeviceWritePolicy& policy) override;
};

// The writing phase: a stop request left from before is cleared, the reporter told.
class WritePhase {
public:
    explicit WritePhase(Reporter& r);
    ~WritePhase();
    WritePhase(const WritePhase&) = delete;
    WritePhase& operator=(const WritePhase&) = delete;

private:
    Reporter& r_;
};

}  // namespace ukpu::provision
