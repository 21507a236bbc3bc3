#include "ukpu/provision/watched_device.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>

#include "ukpu/fatwriter/error.hpp"

namespace ukpu::provision {

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

// Every write slowed by a fixed delay.
class SlowDevice final : public fat::BlockDevice {
public:
    SlowDevice(std::unique_ptr<fat::BlockDevice> base, unsigned delay_ms)
        : base_(std::move(base)), delay_(delay_ms) {}
    std::uint32_t sector_size() const override { return base_->sector_size(); }
    std::uint64_t sector_count() const override { return base_->sector_count(); }
    void read(std::uint64_t lba, std::span<std::uint8_t> out) override { base_->read(lba, out); }
    void write(std::uint64_t lba, std::span<const std::uint8_t> data) override {
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_));
        base_->write(lba, data);
    }
    void flush() override { base_->flush(); }
    std::string describe() const override { return base_->describe(); }
    const fat::IoStats& stats() const override { return base_->stats(); }
    void drop_cache() override { base_->drop_cache(); }

private:
    std::unique_ptr<fat::BlockDevice> base_;
    unsigned delay_;
};

}  // namespace

void add_faults(WatchedDevice::Hooks& hooks, const FaultPlan& faults) {
    hooks.fail_after_writes = faults.fail_after_writes;
    hooks.interrupt_after_writes = faults.interrupt_after_writes;
}

std::unique_ptr<fat::BlockDevice> slowed(std::unique_ptr<fat::BlockDevice> dev,
                                         const FaultPlan& faults) {
    if (faults.repair_write_delay_ms == 0) return dev;
    return std::make_unique<SlowDevice>(std::move(dev), faults.repair_write_delay_ms);
}

}  // namespace ukpu::provision
