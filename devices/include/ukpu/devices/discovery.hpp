// Every disk of the machine with what decides whether ukpu may write it: transport (only USB by
// default), system disks (anything holding a mounted /, /boot, EFI, /usr, /var, /home, live
// media or swap, traced through partitions, device-mapper and md), mounts, read-only, no medium.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ukpu/devices/machine.hpp"
#include "ukpu/devices/mounts.hpp"
#include "ukpu/devices/sysfs_tree.hpp"
#include "ukpu/devices/usb_bus.hpp"

namespace ukpu::devices {

struct MountUse {
    std::string mount_point;  // "/media/x"
    std::string device;       // the block device mounted there: "sdb1", "dm-0"
};

struct DeviceInfo {
    std::string name;  // "sdb"
    std::string path;  // "/dev/sdb"
    unsigned major = 0;
    unsigned minor = 0;
    Transport transport = Transport::unknown;
    bool usb = false;
    bool removable = false;
    bool read_only = false;
    std::uint64_t size = 0;  // bytes
    std::uint32_t logical_sector_size = 512;
    std::string vendor;
    std::string model;
    std::string serial;
    std::string bus_path;  // "2-1.4" (USB only)
    std::string usb_id;    // "0781:5581" (USB only)
    std::string speed;     // "480 Mbit/s (high speed)" (USB only, when known)
    std::vector<std::string> partitions;
    std::vector<MountUse> mounts;  // on the disk, its partitions and what is stacked on them
    bool system = false;
    std::string system_reason;  // "holds / via dm-0"
    bool writable = false;      // listed as a target: USB, not system, has a medium, not read-only
    std::string hidden_reason;  // empty when writable
    std::vector<std::string> notes;  // what could not be learned, and why

    // "SanDisk Ultra, 14.3 GiB, serial 4C530001, USB 2-1.4 (0781:5581)"
    std::string identity() const;
};

struct Discovery {
    SysfsTree tree;
    UsbScan usb;
    std::vector<DeviceInfo> devices;  // every whole disk but RAM disks and unattached loops

    const DeviceInfo* find(const std::string& name) const;
};

// The system mount points: what a disk holding one of them cannot lose.
const std::vector<std::string>& system_mount_points();

// Combines sysfs, the mount and swap tables and the USB scan. Never reads anything itself.
Discovery discover(SysfsTree tree, const std::vector<MountEntry>& mounts,
                   const std::vector<SwapEntry>& swaps, UsbScan usb);

// Reads `machine`: its sysfs tree, mount and swap tables, and its USB bus when it says so.
// Throws Error.
Discovery discover_machine(const Machine& machine);

// Human text for sizes: "14.3 GiB".
std::string size_text(std::uint64_t bytes);

}  // namespace ukpu::devices
