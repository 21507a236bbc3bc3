// The safety rules for writing a real device (key_target.hpp): which disks may be written, the
// unmount, the confirmation with the identity, the re-check before the first write.
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

#include <CLI/CLI.hpp>

#include "ukpu/devices/error.hpp"
#include "key_target.hpp"

namespace ukpu::cli {

namespace dv = ukpu::devices;

namespace {

dv::Discovery discover_or_fail(const std::string& path) {
    try {
        return dv::discover_machine(machine_from_environment());
    } catch (const dv::Error& e) {
        throw CliError(e.code() == dv::ErrorCode::malformed ? exit_bad_input : exit_io,
                       e.location().empty() ? path : e.location(),
                       e.message() + "; the safety of " + path + " cannot be checked");
    }
}

std::string mounts_text(const std::vector<dv::MountUse>& mounts) {
    std::string s;
    for (const auto& m : mounts)
        s += (s.empty() ? "" : ", ") + m.mount_point + " (" + m.device + ")";
    return s;
}

bool test_tree() {
    const char* env = std::getenv("UKPU_SYSFS_ROOT");
    return env && *env;
}

// Above this a "USB stick" is more likely an external disk with someone's data on it.
constexpr std::uint64_t large_stick = 128ull << 30;

std::string why_name_needed(const dv::DeviceInfo& d) {
    if (d.usb && d.removable) return "larger than 128 GiB (an external disk rather than a stick?)";
    return "not a removable USB stick";
}

bool names_device(const std::string& answer, const dv::DeviceInfo& d) {
    return !answer.empty() && (answer == d.name || answer == d.path);
}

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
        throw CliError(exit_refused, path,
                       "holds " + f.what + " (" + shown + ", on " + node->name +
                           "): ukpu does not write the disk it runs from or whose files it is "
                           "using; copy them elsewhere first. Nothing written");
    }
}

}  // namespace

dv::Machine machine_from_environment() {
    dv::Machine m;
    auto set = [](const char* name, std::filesystem::path& p) {
        const char* e = std::getenv(name);
        if (e && *e) p = e;
        return e && *e;
    };
    if (set("UKPU_SYSFS_ROOT", m.sysfs_root)) {
        m.described = true;
        m.consult_usb_bus = false;
        m.usb_note = "libusb not consulted (UKPU_SYSFS_ROOT names a test tree)";
    }
    set("UKPU_MOUNTINFO", m.mountinfo);
    if (set("UKPU_SWAPS", m.swaps)) m.swaps_may_be_missing = false;
    return m;
}

bool yes_is_enough(const dv::DeviceInfo& d) {
    return (d.usb && d.removable && d.size <= large_stick) || d.transport == dv::Transport::loop;
}

void add_device_safety_options(CLI::App& sub, DeviceWritePolicy& policy) {
    const std::string group = "Safety (block devices)";
    sub.add_flag("--allow-non-usb", policy.allow_non_usb,
                 "Allow a disk that is not USB mass storage (its name must be typed to confirm)")
        ->group(group);
    sub.add_flag("--unmount", policy.unmount,
                 "Unmount the stick's mounted partitions first (refused if that fails)")
        ->group(group);
    sub.add_option("--confirm", policy.confirm,
                   "The device name, confirming in a script what would be typed on a terminal")
        ->type_name("NAME")
        ->group(group);
}

