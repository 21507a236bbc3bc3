// The safety rules for writing a real device (device_safety.hpp): which disks may be written,
// the unmount, the identity shown for confirmation and checked again before the first write.
#include <grp.h>
#include <pwd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <utility>

#include "ukpu/devices/error.hpp"
#include "ukpu/provision/device_safety.hpp"

namespace ukpu::provision {

namespace dv = ukpu::devices;

namespace {

std::string mounts_text(const std::vector<dv::MountUse>& mounts) {
    std::string s;
    for (const auto& m : mounts)
        s += (s.empty() ? "" : ", ") + m.mount_point + " (" + m.device + ")";
    return s;
}

// Above this a "USB stick" is more likely an external disk with someone's data on it.
constexpr std::uint64_t large_stick = 128ull << 30;

// The device number of the file system holding `p`, or of its nearest existing ancestor (an
// output not written yet lands on its directory's file system).
std::optional<std::pair<unsigned, unsigned>> file_system_of(const std::string& p) {
    std::filesystem::path q = p.empty() ? "." : p;
    struct stat st {};
    while (::stat(q.c_str(), &st) != 0) {
        const std::filesystem::path up = q.parent_path();
        if (up == q) return std::nullopt;
        q = up.empty() ? "." : up;
    }
    return std::pair{major(st.st_dev), minor(st.st_dev)};
}

// Refuses a disk that holds the program, the working directory or a file the command uses:
// writing it would pull the ground from under the command (and unmounting it would fail).
void refuse_disk_in_use(const dv::Discovery& found, const dv::DeviceInfo& d,
                        const std::string& path, const std::vector<FileInUse>& in_use) {
    std::vector<FileInUse> all = {{"the ukpu program", "/proc/self/exe"},
                                  {"the working directory", "."}};
    all.insert(all.end(), in_use.begin(), in_use.end());
    for (const auto& f : all) {
        if (f.path.empty() || f.path == "-") continue;
        const auto dev = file_system_of(f.path);
        if (!dev) continue;
        const dv::BlockNode* node = found.tree.find(dev->first, dev->second);
        if (!node || !found.tree.disks_under(node->name).count(d.name)) continue;
        std::error_code ec;
        std::string shown = f.path;
        if (f.path == "/proc/self/exe") {
            const auto exe = std::filesystem::read_symlink(f.path, ec);
            if (!ec) shown = exe.string();
        } else if (f.path == ".") {
            const auto cwd = std::filesystem::current_path(ec);
            if (!ec) shown = cwd.string();
        }
        throw Error(Status::refused, path,
                    "holds " + f.what + " (" + shown + ", on " + node->name +
                        "): ukpu does not write the disk it runs from or whose files it is "
                        "using; copy them elsewhere first. Nothing written");
    }
}

}  // namespace

Status status_of(const fat::Error& e) {
    switch (e.code()) {
        case fat::ErrorCode::io:
            return Status::io;
        case fat::ErrorCode::bad_argument:
        case fat::ErrorCode::bad_geometry:
        case fat::ErrorCode::no_space:
            return Status::bad_argument;
        default:
            return Status::bad_input;
    }
}

dv::Discovery discover_for(const Context& ctx, const std::string& path) {
    try {
        return dv::discover_machine(ctx.machine);
    } catch (const dv::Error& e) {
        throw Error(e.code() == dv::ErrorCode::malformed ? Status::bad_input : Status::io,
                    e.location().empty() ? path : e.location(),
                    e.message() + "; the safety of " + path + " cannot be checked");
    }
}

bool yes_is_enough(const dv::DeviceInfo& d) {
    return d.usb && d.removable && d.size <= large_stick;
}

std::string why_name_needed(const dv::DeviceInfo& d) {
    // The device library gives a loop device its backing file as its model, when sysfs says.
    if (d.transport == dv::Transport::loop)
        return "a loop device" + (d.model.empty() ? "" : " (backed by " + d.model + ")");
    if (d.usb && d.removable) return "larger than 128 GiB (an external disk rather than a stick?)";
    return "not a removable USB stick";
}

std::string why_name_needed(const dv::DeviceInfo& d, const DeviceWritePolicy& policy) {
    const auto it = policy.name_needed.find(d.path);
    if (it == policy.name_needed.end()) return why_name_needed(d);
    return yes_is_enough(d) ? it->second : it->second + "; and " + why_name_needed(d);
}

bool names_device(const std::string& answer, const dv::DeviceInfo& d) {
    return !answer.empty() && (answer == d.name || answer == d.path || answer == "/dev/" + d.name);
}

void check_confirm_values(const DeviceWritePolicy& policy,
                          const std::vector<dv::DeviceInfo>& disks) {
    for (const auto& value : policy.confirm) {
        const bool named = std::any_of(disks.begin(), disks.end(), [&](const dv::DeviceInfo& d) {
            return names_device(value, d);
        });
        if (named) continue;
        std::string written;
        for (const auto& d : disks) written += (written.empty() ? "" : ", ") + d.path;
        throw Error(Status::bad_argument, "--confirm " + value,
                    "names no device being written (" +
                        (written.empty() ? std::string("none") : written) + "); nothing written");
    }
}

Confirmation confirmation_of(const dv::DeviceInfo& d, const DeviceWritePolicy& policy, bool yes) {
    for (const auto& value : policy.confirm)
        if (names_device(value, d)) return Confirmation::by_confirm;
    if (!yes_is_enough(d) || policy.name_needed.count(d.path)) return Confirmation::ask_name;
    return yes ? Confirmation::by_yes : Confirmation::ask_yes;
}

void require_confirmed(const dv::DeviceInfo& d, const DeviceWritePolicy& policy, bool yes) {
    switch (confirmation_of(d, policy, yes)) {
        case Confirmation::by_confirm:
        case Confirmation::by_yes:
            return;
        case Confirmation::ask_yes:
            throw Error(Status::refused, d.path,
                        "not confirmed: every byte on it (" + d.identity() +
                            ") may be overwritten; confirm with --yes");
        case Confirmation::ask_name:
            break;
    }
    throw Error(Status::refused, d.path,
                "not confirmed: " + why_name_needed(d, policy) + " (" + d.identity() +
                    "), so --yes is not enough: type its name on a terminal, or pass --confirm " +
                    d.name);
}

dv::DeviceInfo check_device_for_write(const Context& ctx, const std::string& path,
                                      const DeviceWritePolicy& policy, bool allow_mounted) {
    struct stat st {};
    const bool exists = ::stat(path.c_str(), &st) == 0;
    if (exists && !S_ISBLK(st.st_mode))
        throw Error(Status::refused, path,
                    "not a block device (use --image to write an image file)");
    if (!exists && !ctx.machine.described) throw Error(Status::bad_input, path, "no such device");

    const dv::Discovery found = discover_for(ctx, path);
    const dv::BlockNode* node = exists ? found.tree.find(major(st.st_rdev), minor(st.st_rdev))
                                       : found.tree.find(path.substr(path.rfind('/') + 1));
    if (!node) {
        if (!exists) throw Error(Status::bad_input, path, "no such device");
        throw Error(Status::refused, path,
                    "not found in sysfs (device " + std::to_string(major(st.st_rdev)) + ":" +
                        std::to_string(minor(st.st_rdev)) +
                        "): ukpu cannot tell what it is, so it does not write it");
    }
    if (!node->parent.empty())
        throw Error(Status::refused, path,
                    "a partition of " + node->parent + ": give the whole disk /dev/" +
                        node->parent + " (the key layout owns the whole stick)");
    const dv::DeviceInfo* d = found.find(node->name);
    if (!d) throw Error(Status::refused, path, "not a disk ukpu writes (a RAM disk or detached)");

    if (d->system)
        throw Error(Status::refused, path,
                    "system disk (" + d->system_reason + "): ukpu never writes it");
    if (d->size == 0) throw Error(Status::refused, path, d->hidden_reason);
    if (d->read_only) throw Error(Status::refused, path, "read-only");
    if (!d->usb && !policy.allow_non_usb) {
        // A loop device may be a VM disk or a backup image attached with losetup: say which.
        const std::string what =
            d->transport == dv::Transport::loop
                ? "not USB: " + why_name_needed(*d) + ";"
                : std::string("not USB (") + dv::to_string(d->transport) + "):";
        throw Error(Status::refused, path,
                    what +
                        " ukpu writes USB mass storage only; --allow-non-usb overrides this "
                        "and asks for the device name to be typed");
    }
    if (!d->mounts.empty() && !allow_mounted && !policy.unmount)
        throw Error(Status::refused, path,
                    "mounted at " + mounts_text(d->mounts) +
                        ": close what uses it and add --unmount, or unmount it first");
    refuse_disk_in_use(found, *d, path, policy.in_use);
    // Asked before the confirmation, not after it.
    if (exists && !policy.opened_elsewhere)
        if (const std::string why = permission_problem(path, true); !why.empty())
            throw Error(Status::io, path, "cannot be opened for writing: " + why);
    // Something stacked on it (LUKS, LVM, md): the kernel would refuse the exclusive open; say
    // what holds it.
    std::vector<std::string> parts = node->partitions;
    parts.insert(parts.begin(), node->name);
    for (const auto& p : parts) {
        const dv::BlockNode* n = found.tree.find(p);
        if (!n || n->holders.empty()) continue;
        const dv::BlockNode* h = found.tree.find(n->holders.front());
        const std::string holder =
            n->holders.front() + (h && !h->dm_name.empty() ? " (" + h->dm_name + ")" : "");
        throw Error(Status::refused, path,
                    "in use: " + holder + " is stacked on " + p +
                        "; close it first (cryptsetup close, vgchange -an or mdadm --stop)");
    }
    dv::DeviceInfo disk = *d;
    disk.path = path;  // as the user named it (a /dev/disk/by-id link, say)
    return disk;
}

std::string permission_problem(const std::string& path, bool write) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) return {};
    if (::access(path.c_str(), write ? (R_OK | W_OK) : R_OK) == 0 || errno != EACCES) return {};
    std::string owner = std::to_string(st.st_uid);
    std::string group_name = std::to_string(st.st_gid);
    if (const struct passwd* pw = ::getpwuid(st.st_uid)) owner = pw->pw_name;
    if (const struct group* gr = ::getgrgid(st.st_gid)) group_name = gr->gr_name;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    const unsigned group_needs = write ? 0060 : 0040;
    const bool group_may = (st.st_mode & group_needs) == group_needs;
    return std::string("this user may not ") + (write ? "write" : "read") + " it (" + owner + ":" +
           group_name + " " + mode + "): run ukpu with sudo" +
           (group_may ? ", or as a member of group " + group_name : "");
}

