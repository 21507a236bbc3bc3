// Reading a key image the way real firmware and other systems do, with FAT drivers that are not
// ukpu's, mtools' or dosfstools': the UEFI firmware's own FAT driver (EDK2 as Debian's `ovmf`
// ships it, run in `qemu-system-x86_64` with the key attached as a USB stick), GRUB's FAT driver
// (`grub-fstest`) and 7-Zip (`7z`). Each says whether it found `\setup.bin` at the root and gives
// the bytes it read, so that a test compares them with what was written.
//
// A reader that is not installed says so (Status::missing: scripts/setup installs qemu-system-x86,
// ovmf, grub-common and p7zip-full); a reader that ran and did not find the file says not_found;
// a reader that did not run to its end (QEMU timed out, crashed, or the Shell never reported)
// says failed, which a test must treat as a failure, never as "not found".
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace ukpu::test::readers {

enum class Status {
    missing,    // the reader is not installed
    failed,     // the reader did not run to its end; `log` says why
    not_found,  // the reader ran and found no \setup.bin (or no file system)
    found,      // the reader found \setup.bin; `bytes` is what it read
};

const char* to_string(Status s);

struct Read {
    Status status = Status::failed;
    std::vector<std::uint8_t> bytes;  // what the reader copied off the key (when found)
    std::string log;                  // what the reader said (the serial console for UEFI)
    bool found() const { return status == Status::found; }
};

// Empty when the reader can run here, else what is missing (named for the test's skip message).
std::string uefi_missing();  // qemu-system-x86_64, OVMF_CODE_4M.fd/OVMF_VARS_4M.fd, mkfs.fat, mcopy
std::string grub_missing();  // grub-fstest
std::string sevenzip_missing();  // 7z

// A key attached to the virtual machine as a USB stick of `logical_block_size`-byte blocks (512
// or 4096; the image's own sector size need not match: that is how a mismatch is tried).
struct UefiStick {
    std::string image;
    std::uint32_t logical_block_size = 512;
};

struct UefiBatch {
    std::vector<Read> reads;  // one per stick, in the order given
    std::string serial_log;   // the whole serial console, ANSI escapes removed
    std::string accel;        // "tcg" or what UKPU_QEMU_ACCEL asked for
    double seconds = 0;       // wall time of the QEMU run
    bool completed = false;   // the Shell script ran to its end and the machine powered off
};

// Reads every stick in one QEMU run: OVMF boots to its built-in UEFI Shell, which runs a
// startup.nsh from a small FAT helper disk (fs0:, attached first as virtio-blk with the only boot
// index, so no key is booted). The script connects and maps every device, copies `\setup.bin`
// from each other file system fsN: to fs0:\kN.bin, echoes a marker per key to the serial console
// and powers off (`reset -s`). The Shell's map (printed on the console) tells which fsN: is which
// stick by its USB port; the copies are read back on the host with mtools. A stick on which the
// firmware finds no file system, or no \setup.bin, is not_found.
// Software emulation (TCG) by default: nested KVM often fails at OVMF's first instructions;
// UKPU_QEMU_ACCEL=kvm asks for KVM. `timeout` bounds the whole run (QEMU is killed after it).
UefiBatch uefi_read_setup_bins(const std::vector<UefiStick>& sticks,
                               std::chrono::seconds timeout = std::chrono::seconds(0));

// One key alone (a QEMU run of its own: prefer the batch); `log` ends with the serial console.
Read uefi_read_setup_bin(const std::string& image, std::uint32_t logical_block_size = 512);

// GRUB's FAT driver: `grub-fstest IMAGE cp (loop0[,msdos1])/setup.bin OUT`. A superfloppy is
// read as (loop0), an MBR key through its first partition. grub-fstest sees only 512-byte
// sectors, so a key whose MBR counts 4096-byte sectors is read through a copy of its partition.
Read grub_read_setup_bin(const std::string& image);

// 7-Zip: `7z x IMAGE` into a temporary directory (it opens the MBR, then the FAT inside, and
// finds 4096-byte sectors by itself); the file at the root named setup.bin in any case.
Read sevenzip_read_setup_bin(const std::string& image);

}  // namespace ukpu::test::readers
