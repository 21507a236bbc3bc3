// The safety rules for writing a block device:
// - USB mass storage only; any other disk, a loop device included (it may be a VM disk or a
//   backup image attached with losetup), needs allow_non_usb and its name typed to confirm, or
//   named by a --confirm value (a plain yes is not enough);
// - system disks (holding a mounted /, /boot, EFI, swap ..., through partitions, dm and md) and
//   partitions are never written; read-only disks and empty card readers are refused; neither is
//   a disk holding the program, the working directory or a file the command uses;
// - mounted partitions are refused unless unmount is asked (then unmounted; refused if that
//   fails);
// - the confirmation shows the identity (model, serial, size, bus path), which is read again
//   from sysfs just before the first write; the device is opened exclusively (O_EXCL).
// Every refusal is an Error with Status::refused.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ukpu/devices/discovery.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/provision/context.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/reporter.hpp"
#include "ukpu/provision/watched_device.hpp"

namespace ukpu::provision {

// "64 MiB", "14.3 GiB": the device library's size text.
using devices::size_text;

// A file the command reads or writes while it writes a stick: the stick must not hold it.
struct FileInUse {
    std::string what;  // "--setup-bin", "the key store"
    std::string path;
};

// How a block device may be written: the safety choices of the user.
struct DeviceWritePolicy {
    bool allow_non_usb = false;  // --allow-non-usb
    bool unmount = false;        // --unmount
    // --confirm NAME (repeatable): the typed confirmations, for scripts; each names a disk to
    // write (loop3 or /dev/loop3), and every one must name one of the disks written.
    std::vector<std::string> confirm;
    // Besides the ukpu program and the working directory, which are always checked.
    std::vector<FileInUse> in_use;
    // Disks (by path) whose name must be typed whatever they are, with why: a stick holding
    // records the key store knows as unconsumed (provision::find_stored_records).
    std::map<std::string, std::string> name_needed;
    // The disk is opened by another process (ukpu-gui's privileged worker, which checks every
    // rule again): whether this process may open it is not asked.
    bool opened_elsewhere = false;
};

// The status of a fatwriter error where no service gives it another meaning: io for I/O,
// bad_argument for a layout that cannot be made as asked, bad_input otherwise.
Status status_of(const fat::Error& e);

// The machine's disks as `ctx` describes them; Error (bad_input or io) naming `path` when they
// cannot be read, since the safety of `path` cannot be checked then.
devices::Discovery discover_for(const Context& ctx, const std::string& path);

// What the rules say about `path`, without changing anything: the disk as discovered, or an
// Error (refused; bad_input when the path does not exist). With `allow_mounted`, mounted
// partitions are not refused (the caller unmounts them or only plans). On a described (test)
// machine a path that does not exist is looked up by its name in the described tree.
devices::DeviceInfo check_device_for_write(const Context& ctx, const std::string& path,
                                           const DeviceWritePolicy& policy, bool allow_mounted);

// Every target checked (check_device_for_write), none named twice and every --confirm value
// naming one of them (check_confirm_values; Error bad_argument).
std::vector<devices::DeviceInfo> check_sticks(const Context& ctx,
                                              const std::vector<std::string>& targets,
                                              const DeviceWritePolicy& policy, bool allow_mounted);

// The disk `path` names (a whole disk, or the disk of a partition), as discovered, for reading
// only: no rule applied. Nothing when sysfs does not know it or cannot be read.
std::optional<devices::DeviceInfo> identify_device(const Context& ctx, const std::string& path);

// Unmounts every file system on the disk (partitions and what is stacked on them), deepest
// first. Refused when one cannot be unmounted or something is still mounted.
void unmount_device(const Context& ctx, Reporter& reporter, const devices::DeviceInfo& disk);

// True for a removable USB stick of a stick's size (up to 128 GiB): a yes is enough to confirm
// it. Anything else, a loop device included, must be confirmed by typing its name.
bool yes_is_enough(const devices::DeviceInfo& disk);
// Why a disk's name must be typed: "a loop device (backed by /srv/vm.img)", "not a removable USB
// stick", "larger than 128 GiB ...".
std::string why_name_needed(const devices::DeviceInfo& disk);
// The same under `policy`: its name_needed reason first (a stick holding unconsumed records).
std::string why_name_needed(const devices::DeviceInfo& disk, const DeviceWritePolicy& policy);
// Whether `answer` (typed, or a --confirm value) names the disk: its name, its path as given or
// /dev/ and its name.
bool names_device(const std::string& answer, const devices::DeviceInfo& disk);

// Every --confirm value of `policy` names one of `disks`, the disks about to be written:
// Error(bad_argument) naming the first that names none of them.
void check_confirm_values(const DeviceWritePolicy& policy,
                          const std::vector<devices::DeviceInfo>& disks);

// How a disk about to be written is confirmed.
enum class Confirmation {
    by_confirm,  // a --confirm value names it
    by_yes,      // --yes was given and a yes is enough for it
    ask_yes,     // not confirmed: a typed yes (or its name) will do
    ask_name,    // not confirmed: its name must be typed (--yes is not enough)
};
// How `disk` is confirmed under `policy`; `yes`: --yes was given.
Confirmation confirmation_of(const devices::DeviceInfo& disk, const DeviceWritePolicy& policy,
                             bool yes);
// For a disk nobody can be asked about (no terminal): returns when `policy` or `yes` confirms it
// (confirmation_of), else Error(refused, "not confirmed") saying what would confirm it.
void require_confirmed(const devices::DeviceInfo& disk, const DeviceWritePolicy& policy, bool yes);

// Reads sysfs again and refuses when the disk at the confirmed device number is gone or its
// name, size, model or serial changed.
void recheck_identity(const Context& ctx, const devices::DeviceInfo& confirmed);

// Opens the confirmed disk exclusively for writing; the returned device re-checks the identity
// just before its first write. `hooks` may add progress and interruption; the context's fault
// plan is added.
std::unique_ptr<WatchedDevice> open_confirmed_device(const Context& ctx,
                                                     const devices::DeviceInfo& confirmed,
                                                     const std::string& path,
                                                     WatchedDevice::Hooks hooks = {});

// When this user may not open the block device `path` (for writing too when `write`): why, and
// what to do ("it is root:disk 0660: run ukpu with sudo, or as a member of group disk");
// empty when it may, or when `path` is not a block device.
std::string permission_problem(const std::string& path, bool write);

// Opens an image or device read-only. `device`: the path was given as a device (--device), so
// one that is not there is "no such device" (bad_input), not a missing image.
std::unique_ptr<fat::BlockDevice> open_for_read(const std::string& path,
                                                std::uint32_t image_sector_size,
                                                bool device = false);

}  // namespace ukpu::provision
