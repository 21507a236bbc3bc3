// The window's icon: the installed theme icon (packaging/icons/ukpu-gui.svg, installed into the
// hicolor theme), else the same drawing painted here (Qt reads SVG only with its svg plugin).
#pragma once

#include <QIcon>

namespace ukpu::gui {

QIcon window_icon();

}  // namespace ukpu::gui
