// Device discovery against a fake sysfs tree, mount table and swap table: the listing, the
// transport of each disk, system disks traced through partitions and LVM, mounts, and what is
// said when libusb sees nothing.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <filesystem>

#include "support/fake_machine.hpp"
#include "ukpu/devices/discovery.hpp"
#include "ukpu/devices/error.hpp"

namespace {

using namespace ukpu::devices;
using ukpu::test::FakeSystem;

Discovery discover_fake(const FakeSystem& f, UsbScan usb = {}) {
    if (usb.note.empty() && !usb.consulted) usb.note = "libusb sees no USB devices (no USB bus?)";
    return discover(SysfsTree::read(f.sysfs()), read_mounts(f.mountinfo()),
                    read_swaps(f.swaps(), false), usb);
}

const DeviceInfo& get(const Discovery& d, const std::string& name) {
    const DeviceInfo* p = d.find(name);
    if (!p) throw std::runtime_error(name + " not listed");
    return *p;
}

TEST(Discovery, ListsEveryDiskOfTheMachineButUnattachedLoops) {
    FakeSystem f;
    f.build_standard_machine();
    const Discovery d = discover_fake(f);
    std::vector<std::string> names;
    for (const auto& x : d.devices) names.push_back(x.name);
    EXPECT_EQ(names,
              (std::vector<std::string>{"dm-0", "dm-1", "nvme0n1", "sda", "sdb", "sdc", "sdd"}));
}

TEST(Discovery, UsbStickIsWritableWithItsIdentity) {
    FakeSystem f;
    f.build_standard_machine();
    const Discovery d = discover_fake(f);
    const DeviceInfo& b = get(d, "sdb");
    EXPECT_TRUE(b.usb);
    EXPECT_EQ(b.transport, Transport::usb);
    EXPECT_TRUE(b.removable);
    EXPECT_TRUE(b.writable);
    EXPECT_EQ(b.hidden_reason, "");
    EXPECT_EQ(b.path, "/dev/sdb");
    EXPECT_EQ(b.size, 30031872ull * 512);
    EXPECT_EQ(b.logical_sector_size, 512u);
    EXPECT_EQ(b.vendor, "SanDisk");
    EXPECT_EQ(b.model, "Ultra");
    EXPECT_EQ(b.serial, "4C530001230915117075");
    EXPECT_EQ(b.bus_path, "2-1.4");
    EXPECT_EQ(b.usb_id, "0781:5581");
    EXPECT_TRUE(b.mounts.empty());
    EXPECT_FALSE(b.system);
    EXPECT_EQ(b.partitions, std::vector<std::string>{"sdb1"});
    EXPECT_NE(b.identity().find("SanDisk Ultra, 14.3 GiB, serial 4C530001230915117075, USB 2-1.4"),
              std::string::npos)
        << b.identity();
}

TEST(Discovery, SystemDiskUnderLvmIsTracedThroughDeviceMapperAndPartitions) {
    FakeSystem f;
    f.build_standard_machine();
    const Discovery d = discover_fake(f);
    const DeviceInfo& n = get(d, "nvme0n1");
    EXPECT_EQ(n.transport, Transport::nvme);
    EXPECT_TRUE(n.system);
    EXPECT_EQ(n.system_reason, "holds / via dm-0");
    EXPECT_EQ(n.hidden_reason, "system disk: holds / via dm-0");
    EXPECT_FALSE(n.writable);
    EXPECT_EQ(n.model, "WDC PC SN730");
    EXPECT_EQ(n.serial, "20301E800123");
    // Every mount that sits on it, partitions and LVM volumes alike.
    std::vector<std::string> points;
    for (const auto& m : n.mounts) points.push_back(m.mount_point);
    EXPECT_EQ(points, (std::vector<std::string>{"/", "/boot", "/boot/efi"}));
    // The LVM volumes themselves are system disks too.
    EXPECT_TRUE(get(d, "dm-0").system);
    EXPECT_EQ(get(d, "dm-1").hidden_reason, "system disk: holds swap");
}

TEST(Discovery, SwapAloneMakesASystemDisk) {
    FakeSystem f;
    f.build_standard_machine();
    f.write("mountinfo", "22 1 0:21 / /proc rw - proc proc rw\n");  // nothing else mounted
    const Discovery d = discover_fake(f);
    EXPECT_EQ(get(d, "nvme0n1").hidden_reason, "system disk: holds swap via dm-1");
}

TEST(Discovery, SwapFileIsTracedToTheDiskOfItsFileSystem) {
    FakeSystem f;
    f.build_standard_machine();
    // A real file stands in for the swap file; the fake tree gets a disk with its device number.
    const std::string swapfile = f.mountinfo();
    struct stat st {};
    ASSERT_EQ(::stat(swapfile.c_str(), &st), 0);
    const std::string dev =
        std::to_string(major(st.st_dev)) + ":" + std::to_string(minor(st.st_dev));
    FakeSystem::Disk z{"sdz", dev, 2048, 512, true, false, "", "", ""};
    f.add_usb_device("pci0000:00/0000:00:14.0/usb2/2-4", "1234", "5678", "Z", "Z", "Z");
    f.add_disk("pci0000:00/0000:00:14.0/usb2/2-4/2-4:1.0/host9/target9:0:0/9:0:0:0", z);
    f.write("swaps", "Filename Type Size Used Priority\n" + swapfile + " file 4 0 -2\n");
    const Discovery d = discover_fake(f);
    EXPECT_EQ(get(d, "sdz").hidden_reason, "system disk: holds swap file " + swapfile);
}

TEST(Discovery, BootPartitionFoundByMajorMinor) {
    FakeSystem f;
    f.build_standard_machine();
    f.write("mountinfo", "29 1 8:1 / /boot rw - ext4 /dev/sda1 rw\n");
    f.write("swaps", "Filename Type Size Used Priority\n");
    const Discovery d = discover_fake(f);
    EXPECT_EQ(get(d, "sda").hidden_reason, "system disk: holds /boot (sda1)");
    EXPECT_FALSE(get(d, "nvme0n1").system);
    EXPECT_EQ(get(d, "nvme0n1").hidden_reason, "not USB (nvme)");
}

TEST(Discovery, BtrfsRootFoundBySourceWhenTheDeviceNumberIsAnonymous) {
    FakeSystem f;
    f.build_standard_machine();
    f.write("mountinfo", "28 1 0:27 /@ / rw - btrfs /dev/sda1 rw,subvol=/@\n");
    const Discovery d = discover_fake(f);
    EXPECT_EQ(get(d, "sda").hidden_reason, "system disk: holds / (sda1)");
}

TEST(Discovery, HiddenDisksSayWhy) {
    FakeSystem f;
    f.build_standard_machine();
    const Discovery d = discover_fake(f);
    EXPECT_EQ(get(d, "sda").hidden_reason, "not USB (ata)");
    EXPECT_EQ(get(d, "sdd").hidden_reason, "empty card reader (size 0)");
    EXPECT_FALSE(get(d, "sdd").writable);
}

TEST(Discovery, MountedStickIsListedWithItsMountPointUnescaped) {
    FakeSystem f;
    f.build_standard_machine();
    const Discovery d = discover_fake(f);
    const DeviceInfo& c = get(d, "sdc");
    ASSERT_EQ(c.mounts.size(), 1u);
    EXPECT_EQ(c.mounts[0].mount_point, "/media/user/KEY DISK");
    EXPECT_EQ(c.mounts[0].device, "sdc1");
    EXPECT_TRUE(c.writable);  // written only with --unmount, but a target
    EXPECT_FALSE(c.system);
}

TEST(Discovery, ReadOnlyStickIsHidden) {
    FakeSystem f;
    f.build_standard_machine();
    f.put(f.sysfs() + "/block/sdb/ro", "1");
    EXPECT_EQ(get(discover_fake(f), "sdb").hidden_reason, "read-only");
}

TEST(Discovery, AttachedLoopDeviceIsHiddenAsNotUsb) {
    FakeSystem f;
    f.build_standard_machine();
    f.put(f.sysfs() + "/block/loop0/size", "262144");
    const Discovery d = discover_fake(f);
    const DeviceInfo& l = get(d, "loop0");
    EXPECT_EQ(l.transport, Transport::loop);
    EXPECT_FALSE(l.writable);
    EXPECT_NE(l.hidden_reason.find("loop device"), std::string::npos) << l.hidden_reason;
}

TEST(Discovery, WithoutLibusbDevicesTheListingSaysWhatItCouldNotLearn) {
    FakeSystem f;
    f.build_standard_machine();
    const Discovery d = discover_fake(f);
    const DeviceInfo& b = get(d, "sdb");
    EXPECT_TRUE(b.writable);
    EXPECT_EQ(b.speed, "480 Mbit/s");  // from sysfs
    ASSERT_FALSE(b.notes.empty());
    EXPECT_NE(b.notes[0].find("libusb sees no USB devices"), std::string::npos) << b.notes[0];
    // Non-USB disks have nothing to learn from libusb.
    EXPECT_TRUE(get(d, "sda").notes.empty());
}

TEST(Discovery, LibusbEnrichesTheStickItSeesAtTheSameBusPath) {
    FakeSystem f;
    f.build_standard_machine();
    UsbScan scan;
    scan.consulted = true;
    scan.devices.push_back({"2-1.4", 0x0781, 0x5581, "5 Gbit/s (SuperSpeed)"});
    scan.devices.push_back({"2-1", 0x05e3, 0x0610, "480 Mbit/s (high speed)"});
    const Discovery d = discover_fake(f, scan);
    const DeviceInfo& b = get(d, "sdb");
    EXPECT_EQ(b.speed, "5 Gbit/s (SuperSpeed)");
    EXPECT_TRUE(b.notes.empty());
    // A stick libusb does not see: said so.
    const DeviceInfo& c = get(d, "sdc");
    ASSERT_FALSE(c.notes.empty());
    EXPECT_NE(c.notes[0].find("does not see a device at 2-2"), std::string::npos);
}

TEST(Discovery, LibusbFillsIdsSysfsLacks) {
    FakeSystem f;
    f.build_standard_machine();
    const std::string dev = f.devices_dir() + "/pci0000:00/0000:00:14.0/usb2/2-1/2-1.4/";
    std::filesystem::remove(dev + "idVendor");
    std::filesystem::remove(dev + "idProduct");
    f.put(dev + "idVendor", "");  // still a USB device directory, but no ids
    UsbScan scan;
    scan.consulted = true;
    scan.devices.push_back({"2-1.4", 0x0781, 0x5581, ""});
    EXPECT_EQ(get(discover_fake(f, scan), "sdb").usb_id, "0781:5581");
}

TEST(Discovery, SectorSizeFromQueueAndSizeAlwaysIn512ByteUnits) {
    FakeSystem f;
    f.build_standard_machine();
    f.put(f.sysfs() + "/block/sdb/queue/logical_block_size", "4096");
    const Discovery d = discover_fake(f);
    const DeviceInfo& b = get(d, "sdb");
    EXPECT_EQ(b.logical_sector_size, 4096u);
    EXPECT_EQ(b.size, 30031872ull * 512);
}

TEST(Discovery, MissingSysfsIsAnError) {
    FakeSystem f;
    try {
        SysfsTree::read(f.sysfs() + "/nowhere");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::io);
        EXPECT_NE(e.location().find("nowhere/block"), std::string::npos);
    }
}

TEST(Discovery, DiscoverMachineReadsTheDescribedMachineAndLeavesLibusbOutOfATestTree) {
    FakeSystem f;
    f.build_standard_machine();
    const Discovery d = discover_machine(f.machine());
    EXPECT_FALSE(d.usb.consulted);
    EXPECT_NE(d.usb.note.find("UKPU_SYSFS_ROOT"), std::string::npos);
    EXPECT_EQ(d.devices.size(), 7u);
}

TEST(Discovery, TheRealMachineCanBeListed) {
    // Whatever this machine has (maybe no USB bus at all), discovery works and libusb either
    // lists the buses or says why not.
    if (!std::filesystem::is_directory("/sys/block")) GTEST_SKIP() << "no sysfs here";
    const Discovery d = discover_machine(Machine::running());
    if (!d.usb.consulted) {
        EXPECT_FALSE(d.usb.note.empty());
    }
    for (const auto& x : d.devices) EXPECT_EQ(x.writable, x.hidden_reason.empty()) << x.name;
}

}  // namespace
