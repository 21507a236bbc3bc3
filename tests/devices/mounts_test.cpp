// The mount and swap tables: mountinfo fields, escapes, optional fields; /proc/swaps.
#include <gtest/gtest.h>

#include "ukpu/devices/error.hpp"
#include "ukpu/devices/mounts.hpp"

namespace {

using namespace ukpu::devices;

TEST(Mountinfo, ParsesDeviceNumberMountPointTypeAndSource) {
    const auto m = parse_mountinfo(
        "36 35 98:0 /mnt1 /mnt/parent\\040dir rw,noatime master:1 shared:2 - ext3 /dev/root "
        "rw,errors=continue\n"
        "41 28 8:33 / /media/a\\011b\\134c rw - vfat /dev/sdc1 rw\n",
        "mi");
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[0].major, 98u);
    EXPECT_EQ(m[0].minor, 0u);
    EXPECT_EQ(m[0].mount_point, "/mnt/parent dir");
    EXPECT_EQ(m[0].fs_type, "ext3");
    EXPECT_EQ(m[0].source, "/dev/root");
    EXPECT_EQ(m[1].mount_point, "/media/a\tb\\c");
}

TEST(Mountinfo, MalformedLinesAreNamed) {
    for (const char* bad : {"1 2 8:1 / /x rw shared:1 ext4 /dev/sda1 rw",  // no separator
                            "1 2 8-1 / /x rw - ext4 /dev/sda1 rw", "nonsense",
                            // numbers beyond unsigned, a third part, a sign: refused, not cut
                            "1 2 99999999999999999999:1 / /x rw - ext4 /dev/sda1 rw",
                            "1 2 8:1:3 / /x rw - ext4 /dev/sda1 rw",
                            "1 2 8:+1 / /x rw - ext4 /dev/sda1 rw", "1 2 8: / /x rw - e s o"}) {
        try {
            parse_mountinfo(std::string("22 1 0:21 / /proc rw - proc proc rw\n") + bad + "\n",
                            "mi");
            FAIL() << bad;
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::malformed);
            EXPECT_EQ(e.location(), "mi line 2");
        }
    }
}

TEST(Mountinfo, UnescapeLeavesOtherBackslashesAlone) {
    EXPECT_EQ(unescape_mount_field("a\\040b"), "a b");
    EXPECT_EQ(unescape_mount_field("a\\xyz"), "a\\xyz");
    EXPECT_EQ(unescape_mount_field("end\\04"), "end\\04");
}

TEST(Swaps, DevicesAndFilesAfterTheHeader) {
    EXPECT_EQ(parse_swaps("Filename\tType\tSize\tUsed\tPriority\n/dev/dm-1 partition 8 0 -2\n"
                          "/swap\\040file file 4 0 -3\n"),
              (std::vector<std::string>{"/dev/dm-1", "/swap file"}));
    EXPECT_TRUE(parse_swaps("Filename\tType\tSize\tUsed\tPriority\n").empty());
}

}  // namespace
