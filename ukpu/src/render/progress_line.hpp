// Write progress on stderr: on a terminal one line rewritten in place with \r (bytes, speed, ETA),
// cut to the terminal's width; elsewhere a plain line at each quarter with --verbose; nothing with
// --quiet or --json.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "context.hpp"

namespace ukpu::cli {

class ProgressLine {
public:
    enum class Mode { off, terminal, plain };

    // The mode for these flags: off with --json or --quiet; terminal when stderr is a TTY and
    // TERM is not "dumb"; plain otherwise with --verbose, else off.
    static Mode mode_for(const GlobalOptions& g);

    ProgressLine(Mode mode, std::string what, std::uint64_t total_bytes);
    ~ProgressLine();
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    void update(std::uint64_t done_bytes);
    // Ends the line (a terminal line gets its newline); idempotent.
    void finish();

    // "12.0 MiB / 40.0 MiB (30%), 8.1 MiB/s, 3 s left" for `done` bytes after `seconds`.
    static std::string text(std::uint64_t done, std::uint64_t total, double seconds);

    // "WHAT: PROGRESS" in at most `width` columns (0: no limit): the progress kept whole as long
    // as it fits, the name cut in its middle with "..." (a long /dev/disk/by-id name must not
    // wrap the line, which \r could then no longer rewrite).
    static std::string fit(const std::string& what, const std::string& progress, std::size_t width);

private:
    Mode mode_;
    std::string what_;
    std::uint64_t total_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_{};
    int quarters_shown_ = 0;
    bool drawn_ = false;
    bool finished_ = false;
    std::uint64_t done_ = 0;
};

}  // namespace ukpu::cli
