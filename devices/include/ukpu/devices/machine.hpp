// The machine whose disks are read: where its sysfs tree, mount table and swap table are, and
// whether its USB bus is asked (libusb). The running system by default; the tests describe a
// fake machine (a sysfs tree and tables in a temporary directory) with the same structure. The
// library reads only what it is given: no environment variable chooses the machine.
#pragma once

#include <filesystem>
#include <string>

namespace ukpu::devices {

struct Machine {
    std::filesystem::path sysfs_root = "/sys";
    std::filesystem::path mountinfo = "/proc/self/mountinfo";
    std::filesystem::path swaps = "/proc/swaps";
    // A missing swap table means no swap support (the running system); for a described machine
    // it is an error.
    bool swaps_may_be_missing = true;
    // libusb adds speed and ids; a described machine's buses are not this machine's, so it is
    // not asked then, and `usb_note` says why in the listing.
    bool consult_usb_bus = true;
    std::string usb_note;
    // A described machine: a device path that does not exist on this machine is looked up by
    // its name ("/dev/sdb" -> "sdb") in the described tree.
    bool described = false;

    // The running system.
    static Machine running() { return {}; }
};

}  // namespace ukpu::devices
