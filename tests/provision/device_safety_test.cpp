// The device safety rules and the watched device of the provision services, in-process on the
// fake machine of the tests.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <vector>

#include "support/fake_machine.hpp"
#include "ukpu/provision/device_safety.hpp"
#include "ukpu/provision/watched_device.hpp"

namespace ukpu::test {
namespace {

namespace pv = ukpu::provision;

pv::Context fake_context(const FakeSystem& f) {
    pv::Context ctx;
    ctx.machine = f.machine();
    return ctx;
}

TEST(DeviceSafety, IdentityIsCheckedAgainBeforeTheFirstWrite) {
    FakeMachine m;
    const pv::Context ctx = fake_context(m.f);
    const auto disk = pv::check_device_for_write(ctx, "/dev/sdb", {}, false);
    EXPECT_EQ(disk.serial, "4C530001230915117075");
    EXPECT_NO_THROW(pv::recheck_identity(ctx, disk));
    // Another stick in the same slot: same name, another serial.
    m.f.put(m.f.devices_dir() + "/pci0000:00/0000:00:14.0/usb2/2-1/2-1.4/serial", "OTHER");
    try {
        pv::recheck_identity(ctx, disk);
        FAIL() << "not refused";
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::refused);
        EXPECT_NE(e.message().find("changed since it was confirmed (serial 4C530001230915117075 "
                                   "-> OTHER)"),
                  std::string::npos)
            << e.message();
    }
    m.f.put(m.f.devices_dir() + "/pci0000:00/0000:00:14.0/usb2/2-1/2-1.4/serial",
            "4C530001230915117075");
    m.f.put(m.f.sysfs() + "/block/sdb/size", "1024");
    EXPECT_THROW(pv::recheck_identity(ctx, disk), pv::Error);
}

TEST(DeviceSafety, ASecondNameForTheSameStickIsRefused) {
    FakeMachine m;
    const pv::Context ctx = fake_context(m.f);
    try {
        (void)pv::check_sticks(ctx, {"/dev/sdb", "/dev/sdb"}, {}, false);
        FAIL() << "not refused";
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::bad_argument);
        EXPECT_NE(e.message().find("a second time"), std::string::npos) << e.message();
    }
}

TEST(WatchedDeviceTest, StopsAtASafePointWhenInterrupted) {
    std::atomic<int> flag{0};
    pv::WatchedDevice::Hooks h;
    h.interrupted = &flag;
    std::uint64_t progress = 0;
    h.on_progress = [&](std::uint64_t b) { progress = b; };
    auto inner = std::make_unique<pv::CountingDevice>(512, 1024);
    pv::WatchedDevice d(std::move(inner), h);
    std::vector<std::uint8_t> buf(4096);
    d.write(0, buf);
    d.write(8, buf);
    EXPECT_EQ(progress, 8192u);
    flag = 1;
    try {
        d.write(16, buf);
        FAIL() << "not interrupted";
    } catch (const pv::WriteInterrupted& e) {
        EXPECT_EQ(e.writes_done(), 2u);
        EXPECT_EQ(e.bytes_done(), 8192u);
    }
    EXPECT_EQ(d.stats().write_calls, 2u);
    EXPECT_EQ(d.stats().flushes, 1u);  // what was written is made durable before stopping
}

}  // namespace
}  // namespace ukpu::test
