// Counted nouns in messages: "1 record", "2 records", irregular plurals.
#include <gtest/gtest.h>

#include "ukpu/base/counted.hpp"

namespace ukpu::test::counted {
namespace {

TEST(Counted, OneIsSingularEveryOtherNumberPlural) {
    EXPECT_EQ(base::counted(1, "record"), "1 record");
    EXPECT_EQ(base::counted(0, "record"), "0 records");
    EXPECT_EQ(base::counted(2, "write request"), "2 write requests");
    EXPECT_EQ(base::counted(1, "key file"), "1 key file");
    EXPECT_EQ(base::counted(3, "file system"), "3 file systems");
    EXPECT_EQ(base::counted(2, "batch", "batches"), "2 batches");
    EXPECT_EQ(base::counted(1, "batch", "batches"), "1 batch");
}

}  // namespace
}  // namespace ukpu::test::counted
