// A set of sector writes gathered before anything touches the device, then written as few,
// large, sector-aligned requests. Later puts override earlier ones where they overlap.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ukpu/fatwriter/block_device.hpp"

namespace ukpu::fat {

class WritePlan {
public:
    explicit WritePlan(std::uint32_t sector_size) : sector_size_(sector_size) {}

    // `data` must be a whole number of sectors.
    void put(std::uint64_t lba, std::vector<std::uint8_t> data);
    void zero(std::uint64_t lba, std::uint64_t sectors);

    // Writes everything, merging touching and overlapping extents into runs, each written in
    // requests of at most `max_request` bytes. With `skip_zeros`, a request that only zeroes
    // is left out (the device already reads as zeros).
    void commit(BlockDevice& device, bool skip_zeros,
                std::size_t max_request = 4 * 1024 * 1024) const;

    bool empty() const { return extents_.empty(); }

private:
    struct Extent {
        std::uint64_t lba;
        std::uint64_t sectors;
        std::vector<std::uint8_t> data;  // empty: zeros
    };
    std::uint32_t sector_size_;
    std::vector<Extent> extents_;  // in insertion order
};

}  // namespace ukpu::fat
