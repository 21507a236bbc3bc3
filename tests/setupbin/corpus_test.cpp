// The real setup.bin files of the corpus (Intel ACU 12.1's scrambled v4 default file, its
// MeshCommander edit, an unscrambled v4 PKI file), checked field by field against their bytes
// decoded by hand, parsed and written back byte for byte.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "ukpu/setupbin/guid.hpp"
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/write.hpp"

namespace ukpu::setupbin {
namespace {

using test_support::entry;
using test_support::read_corpus;
using test_support::text;

using Bytes = std::vector<std::uint8_t>;

const Bytes v4_guid = {0xaa, 0xa9, 0x34, 0x52, 0xe1, 0x29, 0xa9, 0x44,
                       0x8d, 0x4d, 0x08, 0x1c, 0x07, 0xb9, 0x63, 0x53};
const Bytes power_package = {0x73, 0x22, 0x73, 0x46, 0x23, 0xdc, 0x43, 0x2f,
                             0xa9, 0x8a, 0x13, 0xd3, 0x79, 0x82, 0xd8, 0x55};

// The ACU default file's entries, descrambled (each stored byte minus 0x11).
std::vector<Entry> acu_default_entries() {
    return {entry(1, 1, text("admin")), entry(1, 2, text("HeyH0Password!")),
            entry(1, 6, power_package), entry(2, 13, {0x02}),
            entry(2, 23, {0x01}),       entry(2, 25, {0x01}),
            entry(2, 26, {0x00}),       entry(2, 27, {0x01}),
            entry(2, 29, {0x01})};
}

// The jclab PKI file's 2/8 value: 0x02 (SHA-256), 32 hash bytes, 0x0b, "AMT Test CA".
Bytes cert_entry_value() {
    Bytes v = {0x02, 0xe8, 0x35, 0xac, 0x6d, 0x90, 0x50, 0x36, 0xd5, 0x19, 0x21, 0x17,
               0x43, 0xb8, 0xfa, 0xb8, 0x90, 0x73, 0x95, 0xca, 0x4d, 0x75, 0x42, 0x8b,
               0xd9, 0xf8, 0x4f, 0x2e, 0x10, 0x7c, 0x65, 0xc1, 0x1e, 0x0b};
    const Bytes name = text("AMT Test CA");
    v.insert(v.end(), name.begin(), name.end());
    return v;
}

std::vector<Entry> pki_entries() {
    return {entry(1, 1, text("admin")), entry(1, 2, text("P@ssw0rd")),
            entry(1, 3, {0x01}),        entry(2, 3, text("amt-provisioning.test.com")),
            entry(2, 5, {0x01}),        entry(2, 8, cert_entry_value())};
}

void expect_v4_reusable_header(const FileHeader& h) {
    EXPECT_EQ(Bytes(h.guid.bytes.begin(), h.guid.bytes.end()), v4_guid);
    EXPECT_EQ(h.guid.str(), "5234A9AA-29E1-44A9-8D4D-081C07B96353");
    EXPECT_EQ(h.chunk_count, 1);
    EXPECT_EQ(h.header_byte_count, 46);
    EXPECT_EQ(h.record_number, 0u);
    EXPECT_EQ(h.major, 4);
    EXPECT_EQ(h.minor, 0);
    EXPECT_EQ(h.flags, 1);
    EXPECT_TRUE(h.reusable());
    EXPECT_EQ(h.record_count, 1u);
    EXPECT_EQ(h.records_consumed, 0u);
    EXPECT_EQ(h.record_chunk_count, 1);
    EXPECT_EQ(h.reserved, 0);
    EXPECT_TRUE(h.module_area_tail.empty());
    EXPECT_TRUE(h.extra_chunks.empty());
}

void expect_record_header(const Record& r, std::uint32_t flags) {
    EXPECT_EQ(r.type, 1u);
    EXPECT_EQ(r.flags, flags);
    EXPECT_EQ(r.reserved[0], 0u);
    EXPECT_EQ(r.reserved[1], 0u);
    EXPECT_EQ(r.chunk_count, 1);
    EXPECT_EQ(r.header_byte_count, 24);
    EXPECT_EQ(r.number, 1u);
    EXPECT_FALSE(r.consumed);
    EXPECT_TRUE(r.trailing.empty());
}

void expect_entries(const std::vector<Entry>& got, const std::vector<Entry>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        SCOPED_TRACE("entry index " + std::to_string(i));
        EXPECT_EQ(got[i].module, want[i].module);
        EXPECT_EQ(got[i].variable, want[i].variable);
        EXPECT_EQ(got[i].reserved, 0);
        EXPECT_EQ(got[i].value, want[i].value);
    }
}

TEST(CorpusTest, AcuDefaultMatchesSection11_3) {
    const Bytes data = read_corpus("acu-12.1-default.bin");
    ASSERT_EQ(data.size(), 1024u);
    const ParseResult r = parse_lenient(data);
    EXPECT_TRUE(r.problems.empty()) << r.problems.front().str();
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(r.file_size, 1024u);
    expect_v4_reusable_header(r.file.header);
    EXPECT_EQ(r.file.header.modules, (std::vector<std::uint16_t>{1, 2}));
    ASSERT_EQ(r.file.records.size(), 1u);
    expect_record_header(r.file.records[0], 3);
    EXPECT_TRUE(r.file.records[0].scrambled());
    expect_entries(r.file.records[0].entries, acu_default_entries());
    // 1/6 holds this power-package GUID in EFI_GUID (mixed-endian) byte order.
    const Guid pkg = Guid::parse("46732273-DC23-2F43-A98A-13D37982D855");
    EXPECT_EQ(r.file.records[0].entries[2].value, Bytes(pkg.bytes.begin(), pkg.bytes.end()));
    EXPECT_TRUE(r.file.extra.empty());
}

TEST(CorpusTest, PkiFileMatchesSection11_4) {
    const Bytes data = read_corpus("v4-pki-amt-test-ca.bin");
    ASSERT_EQ(data.size(), 1024u);
    const ParseResult r = parse_lenient(data);
    EXPECT_TRUE(r.problems.empty()) << r.problems.front().str();
    EXPECT_TRUE(r.complete);
    expect_v4_reusable_header(r.file.header);
    EXPECT_EQ(r.file.header.modules, (std::vector<std::uint16_t>{1, 2}));
    ASSERT_EQ(r.file.records.size(), 1u);
    expect_record_header(r.file.records[0], 1);
    EXPECT_FALSE(r.file.records[0].scrambled());
    expect_entries(r.file.records[0].entries, pki_entries());
    ASSERT_EQ(r.file.records[0].entries[5].value.size(), 45u);
}

// The hash inside the 2/8 entry is the SHA-256 of the DER form of the CA next to it.
TEST(CorpusTest, PkiCertHashIsSha256OfTheCorpusCa) {
    const std::string path = std::string(UKPU_CORPUS_DIR) + "/amt-test-ca.crt";
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "r"), &std::fclose);
    ASSERT_TRUE(f) << path;
    std::unique_ptr<X509, void (*)(X509*)> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr),
                                                &X509_free);
    ASSERT_TRUE(cert);
    unsigned char* der = nullptr;
    const int der_len = i2d_X509(cert.get(), &der);
    ASSERT_GT(der_len, 0);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    ASSERT_EQ(
        EVP_Digest(der, static_cast<std::size_t>(der_len), md, &md_len, EVP_sha256(), nullptr), 1);
    OPENSSL_free(der);

    const SetupBin file = parse(read_corpus("v4-pki-amt-test-ca.bin"));
    const Bytes& value = file.records.at(0).entries.at(5).value;
    ASSERT_EQ(md_len, 32u);
    EXPECT_EQ(Bytes(value.begin() + 1, value.begin() + 33), Bytes(md, md + 32));
}

