// The lenient and strict parsers on MeshCentral's v2.0 example file and small hand-made variants.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "spec_example.hpp"
#include "test_support.hpp"
#include "ukpu/base/bytes.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/write.hpp"

namespace ukpu::setupbin {
namespace {

using test_support::text;

using Bytes = std::vector<std::uint8_t>;

void expect_one_warning(const ParseResult& r, const std::string& field, std::uint64_t offset,
                        std::optional<std::uint32_t> record = std::nullopt) {
    EXPECT_FALSE(has_errors(r.problems)) << r.problems.front().str();
    ASSERT_EQ(r.problems.size(), 1u) << (r.problems.empty() ? "" : r.problems[1].str());
    const Problem& p = r.problems[0];
    EXPECT_EQ(p.severity, Severity::warning);
    EXPECT_EQ(p.firmware, Firmware::format);
    EXPECT_EQ(p.where.field, field) << p.str();
    EXPECT_EQ(p.where.offset, std::optional<std::uint64_t>(offset)) << p.str();
    EXPECT_EQ(p.where.record, record) << p.str();
}

TEST(ParseTest, Example11_1) {
    const Bytes data = testing::spec_example_11_1();
    const ParseResult r = parse_lenient(data);
    EXPECT_TRUE(r.problems.empty()) << r.problems.front().str();
    EXPECT_TRUE(r.complete);
    const FileHeader& h = r.file.header;
    EXPECT_EQ(h.guid.str(), "5881B296-6BCF-4C72-8B91-A15E512E99C4");
    EXPECT_EQ(h.major, 2);
    EXPECT_EQ(h.minor, 0);
    EXPECT_EQ(h.flags, 0);
    EXPECT_FALSE(h.reusable());
    EXPECT_EQ(h.header_byte_count, 46);
    EXPECT_EQ(h.modules, (std::vector<std::uint16_t>{1, 2}));
    ASSERT_EQ(r.file.records.size(), 1u);
    const Record& rec = r.file.records[0];
    EXPECT_EQ(rec.flags, 1u);
    EXPECT_EQ(rec.number, 1u);
    ASSERT_EQ(rec.entries.size(), 4u);
    EXPECT_EQ(rec.entries[0].value, text("admin"));
    EXPECT_EQ(rec.entries[1].value, text("P@ssw0rd"));
    EXPECT_EQ(rec.entries[2].module, 2);
    EXPECT_EQ(rec.entries[2].variable, 1);
    EXPECT_EQ(rec.entries[2].value, text("ABCD1234"));
    EXPECT_EQ(rec.entries[3].variable, 2);
    EXPECT_EQ(rec.entries[3].value, text("ABCD1234EFGH5678IJKL9012MNOP3456"));
    EXPECT_EQ(parse(data), r.file);
}

TEST(ParseTest, ScrambledBodyIsDescrambled) {
    Bytes data = testing::spec_example_11_1();
    data[0x204] = 3;
    for (std::size_t i = 0x218; i < data.size(); ++i)
        data[i] = static_cast<std::uint8_t>(data[i] + 0x11);
    const SetupBin file = parse(data);
    EXPECT_TRUE(file.records[0].scrambled());
    EXPECT_EQ(file.records[0].entries, parse(testing::spec_example_11_1()).records[0].entries);
    EXPECT_EQ(serialize(file), data);
}

TEST(ParseTest, Version21IsAccepted) {
    Bytes data = testing::spec_example_11_1();
    data[0x19] = 1;
    EXPECT_TRUE(parse_lenient(data).problems.empty());
}

TEST(ParseTest, VersionMismatchNamesFamilyAndPair) {
    Bytes data = testing::spec_example_11_1();
    data[0x18] = 4;
    const ParseResult r = parse_lenient(data);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].code, ErrorCode::version_mismatch);
    EXPECT_NE(r.problems[0].message.find("2.x"), std::string::npos) << r.problems[0].message;
    EXPECT_NE(r.problems[0].message.find("4.0"), std::string::npos) << r.problems[0].message;
    // Parsing goes on: the record is still read.
    ASSERT_EQ(r.file.records.size(), 1u);
    EXPECT_EQ(r.file.records[0].entries.size(), 4u);
    EXPECT_TRUE(r.complete);
}

