// A block device wrapper for writing a stick: checks its identity again just before the first
// write, reports progress, stops at a safe point when interrupted (the current request finished
// and flushed), and can inject a write failure for the tests. fatwriter's interface is unchanged.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>

#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/provision/context.hpp"

namespace ukpu::provision {

// Thrown by WatchedDevice::write when an interruption was asked for: nothing more is written.
class WriteInterrupted : public std::runtime_error {
public:
    WriteInterrupted(std::uint64_t writes, std::uint64_t bytes)
        : std::runtime_error("interrupted"), writes_(writes), bytes_(bytes) {}
    std::uint64_t writes_done() const { return writes_; }
    std::uint64_t bytes_done() const { return bytes_; }

private:
    std::uint64_t writes_;
    std::uint64_t bytes_;
};

class WatchedDevice final : public fat::BlockDevice {
public:
    struct Hooks {
        std::function<void()> before_first_write;        // throws to refuse the write
        std::function<void(std::uint64_t)> on_progress;  // bytes written so far
        const std::atomic<int>* interrupted = nullptr;
        std::uint64_t fail_after_writes = 0;       // tests: the next write fails (0: never)
        std::uint64_t interrupt_after_writes = 0;  // tests: SIGINT is raised (0: never)
    };

    WatchedDevice(std::unique_ptr<fat::BlockDevice> inner, Hooks hooks);

    std::uint32_t sector_size() const override { return inner_->sector_size(); }
    std::uint64_t sector_count() const override { return inner_->sector_count(); }
    void read(std::uint64_t lba, std::span<std::uint8_t> out) override { inner_->read(lba, out); }
    void write(std::uint64_t lba, std::span<const std::uint8_t> data) override;
    void flush() override { inner_->flush(); }
    std::string describe() const override { return inner_->describe(); }
    const fat::IoStats& stats() const override { return inner_->stats(); }
    void drop_cache() override { inner_->drop_cache(); }

    // Drops the hooks (their captures may not outlive the write); plain pass-through after.
    void stop_watching() { hooks_ = Hooks{}; }
    std::uint64_t writes_done() const { return writes_; }
    std::uint64_t bytes_done() const { return bytes_; }

private:
    std::unique_ptr<fat::BlockDevice> inner_;
    Hooks hooks_;
    std::uint64_t writes_ = 0;
    std::uint64_t bytes_ = 0;
};

// Adds the faults of the plan (the test build's; none otherwise) to the hooks: a write that fails
// after N requests, SIGINT raised after N.
void add_faults(WatchedDevice::Hooks& hooks, const FaultPlan& faults);

// `dev` with every write slowed by the plan's repair write delay (the test build's, so that a
// repair can be killed midway); `dev` itself when there is none.
std::unique_ptr<fat::BlockDevice> slowed(std::unique_ptr<fat::BlockDevice> dev,
                                         const FaultPlan& faults);

// A device of the given geometry that keeps nothing: counts what a layout would write (for the
// progress total) without touching the stick. Reads give zeros.
class CountingDevice final : public fat::BlockDevice {
public:
    CountingDevice(std::uint32_t sector_size, std::uint64_t sectors)
        : sector_size_(sector_size), sectors_(sectors) {}
    std::uint32_t sector_size() const override { return sector_size_; }
    std::uint64_t sector_count() const override { return sectors_; }
    void read(std::uint64_t lba, std::span<std::uint8_t> out) override;
    void write(std::uint64_t lba, std::span<const std::uint8_t> data) override;
    void flush() override { ++stats_.flushes; }
    std::string describe() const override { return "counting device"; }
    const fat::IoStats& stats() const override { return stats_; }

private:
    std::uint32_t sector_size_;
    std::uint64_t sectors_;
    fat::IoStats stats_;
};

}  // namespace ukpu::provision