TEST(CorpusTest, MeshCommanderEditReportsTheEmptyModuleList) {
    const Bytes data = read_corpus("acu-12.1-edited-meshcommander.bin");
    const ParseResult r = parse_lenient(data);
    EXPECT_TRUE(r.complete);
    EXPECT_FALSE(has_errors(r.problems));
    EXPECT_TRUE(r.file.header.modules.empty());
    EXPECT_EQ(r.file.header.header_byte_count, 46);

    bool count_warning = false;
    bool list_warning = false;
    for (const auto& p : r.problems) {
        EXPECT_EQ(p.severity, Severity::warning) << p.str();
        if (p.where.field == "RecordHeaderByteCount" && p.where.offset == 0x12u) {
            count_warning = true;
            EXPECT_NE(p.message.find("46"), std::string::npos) << p.message;
            EXPECT_NE(p.message.find("42"), std::string::npos) << p.message;
        }
        if (p.where.field == "ModuleList" && p.where.offset == 0x28u) {
            list_warning = true;
            EXPECT_NE(p.message.find("empty"), std::string::npos) << p.message;
            EXPECT_NE(p.message.find("1, 2"), std::string::npos) << p.message;
        }
    }
    EXPECT_TRUE(count_warning);
    EXPECT_TRUE(list_warning);

    std::vector<Entry> want = acu_default_entries();
    want.insert(want.begin() + 2, entry(1, 3, {0x01}));
    want.insert(want.begin() + 4, entry(2, 10, {0x07}));
    ASSERT_EQ(r.file.records.size(), 1u);
    expect_record_header(r.file.records[0], 3);
    expect_entries(r.file.records[0].entries, want);
}

