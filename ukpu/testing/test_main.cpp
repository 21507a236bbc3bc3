// ukpu-test: the ukpu command line of the test build (UKPU_TEST_HOOKS=ON, never installed). Its
// main describes the machine and the faults from the environment, so that the tests can run the
// real command line on a fake machine and make sticks fail or stop on cue:
//   UKPU_SYSFS_ROOT, UKPU_MOUNTINFO, UKPU_SWAPS   a sysfs tree and mount and swap tables
//   UKPU_FAIL_AFTER_WRITES=N                      the write after N requests fails (EIO)
//   UKPU_INTERRUPT_AFTER_WRITES=N                 SIGINT is raised after N write requests
//   UKPU_REPAIR_WRITE_DELAY_MS=N                  every repair write is slowed by N ms
// The shipped `ukpu` (main.cpp) reads none of these.
#include <cstdlib>
#include <filesystem>

#include "app.hpp"

namespace {

bool read_path(const char* name, std::filesystem::path& out) {
    const char* e = std::getenv(name);
    if (!e || !*e) return false;
    out = e;
    return true;
}

std::uint64_t read_count(const char* name) {
    const char* e = std::getenv(name);
    return e && *e ? std::strtoull(e, nullptr, 10) : 0;
}

}  // namespace

int main(int argc, char** argv) {
    ukpu::provision::Context ctx;
    ukpu::devices::Machine& m = ctx.machine;
    if (read_path("UKPU_SYSFS_ROOT", m.sysfs_root)) {
        m.described = true;
        m.consult_usb_bus = false;
        m.usb_note = "libusb not consulted (UKPU_SYSFS_ROOT names a test tree)";
    }
    read_path("UKPU_MOUNTINFO", m.mountinfo);
    if (read_path("UKPU_SWAPS", m.swaps)) m.swaps_may_be_missing = false;
    ctx.faults.fail_after_writes = read_count("UKPU_FAIL_AFTER_WRITES");
    ctx.faults.interrupt_after_writes = read_count("UKPU_INTERRUPT_AFTER_WRITES");
    ctx.faults.repair_write_delay_ms =
        static_cast<unsigned>(read_count("UKPU_REPAIR_WRITE_DELAY_MS"));
    return ukpu::cli::run(argc, argv, ctx);
}
