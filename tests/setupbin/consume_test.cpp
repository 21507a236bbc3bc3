// Record consumption as the BIOS performs it: the record at header chunks + consumed * record
// size, its body zeroed and Valid bit cleared, and the consumed count at 0x20 incremented.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "spec_example.hpp"
#include "test_support.hpp"
#include "ukpu/base/bytes.hpp"
#include "ukpu/setupbin/consume.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/write.hpp"

namespace ukpu::setupbin {
namespace {

using test_support::read_corpus;

using Bytes = std::vector<std::uint8_t>;

// A file of `n` records, each holding 1/1 "admin" and a record-specific 2/3 suffix, written
// by hand (not by the writer under test elsewhere): the v2.0 example's header, count changed.
Bytes multi_record_file(std::uint32_t n, std::uint8_t major, std::uint16_t file_flags,
                        std::uint32_t record_flags) {
    Bytes b = testing::spec_example_11_1();
    b.resize(512);
    // The file-type GUIDs of versions 1..4, in on-disk (EFI_GUID mixed-endian) byte order.
    static const std::uint8_t guids[4][16] = {{0xb5, 0x16, 0xfb, 0x71, 0x87, 0xcb, 0xf9, 0x4a, 0xb4,
                                               0x41, 0xca, 0x7b, 0x38, 0x35, 0x78, 0xf9},
                                              {0x96, 0xb2, 0x81, 0x58, 0xcf, 0x6b, 0x72, 0x4c, 0x8b,
                                               0x91, 0xa1, 0x5e, 0x51, 0x2e, 0x99, 0xc4},
                                              {0xa7, 0xf7, 0xf6, 0xc6, 0x89, 0xc4, 0xf6, 0x47, 0x93,
                                               0xed, 0xe2, 0xe5, 0x02, 0x0d, 0xa5, 0x1d},
                                              {0xaa, 0xa9, 0x34, 0x52, 0xe1, 0x29, 0xa9, 0x44, 0x8d,
                                               0x4d, 0x08, 0x1c, 0x07, 0xb9, 0x63, 0x53}};
    std::copy(guids[major - 1], guids[major - 1] + 16, b.begin());
    b[0x18] = major;
    bytes::put_u16(b, 0x1a, file_flags);
    bytes::put_u32(b, 0x1c, n);
    for (std::uint32_t i = 0; i < n; ++i) {
        Bytes rec(512, 0);
        bytes::put_u32(rec, 0x00, 1);
        bytes::put_u32(rec, 0x04, record_flags);
        bytes::put_u16(rec, 0x10, 1);
        bytes::put_u16(rec, 0x12, 24);
        bytes::put_u32(rec, 0x14, i + 1);
        const std::string value = "r" + std::to_string(i + 1) + ".example.com";
        bytes::put_u16(rec, 0x18, 2);
        bytes::put_u16(rec, 0x1a, 3);
        bytes::put_u16(rec, 0x1c, static_cast<std::uint16_t>(value.size()));
        std::copy(value.begin(), value.end(), rec.begin() + 0x20);
        if (record_flags & 2)
            for (std::size_t k = 24; k < rec.size(); ++k)
                rec[k] = static_cast<std::uint8_t>(rec[k] + 0x11);
        b.insert(b.end(), rec.begin(), rec.end());
    }
    return b;
}

TEST(ConsumeTest, Example11_1AfterConsumption) {
    Bytes file = testing::spec_example_11_1();
    const Bytes before = file;
    ASSERT_EQ(next_record(file), 0u);
    const ConsumeResult r = consume_next(file);
    EXPECT_TRUE(r.consumed);
    EXPECT_EQ(r.record_index, 0u);
    EXPECT_EQ(r.record_offset, 0x200u);
    for (std::size_t i = 0; i < file.size(); ++i) {
        if (i >= 0x20 && i < 0x24) {
            EXPECT_EQ(file[i], i == 0x20 ? 1 : 0) << "offset " << i;
        } else if (i >= 0x204 && i < 0x208) {
            EXPECT_EQ(file[i], 0) << "offset " << i;
        } else if (i >= 0x218) {
            EXPECT_EQ(file[i], 0) << "offset " << i;
        } else {
            EXPECT_EQ(file[i], before[i]) << "offset " << i;
        }
    }
    EXPECT_EQ(next_record(file), std::nullopt);
    EXPECT_THROW(consume_next(file), Error);
}

TEST(ConsumeTest, ParseOfAConsumedRecordReportsConsumedWithoutEntries) {
    Bytes file = testing::spec_example_11_1();
    consume_next(file);
    const ParseResult r = parse_lenient(file);
    EXPECT_FALSE(has_errors(r.problems));
    ASSERT_EQ(r.file.records.size(), 1u);
    EXPECT_TRUE(r.file.records[0].consumed);
    EXPECT_FALSE(r.file.records[0].valid());
    EXPECT_TRUE(r.file.records[0].entries.empty());
    EXPECT_TRUE(r.file.records[0].trailing.empty());
    EXPECT_EQ(r.file.header.records_consumed, 1u);
    EXPECT_EQ(serialize(r.file), file);
}

TEST(ConsumeTest, ScrambledRecordKeepsScrambledBitAndGetsAZeroBody) {
    Bytes file = multi_record_file(1, 4, 0, 3);
    consume_next(file);
    EXPECT_EQ(bytes::get_u32(file, 0x204), 2u);
    for (std::size_t i = 0x218; i < file.size(); ++i) EXPECT_EQ(file[i], 0) << "offset " << i;
    // Not descrambled: zeros would otherwise turn into 0xEF bytes.
    const ParseResult r = parse_lenient(file);
    ASSERT_EQ(r.file.records.size(), 1u);
    EXPECT_TRUE(r.file.records[0].consumed);
    EXPECT_TRUE(r.file.records[0].scrambled());
    EXPECT_TRUE(r.file.records[0].entries.empty());
    EXPECT_TRUE(r.problems.empty()) << r.problems.front().str();
}

TEST(ConsumeTest, ReusableV2AndLaterFilesAreNotChanged) {
    for (const std::uint8_t major : {2, 3, 4}) {
        Bytes file = multi_record_file(2, major, 1, 1);
        const Bytes before = file;
        const ConsumeResult r = consume_next(file);
        EXPECT_FALSE(r.consumed);
        EXPECT_EQ(r.record_index, 0u);
        EXPECT_EQ(file, before);
        EXPECT_EQ(next_record(file), 0u);
    }
    for (const char* name : {"acu-12.1-default.bin", "v4-pki-amt-test-ca.bin"}) {
        Bytes file = read_corpus(name);
        const Bytes before = file;
        EXPECT_FALSE(consume_next(file).consumed);
        EXPECT_EQ(file, before) << name;
    }
}

TEST(ConsumeTest, V1RecordsAreConsumedEvenWhenFlaggedReusable) {
    Bytes file = multi_record_file(2, 1, 1, 1);
    const ConsumeResult r = consume_next(file);
    EXPECT_TRUE(r.consumed);
    EXPECT_EQ(bytes::get_u32(file, 0x20), 1u);
    EXPECT_EQ(bytes::get_u32(file, 0x204), 0u);
    EXPECT_EQ(next_record(file), 1u);
}

TEST(ConsumeTest, WalksEveryRecordOfAMultiRecordFile) {
    Bytes file = multi_record_file(3, 2, 0, 1);
    for (std::uint32_t i = 0; i < 3; ++i) {
        ASSERT_EQ(next_record(file), i);
        const ConsumeResult r = consume_next(file);
        EXPECT_TRUE(r.consumed);
        EXPECT_EQ(r.record_index, i);
        EXPECT_EQ(r.record_offset, 512u * (i + 1));
        EXPECT_EQ(bytes::get_u32(file, 0x20), i + 1);
        // Later records are untouched.
        for (std::uint32_t k = i + 1; k < 3; ++k)
            EXPECT_EQ(bytes::get_u32(file, 512 * (k + 1) + 4), 1u);

        const ParseResult p = parse_lenient(file);
        ASSERT_EQ(p.file.records.size(), 3u);
        for (std::uint32_t k = 0; k < 3; ++k) {
            EXPECT_EQ(p.file.records[k].consumed, k <= i);
            EXPECT_EQ(p.file.records[k].entries.size(), k <= i ? 0u : 1u);
        }
    }
    EXPECT_EQ(next_record(file), std::nullopt);
    try {
        consume_next(file);
        ADD_FAILURE() << "consumed a record of a fully consumed file";
    } catch (const Error& e) {
        EXPECT_EQ(e.where().field, "DataRecordsConsumed");
    }
}

TEST(ConsumeTest, NextRecordNeedsTypeOneAndValid) {
    Bytes file = multi_record_file(2, 2, 0, 1);
    bytes::put_u32(file, 0x204, 0);  // record 1 invalid: the BIOS does not scan further
    EXPECT_EQ(next_record(file), std::nullopt);
    EXPECT_THROW(consume_next(file), Error);
    file = multi_record_file(2, 2, 0, 1);
    bytes::put_u32(file, 0x200, 0);  // type 0
    EXPECT_EQ(next_record(file), std::nullopt);
}

TEST(ConsumeTest, UsesTheRawCountsLikeTheBios) {
    // DataRecordsConsumed = 1 points at record 2 even though record 1 is still valid.
    Bytes file = multi_record_file(2, 2, 0, 1);
    bytes::put_u32(file, 0x20, 1);
    EXPECT_EQ(next_record(file), 1u);
    const ConsumeResult r = consume_next(file);
    EXPECT_EQ(r.record_offset, 0x400u);
    EXPECT_EQ(bytes::get_u32(file, 0x204), 1u);
    EXPECT_EQ(bytes::get_u32(file, 0x404), 0u);
    EXPECT_EQ(bytes::get_u32(file, 0x20), 2u);
}

TEST(ConsumeTest, FilesTooMalformedToLocateARecordThrow) {
    const Bytes short_file(100, 0);
    EXPECT_THROW(next_record(short_file), Error);
    Bytes zero_chunks = multi_record_file(1, 2, 0, 1);
    bytes::put_u16(zero_chunks, 0x24, 0);
    EXPECT_THROW(next_record(zero_chunks), Error);
    Bytes cut = multi_record_file(2, 2, 0, 1);
    cut.resize(1024);
    bytes::put_u32(cut, 0x20, 1);
    try {
        next_record(cut);
        ADD_FAILURE() << "located a record beyond the end of the file";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::truncated);
    }
}

}  // namespace
}  // namespace ukpu::setupbin
