// A real X server for the window's tests: Xvfb on a display it chooses (-displayfd), screen
// 1366x768 (the smallest laptop screen the window must fit), no TCP.
#pragma once

#include <sys/types.h>

#include <string>

namespace ukpu::test {

// Starts Xvfb; its pid and `display` (":N"), or 0 when it cannot be started.
pid_t start_xvfb(std::string& display);
// Ends the Xvfb started by start_xvfb.
void stop_xvfb(pid_t pid);
// Where the window's tests write their screenshots: $UKPU_SCREENSHOT_DIR, else `fallback` (the
// build directory's screenshots/); made when missing.
std::string screenshot_dir(const std::string& fallback);

}  // namespace ukpu::test
