// The writer and the canonical builder: the v2.0 file MeshCentral's encoder writes for one PSK
// record (and its v3/v4 forms, which differ only in GUID and major version), padding, ordering,
// and the models serialize refuses.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdio>
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

using test_support::entry;
using test_support::text;

using Bytes = std::vector<std::uint8_t>;

std::string sha256_hex(const Bytes& data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EXPECT_EQ(EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr), 1);
    std::string out;
    char buf[3];
    for (unsigned int i = 0; i < len; ++i) {
        std::snprintf(buf, sizeof buf, "%02x", md[i]);
        out += buf;
    }
    return out;
}

std::vector<Entry> example_entries() {
    return {entry(1, 1, text("admin")), entry(1, 2, text("P@ssw0rd")),
            entry(2, 1, text("ABCD1234")), entry(2, 2, text("ABCD1234EFGH5678IJKL9012MNOP3456"))};
}

ErrorCode serialize_error(const SetupBin& file) {
    try {
        serialize(file);
    } catch (const Error& e) {
        EXPECT_FALSE(e.message().empty());
        return e.code();
    }
    ADD_FAILURE() << "serialize accepted the model";
    return ErrorCode::rule;
}

TEST(WriteTest, Example11_1HasTheSpecDigest) {
    const Bytes out = serialize(build({FormatVersion::v2_0, false, false}, {example_entries()}));
    ASSERT_EQ(out.size(), 1024u);
    EXPECT_EQ(sha256_hex(out), "d3f9b0f83d7a92b4bcc2d8c61dec401fd4dfc7b8e758714ed58b1da2a2b44805");
    EXPECT_EQ(out, testing::spec_example_11_1());
}

TEST(WriteTest, ScrambledExample11_1DiffersOnlyInFlagsAndBody) {
    const Bytes plain = testing::spec_example_11_1();
    const Bytes out = serialize(build({FormatVersion::v2_0, false, true}, {example_entries()}));
    ASSERT_EQ(out.size(), plain.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (i == 0x204) {
            EXPECT_EQ(out[i], 0x03);
        } else if (i >= 0x218) {
            EXPECT_EQ(out[i], static_cast<std::uint8_t>(plain[i] + 0x11)) << "offset " << i;
        } else {
            EXPECT_EQ(out[i], plain[i]) << "offset " << i;
        }
    }
    EXPECT_EQ(Bytes(out.begin() + 0x218, out.begin() + 0x228),
              (Bytes{0x12, 0x11, 0x12, 0x11, 0x16, 0x11, 0x11, 0x11, 0x72, 0x75, 0x7e, 0x7a, 0x7f,
                     0x11, 0x11, 0x11}));
    EXPECT_EQ(out[0x3ff], 0x11);
    const std::string digest = sha256_hex(out);
    EXPECT_EQ(digest.substr(0, 8), "f9c8bb84");
    EXPECT_EQ(digest.substr(digest.size() - 5), "bb592");
}

TEST(WriteTest, V3AndV4DifferOnlyInGuidAndMajor) {
    const Bytes v2 = testing::spec_example_11_1();
    const Bytes v3 = serialize(build({FormatVersion::v3_0, false, false}, {example_entries()}));
    const Bytes v4 = serialize(build({FormatVersion::v4_0, false, false}, {example_entries()}));
    const Bytes v3_guid = {0xa7, 0xf7, 0xf6, 0xc6, 0x89, 0xc4, 0xf6, 0x47,
                           0x93, 0xed, 0xe2, 0xe5, 0x02, 0x0d, 0xa5, 0x1d};
    const Bytes v4_guid = {0xaa, 0xa9, 0x34, 0x52, 0xe1, 0x29, 0xa9, 0x44,
                           0x8d, 0x4d, 0x08, 0x1c, 0x07, 0xb9, 0x63, 0x53};
    EXPECT_EQ(Bytes(v3.begin(), v3.begin() + 16), v3_guid);
    EXPECT_EQ(Bytes(v4.begin(), v4.begin() + 16), v4_guid);
    EXPECT_EQ(v3[0x18], 3);
    EXPECT_EQ(v4[0x18], 4);
    EXPECT_EQ(v3[0x19], 0);
    EXPECT_EQ(v4[0x19], 0);
    for (std::size_t i = 16; i < v2.size(); ++i) {
        if (i == 0x18) continue;
        EXPECT_EQ(v3[i], v2[i]) << "offset " << i;
        EXPECT_EQ(v4[i], v2[i]) << "offset " << i;
    }
}