TEST(ParseTest, UnknownGuidStillReadsTheRecords) {
    Bytes data = testing::spec_example_11_1();
    data[5] = 0;
    const ParseResult r = parse_lenient(data);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].code, ErrorCode::unknown_guid);
    EXPECT_EQ(r.file.records.at(0).entries.size(), 4u);
}

TEST(ParseTest, HeaderRecordNumberReservedAndFlagWarnings) {
    Bytes data = testing::spec_example_11_1();
    bytes::put_u32(data, 0x14, 7);
    expect_one_warning(parse_lenient(data), "RecordNumber", 0x14);

    data = testing::spec_example_11_1();
    bytes::put_u16(data, 0x26, 1);
    expect_one_warning(parse_lenient(data), "Reserved", 0x26);

    data = testing::spec_example_11_1();
    bytes::put_u16(data, 0x1a, 0x0004);
    expect_one_warning(parse_lenient(data), "FileFlags", 0x1a);
}

TEST(ParseTest, ReusableFlagInAV1FileIsAWarning) {
    Bytes data = testing::spec_example_11_1();
    const Bytes v1_guid = {0xb5, 0x16, 0xfb, 0x71, 0x87, 0xcb, 0xf9, 0x4a,
                           0xb4, 0x41, 0xca, 0x7b, 0x38, 0x35, 0x78, 0xf9};
    std::copy(v1_guid.begin(), v1_guid.end(), data.begin());
    data[0x18] = 1;
    EXPECT_TRUE(parse_lenient(data).problems.empty());
    bytes::put_u16(data, 0x1a, 1);
    const ParseResult r = parse_lenient(data);
    expect_one_warning(r, "FileFlags", 0x1a);
    EXPECT_NE(r.problems[0].message.find("ignore"), std::string::npos);
}

TEST(ParseTest, HeaderByteCountMismatchIsAWarning) {
    Bytes data = testing::spec_example_11_1();
    bytes::put_u16(data, 0x12, 44);
    const ParseResult r = parse_lenient(data);
    expect_one_warning(r, "RecordHeaderByteCount", 0x12);
    EXPECT_NE(r.problems[0].message.find("44"), std::string::npos);
    EXPECT_NE(r.problems[0].message.find("46"), std::string::npos);
    EXPECT_EQ(serialize(r.file), data);
}

TEST(ParseTest, ModuleListMismatchNamesBothSets) {
    Bytes data = testing::spec_example_11_1();
    bytes::put_u16(data, 0x2a, 0);  // list {1}, records use {1, 2}
    bytes::put_u16(data, 0x12, 44);
    const ParseResult r = parse_lenient(data);
    expect_one_warning(r, "ModuleList", 0x28);
    EXPECT_NE(r.problems[0].message.find("names 1 "), std::string::npos) << r.problems[0].message;
    EXPECT_NE(r.problems[0].message.find("1, 2"), std::string::npos) << r.problems[0].message;
}

TEST(ParseTest, ModuleAreaTailIsKept) {
    Bytes data = testing::spec_example_11_1();
    data[0x1ff] = 0x42;
    const ParseResult r = parse_lenient(data);
    expect_one_warning(r, "ModuleList", 0x2e);
    ASSERT_EQ(r.file.header.module_area_tail.size(), 0x200u - 0x2e);
    EXPECT_EQ(r.file.header.module_area_tail.back(), 0x42);
    EXPECT_EQ(serialize(r.file), data);
}

TEST(ParseTest, ExtraBytesAfterTheRecordsAreKept) {
    Bytes data = testing::spec_example_11_1();
    data.push_back(0);
    data.push_back(0x99);
    const ParseResult r = parse_lenient(data);
    expect_one_warning(r, "file size", 1024);
    EXPECT_EQ(r.problems[0].code, ErrorCode::count_mismatch);
    EXPECT_EQ(r.file.extra, (Bytes{0, 0x99}));
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(serialize(r.file), data);
    EXPECT_NO_THROW(parse(data));
}

