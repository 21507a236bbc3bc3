// A loop device dressed as a USB stick in a fake machine: a sparse file attached with losetup,
// and fake sysfs entries (a USB device and a disk under it) carrying the loop device's number
// and size, so that the safety rules see a USB stick and the writes reach the loop device.
// Detached again on destruction. Needs root and losetup.
#pragma once

#include <string>

#include "support/fake_machine.hpp"

namespace ukpu::test {

class LoopStick {
public:
    // Creates `image` of `mib` MiB and attaches it; ok() says whether it worked.
    LoopStick(const std::string& image, int mib);
    ~LoopStick();
    LoopStick(const LoopStick&) = delete;
    LoopStick& operator=(const LoopStick&) = delete;

    // Adds it to the fake machine `f` as disk `name` (serial `serial`, SCSI host `host`) on USB
    // port `port` ("3-2").
    void dress_as_usb_stick(FakeSystem& f, const std::string& name, const std::string& serial,
                            const std::string& port, int host) const;

    bool ok() const { return !loop_.empty(); }
    const std::string& loop() const { return loop_; }  // "/dev/loop3"
    const std::string& dev() const { return dev_; }    // "7:3"

private:
    int mib_;
    std::string loop_;
    std::string dev_;
};

}  // namespace ukpu::test
