#include "render/text_reporter.hpp"

#include <unistd.h>

#include <iostream>
#include <sstream>

#include "render/progress_line.hpp"
#include "render/verify_report.hpp"

namespace ukpu::cli {

namespace dv = ukpu::devices;
using provision::confirmation_of;
using provision::names_device;
using provision::require_confirmed;
using provision::why_name_needed;

namespace {

class LineProgress final : public provision::Progress {
public:
    LineProgress(ProgressLine::Mode mode, std::string what, std::uint64_t total)
        : line_(mode, std::move(what), total) {}
    void update(std::uint64_t done) override { line_.update(done); }
    void finish() override { line_.finish(); }

private:
    ProgressLine line_;
};

class EventProgress final : public provision::Progress {
public:
    EventProgress(EventStream& events, std::string target, std::string what, std::uint64_t total)
        : events_(events), target_(std::move(target)), what_(std::move(what)), total_(total) {}
    void update(std::uint64_t done) override { events_.progress(target_, what_, done, total_); }
    void finish() override {}

private:
    EventStream& events_;
    std::string target_;
    std::string what_;
    std::uint64_t total_;
};

std::string mounts_text(const std::vector<dv::MountUse>& mounts) {
    std::string s;
    for (const auto& m : mounts)
        s += (s.empty() ? "" : ", ") + m.mount_point + " (" + m.device + ")";
    return s;
}

}  // namespace

TextReporter::TextReporter(const GlobalOptions& g) : g_(g) {
    if (g.events) events_ = std::make_unique<EventStream>();
}

TextReporter::~TextReporter() = default;

void TextReporter::note(const std::string& text) {
    if (events_)
        events_->text("note", text);
    else
        print_note(g_, text);
}

void TextReporter::warning(const std::string& text) {
    if (events_)
        events_->text("warning", text);
    else
        print_warning(g_, text);
}

void TextReporter::error(const std::string& text) {
    if (events_)
        events_->text("error", text);
    else
        print_error(text);
}

void TextReporter::stick_done(const provision::StickOutcome& outcome) {
    if (!events_) return;  // the command's summary says it
    Json e = Json::object();
    e.set("event", "stick");
    e.set("target", outcome.target);
    e.set("status", provision::status_name(outcome.status));
    e.set("message", outcome.message);
    events_->emit(e);
}

void TextReporter::key_report(const std::string& target, const fat::VerifyReport& report) {
    if (events_) {
        std::ostringstream text;
        print_verify(text, report, g_, content_said_);
        Json e = Json::object();
        e.set("event", "key_report");
        e.set("target", target);
        e.set("ok", report.ok());
        e.set("text", text.str());
        events_->emit(e);
        return;
    }
    if (g_.json) return;
    // Several sticks: a key every generation asked for can use is said by the run's summary
    // ("3 of 3 sticks ..."); its report, the same for each, only with --verbose.
    if (sticks_ > 1 && report.ok() && !g_.verbose) return;
    print_verify(std::cerr, report, g_, content_said_);
}

std::unique_ptr<provision::Progress> TextReporter::progress(const std::string& target,
                                                            const std::string& what,
                                                            std::uint64_t total, bool parallel) {
    if (events_) return std::make_unique<EventProgress>(*events_, target, what, total);
    // Several sticks at once share stderr: plain lines, one per quarter, instead of one line
    // rewritten in place.
    ProgressLine::Mode mode = total ? ProgressLine::mode_for(g_) : ProgressLine::Mode::off;
    if (parallel && mode == ProgressLine::Mode::terminal) mode = ProgressLine::Mode::plain;
    return std::make_unique<LineProgress>(mode, target + ": " + what, total);
}

void TextReporter::confirm_sticks(const std::vector<devices::DeviceInfo>& disks,
                                  provision::StickAction,
                                  const provision::DeviceWritePolicy& policy) {
    // Before anything is asked: a --confirm value that names none of them is a usage error.
    provision::check_confirm_values(policy, disks);
    sticks_ = disks.size();
    if (events_) {
        // A front end reading the events confirmed before it started the worker: --yes and
        // --confirm say what it confirmed; nothing is asked on a terminal. What it could not
        // know (a stick holding records no PC took) is said, so that it can ask for the names.
        for (const auto& disk : disks) {
            const auto how = provision::confirmation_of(disk, policy, g_.yes);
            if (how != provision::Confirmation::ask_name && how != provision::Confirmation::ask_yes)
                continue;
            Json e = Json::object();
            e.set("event", "name_needed");
            e.set("target", disk.path);
            e.set("name", disk.name);
            e.set("why", why_name_needed(disk, policy));
            events_->emit(e);
        }
        for (const auto& disk : disks) require_confirmed(disk, policy, g_.yes);
    }
    for (const auto& disk : disks) confirm_device_write(g_, disk, policy);
}

void TextReporter::writes_begin() {
    guard_ = std::make_unique<InterruptGuard>();
}

void TextReporter::writes_end() {
    guard_.reset();
}

void confirm_device_write(const GlobalOptions& g, const dv::DeviceInfo& disk,
                          const provision::DeviceWritePolicy& policy) {
    const std::string who = disk.path + ": " + disk.identity();
    const provision::Confirmation how = confirmation_of(disk, policy, g.yes);
    if (how == provision::Confirmation::by_confirm) {
        print_note(g, "writing " + who + " (confirmed with --confirm)");
        return;
    }
    if (how == provision::Confirmation::by_yes) {
        print_note(g, "writing " + who + " (confirmed with --yes)");
        return;
    }
    const bool light = how == provision::Confirmation::ask_yes;
    if (!::isatty(STDIN_FILENO)) require_confirmed(disk, policy, g.yes);  // throws: refused
    std::cerr << "ukpu: " << who << '\n';
    if (!disk.mounts.empty()) std::cerr << "      mounted: " << mounts_text(disk.mounts) << '\n';
    std::cerr << "      every byte on it may be overwritten.\n";
    if (light)
        std::cerr << "Type yes to continue: " << std::flush;
    else
        std::cerr << "It is " << why_name_needed(disk, policy) << ". Type its name (" << disk.name
                  << ") to continue: " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    const bool ok =
        light ? (answer == "yes" || names_device(answer, disk)) : names_device(answer, disk);
    if (!ok) throw CliError(exit_refused, disk.path, "not confirmed; nothing written");
}

}  // namespace ukpu::cli
