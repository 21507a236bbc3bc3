#include "support/fake_machine.hpp"

#include <stdlib.h>

#include <fstream>
#include <stdexcept>
#include <system_error>

namespace ukpu::test {

FakeSystem::FakeSystem() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ukpu-sysfs-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    root_ = tmpl;
    std::filesystem::create_directories(root_ / "sys" / "block");
    std::filesystem::create_directories(root_ / "sys" / "class" / "block");
    std::filesystem::create_directories(root_ / "sys" / "devices" / "virtual" / "block");
    write("mountinfo", "22 1 0:21 / /proc rw,relatime - proc proc rw\n");
    write("swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
}

FakeSystem::~FakeSystem() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
}

devices::Machine FakeSystem::machine() const {
    devices::Machine m;
    m.sysfs_root = sysfs();
    m.mountinfo = mountinfo();
    m.swaps = swaps();
    m.swaps_may_be_missing = false;
    m.consult_usb_bus = false;
    m.usb_note = "libusb not consulted (UKPU_SYSFS_ROOT names a test tree)";
    m.described = true;
    return m;
}

std::filesystem::path FakeSystem::add_disk(const std::string& parent, const Disk& d, bool block_dir,
                                           const std::string& device_link) {
    const auto pdir = root_ / "sys" / "devices" / parent;
    const auto dir = block_dir ? pdir / "block" / d.name : pdir / d.name;
    std::filesystem::create_directories(dir / "queue");
    put(dir / "dev", d.dev);
    put(dir / "size", std::to_string(d.sectors));
    put(dir / "removable", d.removable ? "1" : "0");
    put(dir / "ro", d.ro ? "1" : "0");
    put(dir / "queue" / "logical_block_size", std::to_string(d.logical));
    if (!device_link.empty()) {
        std::filesystem::create_directory_symlink(device_link, dir / "device");
        const auto ddir = dir / device_link;
        if (!d.vendor.empty()) put(ddir / "vendor", d.vendor);
        if (!d.model.empty()) put(ddir / "model", d.model);
        if (!d.serial.empty()) put(ddir / "serial", d.serial);
    }
    std::filesystem::create_directories(dir / "holders");
    std::filesystem::create_directories(dir / "slaves");
    link(dir, root_ / "sys" / "block" / d.name);
    link(dir, root_ / "sys" / "class" / "block" / d.name);
    return dir;
}

void FakeSystem::add_partition(const std::filesystem::path& disk_dir, const std::string& name,
                               const std::string& dev, std::uint64_t sectors) {
    const auto dir = disk_dir / name;
    std::filesystem::create_directories(dir / "holders");
    put(dir / "partition", "1");
    put(dir / "dev", dev);
    put(dir / "size", std::to_string(sectors));
    link(dir, root_ / "sys" / "class" / "block" / name);
}

void FakeSystem::add_usb_device(const std::string& path, const std::string& vid,
                                const std::string& pid, const std::string& serial,
                                const std::string& manufacturer, const std::string& product) {
    const auto dir = root_ / "sys" / "devices" / path;
    std::filesystem::create_directories(dir);
    put(dir / "idVendor", vid);
    put(dir / "idProduct", pid);
    if (!serial.empty()) put(dir / "serial", serial);
    put(dir / "manufacturer", manufacturer);
    put(dir / "product", product);
    put(dir / "speed", "480");
}

void FakeSystem::add_dm(const std::string& name, const std::string& dev, const std::string& dm_name,
                        std::uint64_t sectors, const std::vector<std::string>& slaves) {
    Disk d;
    d.name = name;
    d.dev = dev;
    d.sectors = sectors;
    const auto dir = add_disk("virtual", d, true, "");
    put(dir / "dm" / "name", dm_name);
    for (const auto& s : slaves) std::filesystem::create_directories(dir / "slaves" / s);
}

void FakeSystem::append(const std::string& file, const std::string& text) {
    std::ofstream(root_ / file, std::ios::app) << text;
}

void FakeSystem::put(const std::filesystem::path& p, const std::string& text) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text << (text.empty() || text.back() == '\n' ? "" : "\n");
}

void FakeSystem::build_standard_machine() {
    const std::string hc = "pci0000:00/0000:00:14.0/usb2/";
    add_usb_device(hc + "2-1", "05e3", "0610", "", "GenesysLogic", "USB2.0 Hub");
    add_usb_device(hc + "2-1/2-1.4", "0781", "5581", "4C530001230915117075", "SanDisk", "Ultra");
    Disk b{"sdb", "8:16", 30031872, 512, true, false, "SanDisk ", "Ultra           ", ""};
    auto sdb = add_disk(hc + "2-1/2-1.4/2-1.4:1.0/host6/target6:0:0/6:0:0:0", b);
    add_partition(sdb, "sdb1", "8:17", 30029824);

    add_usb_device(hc + "2-2", "090c", "1000", "0123456789", "Samsung", "Flash Drive");
    Disk c{"sdc", "8:32", 62521344, 512, true, false, "Samsung ", "Flash Drive     ", ""};
    auto sdc = add_disk(hc + "2-2/2-2:1.0/host7/target7:0:0/7:0:0:0", c);
    add_partition(sdc, "sdc1", "8:33", 62519296);

    add_usb_device(hc + "2-3", "0bda", "0158", "20060413092100000", "Generic", "USB2.0-CRW");
    Disk r{"sdd", "8:48", 0, 512, true, false, "Generic-", "SD/MMC          ", ""};
    add_disk(hc + "2-3/2-3:1.0/host8/target8:0:0/8:0:0:0", r);

    Disk a{"sda", "8:0", 976773168, 512, false, false, "ATA     ", "Samsung SSD 860 ", ""};
    auto sda = add_disk("pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0", a);
    add_partition(sda, "sda1", "8:1", 976771072);

    Disk n{"nvme0n1", "259:0", 1000215216, 512, false, false, "", "WDC PC SN730", "20301E800123"};
    auto nv = add_disk("pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0", n, false, "..");
    add_partition(nv, "nvme0n1p1", "259:1", 1048576);
    add_partition(nv, "nvme0n1p2", "259:2", 2097152);
    add_partition(nv, "nvme0n1p3", "259:3", 997067776);
    add_dm("dm-0", "253:0", "vg-root", 900000000, {"nvme0n1p3"});
    add_dm("dm-1", "253:1", "vg-swap", 16777216, {"nvme0n1p3"});

    Disk l{"loop0", "7:0", 0, 512, false, false, "", "", ""};
    add_disk("virtual", l, true, "");

    write("mountinfo",
          "22 28 0:21 / /proc rw,relatime - proc proc rw\n"
          "28 1 253:0 / / rw,relatime shared:1 - ext4 /dev/mapper/vg-root rw\n"
          "29 28 259:2 / /boot rw,relatime shared:2 - ext4 /dev/nvme0n1p2 rw\n"
          "30 29 259:1 / /boot/efi rw,relatime shared:3 - vfat /dev/nvme0n1p1 rw\n"
          "41 28 8:33 / /media/user/KEY\\040DISK rw,nosuid shared:5 - vfat /dev/sdc1 rw\n");
    write("swaps",
          "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
          "/dev/dm-1                               partition\t8388604\t\t0\t\t-2\n");
}

void FakeSystem::link(const std::filesystem::path& target, const std::filesystem::path& at) {
    std::filesystem::create_directories(at.parent_path());
    std::filesystem::create_directory_symlink(std::filesystem::relative(target, at.parent_path()),
                                              at);
}

}  // namespace ukpu::test
