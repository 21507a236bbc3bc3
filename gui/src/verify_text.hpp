// A key's verify report as the window shows it in its log: the problems with where they are and
// their fix, the layout, then per firmware generation whether setup.bin is found and which record
// the next PC takes.
#pragma once

#include <string>

#include "ukpu/fatwriter/verify.hpp"

namespace ukpu::gui {

// Lines separated by '\n', without a trailing newline. Informational findings only when
// `with_info`.
std::string verify_text(const fat::VerifyReport& r, bool with_info = false);

}  // namespace ukpu::gui
