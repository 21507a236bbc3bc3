// libFuzzer target for the FAT reader: the input is a disk image held in memory. It goes through
// partition detection, the BPB check, the FAT, a walk of the whole tree with every file read,
// and verify_key. Errors are expected; crashes, hangs and sanitizer reports are not.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/directory.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "ukpu/fatwriter/volume.hpp"
#include "ukpu/setupbin/error.hpp"

namespace {

// A read-only device over a byte buffer (padded with zeros to whole sectors).
class MemoryDevice final : public ukpu::fat::BlockDevice {
public:
    MemoryDevice(std::span<const std::uint8_t> data, std::uint32_t sector_size)
        : sector_size_(sector_size),
          bytes_((data.size() + sector_size - 1) / sector_size * sector_size) {
        if (!data.empty()) std::memcpy(bytes_.data(), data.data(), data.size());
    }
    std::uint32_t sector_size() const override { return sector_size_; }
    std::uint64_t sector_count() const override { return bytes_.size() / sector_size_; }
    void read(std::uint64_t lba, std::span<std::uint8_t> out) override {
        check_range(lba, out.size());
        std::memcpy(out.data(), bytes_.data() + lba * sector_size_, out.size());
        ++stats_.read_calls;
        stats_.bytes_read += out.size();
    }
    void write(std::uint64_t, std::span<const std::uint8_t>) override {
        throw ukpu::fat::Error(ukpu::fat::ErrorCode::io, "read-only memory device");
    }
    void flush() override {}
    std::string describe() const override { return "memory image"; }
    const ukpu::fat::IoStats& stats() const override { return stats_; }

private:
    std::uint32_t sector_size_;
    std::vector<std::uint8_t> bytes_;
    ukpu::fat::IoStats stats_;
};

void exercise(ukpu::fat::BlockDevice& dev) {
    using namespace ukpu::fat;
    const VolumeLocation loc = locate_volume(dev);
    const auto view = open_volume_view(dev, loc);
    Volume vol(*view);
    (void)vol.label();
    (void)vol.first_fat_difference();
    (void)vol.free_clusters();
    WalkLimits limits;
    limits.max_depth = 8;
    limits.max_entries = 4096;
    ClusterOwners owners;
    std::vector<WalkEntry> tree;
    try {
        tree = walk(vol, limits, &owners);
    } catch (const Error&) {
        tree = walk(vol, limits);
    }
    for (const WalkEntry& w : tree) {
        if (w.slot.kind != SlotKind::file || w.slot.first_cluster == 0) continue;
        try {
            const std::uint32_t cap = 1u << 20;
            (void)vol.read_file(w.slot.first_cluster, std::min(w.slot.size, cap));
            (void)vol.runs(w.slot.first_cluster);
        } catch (const Error&) {
        }
    }
    (void)lookup(vol, "\\setup.bin");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0 || size > (4u << 20)) return 0;
    // The first byte picks the logical sector size; the image follows.
    const std::uint32_t sector_size = (data[0] & 1) ? 4096 : 512;
    MemoryDevice dev(std::span(data + 1, size - 1), sector_size);
    if (dev.sector_count() == 0) return 0;
    try {
        exercise(dev);
    } catch (const ukpu::fat::Error&) {
    } catch (const ukpu::setupbin::Error&) {
    }
    try {
        (void)ukpu::fat::verify_key(dev);
    } catch (const ukpu::fat::Error&) {
    } catch (const ukpu::setupbin::Error&) {
    }
    return 0;
}
