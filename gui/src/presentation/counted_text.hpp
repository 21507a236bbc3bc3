// Numbers with their noun in the window's messages: "1 stick", "2 sticks", "0 records" (the
// command line's base::counted, as a QString).
#pragma once

#include <QString>

#include <cstdint>
#include <string_view>

namespace ukpu::gui {

// `n` and `singular`, or `plural` (default: `singular` + "s") unless n is 1.
QString counted(std::uint64_t n, std::string_view singular, std::string_view plural = {});

}  // namespace ukpu::gui
