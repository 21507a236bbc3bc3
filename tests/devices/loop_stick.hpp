// A loop device dressed as a USB stick in a fake machine: a sparse file attached with losetup,
// and fake sysfs entries (a USB device and a disk under it) carrying the loop device's number
// and size, so that the safety rules see a USB stick and the writes reach the loop device.
// Detached again on destruction. Needs root and losetup.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "fake_sysfs.hpp"

namespace ukpu::test {

class LoopStick {
public:
    // Creates `image` of `mib` MiB and attaches it; ok() says whether it worked.
    LoopStick(const std::string& image, int mib) : mib_(mib) {
        if (std::system(("truncate -s " + std::to_string(mib) + "M " + image).c_str()) != 0) return;
        FILE* p = ::popen(("losetup -f --show " + image + " 2>/dev/null").c_str(), "r");
        char line[64] = {};
        if (p && std::fgets(line, sizeof line, p)) loop_ = line;
        if (p) ::pclose(p);
        loop_ = loop_.substr(0, loop_.find('\n'));
        if (loop_.rfind("/dev/loop", 0) != 0) {
            loop_.clear();
            return;
        }
        std::ifstream("/sys/block/" + loop_.substr(5) + "/dev") >> dev_;
    }
    // Adds it to the fake machine `f` as disk `name` (serial `serial`, SCSI host `host`) on USB
    // port `port` ("3-2").
    void dress_as_usb_stick(FakeSystem& f, const std::string& name, const std::string& serial,
                            const std::string& port, int host) const {
        // The fake machine's detached loop0 would shadow a real loop device of the same number.
        std::filesystem::remove(f.sysfs() + "/block/loop0");
        std::filesystem::remove(f.sysfs() + "/class/block/loop0");
        const std::string hc = "pci0000:00/0000:00:14.0/usb3/";
        const std::string h = std::to_string(host);
        f.add_usb_device(hc + port, "0781", "5567", serial, "SanDisk", "Cruzer Blade");
        FakeSystem::Disk d{name,      dev_,     static_cast<std::uint64_t>(mib_) * 2048,
                           512,       true,     false,
                           "SanDisk", "Cruzer", ""};
        f.add_disk(
            hc + port + "/" + port + ":1.0/host" + h + "/target" + h + ":0:0/" + h + ":0:0:0", d);
    }
    ~LoopStick() {
        if (!loop_.empty()) std::system(("losetup -d " + loop_).c_str());
    }
    LoopStick(const LoopStick&) = delete;
    LoopStick& operator=(const LoopStick&) = delete;

    bool ok() const { return !loop_.empty(); }
    const std::string& loop() const { return loop_; }  // "/dev/loop3"
    const std::string& dev() const { return dev_; }    // "7:3"

private:
    int mib_;
    std::string loop_;
    std::string dev_;
};

// Formats `target` (an image file or a device) the way desktop tools do: FAT16 without a
// partition table, a file first (NOTES.TXT, a copy of /etc/os-release), then `setup_bin` as
// Setup.Bin after it, which old firmware would not find. False when a tool failed (needs
// dosfstools and mtools).
inline bool make_desktop_key(const std::string& target, const std::string& setup_bin) {
    const std::string env = "MTOOLS_SKIP_CHECK=1 ";
    return std::system(("mkfs.fat -F16 -n DESKTOP " + target + " >/dev/null 2>&1 && " + env +
                        "mcopy -i " + target + " /etc/os-release ::NOTES.TXT 2>/dev/null && " +
                        env + "mcopy -i " + target + " " + setup_bin + " ::Setup.Bin 2>/dev/null")
                           .c_str()) == 0;
}

// True when the key `target` still holds the NOTES.TXT make_desktop_key put there, byte for
// byte (mtools reads it back).
inline bool desktop_key_notes_kept(const std::string& target) {
    return std::system(("MTOOLS_SKIP_CHECK=1 mtype -i " + target +
                        " ::NOTES.TXT 2>/dev/null | cmp -s - /etc/os-release")
                           .c_str()) == 0;
}

}  // namespace ukpu::test