TEST(ParseTest, ExtraHeaderChunksAreKept) {
    Bytes data = testing::spec_example_11_1();
    bytes::put_u16(data, 0x10, 2);
    Bytes chunk(512, 0x5c);
    data.insert(data.begin() + 512, chunk.begin(), chunk.end());
    const ParseResult r = parse_lenient(data);
    EXPECT_TRUE(r.problems.empty()) << r.problems.front().str();
    EXPECT_EQ(r.file.header.extra_chunks, chunk);
    ASSERT_EQ(r.file.records.size(), 1u);
    EXPECT_EQ(r.file.records[0].entries.size(), 4u);
    EXPECT_EQ(serialize(r.file), data);
}

TEST(ParseTest, ShortFileKeepsTheWholeRecordsThatFit) {
    Bytes data = testing::spec_example_11_1();
    bytes::put_u32(data, 0x1c, 3);
    Bytes second(data.begin() + 512, data.end());
    data.insert(data.end(), second.begin(), second.begin() + 700 - 512 + 100);
    const ParseResult r = parse_lenient(data);
    ASSERT_EQ(r.problems.size(), 1u);
    const Problem& p = r.problems[0];
    EXPECT_EQ(p.code, ErrorCode::count_mismatch);
    EXPECT_EQ(p.where.offset, std::optional<std::uint64_t>(0x1c));
    EXPECT_NE(p.message.find("2048"), std::string::npos) << p.message;  // bytes needed
    EXPECT_NE(p.message.find(std::to_string(data.size())), std::string::npos) << p.message;
    EXPECT_FALSE(r.complete);
    EXPECT_EQ(r.file.records.size(), 1u);
    EXPECT_THROW(parse(data), Error);
}

TEST(ParseTest, RecordHeaderWarningsNameRecordAndOffset) {
    Bytes data = testing::spec_example_11_1();
    bytes::put_u32(data, 0x200, 2);
    expect_one_warning(parse_lenient(data), "RecordTypeIdentifier", 0x200, 1u);

    data = testing::spec_example_11_1();
    bytes::put_u32(data, 0x20c, 9);
    expect_one_warning(parse_lenient(data), "Reserved", 0x20c, 1u);

    data = testing::spec_example_11_1();
    bytes::put_u32(data, 0x204, 0x81);
    const ParseResult r = parse_lenient(data);
    expect_one_warning(r, "RecordFlags", 0x204, 1u);
    EXPECT_EQ(serialize(r.file), data);
}

TEST(ParseTest, SecondRecordLocationsAreAbsolute) {
    Bytes data = testing::spec_example_11_1();
    bytes::put_u32(data, 0x1c, 2);
    Bytes second(data.begin() + 512, data.end());
    bytes::put_u32(second, 0x14, 2);
    bytes::put_u16(second, 0x12, 0);
    data.insert(data.end(), second.begin(), second.end());
    const ParseResult r = parse_lenient(data);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].code, ErrorCode::bad_record);
    EXPECT_EQ(r.problems[0].where.record, std::optional<std::uint32_t>(2));
    EXPECT_EQ(r.problems[0].where.offset, std::optional<std::uint64_t>(0x412));
    EXPECT_EQ(r.file.records.size(), 2u);
    EXPECT_EQ(r.file.records[0].entries.size(), 4u);
    EXPECT_TRUE(r.file.records[1].entries.empty());
    EXPECT_FALSE(r.complete);
}

TEST(ParseTest, TrailingGarbageAfterTheTerminatorIsKept) {
    Bytes data = testing::spec_example_11_1();
    data[0x300] = 0x77;  // after the terminator at 0x270
    const ParseResult r = parse_lenient(data);
    expect_one_warning(r, "record tail", 0x270, 1u);
    const Record& rec = r.file.records[0];
    EXPECT_EQ(rec.entries.size(), 4u);
    ASSERT_EQ(rec.trailing.size(), 0x400u - 0x270);
    EXPECT_EQ(rec.trailing[0x300 - 0x270], 0x77);
    EXPECT_EQ(serialize(r.file), data);
}

TEST(ParseTest, TerminatorWithNonZeroReservedIsTrailing) {
    Bytes data = testing::spec_example_11_1();
    bytes::put_u16(data, 0x270 + 6, 0x1234);
    const ParseResult r = parse_lenient(data);
    expect_one_warning(r, "record tail", 0x270, 1u);
    EXPECT_EQ(serialize(r.file), data);
}

