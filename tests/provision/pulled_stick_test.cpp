// A stick pulled out while it is written is reported as that, not as a bare I/O error: a loop
// device dressed as a USB stick in a fake machine disappears from the machine's sysfs after its
// first write request (the reporter's progress hook removes it) and its third request fails, as
// a write to a device that went away does. A failure on a stick still present keeps the usual
// account of what state the stick is in.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "recording_reporter.hpp"
#include "support/fake_machine.hpp"
#include "support/loop_stick.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/provision/device_safety.hpp"
#include "ukpu/provision/profile.hpp"
#include "ukpu/provision/setupbin_builder.hpp"
#include "ukpu/provision/stick_writer.hpp"

namespace ukpu::test::pulled_stick_test {
namespace {

namespace pv = ukpu::provision;
namespace fs = std::filesystem;

// Pulls the stick out of the fake machine at its first progress report.
class PullingReporter : public RecordingReporter {
public:
    explicit PullingReporter(std::function<void()> pull) : pull_(std::move(pull)) {}
    std::unique_ptr<pv::Progress> progress(const std::string&, const std::string&, std::uint64_t,
                                           bool) override {
        return std::make_unique<Pull>(pull_);
    }

private:
    class Pull : public pv::Progress {
    public:
        explicit Pull(std::function<void()>& pull) : pull_(pull) {}
        void update(std::uint64_t) override {
            if (pull_) pull_();
        }
        void finish() override {}

    private:
        std::function<void()>& pull_;
    };
    std::function<void()> pull_;
};

std::string write_failing_stick(bool pulled) {
    if (::geteuid() != 0 || run_shell("command -v losetup >/dev/null 2>&1") != 0) return "skip";
    TempDir t;
    FakeSystem f;
    f.build_standard_machine();
    LoopStick stick(t.path("pulled.img"), 32);
    if (!stick.ok()) return "losetup failed";
    stick.dress_as_usb_stick(f, "sdx", "PULLED01", "6-1", 40);
    pv::Context ctx;
    ctx.machine = f.machine();
    ctx.faults.fail_after_writes = 3;
    bool gone = false;
    PullingReporter r([&] {
        if (!pulled || gone) return;
        std::error_code ec;
        fs::remove(f.sysfs() + "/block/sdx", ec);
        fs::remove(f.sysfs() + "/class/block/sdx", ec);
        gone = true;
    });
    pv::CreateSettings s;
    s.config = samples("psk-v2.1.toml");
    (void)pv::apply_profile(pv::read_profile(s.config), s, {}, false);
    const pv::BuiltSetupBin built = pv::build_setupbin(s, r);
    const devices::DeviceInfo disk =
        pv::check_device_for_write(ctx, stick.loop(), pv::DeviceWritePolicy{}, false);
    std::vector<pv::StickJob> jobs = {{disk, disk.path, built.bytes, {}, {}}};
    fat::KeyOptions ko;
    ko.timestamp = 1700000000;
    try {
        (void)pv::write_sticks(ctx, r, jobs, {}, ko, {});
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::io);
        EXPECT_EQ(gone, pulled);
        return e.message();
    }
    return "written";
}

TEST(PulledStick, AStickGoneWhenItsWriteFailsIsSaidToHaveBeenPulledOut) {
    const std::string said = write_failing_stick(true);
    if (said == "skip") GTEST_SKIP() << "loop devices need root";
    EXPECT_NE(said.find("the stick was pulled out during the write"), std::string::npos) << said;
    EXPECT_NE(said.find("Plug it in again and write it again"), std::string::npos) << said;
}

TEST(PulledStick, AFailureOnAStickStillThereSaysWhatStateItIsIn) {
    const std::string said = write_failing_stick(false);
    if (said == "skip") GTEST_SKIP() << "loop devices need root";
    EXPECT_EQ(said.find("pulled out"), std::string::npos) << said;
    EXPECT_NE(said.find("stopped after"), std::string::npos) << said;
}

}  // namespace
}  // namespace ukpu::test::pulled_stick_test