TEST(WriteTest, VersionBytesOfV1AndV21) {
    const Bytes v1 = serialize(build({FormatVersion::v1_0, false, false}, {example_entries()}));
    const Bytes v1_guid = {0xb5, 0x16, 0xfb, 0x71, 0x87, 0xcb, 0xf9, 0x4a,
                           0xb4, 0x41, 0xca, 0x7b, 0x38, 0x35, 0x78, 0xf9};
    EXPECT_EQ(Bytes(v1.begin(), v1.begin() + 16), v1_guid);
    EXPECT_EQ(v1[0x18], 1);
    EXPECT_EQ(v1[0x19], 0);
    const Bytes v21 = serialize(build({FormatVersion::v2_1, true, false}, {example_entries()}));
    EXPECT_EQ(v21[0x18], 2);
    EXPECT_EQ(v21[0x19], 1);
    EXPECT_EQ(bytes::get_u16(v21, 0x1a), 1);  // reusable
}

TEST(WriteTest, EntriesArePaddedToFourBytes) {
    // Lengths 1..5 take 8 + 4, 8 + 4, 8 + 4, 8 + 4, 8 + 8 bytes.
    std::vector<Entry> es;
    for (std::uint16_t len = 1; len <= 5; ++len)
        es.push_back(entry(2, static_cast<std::uint16_t>(100 + len), Bytes(len, 0xAB)));
    const Bytes out = serialize(build({FormatVersion::v4_0, false, false}, {es}));
    const std::size_t starts[] = {0x218, 0x224, 0x230, 0x23c, 0x248, 0x258};
    for (std::size_t i = 0; i < 5; ++i) {
        const std::size_t at = starts[i];
        const std::size_t len = i + 1;
        EXPECT_EQ(bytes::get_u16(out, at), 2);
        EXPECT_EQ(bytes::get_u16(out, at + 2), 101 + i);
        EXPECT_EQ(bytes::get_u16(out, at + 4), len);
        EXPECT_EQ(bytes::get_u16(out, at + 6), 0);
        for (std::size_t k = 0; k < len; ++k) EXPECT_EQ(out[at + 8 + k], 0xAB);
        for (std::size_t k = at + 8 + len; k < starts[i + 1]; ++k)
            EXPECT_EQ(out[k], 0) << "padding at " << k;
    }
    for (std::size_t k = 0x258; k < out.size(); ++k) EXPECT_EQ(out[k], 0);
}

TEST(WriteTest, BuildSortsByModuleThenVariableKeepingCertOrder) {
    const std::vector<Entry> given = {entry(2, 8, text("first")),  entry(2, 3, text("suffix")),
                                      entry(2, 8, text("second")), entry(1, 2, text("Pw0rd!xx")),
                                      entry(2, 7, {0x01}),         entry(1, 1, text("admin")),
                                      entry(2, 8, text("third"))};
    const SetupBin file = build({FormatVersion::v4_0, true, false}, {given});
    const auto& es = file.records.at(0).entries;
    ASSERT_EQ(es.size(), 7u);
    const std::pair<int, int> order[] = {{1, 1}, {1, 2}, {2, 3}, {2, 7}, {2, 8}, {2, 8}, {2, 8}};
    for (std::size_t i = 0; i < 7; ++i) {
        EXPECT_EQ(es[i].module, order[i].first);
        EXPECT_EQ(es[i].variable, order[i].second);
    }
    EXPECT_EQ(es[4].value, text("first"));
    EXPECT_EQ(es[5].value, text("second"));
    EXPECT_EQ(es[6].value, text("third"));
}

TEST(WriteTest, BuildFillsTheCanonicalHeader) {
    const SetupBin file = build(
        {FormatVersion::v4_0, false, true},
        {{entry(1, 1, text("admin"))}, {entry(1, 1, text("admin"))}, {entry(1, 1, text("admin"))}});
    EXPECT_EQ(file.header.modules, (std::vector<std::uint16_t>{1}));
    EXPECT_EQ(file.header.header_byte_count, 44);  // 40 + 2 * (1 + 1)
    EXPECT_EQ(file.header.record_count, 3u);
    EXPECT_EQ(file.header.flags, 0);
    ASSERT_EQ(file.records.size(), 3u);
    for (std::uint32_t i = 0; i < 3; ++i) {
        EXPECT_EQ(file.records[i].number, i + 1);
        EXPECT_EQ(file.records[i].flags, 3u);
    }
    const Bytes out = serialize(file);
    EXPECT_EQ(out.size(), 512u * 4);
    EXPECT_EQ(bytes::get_u16(out, 0x12), 44);
    EXPECT_EQ(bytes::get_u32(out, 0x1c), 3u);
    EXPECT_EQ(bytes::get_u32(out, 0x600 + 0x14), 3u);
    EXPECT_EQ(bytes::get_u16(out, 0x28), 1);
    EXPECT_EQ(bytes::get_u16(out, 0x2a), 0);
}

TEST(WriteTest, ConsumedRecordIsWrittenAsZerosEvenWhenScrambled) {
    SetupBin file = build({FormatVersion::v2_0, false, true}, {example_entries()});
    file.records[0].consumed = true;
    file.records[0].flags = 2;  // Valid clear, Scrambled kept
    const Bytes out = serialize(file);
    EXPECT_EQ(bytes::get_u32(out, 0x204), 2u);
    for (std::size_t i = 0x218; i < out.size(); ++i) EXPECT_EQ(out[i], 0) << "offset " << i;
}

