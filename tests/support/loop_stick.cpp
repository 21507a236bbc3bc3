#include "support/loop_stick.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace ukpu::test {

LoopStick::LoopStick(const std::string& image, int mib) : mib_(mib) {
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

void LoopStick::dress_as_usb_stick(FakeSystem& f, const std::string& name,
                                   const std::string& serial, const std::string& port,
                                   int host) const {
    // The fake machine's detached loop0 would shadow a real loop device of the same number.
    std::filesystem::remove(f.sysfs() + "/block/loop0");
    std::filesystem::remove(f.sysfs() + "/class/block/loop0");
    const std::string hc = "pci0000:00/0000:00:14.0/usb3/";
    const std::string h = std::to_string(host);
    f.add_usb_device(hc + port, "0781", "5567", serial, "SanDisk", "Cruzer Blade");
    FakeSystem::Disk d{name,      dev_,     static_cast<std::uint64_t>(mib_) * 2048,
                       512,       true,     false,
                       "SanDisk", "Cruzer", ""};
    f.add_disk(hc + port + "/" + port + ":1.0/host" + h + "/target" + h + ":0:0/" + h + ":0:0:0",
               d);
}

LoopStick::~LoopStick() {
    if (!loop_.empty()) std::system(("losetup -d " + loop_).c_str());
}

}  // namespace ukpu::test