TEST(ParseTest, FewerThanEightBytesLeftAreTrailingWhenNotZero) {
    // One entry of 476 value bytes: 8 + 476 = 484 of 488 bytes, leaving 4.
    Bytes data = testing::spec_example_11_1();
    std::fill(data.begin() + 0x218, data.end(), 0);
    bytes::put_u16(data, 0x218, 2);
    bytes::put_u16(data, 0x21a, 3);
    bytes::put_u16(data, 0x21c, 476);
    std::fill(data.begin() + 0x220, data.begin() + 0x220 + 476, 'a');
    bytes::put_u16(data, 0x28, 2);
    bytes::put_u16(data, 0x2a, 0);
    bytes::put_u16(data, 0x12, 44);
    EXPECT_TRUE(parse_lenient(data).problems.empty());
    data[0x3fe] = 1;
    const ParseResult r = parse_lenient(data);
    expect_one_warning(r, "record tail", 0x3fc, 1u);
    EXPECT_EQ(r.file.records[0].trailing, (Bytes{0, 0, 1, 0}));
    EXPECT_EQ(serialize(r.file), data);
}

TEST(ParseTest, NonZeroPaddingIsAWarningAndNotKept) {
    Bytes data = testing::spec_example_11_1();
    data[0x226] = 0xEE;  // padding after "admin"
    const ParseResult r = parse_lenient(data);
    expect_one_warning(r, "entry 1/1", 0x226, 1u);
    EXPECT_EQ(r.file.records[0].entries[0].value, text("admin"));
    Bytes want = data;
    want[0x226] = 0;
    EXPECT_EQ(serialize(r.file), want);
    EXPECT_NO_THROW(parse(data));
}

TEST(ParseTest, EntryReservedIsKeptWithAWarning) {
    Bytes data = testing::spec_example_11_1();
    bytes::put_u16(data, 0x228 + 6, 5);
    const ParseResult r = parse_lenient(data);
    expect_one_warning(r, "entry 1/2", 0x22e, 1u);
    EXPECT_EQ(r.file.records[0].entries[1].reserved, 5);
    EXPECT_EQ(serialize(r.file), data);
}

TEST(ParseTest, UnknownIdsAreKeptAndSkippedByLength) {
    Bytes data = testing::spec_example_11_1();
    // Replace the PID entry (2/1, 8 bytes) by an unknown 9/77 of 8 bytes.
    bytes::put_u16(data, 0x238, 9);
    bytes::put_u16(data, 0x23a, 77);
    bytes::put_u16(data, 0x2c, 9);
    bytes::put_u16(data, 0x2e, 0);
    bytes::put_u16(data, 0x12, 48);
    const ParseResult r = parse_lenient(data);
    EXPECT_TRUE(r.problems.empty()) << r.problems.front().str();
    ASSERT_EQ(r.file.records[0].entries.size(), 4u);
    EXPECT_EQ(r.file.records[0].entries[2].module, 9);
    EXPECT_EQ(r.file.records[0].entries[2].variable, 77);
    EXPECT_EQ(r.file.records[0].entries[2].value, text("ABCD1234"));
    EXPECT_EQ(r.file.records[0].entries[3].value, text("ABCD1234EFGH5678IJKL9012MNOP3456"));
    EXPECT_EQ(serialize(r.file), data);
}

TEST(ParseTest, EntryOverrunSaysByHowMuch) {
    Bytes data = testing::spec_example_11_1();
    bytes::put_u16(data, 0x24c, 445);  // PPS at 0x248: 440 bytes left, 8 + 445 = 453
    const ParseResult r = parse_lenient(data);
    ASSERT_EQ(r.problems.size(), 1u);
    const Problem& p = r.problems[0];
    EXPECT_EQ(p.code, ErrorCode::entry_overrun);
    EXPECT_EQ(p.where.field, "entry 2/2");
    EXPECT_EQ(p.where.offset, std::optional<std::uint64_t>(0x248));
    EXPECT_EQ(p.where.record, std::optional<std::uint32_t>(1));
    EXPECT_NE(p.message.find("445"), std::string::npos) << p.message;
    EXPECT_NE(p.message.find("13 byte"), std::string::npos) << p.message;
    EXPECT_EQ(r.file.records[0].entries.size(), 3u);  // the entries before it are kept
    EXPECT_FALSE(r.complete);
}