dv::DeviceInfo check_device_for_write(const std::string& path, const DeviceWritePolicy& policy,
                                      bool allow_mounted) {
    struct stat st {};
    const bool exists = ::stat(path.c_str(), &st) == 0;
    if (exists && !S_ISBLK(st.st_mode))
        throw CliError(exit_refused, path,
                       "not a block device (use --image to write an image file)");
    if (!exists && !test_tree()) throw CliError(exit_bad_input, path, "no such device");

    const dv::Discovery found = discover_or_fail(path);
    const dv::BlockNode* node = exists ? found.tree.find(major(st.st_rdev), minor(st.st_rdev))
                                       : found.tree.find(path.substr(path.rfind('/') + 1));
    if (!node) {
        if (!exists) throw CliError(exit_bad_input, path, "no such device");
        throw CliError(exit_refused, path,
                       "not found in sysfs (device " + std::to_string(major(st.st_rdev)) + ":" +
                           std::to_string(minor(st.st_rdev)) +
                           "): ukpu cannot tell what it is, so it does not write it");
    }
    if (!node->parent.empty())
        throw CliError(exit_refused, path,
                       "a partition of " + node->parent + ": give the whole disk /dev/" +
                           node->parent + " (the key layout owns the whole stick)");
    const dv::DeviceInfo* d = found.find(node->name);
    if (!d) throw CliError(exit_refused, path, "not a disk ukpu writes (a RAM disk or detached)");

    if (d->system)
        throw CliError(exit_refused, path,
                       "system disk (" + d->system_reason + "): ukpu never writes it");
    if (d->size == 0) throw CliError(exit_refused, path, d->hidden_reason);
    if (d->read_only) throw CliError(exit_refused, path, "read-only");
    if (!d->usb && d->transport != dv::Transport::loop && !policy.allow_non_usb)
        throw CliError(exit_refused, path,
                       std::string("not USB (") + dv::to_string(d->transport) +
                           "): ukpu writes USB mass storage only; --allow-non-usb overrides this "
                           "and asks for the device name to be typed");
    if (!d->mounts.empty() && !allow_mounted && !policy.unmount)
        throw CliError(exit_refused, path,
                       "mounted at " + mounts_text(d->mounts) +
                           ": close what uses it and add --unmount, or unmount it first");
    refuse_disk_in_use(found, *d, path, policy.in_use);
    // Asked before the confirmation, not after it.
    if (exists)
        if (const std::string why = permission_problem(path, true); !why.empty())
            throw CliError(exit_io, path, "cannot be opened for writing: " + why);
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
        throw CliError(exit_refused, path,
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

std::optional<dv::DeviceInfo> identify_device(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) return std::nullopt;
    try {
        const dv::Discovery found = dv::discover_machine(machine_from_environment());
        const dv::BlockNode* node = found.tree.find(major(st.st_rdev), minor(st.st_rdev));
        if (!node) return std::nullopt;
        const dv::DeviceInfo* d = found.find(node->parent.empty() ? node->name : node->parent);
        if (!d) return std::nullopt;
        return *d;
    } catch (const dv::Error&) {
        return std::nullopt;
    }
}

void unmount_device(const GlobalOptions& g, const dv::DeviceInfo& disk) {
    std::vector<dv::MountUse> mounts = disk.mounts;
    // Deepest first: /media/x/inner before /media/x.
    std::sort(mounts.begin(), mounts.end(), [](const auto& a, const auto& b) {
        return a.mount_point.size() > b.mount_point.size();
    });
    for (const auto& m : mounts) {
        if (::umount2(m.mount_point.c_str(), 0) != 0)
            throw CliError(exit_refused, disk.path,
                           "could not unmount " + m.mount_point + " (" + m.device +
                               "): " + std::strerror(errno) + "; nothing written");
        print_note(g, disk.path + ": unmounted " + m.mount_point + " (" + m.device + ")");
    }
    const dv::Discovery again = discover_or_fail(disk.path);
    const dv::DeviceInfo* now = again.find(disk.name);
    if (now && !now->mounts.empty())
        throw CliError(exit_refused, disk.path,
                       "still mounted at " + mounts_text(now->mounts) + "; nothing written");
}

void confirm_device_write(const GlobalOptions& g, const dv::DeviceInfo& disk,
                          const DeviceWritePolicy& policy) {
    const std::string who = disk.path + ": " + disk.identity();
    if (names_device(policy.confirm, disk)) {
        print_note(g, "writing " + who + " (confirmed with --confirm)");
        return;
    }
    if (!policy.confirm.empty())
        throw CliError(exit_refused, disk.path,
                       "--confirm " + policy.confirm + " does not name this device (" + disk.name +
                           "); nothing written");
    const bool light = yes_is_enough(disk);
    if (light && g.yes) {
        print_note(g, "writing " + who + " (confirmed with --yes)");
        return;
    }
    if (!::isatty(STDIN_FILENO)) {
        if (light)
            throw CliError(exit_refused, disk.path,
                           "every byte on it (" + disk.identity() +
                               ") may be overwritten; confirm with --yes");
        throw CliError(exit_refused, disk.path,
                       why_name_needed(disk) + " (" + disk.identity() +
                           "), so --yes is not enough: type its name on a terminal, or pass "
                           "--confirm " +
                           disk.name);
    }
    std::cerr << "ukpu: " << who << '\n';
    if (!disk.mounts.empty()) std::cerr << "      mounted: " << mounts_text(disk.mounts) << '\n';
    std::cerr << "      every byte on it may be overwritten.\n";
    if (light)
        std::cerr << "Type yes to continue: " << std::flush;
    else
        std::cerr << "It is " << why_name_needed(disk) << ". Type its name (" << disk.name
                  << ") to continue: " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    const bool ok =
        light ? (answer == "yes" || names_device(answer, disk)) : names_device(answer, disk);
    if (!ok) throw CliError(exit_refused, disk.path, "not confirmed; nothing written");
}

void recheck_identity(const dv::DeviceInfo& confirmed) {
    dv::Discovery now;
    try {
        now = dv::discover(dv::SysfsTree::read(machine_from_environment().sysfs_root), {}, {}, {});
    } catch (const dv::Error& e) {
        throw CliError(
            exit_refused, confirmed.path,
            "cannot read sysfs again before writing (" + e.message() + "); nothing written");
    }
    const dv::BlockNode* node = now.tree.find(confirmed.name);
    const dv::DeviceInfo* d = now.find(confirmed.name);
    auto changed = [&](const std::string& what) {
        throw CliError(exit_refused, confirmed.path,
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

std::unique_ptr<WatchedDevice> open_confirmed_device(const dv::DeviceInfo& confirmed,
                                                     const std::string& path,
                                                     WatchedDevice::Hooks hooks) {
    std::unique_ptr<fat::BlockDevice> dev;
    try {
        dev = fat::LinuxBlockDevice::open(path, true);
    } catch (const fat::Error& e) {
        const bool busy = e.message().find("busy") != std::string::npos;
        throw CliError(busy ? exit_refused : exit_code_for(e), path,
                       e.message() + (busy ? " (in use: mounted, or held by another program; "
                                             "nothing written)"
                                           : ""));
    }
    // The node opened must still be the disk that was checked (a /dev/disk/by-id link can be
    // re-pointed when sticks are swapped).
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || major(st.st_rdev) != confirmed.major ||
        minor(st.st_rdev) != confirmed.minor)
        throw CliError(exit_refused, path,
                       "no longer the device that was checked and confirmed; nothing written");
    if (dev->size_bytes() != confirmed.size)
        throw CliError(exit_refused, path,
                       "sysfs says " + dv::size_text(confirmed.size) + " but the device holds " +
                           dv::size_text(dev->size_bytes()) + "; nothing written");
    auto check = hooks.before_first_write;
    hooks.before_first_write = [confirmed, check] {
        recheck_identity(confirmed);
        if (check) check();
    };
    return std::make_unique<WatchedDevice>(std::move(dev), std::move(hooks));
}

PreparedDevice prepare_device_write(const GlobalOptions& g, const std::string& path,
                                    const DeviceWritePolicy& policy, WatchedDevice::Hooks hooks) {
    PreparedDevice p;
    p.info = check_device_for_write(path, policy, false);
    confirm_device_write(g, p.info, policy);
    if (!p.info.mounts.empty()) unmount_device(g, p.info);
    p.device = open_confirmed_device(p.info, path, std::move(hooks));
    return p;
}

}  // namespace ukpu::cli
