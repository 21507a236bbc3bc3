#include "ukpu/fatwriter/block_device.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "ukpu/base/unique_fd.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/partition.hpp"

namespace ukpu::fat {

namespace {

Error io_error(const std::string& what, const std::filesystem::path& path, int err) {
    return Error(ErrorCode::io, what + " " + path.string() + ": " + std::strerror(err));
}

// An open(2) that failed: the path itself is wrong (missing, not permitted, a directory, no
// medium in the reader) or the device failed.
Error open_error(const std::string& what, const std::filesystem::path& path, int err) {
    switch (err) {
        case ENOENT:
        case ENOTDIR:
        case EACCES:
        case EPERM:
        case EISDIR:
        case ELOOP:
        case ENAMETOOLONG:
        case ENXIO:
        case ENODEV:
        case ENOMEDIUM:
        case EROFS:
            return Error(ErrorCode::cannot_open,
                         what + " " + path.string() + ": " + std::strerror(err));
        default:
            return io_error(what, path, err);
    }
}

void pread_all(int fd, std::span<std::uint8_t> out, std::uint64_t offset,
               const std::filesystem::path& path) {
    std::size_t done = 0;
    while (done < out.size()) {
        ssize_t n =
            ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            throw io_error("cannot read", path, errno);
        }
        if (n == 0)
            throw Error(ErrorCode::io, "unexpected end of " + path.string(),
                        Location{offset + done, std::nullopt, {}});
        done += static_cast<std::size_t>(n);
    }
}

void pwrite_all(int fd, std::span<const std::uint8_t> data, std::uint64_t offset,
                const std::filesystem::path& path) {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n =
            ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            throw Error(ErrorCode::io, "cannot write " + path.string() + ": " + std::strerror(err),
                        Location{offset + done, std::nullopt, {}});
        }
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

void BlockDevice::check_range(std::uint64_t lba, std::size_t bytes) const {
    const std::uint32_t ss = sector_size();
    if (bytes % ss != 0)
        throw Error(ErrorCode::bad_argument, "request of " + std::to_string(bytes) +
                                                 " bytes is not a multiple of the " +
                                                 std::to_string(ss) + "-byte sector size");
    const std::uint64_t n = bytes / ss;
    if (lba > sector_count() || n > sector_count() - lba)
        throw Error(ErrorCode::bad_argument, "sectors " + std::to_string(lba) + ".." +
                                                 std::to_string(lba + n) + " lie outside " +
                                                 describe() + " (" +
                                                 std::to_string(sector_count()) + " sectors)");
}

// ---------------------------------------------------------------- ImageFile

ImageFile::ImageFile(int fd, std::filesystem::path path, std::uint32_t sector_size,
                     std::uint64_t sectors)
    : fd_(fd), path_(std::move(path)), sector_size_(sector_size), sectors_(sectors) {}

ImageFile::~ImageFile() {
    if (fd_ >= 0) ::close(fd_);
}

static void check_sector_size(std::uint32_t ss) {
    if (ss < 512 || ss > 4096 || (ss & (ss - 1)) != 0)
        throw Error(ErrorCode::bad_argument,
                    "sector size " + std::to_string(ss) + " is not one of 512, 1024, 2048, 4096");
}

std::unique_ptr<ImageFile> ImageFile::create(const std::filesystem::path& path,
                                             std::uint64_t size_bytes, std::uint32_t sector_size,
                                             bool overwrite) {
    check_sector_size(sector_size);
    if (size_bytes == 0 || size_bytes % sector_size != 0)
        throw Error(ErrorCode::bad_argument, "image size " + std::to_string(size_bytes) +
                                                 " is not a positive multiple of the " +
                                                 std::to_string(sector_size) + "-byte sector size");
    int flags = O_RDWR | O_CREAT | O_CLOEXEC | (overwrite ? 0 : O_EXCL);
    base::UniqueFd fd(::open(path.c_str(), flags, 0600));
    if (!fd) {
        if (errno == EEXIST)
            throw Error(ErrorCode::io, "image " + path.string() + " already exists");
        throw io_error("cannot create image", path, errno);
    }
    // Start from an all-zero sparse file of the exact size.
    if (::ftruncate(fd.get(), 0) != 0 || ::ftruncate(fd.get(), static_cast<off_t>(size_bytes)) != 0)
        throw io_error("cannot size image", path, errno);
    return std::unique_ptr<ImageFile>(
        new ImageFile(fd.release(), path, sector_size, size_bytes / sector_size));
}

std::unique_ptr<ImageFile> ImageFile::open(const std::filesystem::path& path,
                                           std::uint32_t sector_size, bool writable) {
    if (sector_size == 0) {
        auto probe = open(path, 512, false);
        sector_size = sector_size_of_image(*probe).value_or(512);
    }
    check_sector_size(sector_size);
    base::UniqueFd fd(::open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC));
    if (!fd) throw open_error("cannot open image", path, errno);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw io_error("cannot stat", path, errno);
    if (S_ISDIR(st.st_mode))
        throw Error(ErrorCode::cannot_open, path.string() + " is a directory, not a key image");
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size == 0) throw Error(ErrorCode::cannot_open, path.string() + " is empty (0 bytes)");
    if (size < sector_size)
        throw Error(ErrorCode::cannot_open, path.string() + " is smaller than one " +
                                                std::to_string(sector_size) + "-byte sector (" +
                                                std::to_string(size) + " bytes)");
    // A trailing partial sector is not addressable; it is left alone.
    return std::unique_ptr<ImageFile>(
        new ImageFile(fd.release(), path, sector_size, size / sector_size));
}

