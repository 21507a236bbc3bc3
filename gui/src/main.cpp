// ukpu-gui: the window over the same services as `ukpu`. `ukpu-gui [setup.bin]` opens with that
// file chosen. It works on the running system: the machine's own sysfs, mount and swap tables,
// and no injected fault (nothing in the environment changes that).
#include <QApplication>
#include <QIcon>

#include "main_window.hpp"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("ukpu-gui");
    // The icon the package installs (hicolor/scalable/apps/ukpu-gui.svg); under Wayland the
    // compositor takes it from the desktop entry named here.
    QApplication::setDesktopFileName("ukpu-gui");
    QApplication::setWindowIcon(QIcon::fromTheme("ukpu-gui"));
    ukpu::gui::MainWindow window{ukpu::provision::Context{}};
    const QStringList args = QApplication::arguments();
    if (args.size() > 1) window.load_setup_bin(args.at(1));
    window.resize(1200, 720);  // fits a 1366x768 screen
    window.show();
    return QApplication::exec();
}
