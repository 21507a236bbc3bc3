#include "interrupt_guard.hpp"

#include <unistd.h>

#include <iterator>

#include "exit_codes.hpp"
#include "ukpu/provision/stop.hpp"

namespace ukpu::cli {

namespace {

extern "C" void on_write_interrupt(int) {
    if (provision::stop_requested()) {
        static const char msg[] =
            "\nukpu: interrupted again: stopping now; the stick is partly written\n";
        ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        ::_exit(exit_interrupted);
    }
    provision::request_stop();
    static const char msg[] = "\nukpu: interrupt: stopping after the current write request\n";
    ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
}

}  // namespace

InterruptGuard::InterruptGuard() {
    provision::clear_stop();
    struct sigaction sa {};
    sa.sa_handler = on_write_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    for (std::size_t i = 0; i < std::size(signals_); ++i)
        ::sigaction(signals_[i], &sa, &previous_[i]);
}

InterruptGuard::~InterruptGuard() {
    for (std::size_t i = 0; i < std::size(signals_); ++i)
        ::sigaction(signals_[i], &previous_[i], nullptr);
}

}  // namespace ukpu::cli
