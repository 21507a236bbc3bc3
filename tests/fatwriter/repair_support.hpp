// Keys for the repair tests (one per layout defect verify names, and keys with hundreds of files
// and folders with long names, made with mkfs.fat and mtools), a device that fails after its
// k-th write, and the checks every repaired key must pass.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "support/repair_snapshot.hpp"
#include "ukpu/fatwriter/block_device.hpp"

namespace ukpu::test {

// Throws Error(io) on the write after `allowed` writes, as a pulled stick does; counts writes.
class FailingDevice final : public fat::BlockDevice {
public:
    FailingDevice(fat::BlockDevice& base, std::uint64_t allowed) : base_(base), allowed_(allowed) {}
    std::uint32_t sector_size() const override { return base_.sector_size(); }
    std::uint64_t sector_count() const override { return base_.sector_count(); }
    void read(std::uint64_t lba, std::span<std::uint8_t> out) override { base_.read(lba, out); }
    void write(std::uint64_t lba, std::span<const std::uint8_t> data) override;
    void flush() override { base_.flush(); }
    std::string describe() const override { return base_.describe(); }
    const fat::IoStats& stats() const override { return base_.stats(); }
    std::uint64_t writes() const { return writes_; }

private:
    fat::BlockDevice& base_;
    std::uint64_t allowed_;
    std::uint64_t writes_ = 0;
};

// A setup.bin of `records` copies of the corpus file's record (numbered), to need many clusters.
std::vector<std::uint8_t> setup_with_records(std::uint32_t records);

struct RepairCase {
    std::string name;
    std::function<std::unique_ptr<FatImage>(const TempDir&)> make;
    bool legacy = true;  // FAT16: legacy BIOSes must find it afterwards
};

std::vector<RepairCase> repair_cases();
inline void PrintTo(const RepairCase& c, std::ostream* os) {
    *os << c.name;
}

// The mtools drive spec of an image ("IMG" or "IMG@@1M").
std::string drive(const FatImage& img);
// fsck.fat -n on the volume (through a loop device for an MBR image); "" when clean.
std::string fsck_problems(const FatImage& img);
std::string fsck_problems(const std::filesystem::path& image, std::uint64_t offset);
// Every check of a repaired key: fsck clean, verify finds it (legacy too when asked), the tree
// unchanged, setup.bin's bytes unchanged. "" when all pass.
std::string check_repaired(const FatImage& img, const snapshot::Tree& before,
                           const std::string& setup_sha256, bool legacy,
                           const std::filesystem::path& scratch, std::string drive_spec = "",
                           std::uint64_t fsck_offset = UINT64_MAX);

}  // namespace ukpu::test