void ImageFile::read(std::uint64_t lba, std::span<std::uint8_t> out) {
    check_range(lba, out.size());
    pread_all(fd_, out, lba * sector_size_, path_);
    ++stats_.read_calls;
    stats_.bytes_read += out.size();
}

void ImageFile::write(std::uint64_t lba, std::span<const std::uint8_t> data) {
    check_range(lba, data.size());
    pwrite_all(fd_, data, lba * sector_size_, path_);
    ++stats_.write_calls;
    stats_.bytes_written += data.size();
}

void ImageFile::flush() {
    if (::fsync(fd_) != 0) throw io_error("cannot flush", path_, errno);
    ++stats_.flushes;
}

std::string ImageFile::describe() const {
    return "image file " + path_.string();
}

// ---------------------------------------------------------------- LinuxBlockDevice

LinuxBlockDevice::LinuxBlockDevice(int fd, std::filesystem::path path, std::uint32_t sector_size,
                                   std::uint64_t sectors)
    : fd_(fd), path_(std::move(path)), sector_size_(sector_size), sectors_(sectors) {}

LinuxBlockDevice::~LinuxBlockDevice() {
    if (fd_ >= 0) ::close(fd_);
}

std::unique_ptr<LinuxBlockDevice> LinuxBlockDevice::open(const std::filesystem::path& path,
                                                         bool writable) {
    // O_EXCL on a block device fails with EBUSY while it (or a partition of it) is mounted or
    // held open exclusively by someone else. Only writers claim the device: reading a mounted
    // key to verify it is harmless.
    base::UniqueFd fd(::open(path.c_str(), (writable ? O_RDWR | O_EXCL : O_RDONLY) | O_CLOEXEC));
    if (!fd) {
        if (errno == EBUSY)
            throw Error(ErrorCode::io,
                        path.string() + " is in use (mounted or held by another program)");
        throw open_error("cannot open device", path, errno);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISBLK(st.st_mode))
        throw Error(ErrorCode::cannot_open, path.string() + " is not a block device");
    std::uint64_t bytes = 0;
    int ss = 0;
    if (::ioctl(fd.get(), BLKGETSIZE64, &bytes) != 0 || ::ioctl(fd.get(), BLKSSZGET, &ss) != 0)
        throw io_error("cannot query size of", path, errno);
    if (ss < 512 || bytes < static_cast<std::uint64_t>(ss))
        throw Error(ErrorCode::cannot_open, path.string() + " reports an unusable size");
    const auto sector = static_cast<std::uint32_t>(ss);
    return std::unique_ptr<LinuxBlockDevice>(
        new LinuxBlockDevice(fd.release(), path, sector, bytes / sector));
}

void LinuxBlockDevice::read(std::uint64_t lba, std::span<std::uint8_t> out) {
    check_range(lba, out.size());
    pread_all(fd_, out, lba * sector_size_, path_);
    ++stats_.read_calls;
    stats_.bytes_read += out.size();
}

void LinuxBlockDevice::write(std::uint64_t lba, std::span<const std::uint8_t> data) {
    check_range(lba, data.size());
    pwrite_all(fd_, data, lba * sector_size_, path_);
    ++stats_.write_calls;
    stats_.bytes_written += data.size();
}