TEST(WriteTest, TrailingBytesFollowTheEntriesAndAreScrambled) {
    SetupBin file = build({FormatVersion::v4_0, true, true}, {{entry(1, 1, text("admin"))}});
    file.records[0].trailing = {0, 0, 0, 0, 0, 0, 0x5A, 0x00, 0x01};
    const Bytes out = serialize(file);
    // 1/1 "admin" ends at 0x218 + 16 = 0x228; the trailing bytes start there.
    EXPECT_EQ(out[0x228], 0x11);
    EXPECT_EQ(out[0x22e], 0x5A + 0x11);
    EXPECT_EQ(out[0x230], 0x01 + 0x11);
    EXPECT_EQ(out[0x231], 0x11);
}

TEST(WriteTest, EntriesFillingTheRecordExactly) {
    // 488 bytes of entries: one entry of 480 value bytes.
    const Bytes out =
        serialize(build({FormatVersion::v4_0, false, false}, {{entry(2, 3, Bytes(480, 'a'))}}));
    EXPECT_EQ(bytes::get_u16(out, 0x21c), 480);
    EXPECT_EQ(out[0x3ff], 'a');
    EXPECT_TRUE(parse_lenient(out).problems.empty());
}

TEST(WriteTest, RefusesEntriesOverflowingTheRecord) {
    const SetupBin file =
        build({FormatVersion::v4_0, false, false}, {{entry(2, 3, Bytes(481, 'a'))}});
    EXPECT_EQ(serialize_error(file), ErrorCode::bad_argument);
    const SetupBin many =
        build({FormatVersion::v4_0, false, false}, {std::vector<Entry>(62, entry(2, 5, {0x01}))});
    EXPECT_EQ(serialize_error(many), ErrorCode::bad_argument);  // 62 * 8 = 496 > 488
}

TEST(WriteTest, RefusesAValueOverU16) {
    SetupBin file = build({FormatVersion::v4_0, false, false}, {{entry(1, 1, text("admin"))}});
    file.header.record_chunk_count = 200;
    file.records[0].chunk_count = 200;
    file.records[0].entries[0].value.assign(65536, 'x');
    EXPECT_EQ(serialize_error(file), ErrorCode::bad_argument);
}

TEST(WriteTest, RefusesTooManyModules) {
    SetupBin file = build({FormatVersion::v4_0, false, false}, {{entry(1, 1, text("admin"))}});
    file.header.modules.assign(237, 1);
    EXPECT_EQ(serialize_error(file), ErrorCode::bad_argument);
    file.header.modules.assign(236, 1);
    EXPECT_NO_THROW(serialize(file));
    file.header.module_area_tail = {1};
    EXPECT_EQ(serialize_error(file), ErrorCode::bad_argument);
}

TEST(WriteTest, RefusesRecordSizeDisagreeingWithHeader) {
    SetupBin file = build({FormatVersion::v4_0, false, false}, {{entry(1, 1, text("admin"))}});
    file.records[0].chunk_count = 2;
    EXPECT_EQ(serialize_error(file), ErrorCode::bad_argument);
}

TEST(WriteTest, RefusesTrailingBytesThatDoNotFit) {
    SetupBin file = build({FormatVersion::v4_0, false, false}, {{entry(1, 1, text("admin"))}});
    file.records[0].trailing.assign(488 - 16 + 1, 0x01);
    EXPECT_EQ(serialize_error(file), ErrorCode::bad_argument);
    file.records[0].trailing.assign(488 - 16, 0x00);
    file.records[0].trailing.back() = 1;
    EXPECT_NO_THROW(serialize(file));
}

TEST(WriteTest, RefusesExtraChunksDisagreeingWithChunkCount) {
    SetupBin file = build({FormatVersion::v4_0, false, false}, {{entry(1, 1, text("admin"))}});
    file.header.chunk_count = 2;
    EXPECT_EQ(serialize_error(file), ErrorCode::bad_argument);
    file.header.extra_chunks.assign(512, 0);
    const Bytes out = serialize(file);
    EXPECT_EQ(out.size(), 1536u);
    EXPECT_EQ(bytes::get_u32(out, 0x400), 1u);  // record 1 follows the two header chunks
}

TEST(WriteTest, NormalizeHeaderRecomputesDerivedFields) {
    SetupBin file = build({FormatVersion::v4_0, false, false}, {{entry(1, 1, text("admin"))}});
    Record extra = file.records[0];
    extra.entries.push_back(entry(2, 5, {1}));
    extra.number = 9;
    file.records.push_back(extra);
    normalize_header(file);
    EXPECT_EQ(file.header.modules, (std::vector<std::uint16_t>{1, 2}));
    EXPECT_EQ(file.header.header_byte_count, 46);
    EXPECT_EQ(file.header.record_count, 2u);
    EXPECT_EQ(file.records[1].number, 9u);  // numbering left as is
}

}  // namespace
}  // namespace ukpu::setupbin
