// ukpu-gui: the window over the same services as `ukpu`. `ukpu-gui [setup.bin]` opens with that
// file chosen.
#include <QApplication>

#include "main_window.hpp"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("ukpu-gui");
    ukpu::gui::MainWindow window;
    const QStringList args = QApplication::arguments();
    if (args.size() > 1) window.load_setup_bin(args.at(1));
    window.resize(900, 640);
    window.show();
    return QApplication::exec();
}
