#include "render/progress_line.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "ukpu/devices/discovery.hpp"

namespace ukpu::cli {

ProgressLine::Mode ProgressLine::mode_for(const GlobalOptions& g) {
    if (g.json || g.quiet) return Mode::off;
    const char* term = std::getenv("TERM");
    if (::isatty(STDERR_FILENO) && !(term && std::strcmp(term, "dumb") == 0)) return Mode::terminal;
    // Into a log or a pipe: a line a quarter only with --verbose; the run's notes say the rest.
    return g.verbose ? Mode::plain : Mode::off;
}

ProgressLine::ProgressLine(Mode mode, std::string what, std::uint64_t total_bytes)
    : mode_(mode),
      what_(std::move(what)),
      total_(total_bytes),
      start_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() {
    if (mode_ == Mode::terminal && drawn_ && !finished_) std::cerr << '\n' << std::flush;
}

std::string ProgressLine::text(std::uint64_t done, std::uint64_t total, double seconds) {
    std::string t = devices::size_text(done);
    if (total) {
        const unsigned pct = static_cast<unsigned>(done * 100 / total);
        t +=
            " / " + devices::size_text(total) + " (" + std::to_string(pct > 100 ? 100 : pct) + "%)";
    }
    if (seconds > 0.05 && done) {
        const double rate = static_cast<double>(done) / seconds;
        t += ", " + devices::size_text(static_cast<std::uint64_t>(rate)) + "/s";
        if (total > done) {
            const double left = static_cast<double>(total - done) / rate;
            char buf[64];
            if (left < 60)
                std::snprintf(buf, sizeof buf, "%.0f s left", left < 1 ? 1.0 : left);
            else
                std::snprintf(buf, sizeof buf, "%ld min %02ld s left", static_cast<long>(left) / 60,
                              static_cast<long>(left) % 60);
            t += std::string(", ") + buf;
        }
    }
    return t;
}

std::string ProgressLine::fit(const std::string& what, const std::string& progress,
                              std::size_t width) {
    std::string line = what + ": " + progress;
    if (width == 0 || line.size() <= width) return line;
    const std::string dots = "...";
    const std::size_t room = width > progress.size() + 2 ? width - progress.size() - 2 : 0;
    if (room >= dots.size() + 2) {
        const std::size_t keep = room - dots.size();
        const std::size_t head = keep / 2;
        return what.substr(0, head) + dots + what.substr(what.size() - (keep - head)) + ": " +
               progress;
    }
    return line.substr(0, width);  // a very narrow terminal: the start of the line
}

namespace {

// The columns of the terminal on stderr, leaving the last free (a line that fills it wraps on
// some terminals); 0 when it does not say.
std::size_t terminal_width() {
    struct winsize ws {};
    if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_col < 2) return 0;
    return static_cast<std::size_t>(ws.ws_col) - 1;
}

}  // namespace

void ProgressLine::update(std::uint64_t done_bytes) {
    done_ = done_bytes;
    if (mode_ == Mode::off || finished_) return;
    const auto now = std::chrono::steady_clock::now();
    const double secs = std::chrono::duration<double>(now - start_).count();
    if (mode_ == Mode::terminal) {
        // At most ten redraws a second, and always the last one.
        if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100) && done_bytes < total_)
            return;
        last_draw_ = now;
        drawn_ = true;
        std::cerr << "\r\033[K" << fit(what_, text(done_bytes, total_, secs), terminal_width())
                  << std::flush;
        return;
    }
    if (!total_) return;
    const int quarter = static_cast<int>(done_bytes * 4 / total_);
    if (quarter > quarters_shown_) {
        quarters_shown_ = quarter;
        // One write per line: several sticks written at once share stderr.
        std::cerr << (what_ + ": " + text(done_bytes, total_, secs) + "\n") << std::flush;
    }
}

void ProgressLine::finish() {
    if (finished_) return;
    finished_ = true;
    if (mode_ == Mode::terminal && drawn_) std::cerr << '\n' << std::flush;
}

}  // namespace ukpu::cli