TEST(ParseTest, InvalidRecordWithContentIsNotConsumed) {
    Bytes data = testing::spec_example_11_1();
    data[0x204] = 0;  // Valid clear, body still present
    const ParseResult r = parse_lenient(data);
    EXPECT_TRUE(r.problems.empty());
    EXPECT_FALSE(r.file.records[0].consumed);
    EXPECT_EQ(r.file.records[0].entries.size(), 4u);
}

TEST(ParseTest, ValidRecordWithEmptyBodyIsNotConsumed) {
    Bytes data = testing::spec_example_11_1();
    std::fill(data.begin() + 0x218, data.end(), 0);
    const ParseResult r = parse_lenient(data);
    EXPECT_FALSE(r.file.records[0].consumed);
    EXPECT_TRUE(r.file.records[0].entries.empty());
    // The list still names 1 and 2, but the record uses none.
    expect_one_warning(r, "ModuleList", 0x28);
}

TEST(ParseTest, ConsumedScrambledRecordIsNotDescrambled) {
    Bytes data = testing::spec_example_11_1();
    data[0x204] = 2;
    std::fill(data.begin() + 0x218, data.end(), 0);
    bytes::put_u32(data, 0x20, 1);
    const ParseResult r = parse_lenient(data);
    EXPECT_TRUE(r.problems.empty()) << r.problems.front().str();
    EXPECT_TRUE(r.file.records[0].consumed);
    EXPECT_TRUE(r.file.records[0].entries.empty());
    EXPECT_TRUE(r.file.records[0].trailing.empty());
    EXPECT_EQ(serialize(r.file), data);
}

TEST(ParseTest, StrictParseIgnoresWarnings) {
    Bytes data = testing::spec_example_11_1();
    bytes::put_u32(data, 0x14, 7);
    EXPECT_EQ(parse(data).header.record_number, 7u);
}

TEST(ParseTest, StrictParseThrowsTheFirstError) {
    Bytes data = testing::spec_example_11_1();
    data[0] ^= 1;
    bytes::put_u32(data, 0x20, 5);
    try {
        parse(data);
        ADD_FAILURE() << "no throw";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::unknown_guid);
        EXPECT_EQ(e.where().field, "FileTypeUUID");
    }
    const ParseResult r = parse_lenient(data);
    ASSERT_EQ(r.problems.size(), 2u);
    EXPECT_EQ(r.problems[1].code, ErrorCode::consumed_overflow);
}

TEST(ParseTest, HugeRecordCountDoesNotAllocatePerDeclaredRecord) {
    Bytes data = testing::spec_example_11_1();
    bytes::put_u32(data, 0x1c, 0xFFFFFFFFu);
    const ParseResult r = parse_lenient(data);
    EXPECT_EQ(r.file.records.size(), 1u);
    EXPECT_FALSE(r.complete);
}

TEST(ParseTest, ZeroChunkCountsStopAfterTheWholeHeader) {
    // MeshCommander's "New" file: header RecordChunkCount 0 (and here DataRecordChunkCount 0).
    Bytes data = testing::spec_example_11_1();
    bytes::put_u16(data, 0x10, 0);
    bytes::put_u16(data, 0x24, 0);
    const ParseResult r = parse_lenient(data);
    ASSERT_EQ(r.problems.size(), 2u);
    EXPECT_EQ(r.problems[0].code, ErrorCode::bad_header);
    EXPECT_EQ(r.problems[0].where.field, "RecordChunkCount");
    EXPECT_NE(r.problems[0].message.find("MeshCommander"), std::string::npos);
    EXPECT_EQ(r.problems[1].where.field, "DataRecordChunkCount");
    EXPECT_FALSE(r.complete);
    EXPECT_TRUE(r.file.records.empty());
    EXPECT_EQ(r.file.header.modules, (std::vector<std::uint16_t>{1, 2}));
    EXPECT_EQ(r.file.header.record_count, 1u);
}

}  // namespace
}  // namespace ukpu::setupbin
