// A device that keeps every write in memory over a base device it never writes: reads see the
// written sectors, the rest comes from the base. Repair builds its result here, checks it, and
// only then turns the sectors that differ from the base into journal records; a dry run runs a
// whole repair on one to judge what it would make of a key without touching it.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/journal.hpp"

namespace ukpu::fat {

class OverlayDevice final : public BlockDevice {
public:
    explicit OverlayDevice(BlockDevice& base) : base_(base) {}

    std::uint32_t sector_size() const override { return base_.sector_size(); }
    std::uint64_t sector_count() const override { return base_.sector_count(); }
    void read(std::uint64_t lba, std::span<std::uint8_t> out) override;
    void write(std::uint64_t lba, std::span<const std::uint8_t> data) override;
    void flush() override {}
    std::string describe() const override { return "planned changes over " + base_.describe(); }
    const IoStats& stats() const override { return stats_; }

    // The phase later writes are tagged with (a sector keeps the phase of its last write).
    void set_phase(std::uint32_t phase) { phase_ = phase; }
    // The sectors that differ from the base, as runs of consecutive sectors of one phase (at
    // most `max_run` bytes each), with their before- and after-images.
    std::vector<JournalRecord> changes(std::size_t max_run = 4 * 1024 * 1024) const;

private:
    struct Sector {
        std::uint32_t phase;
        std::vector<std::uint8_t> data;
    };
    BlockDevice& base_;
    std::map<std::uint64_t, Sector> sectors_;
    std::uint32_t phase_ = 1;
    IoStats stats_;
};

}  // namespace ukpu::fat
