// A fake machine built in a temp dir: a sysfs tree, a mount table and a swap table laid out like
// the kernel's. In-process, the device library reads it through `machine()`; the ukpu processes
// a test starts see it through UKPU_SYSFS_ROOT, UKPU_MOUNTINFO and UKPU_SWAPS (FakeMachine).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "support/scoped_env.hpp"
#include "ukpu/devices/machine.hpp"

namespace ukpu::test {

class FakeSystem {
public:
    FakeSystem();
    ~FakeSystem();
    FakeSystem(const FakeSystem&) = delete;
    FakeSystem& operator=(const FakeSystem&) = delete;

    std::string sysfs() const { return (root_ / "sys").string(); }
    std::string mountinfo() const { return (root_ / "mountinfo").string(); }
    std::string swaps() const { return (root_ / "swaps").string(); }
    std::string devices_dir() const { return (root_ / "sys" / "devices").string(); }

    // This tree as the machine the device library reads: its tables must exist, and libusb is
    // not asked (its buses are not this tree's).
    devices::Machine machine() const;

    struct Disk {
        std::string name;
        std::string dev;            // "8:16"
        std::uint64_t sectors = 0;  // 512-byte units, as sysfs size
        std::uint32_t logical = 512;
        bool removable = false;
        bool ro = false;
        std::string vendor, model, serial;  // device/{vendor,model,serial}
    };

    // A whole disk at devices/<parent>/block/<name> (or <parent>/<name> for NVMe-like parents
    // when `block_dir` is false), with block/ and class/block/ links.
    std::filesystem::path add_disk(const std::string& parent, const Disk& d, bool block_dir = true,
                                   const std::string& device_link = "../..");

    void add_partition(const std::filesystem::path& disk_dir, const std::string& name,
                       const std::string& dev, std::uint64_t sectors);

    // A USB device directory (e.g. "pci0000:00/0000:00:14.0/usb2/2-1/2-1.4") with its ids.
    void add_usb_device(const std::string& path, const std::string& vid, const std::string& pid,
                        const std::string& serial, const std::string& manufacturer,
                        const std::string& product);

    // A device-mapper device over `slaves` (partition or disk names).
    void add_dm(const std::string& name, const std::string& dev, const std::string& dm_name,
                std::uint64_t sectors, const std::vector<std::string>& slaves);

    void write(const std::string& file, const std::string& text) { put(root_ / file, text); }
    void append(const std::string& file, const std::string& text);
    void put(const std::filesystem::path& p, const std::string& text);

    // The machine of the tests: a USB stick (sdb), a SATA disk (sda), an NVMe system disk
    // under LVM holding / and swap (nvme0n1), a mounted USB stick (sdc), a card reader with no
    // medium (sdd), an unattached loop device (loop0).
    void build_standard_machine();

private:
    static void link(const std::filesystem::path& target, const std::filesystem::path& at);
    std::filesystem::path root_;
};

// The machine of the tests with the three variables (UKPU_SYSFS_ROOT, UKPU_MOUNTINFO,
// UKPU_SWAPS) pointing at it for the ukpu processes started meanwhile, for the life of the object.
struct FakeMachine {
    FakeSystem f;
    ScopedEnv root{"UKPU_SYSFS_ROOT", f.sysfs()};
    ScopedEnv mounts{"UKPU_MOUNTINFO", f.mountinfo()};
    ScopedEnv swaps{"UKPU_SWAPS", f.swaps()};
    FakeMachine() { f.build_standard_machine(); }
};

}  // namespace ukpu::test
