// Text from the libraries (UTF-8 std::string, string_view or literals) as a QString.
#pragma once

#include <QString>

#include <string_view>

namespace ukpu::gui {

inline QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

}  // namespace ukpu::gui
