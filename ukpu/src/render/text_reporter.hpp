// The command line's provision::Reporter: notes on stderr (not with --quiet), warnings and errors
// as "ukpu: warning: ..." and "ukpu: error: ...", progress lines, the verify report of a written
// key, confirmations asked on the terminal (or given by --yes and --confirm NAME, repeatable), and
// Ctrl-C turned into a stop request while sticks are written. With --events, the same as a stream
// of JSON lines on stdout instead (render/event_stream.hpp), confirmations only by --yes and
// --confirm, and a "stop" line on stdin asking what Ctrl-C asks.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "context.hpp"
#include "interrupt_guard.hpp"
#include "render/event_stream.hpp"
#include "ukpu/provision/device_safety.hpp"
#include "ukpu/provision/reporter.hpp"

namespace ukpu::cli {

class TextReporter final : public provision::Reporter {
public:
    explicit TextReporter(const GlobalOptions& g);
    ~TextReporter() override;

    void note(const std::string& text) override;
    void warning(const std::string& text) override;
    void error(const std::string& text) override;
    bool verbose() const override { return g_.verbose; }
    void key_report(const std::string& target, const fat::VerifyReport& report) override;
    std::unique_ptr<provision::Progress> progress(const std::string& target,
                                                  const std::string& what, std::uint64_t total,
                                                  bool parallel) override;
    void stick_done(const provision::StickOutcome& outcome) override;
    void confirm_sticks(const std::vector<devices::DeviceInfo>& disks,
                        provision::StickAction action,
                        const provision::DeviceWritePolicy& policy) override;
    void writes_begin() override;
    void writes_end() override;
    // The setup.bin's findings were printed before writing: a written key's report leaves them
    // out instead of saying each again.
    void content_said() { content_said_ = true; }

private:
    const GlobalOptions& g_;
    std::unique_ptr<InterruptGuard> guard_;
    std::unique_ptr<EventStream> events_;  // with --events
    std::size_t sticks_ = 0;  // how many sticks this run writes or repairs (confirm_sticks)
    bool content_said_ = false;
};

// Shows the identity and asks: --yes (or a typed "yes") for removable USB sticks of a stick's
// size; the device name typed on a terminal, or a --confirm value naming it, for anything else
// (a loop device included). A --confirm value naming the disk confirms any disk. Refused
// (exit_refused) otherwise.
void confirm_device_write(const GlobalOptions& g, const devices::DeviceInfo& disk,
                          const provision::DeviceWritePolicy& policy);

}  // namespace ukpu::cli
