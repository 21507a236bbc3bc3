// Images know their sector size: a key image is read in the sector size it was made with, taken
// from its own boot sector (superfloppy) or from where its partition table points (MBR), so that
// verify and repair need no --sector-size for an image built with --sector-size 4096.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/temp_dir.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/fatwriter/key_writer.hpp"
#include "ukpu/fatwriter/partition.hpp"

namespace ukpu::fat::image_sector_size {
namespace {

using test::TempDir;

std::string make_image(const TempDir& t, std::uint32_t ss, PartitionScheme scheme) {
    const std::string path =
        t.path("k" + std::to_string(ss) + (scheme == PartitionScheme::mbr ? "m" : "s") + ".img");
    auto dev = ImageFile::create(path, 32u << 20, ss, false);
    KeyOptions ko;
    ko.scheme = scheme;
    ko.device_is_zeroed = true;
    ko.timestamp = 1700000000;
    ko.volume_id = 0x12345678;
    const std::vector<std::uint8_t> setup(1024, 0);
    (void)write_key(*dev, setup, {}, ko);
    dev->flush();
    return path;
}

TEST(ImageSectorSize, ReadFromTheImageForEveryShape) {
    TempDir t;
    for (const std::uint32_t ss : {512u, 1024u, 2048u, 4096u})
        for (const auto scheme : {PartitionScheme::mbr, PartitionScheme::superfloppy}) {
            const std::string path = make_image(t, ss, scheme);
            auto probe = ImageFile::open(path, 512, false);
            EXPECT_EQ(sector_size_of_image(*probe), ss) << path;
            // Opened with 0, the image is read in its own sector size; given, the size given.
            EXPECT_EQ(ImageFile::open(path, 0, false)->sector_size(), ss) << path;
            EXPECT_EQ(ImageFile::open(path, 2048, false)->sector_size(), 2048u) << path;
        }
}

TEST(ImageSectorSize, AnImageThatSaysNothingIsRead512) {
    TempDir t;
    const std::string path = t.path("zeros.img");
    (void)ImageFile::create(path, 1u << 20, 512, false);
    auto probe = ImageFile::open(path, 512, false);
    EXPECT_FALSE(sector_size_of_image(*probe));
    EXPECT_EQ(ImageFile::open(path, 0, false)->sector_size(), 512u);
}

}  // namespace
}  // namespace ukpu::fat::image_sector_size