std::vector<dv::DeviceInfo> check_sticks(const Context& ctx,
                                         const std::vector<std::string>& targets,
                                         const DeviceWritePolicy& policy, bool allow_mounted) {
    std::vector<dv::DeviceInfo> disks;
    for (const auto& t : targets) {
        dv::DeviceInfo disk = check_device_for_write(ctx, t, policy, allow_mounted);
        for (const auto& other : disks)
            if (other.name == disk.name)
                throw Error(Status::bad_argument, t, "names " + disk.name + " a second time");
        disks.push_back(std::move(disk));
    }
    check_confirm_values(policy, disks);
    return disks;
}

std::optional<dv::DeviceInfo> identify_device(const Context& ctx, const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) return std::nullopt;
    try {
        const dv::Discovery found = dv::discover_machine(ctx.machine);
        const dv::BlockNode* node = found.tree.find(major(st.st_rdev), minor(st.st_rdev));
        if (!node) return std::nullopt;
        const dv::DeviceInfo* d = found.find(node->parent.empty() ? node->name : node->parent);
        if (!d) return std::nullopt;
        return *d;
    } catch (const dv::Error&) {
        return std::nullopt;
    }
}

void unmount_device(const Context& ctx, Reporter& reporter, const dv::DeviceInfo& disk) {
    std::vector<dv::MountUse> mounts = disk.mounts;
    // Deepest first: /media/x/inner before /media/x.
    std::sort(mounts.begin(), mounts.end(), [](const auto& a, const auto& b) {
        return a.mount_point.size() > b.mount_point.size();
    });
    for (const auto& m : mounts) {
        if (::umount2(m.mount_point.c_str(), 0) != 0)
            throw Error(Status::refused, disk.path,
                        "could not unmount " + m.mount_point + " (" + m.device +
                            "): " + std::strerror(errno) + "; nothing written");
        reporter.note(disk.path + ": unmounted " + m.mount_point + " (" + m.device + ")");
    }
    const dv::Discovery again = discover_for(ctx, disk.path);
    const dv::DeviceInfo* now = again.find(disk.name);
    if (now && !now->mounts.empty())
        throw Error(Status::refused, disk.path,
                    "still mounted at " + mounts_text(now->mounts) + "; nothing written");
}