void LinuxBlockDevice::flush() {
    if (::fsync(fd_) != 0) throw io_error("cannot flush", path_, errno);
    ++stats_.flushes;
}

void LinuxBlockDevice::drop_cache() {
    flush();
    // Both calls are advisory: a failure only means reads may still come from the cache.
    (void)::ioctl(fd_, BLKFLSBUF, 0);
    (void)::posix_fadvise(fd_, 0, 0, POSIX_FADV_DONTNEED);
}

std::string LinuxBlockDevice::describe() const {
    return "block device " + path_.string();
}

// ---------------------------------------------------------------- OffsetView

OffsetView::OffsetView(BlockDevice& base, std::uint64_t first_sector, std::uint64_t sector_count)
    : base_(base), first_(first_sector), count_(sector_count) {
    if (first_sector > base.sector_count() || sector_count > base.sector_count() - first_sector)
        throw Error(ErrorCode::bad_argument,
                    "partition of " + std::to_string(sector_count) + " sectors at sector " +
                        std::to_string(first_sector) + " lies outside " + base.describe());
}

void OffsetView::read(std::uint64_t lba, std::span<std::uint8_t> out) {
    check_range(lba, out.size());
    base_.read(first_ + lba, out);
}

void OffsetView::write(std::uint64_t lba, std::span<const std::uint8_t> data) {
    check_range(lba, data.size());
    base_.write(first_ + lba, data);
}

std::string OffsetView::describe() const {
    return "partition at sector " + std::to_string(first_) + " of " + base_.describe();
}

// ---------------------------------------------------------------- SectorSizeView

SectorSizeView::SectorSizeView(BlockDevice& base, std::uint64_t first_byte,
                               std::uint64_t sector_count, std::uint32_t sector_size)
    : base_(base), first_(first_byte), count_(sector_count), sector_size_(sector_size) {
    check_sector_size(sector_size);
    const std::uint64_t size = base.size_bytes();
    if (first_byte > size || sector_count > (size - first_byte) / sector_size)
        throw Error(ErrorCode::bad_argument, std::to_string(sector_count) + " sectors of " +
                                                 std::to_string(sector_size) + " bytes at byte " +
                                                 std::to_string(first_byte) + " lie outside " +
                                                 base.describe());
}

namespace {

// The base blocks holding bytes [byte, byte + count): the first one and how many.
struct BlockSpan {
    std::uint64_t first;
    std::uint64_t count;
    std::size_t skip;  // bytes of the first block before `byte`
    bool exact;        // the bytes are whole blocks
};

BlockSpan blocks_of(std::uint64_t byte, std::size_t count, std::uint32_t block) {
    const std::uint64_t first = byte / block;
    const std::uint64_t end = (byte + count + block - 1) / block;
    const auto skip = static_cast<std::size_t>(byte - first * block);
    return {first, end - first, skip, skip == 0 && count % block == 0};
}

}  // namespace

void SectorSizeView::read(std::uint64_t lba, std::span<std::uint8_t> out) {
    check_range(lba, out.size());
    const BlockSpan b = blocks_of(first_ + lba * sector_size_, out.size(), base_.sector_size());
    if (b.exact) {
        base_.read(b.first, out);
        return;
    }
    std::vector<std::uint8_t> blocks(b.count * base_.sector_size());
    base_.read(b.first, blocks);
    std::memcpy(out.data(), blocks.data() + b.skip, out.size());
}

void SectorSizeView::write(std::uint64_t lba, std::span<const std::uint8_t> data) {
    check_range(lba, data.size());
    const BlockSpan b = blocks_of(first_ + lba * sector_size_, data.size(), base_.sector_size());
    if (b.exact) {
        base_.write(b.first, data);
        return;
    }
    std::vector<std::uint8_t> blocks(b.count * base_.sector_size());
    base_.read(b.first, blocks);
    std::memcpy(blocks.data() + b.skip, data.data(), data.size());
    base_.write(b.first, blocks);
}

std::string SectorSizeView::describe() const {
    return std::to_string(sector_size_) + "-byte sectors from byte " + std::to_string(first_) +
           " of " + base_.describe();
}

// ---------------------------------------------------------------- open_device

std::unique_ptr<BlockDevice> open_device(const std::filesystem::path& path, bool writable,
                                         std::uint32_t image_sector_size) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISBLK(st.st_mode))
        return LinuxBlockDevice::open(path, writable);
    return ImageFile::open(path, image_sector_size, writable);
}

}  // namespace ukpu::fat
