#include "watched_device.hpp"

#include <algorithm>
#include <csignal>
#include <cstdlib>

#include "ukpu/fatwriter/error.hpp"

namespace ukpu::cli {

WatchedDevice::WatchedDevice(std::unique_ptr<fat::BlockDevice> inner, Hooks hooks)
    : inner_(std::move(inner)), hooks_(std::move(hooks)) {}

void WatchedDevice::write(std::uint64_t lba, std::span<const std::uint8_t> data) {
    if (writes_ == 0 && hooks_.before_first_write) hooks_.before_first_write();
    if (hooks_.interrupt_after_writes && writes_ == hooks_.interrupt_after_writes)
        std::raise(SIGINT);
    // A safe point: the previous request is complete; make it durable and stop.
    if (hooks_.interrupted && *hooks_.interrupted) {
        if (writes_) inner_->flush();
        throw WriteInterrupted(writes_, bytes_);
    }
    if (hooks_.fail_after_writes && writes_ == hooks_.fail_after_writes) {
        if (writes_) inner_->flush();
        throw fat::Error(fat::ErrorCode::io,
                         "write of " + std::to_string(data.size()) + " bytes at sector " +
                             std::to_string(lba) +
                             " failed: Input/output error (injected by UKPU_FAIL_AFTER_WRITES)");
    }
    inner_->write(lba, data);
    ++writes_;
    bytes_ += data.size();
    if (hooks_.on_progress) hooks_.on_progress(bytes_);
}

void CountingDevice::read(std::uint64_t lba, std::span<std::uint8_t> out) {
    check_range(lba, out.size());
    std::fill(out.begin(), out.end(), std::uint8_t{0});
    ++stats_.read_calls;
    stats_.bytes_read += out.size();
}

void CountingDevice::write(std::uint64_t lba, std::span<const std::uint8_t> data) {
    check_range(lba, data.size());
    ++stats_.write_calls;
    stats_.bytes_written += data.size();
}

namespace {

std::uint64_t env_count(const char* name) {
    const char* e = std::getenv(name);
    return e && *e ? std::strtoull(e, nullptr, 10) : 0;
}

}  // namespace

void add_test_faults(WatchedDevice::Hooks& hooks) {
    hooks.fail_after_writes = env_count("UKPU_FAIL_AFTER_WRITES");
    hooks.interrupt_after_writes = env_count("UKPU_INTERRUPT_AFTER_WRITES");
}

}  // namespace ukpu::cli
