// Sticks as they come and go: the block devices in sysfs (their names, sizes and media) and the
// mount table, read again every `interval` (a second by default) and compared with the last
// reading; any difference is said by changed() (the window lists the disks again). Reading a few
// sysfs attributes a second costs nothing measurable and needs neither udev running nor
// netlink access: it works the same in a container, in a test's described machine and on a
// desktop.
#pragma once

#include <QObject>
#include <QTimer>

#include <chrono>
#include <string>

#include "ukpu/devices/machine.hpp"

namespace ukpu::gui {

class DiskWatcher : public QObject {
    Q_OBJECT
public:
    DiskWatcher(devices::Machine machine, QObject* parent = nullptr,
                std::chrono::milliseconds interval = std::chrono::seconds(1));

    // What was read last: one line per whole disk ("sdb 30031872 ro=0"), then the mount table.
    const std::string& reading() const { return last_; }
    // Reads now; true (and changed() said) when it differs from the last reading.
    bool poll();

signals:
    void changed();

private:
    std::string read_now() const;

    devices::Machine machine_;
    QTimer timer_;
    std::string last_;
};

}  // namespace ukpu::gui
