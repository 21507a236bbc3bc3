// While a stick is written, Ctrl-C (SIGINT, and likewise SIGTERM and SIGHUP: a service stopped, a
// terminal closed) asks for a stop at the next safe point instead of ending the process
// mid-request; a second one ends it at once. The previous handlers come back when the guard goes
// away.
#pragma once

#include <atomic>
#include <csignal>

namespace ukpu::cli {

class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    // The signal sets provision::stop_flag(), which every writer polls before each write.

private:
    static constexpr int signals_[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction previous_[3]{};
};

}  // namespace ukpu::cli
