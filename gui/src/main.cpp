// ukpu-gui: the window over the same services as `ukpu`. `ukpu-gui [setup.bin]` opens with that
// file chosen. It works on the running system: the machine's own sysfs, mount and swap tables,
// and no injected fault (nothing in the environment changes that).
#include <QApplication>

#include "main_window.hpp"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("ukpu-gui");
    ukpu::gui::MainWindow window{ukpu::provision::Context{}};
    const QStringList args = QApplication::arguments();
    if (args.size() > 1) window.load_setup_bin(args.at(1));
    window.resize(1200, 720);  // fits a 1366x768 screen
    window.show();
    return QApplication::exec();
}
