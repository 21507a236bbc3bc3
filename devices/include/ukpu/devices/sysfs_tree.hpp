// The block devices the kernel shows in sysfs (/sys, or UKPU_SYSFS_ROOT for tests): whole disks
// under block/, their partitions, the device-mapper and md stacks (slaves/holders), and for each
// disk its transport, found by resolving the device symlinks (usb, ata, nvme, mmc, virtio, loop).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ukpu::devices {

enum class Transport {
    usb,
    ata,
    nvme,
    mmc,
    virtio,
    scsi,
    loop,
    device_mapper,
    md,
    ram,
    virt,
    unknown
};

// "usb", "ata", "nvme", "mmc", "virtio", "scsi", "loop", "dm", "md", "ram", "virtual", "unknown"
const char* to_string(Transport t);

// The USB device (sysfs directory named like "2-1.4") a disk hangs off.
struct UsbAttributes {
    std::string bus_path;    // "2-1.4"
    std::string vendor_id;   // "0781" (idVendor)
    std::string product_id;  // "5581" (idProduct)
    std::string serial;
    std::string manufacturer;
    std::string product;
    std::string speed;  // sysfs "speed" in Mbit/s ("480"); empty when absent
};

struct BlockNode {
    std::string name;  // "sdb", "sdb1", "dm-0"
    unsigned major = 0;
    unsigned minor = 0;
    std::string parent;  // the disk of a partition; empty for a whole disk
    std::vector<std::string> partitions;
    std::vector<std::string> slaves;   // what a dm/md device is built on
    std::vector<std::string> holders;  // what is built on this device
    std::string dm_name;               // dm/name ("vg-root") for device-mapper devices

    // Whole disks only.
    std::uint64_t size_bytes = 0;  // sysfs size is in 512-byte units whatever the sector size
    std::uint32_t logical_block_size = 512;
    bool removable = false;
    bool read_only = false;
    Transport transport = Transport::unknown;
    std::string vendor;  // SCSI INQUIRY vendor, trimmed (not for NVMe)
    std::string model;
    std::string serial;
    std::optional<UsbAttributes> usb;
};

class SysfsTree {
public:
    // Reads `root`/block and every disk's attributes. Throws Error(io) when block/ cannot be
    // listed; a missing attribute file leaves its default.
    static SysfsTree read(const std::filesystem::path& root);

    const std::filesystem::path& root() const { return root_; }
    const BlockNode* find(const std::string& name) const;
    const BlockNode* find(unsigned major, unsigned minor) const;
    const BlockNode* find_dm_name(const std::string& dm_name) const;
    // Whole disks, sorted by name.
    std::vector<const BlockNode*> disks() const;
    // The whole disks `name` sits on: itself for a disk, the disk of a partition, and the dm/md
    // device itself and every disk under it through the slaves, recursively.
    std::set<std::string> disks_under(const std::string& name) const;

private:
    void add_disk(const std::string& name);
    std::filesystem::path root_;
    std::map<std::string, BlockNode> nodes_;
};

}  // namespace ukpu::devices
