#include "ukpu/devices/discovery.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace ukpu::devices {

namespace {

// The block device a mount or swap entry names: by major:minor, else by its source path
// (btrfs reports an anonymous device number; /dev/mapper names lead to dm-N).
const BlockNode* node_for(const SysfsTree& tree, unsigned major, unsigned minor,
                          const std::string& source) {
    if (const BlockNode* n = tree.find(major, minor)) return n;
    if (source.rfind("/dev/mapper/", 0) == 0) return tree.find_dm_name(source.substr(12));
    if (source.rfind("/dev/", 0) == 0) return tree.find(source.substr(source.rfind('/') + 1));
    return nullptr;
}

std::string how_held(const BlockNode& via, const std::string& disk, const std::string& what) {
    if (via.name == disk) return "holds " + what;
    if (via.parent == disk) return "holds " + what + " (" + via.name + ")";
    return "holds " + what + " via " + via.name;
}

void enrich_from_usb(DeviceInfo& d, const UsbScan& scan, const std::string& sysfs_speed) {
    const UsbDeviceSeen* seen = nullptr;
    for (const auto& u : scan.devices)
        if (u.bus_path == d.bus_path) seen = &u;
    if (seen) {
        char id[16];
        std::snprintf(id, sizeof id, "%04x:%04x", seen->vendor_id, seen->product_id);
        if (d.usb_id.empty() || d.usb_id == ":") d.usb_id = id;
        d.speed = seen->speed;
    } else if (!scan.consulted) {
        d.notes.push_back(scan.note + "; ids and speed from sysfs only");
    } else {
        d.notes.push_back("libusb does not see a device at " + d.bus_path +
                          "; ids and speed from sysfs only");
    }
    if (d.speed.empty() && !sysfs_speed.empty()) d.speed = sysfs_speed + " Mbit/s";
    if (d.speed.empty()) d.notes.push_back("USB speed not known");
    if (d.usb_id.empty() || d.usb_id == ":") {
        d.usb_id.clear();
        d.notes.push_back("USB vendor and product ids not known");
    }
    if (d.serial.empty()) d.notes.push_back("serial number not known (the stick reports none)");
}

}  // namespace

std::string DeviceInfo::identity() const {
    std::string s;
    std::string name_text = vendor;
    if (!model.empty()) name_text += (name_text.empty() ? "" : " ") + model;
    s = name_text.empty() ? "unknown model" : name_text;
    s += ", " + size_text(size);
    s += ", serial " + (serial.empty() ? std::string("unknown") : serial);
    if (usb) {
        s += ", USB " + bus_path;
        if (!usb_id.empty()) s += " (" + usb_id + ")";
    } else {
        s += std::string(", ") + to_string(transport);
    }
    return s;
}

const DeviceInfo* Discovery::find(const std::string& name) const {
    for (const auto& d : devices)
        if (d.name == name) return &d;
    return nullptr;
}

const std::vector<std::string>& system_mount_points() {
    static const std::vector<std::string> points = {"/",
                                                    "/boot",
                                                    "/boot/efi",
                                                    "/efi",
                                                    "/usr",
                                                    "/var",
                                                    "/home",
                                                    "/run/live/medium",
                                                    "/cdrom",
                                                    "/lib/live/mount/medium",
                                                    "/run/initramfs/live",
                                                    "/run/archiso/bootmnt"};
    return points;
}

