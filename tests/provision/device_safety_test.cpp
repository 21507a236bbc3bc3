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

// Loop devices attached on the fake machine: loop0 (the standard machine's) and loop1, each
// backed by an image, as an admin's VM disk or backup image would be.
struct FakeLoops {
    FakeMachine m;
    pv::Context ctx = fake_context(m.f);
    FakeLoops() {
        m.f.put(m.f.sysfs() + "/block/loop0/size", "262144");
        m.f.put(m.f.sysfs() + "/block/loop0/loop/backing_file", "/srv/vm/disk0.img");
        FakeSystem::Disk l{"loop1", "7:1", 262144, 512, false, false, "", "", ""};
        const auto dir = m.f.add_disk("virtual", l, true, "");
        m.f.put(dir / "loop" / "backing_file", "/backup/home.img");
    }
};

pv::DeviceWritePolicy non_usb(std::vector<std::string> confirm = {}) {
    pv::DeviceWritePolicy p;
    p.allow_non_usb = true;
    p.confirm = std::move(confirm);
    return p;
}

TEST(DeviceSafety, ALoopDeviceIsRefusedWithoutAllowNonUsb) {
    FakeLoops l;
    // Not even when --confirm names it: --allow-non-usb is what lets a disk that is not USB in.
    for (const std::vector<std::string>& confirm :
         {std::vector<std::string>{}, std::vector<std::string>{"loop0"}}) {
        pv::DeviceWritePolicy policy;
        policy.confirm = confirm;
        try {
            (void)pv::check_sticks(l.ctx, {"/dev/loop0"}, policy, false);
            FAIL() << "not refused";
        } catch (const pv::Error& e) {
            EXPECT_EQ(e.code(), pv::Status::refused);
            EXPECT_EQ(e.location(), "/dev/loop0");
            EXPECT_NE(e.message().find("a loop device (backed by /srv/vm/disk0.img)"),
                      std::string::npos)
                << e.message();
            EXPECT_NE(e.message().find("--allow-non-usb"), std::string::npos) << e.message();
        }
    }
}

TEST(DeviceSafety, YesIsNotEnoughForALoopDevice) {
    FakeLoops l;
    const auto disks = pv::check_sticks(l.ctx, {"/dev/loop0"}, non_usb(), false);
    ASSERT_EQ(disks.size(), 1u);
    EXPECT_FALSE(pv::yes_is_enough(disks[0]));
    EXPECT_EQ(pv::why_name_needed(disks[0]), "a loop device (backed by /srv/vm/disk0.img)");
    EXPECT_EQ(pv::confirmation_of(disks[0], non_usb(), true), pv::Confirmation::ask_name);
    try {
        pv::require_confirmed(disks[0], non_usb(), true);
        FAIL() << "not refused";
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::refused);
        EXPECT_EQ(
            e.message().rfind("not confirmed: a loop device (backed by /srv/vm/disk0.img)", 0), 0u)
            << e.message();
        EXPECT_NE(e.message().find("--yes is not enough"), std::string::npos) << e.message();
        EXPECT_NE(e.message().find("--confirm loop0"), std::string::npos) << e.message();
    }
}

TEST(DeviceSafety, ALoopDeviceNamedByConfirmIsAccepted) {
    FakeLoops l;
    for (const char* name : {"loop0", "/dev/loop0"}) {
        SCOPED_TRACE(name);
        const auto policy = non_usb({name});
        const auto disks = pv::check_sticks(l.ctx, {"/dev/loop0"}, policy, false);
        ASSERT_EQ(disks.size(), 1u);
        EXPECT_EQ(pv::confirmation_of(disks[0], policy, false), pv::Confirmation::by_confirm);
        EXPECT_NO_THROW(pv::require_confirmed(disks[0], policy, false));
    }
}

TEST(DeviceSafety, EachLoopDeviceIsNamedByItsOwnConfirm) {
    FakeLoops l;
    const auto both = non_usb({"loop0", "/dev/loop1"});
    const auto disks = pv::check_sticks(l.ctx, {"/dev/loop0", "/dev/loop1"}, both, false);
    ASSERT_EQ(disks.size(), 2u);
    EXPECT_EQ(disks[1].name, "loop1");
    EXPECT_EQ(pv::why_name_needed(disks[1]), "a loop device (backed by /backup/home.img)");
    for (const auto& d : disks) {
        SCOPED_TRACE(d.name);
        EXPECT_EQ(pv::confirmation_of(d, both, false), pv::Confirmation::by_confirm);
        EXPECT_NO_THROW(pv::require_confirmed(d, both, false));
    }
    // One --confirm for two: the other is not confirmed, --yes or not.
    const auto one = non_usb({"loop0"});
    const auto again = pv::check_sticks(l.ctx, {"/dev/loop0", "/dev/loop1"}, one, false);
    EXPECT_NO_THROW(pv::require_confirmed(again[0], one, true));
    EXPECT_THROW(pv::require_confirmed(again[1], one, true), pv::Error);
}

TEST(DeviceSafety, AConfirmNamingNoDeviceBeingWrittenIsAUsageError) {
    FakeLoops l;
    try {
        (void)pv::check_sticks(l.ctx, {"/dev/loop0", "/dev/loop1"},
                               non_usb({"loop0", "loop7", "/dev/loop1"}), false);
        FAIL() << "not refused";
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::bad_argument);
        EXPECT_EQ(e.location(), "--confirm loop7");
        EXPECT_NE(e.message().find("names no device being written (/dev/loop0, /dev/loop1)"),
                  std::string::npos)
            << e.message();
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