void recheck_identity(const Context& ctx, const dv::DeviceInfo& confirmed) {
    dv::Discovery now;
    try {
        now = dv::discover(dv::SysfsTree::read(ctx.machine.sysfs_root), {}, {}, {});
    } catch (const dv::Error& e) {
        throw Error(
            Status::refused, confirmed.path,
            "cannot read sysfs again before writing (" + e.message() + "); nothing written");
    }
    const dv::BlockNode* node = now.tree.find(confirmed.name);
    const dv::DeviceInfo* d = now.find(confirmed.name);
    auto changed = [&](const std::string& what) {
        throw Error(Status::refused, confirmed.path,
                    "changed since it was confirmed (" + what +
                        "): was it unplugged or swapped? Nothing written; run the command "
                        "again and check the identity shown");
    };
    if (!node || !d) changed("it is gone");
    if (node->major != confirmed.major || node->minor != confirmed.minor)
        changed("device number " + std::to_string(node->major) + ":" + std::to_string(node->minor));
    if (d->size != confirmed.size)
        changed("size " + dv::size_text(confirmed.size) + " -> " + dv::size_text(d->size));
    if (d->serial != confirmed.serial) changed("serial " + confirmed.serial + " -> " + d->serial);
    if (d->model != confirmed.model || d->vendor != confirmed.vendor)
        changed("model " + confirmed.model + " -> " + d->model);
}

