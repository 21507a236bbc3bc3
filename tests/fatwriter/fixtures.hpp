// FAT images for the reader and verify tests, made with the independent tools: mkfs.fat, sfdisk
// and mtools (mcopy, mmd, mdel, mattrib, mdir, mshowfat).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "support/oracle.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/fatwriter/block_device.hpp"

namespace ukpu::test {

// The tools the fixtures call; tests skip when one is missing.
bool fat_tools_available();

struct ImageSpec {
    std::uint64_t size_bytes = 64ull << 20;
    int fat_bits = 0;  // 12, 16, 32 or 0 for mkfs.fat's choice
    bool mbr =
        false;  // one partition at sector 2048 (sfdisk), formatted with -h 2048 --offset 2048
    std::uint32_t sector_size = 512;  // -S
    std::string label;                // -n (mkfs.fat then writes a label entry in root slot 0)
    std::string mkfs_args;            // more mkfs.fat options ("-s 1")
};

class FatImage {
public:
    FatImage(const TempDir& dir, const ImageSpec& spec, const std::string& name = "key.img");

    const std::filesystem::path& path() const { return path_; }
    const ImageSpec& spec() const { return spec_; }
    std::uint64_t volume_offset() const { return spec_.mbr ? 2048ull * 512 : 0; }

    // Runs an mtools command on the image: `mtool("mdir", "::")` -> "mdir -i IMG[@@1M] ::".
    CommandResult mtool(const std::string& tool, const std::string& args) const;
    // mcopy of a host file / of bytes to `target` ("::SETUP.BIN", "::DIR/x"); throws on failure.
    void copy(const std::filesystem::path& source, const std::string& target) const;
    void copy_bytes(std::span<const std::uint8_t> data, const std::string& target) const;
    void mkdir(const std::string& target) const;
    void del(const std::string& target) const;

    // Patches bytes at an absolute offset of the image file.
    void patch(std::uint64_t offset, std::span<const std::uint8_t> bytes) const;
    std::vector<std::uint8_t> read_bytes(std::uint64_t offset, std::size_t count) const;

    std::unique_ptr<fat::ImageFile> open(bool writable = false) const;

private:
    void must(const CommandResult& r, const std::string& what) const;

    ImageSpec spec_;
    std::filesystem::path path_;
    std::filesystem::path scratch_;
};

std::vector<std::uint8_t> read_host_file(const std::filesystem::path& path);
std::vector<std::uint8_t> corpus_file(const std::string& name);  // from UKPU_CORPUS_DIR
std::vector<std::uint8_t> random_bytes(std::size_t n, std::uint32_t seed);

}  // namespace ukpu::test