TEST(CorpusTest, EveryFileWritesBackByteForByte) {
    for (const char* name :
         {"acu-12.1-default.bin", "acu-12.1-edited-meshcommander.bin", "v4-pki-amt-test-ca.bin"}) {
        SCOPED_TRACE(name);
        const Bytes data = read_corpus(name);
        EXPECT_EQ(serialize(parse(data)), data);
    }
}

TEST(CorpusTest, BuildRecreatesAcuDefault) {
    const BuildOptions opts{FormatVersion::v4_0, true, true};
    EXPECT_EQ(serialize(build(opts, {acu_default_entries()})), read_corpus("acu-12.1-default.bin"));
}

TEST(CorpusTest, BuildRecreatesPkiFile) {
    const BuildOptions opts{FormatVersion::v4_0, true, false};
    EXPECT_EQ(serialize(build(opts, {pki_entries()})), read_corpus("v4-pki-amt-test-ca.bin"));
}

TEST(CorpusTest, BuildSortsEntriesLikeTheAcu) {
    std::vector<Entry> shuffled = acu_default_entries();
    std::reverse(shuffled.begin(), shuffled.end());
    const BuildOptions opts{FormatVersion::v4_0, true, true};
    EXPECT_EQ(serialize(build(opts, {shuffled})), read_corpus("acu-12.1-default.bin"));
}

TEST(CorpusTest, NormalizedMeshCommanderEditGetsItsModuleList) {
    const Bytes data = read_corpus("acu-12.1-edited-meshcommander.bin");
    SetupBin file = parse(data);
    normalize_header(file);
    EXPECT_EQ(file.header.modules, (std::vector<std::uint16_t>{1, 2}));
    EXPECT_EQ(file.header.header_byte_count, 46);

    Bytes want = data;
    ASSERT_EQ(want[0x28], 0);
    want[0x28] = 0x01;
    want[0x29] = 0x00;
    want[0x2a] = 0x02;
    want[0x2b] = 0x00;
    want[0x2c] = 0x00;
    want[0x2d] = 0x00;
    const Bytes got = serialize(file);
    EXPECT_EQ(got, want);

    const ParseResult again = parse_lenient(got);
    EXPECT_TRUE(again.problems.empty()) << again.problems.front().str();
}

}  // namespace
}  // namespace ukpu::setupbin