std::unique_ptr<WatchedDevice> open_confirmed_device(const Context& ctx,
                                                     const dv::DeviceInfo& confirmed,
                                                     const std::string& path,
                                                     WatchedDevice::Hooks hooks) {
    std::unique_ptr<fat::BlockDevice> dev;
    try {
        dev = fat::LinuxBlockDevice::open(path, true);
    } catch (const fat::Error& e) {
        const bool busy = e.message().find("busy") != std::string::npos;
        throw Error(busy ? Status::refused : status_of(e), path,
                    e.message() + (busy ? " (in use: mounted, or held by another program; "
                                          "nothing written)"
                                        : ""));
    }
    // The node opened must still be the disk that was checked (a /dev/disk/by-id link can be
    // re-pointed when sticks are swapped).
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || major(st.st_rdev) != confirmed.major ||
        minor(st.st_rdev) != confirmed.minor)
        throw Error(Status::refused, path,
                    "no longer the device that was checked and confirmed; nothing written");
    if (dev->size_bytes() != confirmed.size)
        throw Error(Status::refused, path,
                    "sysfs says " + dv::size_text(confirmed.size) + " but the device holds " +
                        dv::size_text(dev->size_bytes()) + "; nothing written");
    add_faults(hooks, ctx.faults);
    auto check = hooks.before_first_write;
    hooks.before_first_write = [ctx, confirmed, check] {
        recheck_identity(ctx, confirmed);
        if (check) check();
    };
    return std::make_unique<WatchedDevice>(std::move(dev), std::move(hooks));
}

std::unique_ptr<fat::BlockDevice> open_for_read(const std::string& path,
                                                std::uint32_t image_sector_size, bool device) {
    struct stat st {};
    if (device && ::stat(path.c_str(), &st) != 0 && errno == ENOENT)
        throw Error(Status::bad_input, path,
                    "no such device (`ukpu devices` lists the sticks; an image file is read with "
                    "--image)");
    try {
        return fat::open_device(path, false, image_sector_size);
    } catch (const fat::Error& e) {
        const std::string why = permission_problem(path, false);
        throw Error(status_of(e), path, e.message() + (why.empty() ? "" : "; " + why));
    }
}

}  // namespace ukpu::provision
