// While a stick is written, Ctrl-C asks for a stop at the next safe point instead of ending the
// process mid-request; a second Ctrl-C ends it at once. The previous handler comes back when the
// guard goes away.
#pragma once

#include <csignal>

namespace ukpu::cli {

class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    // Set by SIGINT; WatchedDevice polls it before each write.
    static const volatile std::sig_atomic_t* flag();

private:
    struct sigaction previous_ {};
};

}  // namespace ukpu::cli