std::string size_text(std::uint64_t bytes) {
    const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    if (u == 0 || v == static_cast<double>(static_cast<std::uint64_t>(v)))
        std::snprintf(buf, sizeof buf, "%llu %s", static_cast<unsigned long long>(v), units[u]);
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

Discovery discover(SysfsTree tree, const std::vector<MountEntry>& mounts,
                   const std::vector<SwapEntry>& swaps, UsbScan usb) {
    // Mounts and system roles per whole disk.
    std::map<std::string, std::vector<MountUse>> mounted;
    std::map<std::string, std::string> system;
    const auto& sys_points = system_mount_points();
    for (const auto& m : mounts) {
        const BlockNode* node = node_for(tree, m.major, m.minor, m.source);
        if (!node) continue;  // proc, tmpfs, overlay ...: not on a block device
        const bool is_system =
            std::find(sys_points.begin(), sys_points.end(), m.mount_point) != sys_points.end();
        for (const auto& disk : tree.disks_under(node->name)) {
            mounted[disk].push_back({m.mount_point, node->name});
            if (is_system && !system.count(disk))
                system[disk] = how_held(*node, disk, m.mount_point);
        }
    }
    for (const auto& s : swaps) {
        const BlockNode* node = node_for(tree, s.major, s.minor, s.path);
        if (!node) continue;
        const bool file = s.path.rfind("/dev/", 0) != 0;
        for (const auto& disk : tree.disks_under(node->name))
            if (!system.count(disk))
                system[disk] = how_held(*node, disk, file ? "swap file " + s.path : "swap");
    }

    Discovery out{std::move(tree), std::move(usb), {}};
    for (const BlockNode* n : out.tree.disks()) {
        if (n->transport == Transport::ram) continue;
        if (n->transport == Transport::loop && n->size_bytes == 0) continue;  // not attached
        DeviceInfo d;
        d.name = n->name;
        d.path = "/dev/" + n->name;
        d.major = n->major;
        d.minor = n->minor;
        d.transport = n->transport;
        d.usb = n->transport == Transport::usb;
        d.removable = n->removable;
        d.read_only = n->read_only;
        d.size = n->size_bytes;
        d.logical_sector_size = n->logical_block_size;
        d.vendor = n->vendor;
        d.model = n->model;
        d.serial = n->serial;
        d.partitions = n->partitions;
        if (n->usb) {
            // The USB descriptors name the stick better than the padded SCSI INQUIRY fields.
            if (!n->usb->manufacturer.empty()) d.vendor = n->usb->manufacturer;
            if (!n->usb->product.empty()) d.model = n->usb->product;
            if (!n->usb->serial.empty()) d.serial = n->usb->serial;
            d.bus_path = n->usb->bus_path;
            if (!n->usb->vendor_id.empty() || !n->usb->product_id.empty())
                d.usb_id = n->usb->vendor_id + ":" + n->usb->product_id;
            enrich_from_usb(d, out.usb, n->usb->speed);
        }
        if (auto it = mounted.find(d.name); it != mounted.end()) d.mounts = it->second;
        if (auto it = system.find(d.name); it != system.end()) {
            d.system = true;
            d.system_reason = it->second;
        }

        if (d.system)
            d.hidden_reason = "system disk: " + d.system_reason;
        else if (d.size == 0)
            d.hidden_reason =
                d.removable || d.usb ? "empty card reader (size 0)" : "no medium (size 0)";
        else if (d.read_only)
            d.hidden_reason = "read-only";
        else if (d.transport == Transport::loop)
            d.hidden_reason = "not USB (loop device" +
                              (d.model.empty() ? "" : ", backed by " + d.model) +
                              "): written only with --allow-non-usb and its name confirmed";
        else if (!d.usb)
            d.hidden_reason = std::string("not USB (") + to_string(d.transport) + ")";
        d.writable = d.hidden_reason.empty();
        out.devices.push_back(std::move(d));
    }
    return out;
}

Discovery discover_machine(const Machine& machine) {
    SysfsTree tree = SysfsTree::read(machine.sysfs_root);
    UsbScan usb;
    if (machine.consult_usb_bus)
        usb = scan_usb_bus();
    else
        usb.note = machine.usb_note;
    return discover(std::move(tree), read_mounts(machine.mountinfo),
                    read_swaps(machine.swaps, machine.swaps_may_be_missing), std::move(usb));
}

}  // namespace ukpu::devices
