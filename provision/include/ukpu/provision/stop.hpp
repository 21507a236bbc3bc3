// A request to stop writing sticks at the next safe point (the current write request finished
// and flushed). The command line sets it from its Ctrl-C handler, the window from Stop; every
// writer thread polls it. A lock-free atomic: safe in a signal handler, no data race.
#pragma once

#include <atomic>

namespace ukpu::provision {

// The process-wide flag (non-zero: stop).
std::atomic<int>& stop_flag();
inline void request_stop() {
    stop_flag() = 1;
}
inline void clear_stop() {
    stop_flag() = 0;
}
inline bool stop_requested() {
    return stop_flag() != 0;
}

}  // namespace ukpu::provision
