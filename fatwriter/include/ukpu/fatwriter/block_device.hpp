// The block-device layer: a small interface (sector size, sector count, read, write, flush) and
// its implementations: image files, Linux block devices, offset views for partitions, and views
// in another sector size for volumes whose sectors are not the device's blocks.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace ukpu::fat {

// What a device has been asked to do; benchmarks and tests read these.
struct IoStats {
    std::uint64_t read_calls = 0;
    std::uint64_t bytes_read = 0;
    std::uint64_t write_calls = 0;
    std::uint64_t bytes_written = 0;
    std::uint64_t flushes = 0;
};

class BlockDevice {
public:
    virtual ~BlockDevice() = default;
    BlockDevice() = default;
    BlockDevice(const BlockDevice&) = delete;
    BlockDevice& operator=(const BlockDevice&) = delete;

    virtual std::uint32_t sector_size() const = 0;
    virtual std::uint64_t sector_count() const = 0;
    // Reads/writes whole sectors starting at `lba`; the span's size must be a multiple of the
    // sector size and stay inside the device. Throw Error (io / bad_argument) otherwise.
    virtual void read(std::uint64_t lba, std::span<std::uint8_t> out) = 0;
    virtual void write(std::uint64_t lba, std::span<const std::uint8_t> data) = 0;
    virtual void flush() = 0;
    // "image file /tmp/key.img" / "block device /dev/sdb" / "partition at sector 2048 of ..."
    virtual std::string describe() const = 0;
    virtual const IoStats& stats() const = 0;
    // Drops what the operating system caches of the device, so that the next reads come from
    // the medium (a read-back that proves what was written). Nothing to do by default; devices
    // that wrap another forward it.
    virtual void drop_cache() {}

    std::uint64_t size_bytes() const { return sector_count() * sector_size(); }

protected:
    // Shared bounds check: throws Error(bad_argument) naming the request.
    void check_range(std::uint64_t lba, std::size_t bytes) const;
};

// An image file. create() makes a new sparse file of exactly `size_bytes` (a multiple of the
// sector size), replacing nothing: it refuses an existing file unless `overwrite`.
class ImageFile final : public BlockDevice {
public:
    static std::unique_ptr<ImageFile> create(const std::filesystem::path& path,
                                             std::uint64_t size_bytes, std::uint32_t sector_size,
                                             bool overwrite);
    // `sector_size` 0: the size the image was made with (sector_size_of_image), else 512.
    static std::unique_ptr<ImageFile> open(const std::filesystem::path& path,
                                           std::uint32_t sector_size, bool writable);
    ~ImageFile() override;

    std::uint32_t sector_size() const override { return sector_size_; }
    std::uint64_t sector_count() const override { return sectors_; }
    void read(std::uint64_t lba, std::span<std::uint8_t> out) override;
    void write(std::uint64_t lba, std::span<const std::uint8_t> data) override;
    void flush() override;
    std::string describe() const override;
    const IoStats& stats() const override { return stats_; }

private:
    ImageFile(int fd, std::filesystem::path path, std::uint32_t sector_size, std::uint64_t sectors);
    int fd_;
    std::filesystem::path path_;
    std::uint32_t sector_size_;
    std::uint64_t sectors_;
    IoStats stats_;
};

// A Linux block device (a USB stick, a loop device). Opened for writing with O_EXCL, so that no
// mounted or otherwise claimed device is written; size and logical sector size from ioctls. Reads
// can bypass the page cache (`direct_reads`) for verify-after-write.
class LinuxBlockDevice final : public BlockDevice {
public:
    static std::unique_ptr<LinuxBlockDevice> open(const std::filesystem::path& path, bool writable);
    ~LinuxBlockDevice() override;

    std::uint32_t sector_size() const override { return sector_size_; }
    std::uint64_t sector_count() const override { return sectors_; }
    void read(std::uint64_t lba, std::span<std::uint8_t> out) override;
    void write(std::uint64_t lba, std::span<const std::uint8_t> data) override;
    void flush() override;
    std::string describe() const override;
    const IoStats& stats() const override { return stats_; }
    void drop_cache() override;

private:
    LinuxBlockDevice(int fd, std::filesystem::path path, std::uint32_t sector_size,
                     std::uint64_t sectors);
    int fd_;
    std::filesystem::path path_;
    std::uint32_t sector_size_;
    std::uint64_t sectors_;
    IoStats stats_;
};

// A window of another device (a partition): sectors [first, first+count) of `base`.
class OffsetView final : public BlockDevice {
public:
    OffsetView(BlockDevice& base, std::uint64_t first_sector, std::uint64_t sector_count);

    std::uint32_t sector_size() const override { return base_.sector_size(); }
    std::uint64_t sector_count() const override { return count_; }
    void read(std::uint64_t lba, std::span<std::uint8_t> out) override;
    void write(std::uint64_t lba, std::span<const std::uint8_t> data) override;
    void flush() override { base_.flush(); }
    std::string describe() const override;
    const IoStats& stats() const override { return base_.stats(); }
    void drop_cache() override { base_.drop_cache(); }
    std::uint64_t first_sector() const { return first_; }

private:
    BlockDevice& base_;
    std::uint64_t first_;
    std::uint64_t count_;
};

// A window of another device read in sectors of another size: bytes [first_byte, first_byte +
// sector_count * sector_size) of `base` as sectors of `sector_size` bytes. This is how a UEFI FAT
// driver reads a volume whose boot sector's sector size (BPB_BytsPerSec) is not the device's
// block size: byte for byte, through its own block translation. A write of sectors smaller than
// the base's blocks reads, changes and writes back the blocks it touches.
class SectorSizeView final : public BlockDevice {
public:
    SectorSizeView(BlockDevice& base, std::uint64_t first_byte, std::uint64_t sector_count,
                   std::uint32_t sector_size);

    std::uint32_t sector_size() const override { return sector_size_; }
    std::uint64_t sector_count() const override { return count_; }
    void read(std::uint64_t lba, std::span<std::uint8_t> out) override;
    void write(std::uint64_t lba, std::span<const std::uint8_t> data) override;
    void flush() override { base_.flush(); }
    std::string describe() const override;
    const IoStats& stats() const override { return base_.stats(); }
    void drop_cache() override { base_.drop_cache(); }
    std::uint64_t first_byte() const { return first_; }

private:
    BlockDevice& base_;
    std::uint64_t first_;
    std::uint64_t count_;
    std::uint32_t sector_size_;
};

// Opens what a user named: a block device node through LinuxBlockDevice, anything else as an
// image file with `sector_size` (default 512).
std::unique_ptr<BlockDevice> open_device(const std::filesystem::path& path, bool writable,
                                         std::uint32_t image_sector_size = 512);

}  // namespace ukpu::fat
