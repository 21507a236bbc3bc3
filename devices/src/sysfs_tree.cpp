#include "ukpu/devices/sysfs_tree.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include "ukpu/devices/error.hpp"

namespace ukpu::devices {

namespace fs = std::filesystem;

namespace {

std::string trim(std::string s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// One attribute file, trimmed; empty when it is missing or unreadable.
std::string attr(const fs::path& p) {
    std::ifstream in(p);
    if (!in) return "";
    std::ostringstream s;
    s << in.rdbuf();
    return trim(s.str());
}

std::uint64_t number(const std::string& s, std::uint64_t fallback) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return fallback;
    try {
        return std::stoull(s);
    } catch (const std::exception&) {
        return fallback;
    }
}

bool parse_dev(const std::string& s, unsigned& major, unsigned& minor) {
    const auto colon = s.find(':');
    if (colon == std::string::npos) return false;
    const std::string a = s.substr(0, colon), b = s.substr(colon + 1);
    if (a.empty() || b.empty() || a.find_first_not_of("0123456789") != std::string::npos ||
        b.find_first_not_of("0123456789") != std::string::npos)
        return false;
    major = static_cast<unsigned>(std::stoul(a));
    minor = static_cast<unsigned>(std::stoul(b));
    return true;
}

std::vector<std::string> entry_names(const fs::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        out.push_back(it->path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

bool starts_with(const std::string& s, const char* p) {
    return s.rfind(p, 0) == 0;
}

bool is_digits(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// The transport of a disk from its name and the resolved path of its sysfs directory.
Transport transport_of(const std::string& name, const fs::path& real) {
    if (starts_with(name, "loop")) return Transport::loop;
    if (starts_with(name, "dm-")) return Transport::device_mapper;
    if (starts_with(name, "md") && name.size() > 2) return Transport::md;
    if (starts_with(name, "ram") || starts_with(name, "zram")) return Transport::ram;
    bool host = false, is_virtual = false;
    for (const auto& part : real) {
        const std::string c = part.string();
        if (c == "nvme" || c == "nvme-subsystem") return Transport::nvme;
        if (c == "mmc_host") return Transport::mmc;
        if (starts_with(c, "ata") && is_digits(c.substr(3))) return Transport::ata;
        if (starts_with(c, "virtio") && is_digits(c.substr(6))) return Transport::virtio;
        if (starts_with(c, "host") && is_digits(c.substr(4))) host = true;
        if (c == "virtual") is_virtual = true;
    }
    if (host) return Transport::scsi;
    if (is_virtual) return Transport::virt;
    return Transport::unknown;
}

// The USB device directory above a disk: the nearest ancestor with idVendor whose name has no
// ':' (interfaces are named "2-1.4:1.0").
std::optional<UsbAttributes> usb_of(const fs::path& real, const fs::path& devices_root) {
    for (fs::path p = real.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
        if (p == devices_root) break;
        const std::string n = p.filename().string();
        if (n.find(':') != std::string::npos) continue;
        std::error_code ec;
        if (!fs::exists(p / "idVendor", ec)) continue;
        UsbAttributes u;
        u.bus_path = n;
        u.vendor_id = attr(p / "idVendor");
        u.product_id = attr(p / "idProduct");
        u.serial = attr(p / "serial");
        u.manufacturer = attr(p / "manufacturer");
        u.product = attr(p / "product");
        u.speed = attr(p / "speed");
        return u;
    }
    return std::nullopt;
}

}  // namespace

const char* to_string(Transport t) {
    switch (t) {
        case Transport::usb:
            return "usb";
        case Transport::ata:
            return "ata";
        case Transport::nvme:
            return "nvme";
        case Transport::mmc:
            return "mmc";
        case Transport::virtio:
            return "virtio";
        case Transport::scsi:
            return "scsi";
        case Transport::loop:
            return "loop";
        case Transport::device_mapper:
            return "dm";
        case Transport::md:
            return "md";
        case Transport::ram:
            return "ram";
        case Transport::virt:
            return "virtual";
        case Transport::unknown:
            break;
    }
    return "unknown";
}

SysfsTree SysfsTree::read(const fs::path& root) {
    SysfsTree t;
    t.root_ = root;
    std::error_code ec;
    if (!fs::is_directory(root / "block", ec))
        throw Error(ErrorCode::io, "cannot list the block devices", (root / "block").string());
    for (const auto& name : entry_names(root / "block")) t.add_disk(name);
    // Partitions named in class/block but not found under their disk (older layouts) are
    // picked up here too.
    for (const auto& name : entry_names(root / "class" / "block")) {
        if (t.nodes_.count(name)) continue;
        const fs::path dir = root / "class" / "block" / name;
        if (!fs::exists(dir / "partition", ec)) continue;
        BlockNode n;
        n.name = name;
        if (!parse_dev(attr(dir / "dev"), n.major, n.minor)) continue;
        const fs::path real = fs::weakly_canonical(dir, ec);
        n.parent = real.parent_path().filename().string();
        if (auto it = t.nodes_.find(n.parent); it != t.nodes_.end())
            it->second.partitions.push_back(name);
        t.nodes_[name] = std::move(n);
    }
    return t;
}

void SysfsTree::add_disk(const std::string& name) {
    const fs::path dir = root_ / "block" / name;
    std::error_code ec;
    fs::path real = fs::canonical(dir, ec);
    if (ec) real = dir;
    BlockNode d;
    d.name = name;
    parse_dev(attr(dir / "dev"), d.major, d.minor);
    d.size_bytes = number(attr(dir / "size"), 0) * 512;
    d.logical_block_size =
        static_cast<std::uint32_t>(number(attr(dir / "queue" / "logical_block_size"), 512));
    d.removable = attr(dir / "removable") == "1";
    d.read_only = attr(dir / "ro") == "1";
    d.slaves = entry_names(dir / "slaves");
    d.holders = entry_names(dir / "holders");
    d.dm_name = attr(dir / "dm" / "name");
    d.transport = transport_of(name, real);
    if (auto usb = usb_of(real, fs::weakly_canonical(root_ / "devices", ec))) {
        d.usb = std::move(usb);
        d.transport = Transport::usb;
    }
    d.vendor = attr(dir / "device" / "vendor");
    if (d.vendor.rfind("0x", 0) == 0) d.vendor.clear();  // a PCI vendor id (virtio), not a name
    d.model = attr(dir / "device" / "model");
    if (d.model.empty()) d.model = attr(dir / "device" / "name");  // mmc cards
    d.serial = attr(dir / "device" / "serial");
    if (d.transport == Transport::loop) d.model = attr(dir / "loop" / "backing_file");

    for (const auto& sub : entry_names(dir)) {
        const fs::path p = dir / sub;
        if (!fs::exists(p / "partition", ec)) continue;
        BlockNode part;
        part.name = sub;
        part.parent = name;
        parse_dev(attr(p / "dev"), part.major, part.minor);
        part.size_bytes = number(attr(p / "size"), 0) * 512;
        part.holders = entry_names(p / "holders");
        d.partitions.push_back(sub);
        nodes_[sub] = std::move(part);
    }
    nodes_[name] = std::move(d);
}

const BlockNode* SysfsTree::find(const std::string& name) const {
    const auto it = nodes_.find(name);
    return it == nodes_.end() ? nullptr : &it->second;
}

const BlockNode* SysfsTree::find(unsigned major, unsigned minor) const {
    for (const auto& [name, n] : nodes_)
        if (n.major == major && n.minor == minor && (major || minor)) return &n;
    return nullptr;
}

const BlockNode* SysfsTree::find_dm_name(const std::string& dm_name) const {
    for (const auto& [name, n] : nodes_)
        if (!n.dm_name.empty() && n.dm_name == dm_name) return &n;
    return nullptr;
}

std::vector<const BlockNode*> SysfsTree::disks() const {
    std::vector<const BlockNode*> out;
    for (const auto& [name, n] : nodes_)
        if (n.parent.empty()) out.push_back(&n);
    return out;
}

std::set<std::string> SysfsTree::disks_under(const std::string& name) const {
    std::set<std::string> out;
    std::vector<std::pair<std::string, int>> todo{{name, 0}};
    while (!todo.empty()) {
        auto [n, depth] = todo.back();
        todo.pop_back();
        const BlockNode* node = find(n);
        if (!node || depth > 16) continue;  // a loop in the stack would be a kernel bug
        if (!node->parent.empty()) {
            todo.push_back({node->parent, depth + 1});
        } else {
            out.insert(n);
            for (const auto& s : node->slaves) todo.push_back({s, depth + 1});
        }
    }
    return out;
}

}  // namespace ukpu::devices
