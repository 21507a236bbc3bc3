// The device a key is built on or read from: an image file, or a block device under the safety
// rules of design.md ("Safety rules for real devices"):
// - USB mass storage only; loop devices count as test devices and are allowed too; any other
//   disk needs --allow-non-usb and its name typed to confirm (--yes is not enough);
// - system disks (holding a mounted /, /boot, EFI, swap ..., through partitions, dm and md) and
//   partitions are never written; read-only disks and empty card readers are refused;
// - mounted partitions are refused unless --unmount (then unmounted; refused if that fails);
// - the confirmation shows the identity (model, serial, size, bus path), which is read again
//   from sysfs just before the first write; the device is opened exclusively (O_EXCL).
// Every refusal is a CliError with exit_refused (4).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_fwd.hpp"

#include "context.hpp"
#include "ukpu/devices/discovery.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "watched_device.hpp"

namespace ukpu::cli {

// "64M", "64MiB", "2G", "512K", "1048576" (binary multiples). Throws CliError (exit_usage).
std::uint64_t parse_size(const std::string& text, const std::string& option);
// "64 MiB", "14.3 GiB": the device library's size text.
using devices::size_text;

// A file the command reads or writes while it writes a stick: the stick must not hold it.
struct FileInUse {
    std::string what;  // "--setup-bin", "the key store"
    std::string path;
};

// How a block device may be written: the safety flags of build and repair.
struct DeviceWritePolicy {
    bool allow_non_usb = false;  // --allow-non-usb
    bool unmount = false;        // --unmount
    std::string confirm;         // --confirm NAME: the typed confirmation, for scripts
    // Besides the ukpu program and the working directory, which are always checked.
    std::vector<FileInUse> in_use;
};

// Adds --allow-non-usb, --unmount and --confirm to a command, in a "Safety" group.
void add_device_safety_options(CLI::App& sub, DeviceWritePolicy& policy);

// What the rules say about `path`, without changing anything (a disk holding the ukpu program,
// the working directory or a file of `policy.in_use` is refused too): the disk as discovered, or a
// CliError (exit_refused; exit_bad_input when the path does not exist). With
// `allow_mounted`, mounted partitions are not refused (the caller unmounts them or only plans).
// Under UKPU_SYSFS_ROOT a path that does not exist is looked up by its name in the test tree.
devices::DeviceInfo check_device_for_write(const std::string& path, const DeviceWritePolicy& policy,
                                           bool allow_mounted);

// The disk `path` names (a whole disk, or the disk of a partition), as discovered, for reading
// only: no rule applied. Nothing when sysfs does not know it or cannot be read.
std::optional<devices::DeviceInfo> identify_device(const std::string& path);

// Unmounts every file system on the disk (partitions and what is stacked on them), deepest
// first. Refused (exit_refused) when one cannot be unmounted or something is still mounted.
void unmount_device(const GlobalOptions& g, const devices::DeviceInfo& disk);

// The machine ukpu runs on, or the one the test overrides describe.
devices::Machine machine_from_environment();

// True for a removable USB stick of a stick's size (up to 128 GiB) or a loop device: a yes is
// enough to confirm it. Anything else must be confirmed by typing its name.
bool yes_is_enough(const devices::DeviceInfo& disk);

// Shows the identity and asks: --yes (or a typed "yes") for removable USB sticks and loop
// devices; the device name typed on a terminal, or --confirm NAME, for anything else.
// Refused (exit_refused) otherwise.
void confirm_device_write(const GlobalOptions& g, const devices::DeviceInfo& disk,
                          const DeviceWritePolicy& policy);

// Reads sysfs again and refuses (exit_refused) when the disk at the confirmed device number is
// gone or its name, size, model or serial changed.
void recheck_identity(const devices::DeviceInfo& confirmed);

// Opens the confirmed disk exclusively for writing; the returned device re-checks the identity
// just before its first write. `hooks` may add progress and interruption.
std::unique_ptr<WatchedDevice> open_confirmed_device(const devices::DeviceInfo& confirmed,
                                                     const std::string& path,
                                                     WatchedDevice::Hooks hooks = {});

// All of the above for one device: check, unmount when asked, confirm, open.
struct PreparedDevice {
    devices::DeviceInfo info;
    std::unique_ptr<WatchedDevice> device;
};
PreparedDevice prepare_device_write(const GlobalOptions& g, const std::string& path,
                                    const DeviceWritePolicy& policy,
                                    WatchedDevice::Hooks hooks = {});

// Checks `path` against the rules (mounted partitions refused) and opens it exclusively; the
// caller confirms. Prefer prepare_device_write, which also confirms with the identity shown.
std::unique_ptr<fat::BlockDevice> open_device_for_write(const std::string& path,
                                                        bool allow_non_usb);
// When this user may not open the block device `path` (for writing too when `write`): why, and
// what to do ("it is root:disk 0660: run ukpu with sudo, or as a member of group disk");
// empty when it may, or when `path` is not a block device.
std::string permission_problem(const std::string& path, bool write);

// Opens an image or device read-only.
std::unique_ptr<fat::BlockDevice> open_for_read(const std::string& path,
                                                std::uint32_t image_sector_size);

// Asks before a device is overwritten: with --yes, or a typed "yes" on a terminal; otherwise
// refused (exit_refused).
void confirm_overwrite(const GlobalOptions& g, const fat::BlockDevice& device);

// --image FILE or --device DEV (repeatable; one of the two is required) and --sector-size for
// an image file, shared by the commands that read or change an existing key.
void add_key_target_options(CLI::App& sub, std::string& image, std::vector<std::string>& devices,
                            std::uint32_t& sector_size, const std::string& device_help);

// Maps a fatwriter error to the exit code of the contract.
int exit_code_for(const fat::Error& e);

}  // namespace ukpu::cli
