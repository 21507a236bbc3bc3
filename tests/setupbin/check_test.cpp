// The firmware checker: the real corpus files and one synthetic file per rule.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "ukpu/setupbin/check.hpp"
#include "ukpu/setupbin/write.hpp"

namespace ukpu::setupbin {
namespace {

using test_support::entry;
using test_support::read_corpus;

using Bytes = std::vector<std::uint8_t>;

Entry text(std::uint16_t m, std::uint16_t v, const std::string& s) {
    return entry(m, v, Bytes(s.begin(), s.end()));
}
Entry u8(std::uint16_t m, std::uint16_t v, std::uint8_t x) {
    return entry(m, v, {x});
}

// 2/8 value: algorithm, hash of the algorithm's size, name length, name.
Bytes cert(std::uint8_t alg, const std::string& name) {
    const std::size_t hlen = alg == 1 ? 20 : alg == 2 ? 32 : 48;
    Bytes v{alg};
    v.insert(v.end(), hlen, 0x5a);
    v.push_back(static_cast<std::uint8_t>(name.size()));
    v.insert(v.end(), name.begin(), name.end());
    return v;
}

std::vector<Entry> base() {
    return {text(1, 1, "admin"), text(1, 2, "P@ssw0rd")};
}

std::vector<Entry> with(std::vector<Entry> extra) {
    std::vector<Entry> es = base();
    es.insert(es.end(), extra.begin(), extra.end());
    return es;
}

// One record, entries written in the given order (no sorting), one-chunk records.
Bytes file_of(const std::vector<Entry>& entries, FormatVersion v = FormatVersion::v4_0) {
    SetupBin f = build(BuildOptions{v, true, false}, {entries});
    f.records[0].entries = entries;
    return serialize(f);
}

// The first entry starts at record + 24 (0x218 for record 1); each entry takes 8 + len rounded
// up to 4.
std::uint64_t offset_of(const std::vector<Entry>& entries, std::size_t index,
                        std::uint64_t record_at = 0x200) {
    std::uint64_t at = record_at + 24;
    for (std::size_t i = 0; i < index; ++i) at += 8 + (entries[i].value.size() + 3) / 4 * 4;
    return at;
}

struct Want {
    Firmware firmware;
    Severity severity;
    std::optional<std::uint32_t> record;
    std::string field;
    std::uint64_t offset;
};

std::string dump(const Problems& ps) {
    std::string out;
    for (const auto& p : ps) out += "  " + p.str() + "\n";
    return out;
}

CheckOptions only(std::set<Firmware> fw) {
    CheckOptions o;
    o.firmware = std::move(fw);
    return o;
}

// Exactly one problem, and it is `w`.
void expect_only(const CheckResult& r, const Want& w) {
    ASSERT_EQ(r.problems.size(), 1u) << dump(r.problems);
    const Problem& p = r.problems[0];
    EXPECT_EQ(p.firmware, w.firmware) << p.str();
    EXPECT_EQ(p.severity, w.severity) << p.str();
    EXPECT_EQ(p.where.record, w.record) << p.str();
    EXPECT_EQ(p.where.field, w.field) << p.str();
    EXPECT_EQ(p.where.offset, w.offset) << p.str();
    EXPECT_FALSE(p.message.empty());
}

const CheckOptions all{};
const CheckOptions none = only({});

// --- real corpus ---

TEST(CheckCorpus, AcuDefaultFailsOnlyOnModernMebxForManualSetup) {
    const CheckResult r = check(read_corpus("acu-12.1-default.bin"));
    // In this file the 2/29 entry header (02 00 1d 00) sits at 0x294, its length at 0x298.
    expect_only(r, {Firmware::mebx, Severity::error, 1, "entry 2/29 Manual Setup and Configuration",
                    0x294});
    ASSERT_TRUE(r.legacy && r.uefi && r.mebx);
    EXPECT_TRUE(r.legacy->found);
    EXPECT_TRUE(r.legacy->usable);
    EXPECT_EQ(r.legacy->next_record, 1u);
    EXPECT_TRUE(r.uefi->usable);
    EXPECT_TRUE(r.mebx->found);
    EXPECT_FALSE(r.mebx->usable);
    EXPECT_FALSE(r.ok());
}

TEST(CheckCorpus, PkiFileHasNoErrorForAnyGeneration) {
    const CheckResult r = check(read_corpus("v4-pki-amt-test-ca.bin"));
    EXPECT_TRUE(r.ok()) << dump(r.problems);
    EXPECT_TRUE(r.legacy->usable);
    EXPECT_TRUE(r.uefi->usable);
    EXPECT_TRUE(r.mebx->usable);
    // The 2/8 entry at 0x274 has no 2/7 before it, which old MEBx ordering rules ask for.
    ASSERT_EQ(r.problems.size(), 1u) << dump(r.problems);
    EXPECT_EQ(r.problems[0].firmware, Firmware::legacy);
    EXPECT_EQ(r.problems[0].severity, Severity::warning);
    EXPECT_EQ(r.problems[0].where.offset, 0x274u);
}

TEST(CheckCorpus, MeshCommanderEditWarnsAboutTheModuleList) {
    const CheckResult r = check(read_corpus("acu-12.1-edited-meshcommander.bin"));
    bool module_list = false;
    for (const auto& p : r.problems) {
        if (p.firmware == Firmware::format && p.severity == Severity::warning &&
            p.where.field.find("ModuleList") != std::string::npos)
            module_list = true;
        if (p.firmware == Firmware::legacy || p.firmware == Firmware::uefi ||
            p.firmware == Firmware::format) {
            EXPECT_NE(p.severity, Severity::error) << p.str();
        }
    }
    EXPECT_TRUE(module_list) << dump(r.problems);
    EXPECT_TRUE(r.legacy->usable);
    EXPECT_TRUE(r.uefi->usable);
    EXPECT_FALSE(r.mebx->usable);  // 2/29 = 1 as in the ACU file
}

// --- clean synthetic file ---

TEST(Check, CleanFileHasNoProblems) {
    const auto es = with({text(2, 3, "example.com"), u8(2, 5, 1), u8(2, 7, 1),
                          entry(2, 8, cert(2, "Root")), u8(2, 13, 2), u8(2, 28, 1)});
    const CheckResult r = check(file_of(es));
    EXPECT_TRUE(r.problems.empty()) << dump(r.problems);
    EXPECT_TRUE(r.legacy->usable && r.uefi->usable && r.mebx->usable);
    EXPECT_EQ(r.mebx->next_record, 1u);
}

TEST(Check, OnlyTheGenerationsAskedForGetVerdicts) {
    const CheckResult r = check(file_of(base()), only({Firmware::uefi}));
    EXPECT_FALSE(r.legacy.has_value());
    EXPECT_TRUE(r.uefi.has_value());
    EXPECT_FALSE(r.mebx.has_value());
}

// --- format rules ---

struct LengthCase {
    Entry e;
    ErrorCode code;
};

TEST(CheckFormat, LengthsThatDoNotFitTheType) {
    const LengthCase cases[] = {
        {entry(2, 5, {1, 0}), ErrorCode::bad_length},
        {entry(2, 18, {0xf3}), ErrorCode::bad_length},
        {entry(2, 15, {1, 0}), ErrorCode::bad_length},
        {entry(1, 4, {}), ErrorCode::bad_length},
        {entry(2, 17, {10, 1, 168, 192, 0}), ErrorCode::bad_length},
        {entry(2, 19, Bytes(16)), ErrorCode::bad_length},
        {entry(2, 22, Bytes(80)), ErrorCode::bad_length},
        {entry(2, 8,
               [] {
                   Bytes c = cert(2, "Root");
                   c.push_back('x');
                   return c;
               }()),
         ErrorCode::bad_length},
        {entry(2, 8,
               [] {
                   Bytes c = cert(2, "Root");
                   c[0] = 4;
                   return c;
               }()),
         ErrorCode::bad_value},
    };
    for (const auto& c : cases) {
        const auto es = with({c.e});
        const CheckResult r = check(file_of(es), none);
        SCOPED_TRACE(std::to_string(c.e.module) + "/" + std::to_string(c.e.variable));
        expect_only(r, {Firmware::format, Severity::error, 1,
                        r.problems.empty() ? "" : r.problems[0].where.field, offset_of(es, 2)});
        if (!r.problems.empty()) {
            EXPECT_EQ(r.problems[0].code, c.code);
            EXPECT_EQ(r.problems[0].where.field.rfind("entry " + std::to_string(c.e.module) + "/" +
                                                          std::to_string(c.e.variable) + " ",
                                                      0),
                      0u);
        }
    }
}

TEST(CheckFormat, EnumeratedValueOutsideItsNames) {
    auto es = with({u8(2, 13, 3)});
    expect_only(check(file_of(es), none),
                {Firmware::format, Severity::error, 1, "entry 2/13 DHCP", offset_of(es, 2)});
    es = with({u8(2, 10, 8)});
    expect_only(check(file_of(es), none),
                {Firmware::format, Severity::error, 1,
                 "entry 2/10 SOL/IDER Redirection Configuration", offset_of(es, 2)});
    es = with({u8(2, 10, 3), u8(2, 26, 255)});
    EXPECT_TRUE(check(file_of(es), none).problems.empty());
}

TEST(CheckFormat, StringLongerThanTheFormatAllows) {
    const auto es = with({text(2, 11, std::string(64, 'h'))});  // JS max 63, MEBx max 64
    expect_only(check(file_of(es)),
                {Firmware::format, Severity::warning, 1, "entry 2/11 Hostname", offset_of(es, 2)});
}

TEST(CheckFormat, PidPpsChecksumsAndPairs) {
    // Intel's example PID/PPS pair has valid checksums; a wrong checksum character is an error.
    auto es = with({text(2, 1, "0000037M"), text(2, 2, "NKLDG5DCRRNQE9YZZIJL7LFLVJED69XJ")});
    EXPECT_TRUE(check(file_of(es, FormatVersion::v2_1), none).problems.empty());
    es = with({text(2, 1, "0000037N"), text(2, 2, "NKLDG5DCRRNQE9YZZIJL7LFLVJED69XJ")});
    const CheckResult r = check(file_of(es, FormatVersion::v2_1), none);
    expect_only(r, {Firmware::format, Severity::error, 1,
                    "entry 2/1 Provisioning Preshared Key ID (PID)", offset_of(es, 2)});
    EXPECT_NE(r.problems[0].message.find("position 8"), std::string::npos);
    es = with({text(2, 1, "0000037M")});
    expect_only(check(file_of(es, FormatVersion::v2_1), none),
                {Firmware::format, Severity::error, 1,
                 "entry 2/1 Provisioning Preshared Key ID (PID)", offset_of(es, 2)});
    es = with({text(2, 2, "NKLDG5DCRRNQE9YZZIJL7LFLVJED69XJ")});
    expect_only(check(file_of(es, FormatVersion::v2_1), none),
                {Firmware::format, Severity::error, 1, "entry 2/2 Provisioning Preshared Key (PPS)",
                 offset_of(es, 2)});
}

TEST(CheckFormat, DefaultPasswordMustBeChanged) {
    const std::vector<Entry> es = {text(1, 1, "admin"), u8(1, 3, 1)};
    expect_only(check(file_of(es)),
                {Firmware::format, Severity::error, 1, "entry 1/1 Current MEBx Password", 0x218});
    // Another current password needs no new one.
    EXPECT_TRUE(check(file_of({text(1, 1, "Adm1n!pass")})).problems.empty());
}

TEST(CheckFormat, WeakNewPassword) {
    const std::vector<Entry> es = {text(1, 1, "admin"), text(1, 2, "password")};
    const CheckResult r = check(file_of(es));
    expect_only(r, {Firmware::format, Severity::error, 1, "entry 1/2 New MEBx Password", 0x228});
    EXPECT_NE(r.problems[0].message.find("no digit"), std::string::npos);
}

TEST(CheckFormat, MissingCurrentPassword) {
    const CheckResult r = check(file_of({u8(2, 5, 1)}));
    expect_only(r,
                {Firmware::format, Severity::error, 1, "entry 1/1 Current MEBx Password", 0x200});
}

TEST(CheckFormat, MoreThanThreeCertificateHashes) {
    const auto es = with({u8(2, 7, 1), entry(2, 8, cert(1, "a")), entry(2, 8, cert(1, "b")),
                          entry(2, 8, cert(1, "c")), entry(2, 8, cert(1, "d"))});
    const CheckResult fmt = check(file_of(es), none);
    expect_only(fmt, {Firmware::format, Severity::error, 1,
                      "entry 2/8 User Defined Certificate Addition", offset_of(es, 6)});
    const CheckResult mebx = check(file_of(es), only({Firmware::mebx}));
    ASSERT_EQ(mebx.problems.size(), 2u) << dump(mebx.problems);
    EXPECT_EQ(mebx.problems[1].firmware, Firmware::mebx);
    EXPECT_EQ(mebx.problems[1].where.offset, offset_of(es, 6));
    EXPECT_FALSE(mebx.mebx->usable);
}

// --- legacy rules ---

TEST(CheckLegacy, CurrentPasswordFirst) {
    const std::vector<Entry> es = {u8(1, 3, 1), text(1, 1, "admin"), text(1, 2, "P@ssw0rd")};
    const CheckResult r = check(file_of(es), only({Firmware::legacy}));
    // 1/1 is not first, and 1/3 is not right after the passwords: both ordering rules.
    ASSERT_EQ(r.problems.size(), 2u) << dump(r.problems);
    EXPECT_EQ(r.problems[0].where.field, "entry 1/1 Current MEBx Password");
    EXPECT_EQ(r.problems[0].where.offset, offset_of(es, 1));
    EXPECT_EQ(r.problems[1].where.field, "entry 1/3 Manageability Feature Selection");
    EXPECT_EQ(r.problems[1].where.offset, offset_of(es, 0));
    EXPECT_FALSE(r.legacy->usable);
    EXPECT_TRUE(check(file_of(es), only({Firmware::mebx})).problems.empty());
}

TEST(CheckLegacy, ManageabilityAfterModuleTwo) {
    const auto es = with({u8(2, 5, 1), u8(1, 3, 1)});
    expect_only(check(file_of(es), only({Firmware::legacy})),
                {Firmware::legacy, Severity::error, 1, "entry 1/3 Manageability Feature Selection",
                 offset_of(es, 3)});
}

TEST(CheckLegacy, ProvisioningActionAfterServerSettings) {
    const auto es = with({u8(2, 28, 1), text(2, 4, "prov.example.com")});
    expect_only(check(file_of(es), only({Firmware::legacy})),
                {Firmware::legacy, Severity::error, 1, "entry 2/28 ME Provision Halt/Activate",
                 offset_of(es, 2)});
}

TEST(CheckLegacy, CertificateHashWithoutConfiguration) {
    const auto es = with({entry(2, 8, cert(2, "Root")), u8(2, 7, 1)});
    expect_only(check(file_of(es), only({Firmware::legacy})),
                {Firmware::legacy, Severity::warning, 1,
                 "entry 2/8 User Defined Certificate Addition", offset_of(es, 2)});
}

TEST(CheckLegacy, VariableNewerThanTheFile) {
    const auto es = with({text(2, 11, "host")});
    const CheckResult r = check(file_of(es, FormatVersion::v2_0), only({Firmware::legacy}));
    expect_only(r,
                {Firmware::legacy, Severity::warning, 1, "entry 2/11 Hostname", offset_of(es, 2)});
    EXPECT_NE(r.problems[0].message.find("introduced in 2.1"), std::string::npos);
    EXPECT_NE(r.problems[0].message.find("2.0 file"), std::string::npos);
    EXPECT_TRUE(r.legacy->usable);
}

TEST(CheckLegacy, Sha256HashInAVersionTwoFile) {
    const auto es = with({u8(2, 7, 1), entry(2, 8, cert(2, "Root"))});
    expect_only(check(file_of(es, FormatVersion::v2_1), only({Firmware::legacy})),
                {Firmware::legacy, Severity::error, 1,
                 "entry 2/8 User Defined Certificate Addition", offset_of(es, 3)});
    const auto sha1 = with({u8(2, 7, 1), entry(2, 8, cert(1, "Root"))});
    EXPECT_TRUE(
        check(file_of(sha1, FormatVersion::v2_0), only({Firmware::legacy})).problems.empty());
}

// Two records; `consumed` written at 0x20 after serializing.
Bytes two_records(std::uint32_t consumed, bool consume_first_body) {
    SetupBin f = build(BuildOptions{FormatVersion::v4_0, false, false}, {base(), base()});
    if (consume_first_body) {
        f.records[0].flags = 0;
        f.records[0].consumed = true;
        f.records[0].entries.clear();
    }
    Bytes b = serialize(f);
    b[0x20] = static_cast<std::uint8_t>(consumed);
    return b;
}

TEST(CheckBios, NextRecordFollowsTheConsumedCount) {
    const CheckResult r = check(two_records(1, true));
    EXPECT_TRUE(r.problems.empty()) << dump(r.problems);
    EXPECT_EQ(r.legacy->next_record, 2u);
    EXPECT_EQ(r.uefi->next_record, 2u);
    EXPECT_TRUE(r.legacy->usable);
}

TEST(CheckBios, EveryRecordConsumed) {
    const Bytes b = [] {
        SetupBin f = build(BuildOptions{FormatVersion::v4_0, false, false}, {base()});
        f.records[0].flags = 0;
        f.records[0].consumed = true;
        f.records[0].entries.clear();
        f.header.records_consumed = 1;
        return serialize(f);
    }();
    for (Firmware fw : {Firmware::legacy, Firmware::uefi}) {
        const CheckResult r = check(b, only({fw}));
        expect_only(r, {fw, Severity::error, std::nullopt, "DataRecordsConsumed", 0x20});
    }
}

TEST(CheckBios, ConsumedRecordNotCounted) {
    // Record 1 consumed but the count still 0: the BIOS goes to record 1 and finds it invalid.
    const CheckResult r = check(two_records(0, true), only({Firmware::legacy}));
    expect_only(r, {Firmware::legacy, Severity::error, 1, "RecordFlags", 0x204});
    EXPECT_FALSE(r.legacy->found);
    EXPECT_EQ(r.legacy->next_record, 1u);
}

TEST(CheckBios, RecordOfAnotherType) {
    SetupBin f = build(BuildOptions{FormatVersion::v4_0, false, false}, {base()});
    f.records[0].type = 0;
    const CheckResult r = check(serialize(f), only({Firmware::uefi}));
    // The parser warns about the type; the UEFI BIOS takes no record.
    ASSERT_EQ(r.problems.size(), 2u) << dump(r.problems);
    EXPECT_EQ(r.problems[1].firmware, Firmware::uefi);
    EXPECT_EQ(r.problems[1].severity, Severity::error);
    EXPECT_EQ(r.problems[1].where.offset, 0x200u);
    EXPECT_FALSE(r.uefi->found);
}

// --- UEFI rules ---

TEST(CheckUefi, FileSizeMustBeExact) {
    Bytes b = file_of(base());
    b.push_back(0);
    const CheckResult r = check(b, only({Firmware::uefi, Firmware::legacy}));
    // The parser's format warning, then the UEFI error.
    ASSERT_EQ(r.problems.size(), 2u) << dump(r.problems);
    EXPECT_EQ(r.problems[0].firmware, Firmware::format);
    EXPECT_EQ(r.problems[0].severity, Severity::warning);
    const Problem& p = r.problems[1];
    EXPECT_EQ(p.firmware, Firmware::uefi);
    EXPECT_EQ(p.severity, Severity::error);
    EXPECT_NE(p.message.find("1 byte more"), std::string::npos) << p.message;
    EXPECT_NE(p.message.find("cluster padding"), std::string::npos) << p.message;
    EXPECT_FALSE(r.uefi->found);
    EXPECT_TRUE(r.legacy->usable);  // the old BIOS does not check the size
}

// --- modern MEBx rules ---

TEST(CheckMebx, ManualSetupIsReportedFirst) {
    const auto es = with({u8(2, 5, 1), entry(2, 9, {1}), u8(2, 29, 1)});
    const CheckResult r = check(file_of(es), only({Firmware::mebx}));
    ASSERT_EQ(r.problems.size(), 2u) << dump(r.problems);
    EXPECT_EQ(r.problems[0].where.field, "entry 2/29 Manual Setup and Configuration");
    EXPECT_EQ(r.problems[0].where.offset, offset_of(es, 4));
    EXPECT_EQ(r.problems[1].where.field, "entry 2/9 unknown variable");
    EXPECT_EQ(r.problems[1].where.offset, offset_of(es, 3));
    EXPECT_FALSE(r.mebx->usable);
    EXPECT_TRUE(check(file_of(with({u8(2, 29, 0)}))).problems.empty());
}

TEST(CheckMebx, AbortingVariables) {
    const Entry cases[] = {u8(1, 5, 0),
                           u8(2, 14, 1),
                           u8(2, 16, 0),
                           entry(2, 20, {1, 2}),
                           entry(2, 30, {1, 0, 0, 0}),
                           text(2, 31, "desk"),
                           entry(0, 7, {1}),
                           entry(3, 1, {1})};
    for (const auto& e : cases) {
        const auto es = with({e});
        const CheckResult r = check(file_of(es), only({Firmware::mebx}));
        SCOPED_TRACE(std::to_string(e.module) + "/" + std::to_string(e.variable));
        ASSERT_EQ(r.problems.size(), 1u) << dump(r.problems);
        EXPECT_EQ(r.problems[0].firmware, Firmware::mebx);
        EXPECT_EQ(r.problems[0].severity, Severity::error);
        EXPECT_EQ(r.problems[0].where.offset, offset_of(es, 2));
        EXPECT_NE(r.problems[0].message.find("aborts the whole record"), std::string::npos);
        EXPECT_FALSE(r.mebx->usable);
    }
}

TEST(CheckMebx, PskWasRemoved) {
    const auto es = with({text(2, 1, "0000037M"), text(2, 2, "NKLDG5DCRRNQE9YZZIJL7LFLVJED69XJ")});
    const CheckResult r = check(file_of(es, FormatVersion::v2_1), only({Firmware::mebx}));
    ASSERT_EQ(r.problems.size(), 2u) << dump(r.problems);
    EXPECT_EQ(r.problems[0].where.offset, offset_of(es, 2));
    EXPECT_EQ(r.problems[1].where.offset, offset_of(es, 3));
    EXPECT_NE(r.problems[0].message.find("PSK"), std::string::npos);
    // The old generations take the same file.
    const CheckResult old =
        check(file_of(es, FormatVersion::v2_1), only({Firmware::legacy, Firmware::uefi}));
    EXPECT_TRUE(old.problems.empty()) << dump(old.problems);
}

TEST(CheckMebx, PasswordLengths) {
    std::vector<Entry> es = {text(1, 1, std::string(33, 'a')), text(1, 2, "P@ssw0rd")};
    CheckResult r = check(file_of(es), only({Firmware::mebx}));
    // The format's length warning and the MEBx's abort.
    ASSERT_EQ(r.problems.size(), 2u) << dump(r.problems);
    EXPECT_EQ(r.problems[1].firmware, Firmware::mebx);
    EXPECT_EQ(r.problems[1].severity, Severity::error);
    EXPECT_EQ(r.problems[1].where.offset, 0x218u);

    es = {text(1, 1, "Adm1n!pass"), text(1, 2, "P@ssw0rd" + std::string(25, 'x'))};
    r = check(file_of(es), only({Firmware::mebx}));
    // Too long for the ME (format) and silently ignored by the MEBx.
    ASSERT_EQ(r.problems.size(), 3u) << dump(r.problems);
    EXPECT_EQ(r.problems[2].firmware, Firmware::mebx);
    EXPECT_EQ(r.problems[2].severity, Severity::warning);
    EXPECT_EQ(r.problems[2].where.offset, offset_of(es, 1));
}

TEST(CheckMebx, LengthLimits) {
    const Entry cases[] = {text(2, 3, std::string(257, 's')), text(2, 4, ""),
                           text(2, 11, std::string(65, 'h')), text(2, 12, std::string(257, 'd')),
                           entry(2, 8, cert(3, std::string(32, 'n')))};
    for (const auto& e : cases) {
        // A one-chunk record holds 488 bytes of entries; these fit beside the passwords.
        const auto es = with({e});
        const CheckResult r = check(file_of(es), only({Firmware::mebx}));
        SCOPED_TRACE(std::to_string(e.module) + "/" + std::to_string(e.variable));
        std::size_t mebx_errors = 0;
        for (const auto& p : r.problems) {
            if (p.firmware != Firmware::mebx) {
                EXPECT_NE(p.severity, Severity::error) << p.str();
                continue;
            }
            ++mebx_errors;
            EXPECT_EQ(p.severity, Severity::error);
            EXPECT_EQ(p.where.offset, offset_of(es, 2));
        }
        EXPECT_EQ(mebx_errors, 1u) << dump(r.problems);
    }
    // At the MEBx limits nothing aborts.
    const auto ok = with({text(2, 11, std::string(64, 'h')),
                          entry(2, 8, cert(3, std::string(31, 'n'))), u8(2, 7, 1)});
    for (const auto& p : check(file_of(ok), only({Firmware::mebx})).problems)
        EXPECT_NE(p.firmware, Firmware::mebx) << p.str();
}

struct WarningCase {
    Entry e;
    Severity severity;
};

TEST(CheckMebx, IgnoredOrDeprecatedSettings) {
    const WarningCase cases[] = {
        {entry(1, 6, Bytes(15, 1)), Severity::warning},   // power package not 16 bytes
        {u8(1, 4, 2), Severity::warning},                 // deprecated local update value
        {u8(1, 3, 0), Severity::warning},                 // AMT off: module 2 skipped
        {u8(2, 10, 4), Severity::warning},                // legacy authentication bit
        {u8(2, 24, 1), Severity::info},                   // dynamic DNS skipped
        {entry(2, 19, Bytes(20, 1)), Severity::warning},  // static IPv4 without 2/13
    };
    for (const auto& c : cases) {
        const auto es = with({c.e});
        SCOPED_TRACE(std::to_string(c.e.module) + "/" + std::to_string(c.e.variable));
        const CheckResult r = check(file_of(es), only({Firmware::mebx}));
        ASSERT_EQ(r.problems.size(), 1u) << dump(r.problems);
        EXPECT_EQ(r.problems[0].firmware, Firmware::mebx);
        EXPECT_EQ(r.problems[0].severity, c.severity);
        EXPECT_EQ(r.problems[0].where.record, 1u);
        EXPECT_EQ(r.problems[0].where.offset, offset_of(es, 2));
        EXPECT_TRUE(r.mebx->usable);
    }
    const auto with_dhcp = with({u8(2, 13, 1), entry(2, 19, Bytes(20, 1))});
    EXPECT_TRUE(check(file_of(with_dhcp)).problems.empty());
}

TEST(Check, RecordsAreNumberedAndLocatedInLaterRecords) {
    const std::vector<Entry> second = with({u8(2, 29, 1)});
    SetupBin f = build(BuildOptions{FormatVersion::v4_0, false, false}, {base(), second});
    const CheckResult r = check(serialize(f), only({Firmware::mebx}));
    expect_only(r, {Firmware::mebx, Severity::error, 2, "entry 2/29 Manual Setup and Configuration",
                    offset_of(second, 2, 0x400)});
    EXPECT_TRUE(r.mebx->usable);  // the next PC takes record 1
}

}  // namespace
}  // namespace ukpu::setupbin

namespace ukpu::setupbin {
namespace {

TEST(IntendedGenerations, APskKeyIsForLegacyAndUefiOnly) {
    const Bytes psk = file_of(with({text(2, 1, "ABCD1234"), text(2, 2, std::string(32, 'Q'))}),
                              FormatVersion::v2_1);
    const Audience a = intended_generations(std::span<const std::uint8_t>(psk));
    EXPECT_EQ(a.generations, (std::set<Firmware>{Firmware::legacy, Firmware::uefi}));
    ASSERT_EQ(a.left_out.size(), 1u);
    EXPECT_EQ(a.left_out[0].first, Firmware::mebx);
    EXPECT_NE(a.left_out[0].second.find("PID/PPS"), std::string::npos);
}

TEST(IntendedGenerations, AManualSetupKeyIsForOlderAmt) {
    const Bytes acu = read_corpus("acu-12.1-default.bin");
    const Audience a = intended_generations(std::span<const std::uint8_t>(acu));
    EXPECT_EQ(a.generations, (std::set<Firmware>{Firmware::legacy, Firmware::uefi}));
    ASSERT_EQ(a.left_out.size(), 1u);
    EXPECT_NE(a.left_out[0].second.find("2/29"), std::string::npos);
}

TEST(IntendedGenerations, APkiKeyOrAnUnreadableFileIsForEveryGeneration) {
    const Bytes pki = read_corpus("v4-pki-amt-test-ca.bin");
    EXPECT_EQ(intended_generations(std::span<const std::uint8_t>(pki)).generations.size(), 3u);
    const Bytes junk(100, 0x42);
    const Audience a = intended_generations(std::span<const std::uint8_t>(junk));
    EXPECT_EQ(a.generations.size(), 3u);
    EXPECT_TRUE(a.left_out.empty());
}

}  // namespace
}  // namespace ukpu::setupbin

// --- names DNS does not allow, static IPv4 with DHCP enabled ---

namespace ukpu::setupbin::check_input {
namespace {

struct BadName {
    Entry e;
    std::string field;
    std::string problem;  // a part of the message
};

TEST(CheckFormat, NamesDnsDoesNotAllowAreWarnedAbout) {
    const BadName cases[] = {
        {text(2, 3, "contoso..com"), "entry 2/3 PKI DNS Suffix", "has an empty label"},
        {text(2, 4, "not a fqdn!!"), "entry 2/4 Configuration Server FQDN",
         "' ' is not allowed in a DNS name"},
        {text(2, 11, "pc_01"), "entry 2/11 Hostname", "'pc_01': '_' is not allowed in a host name"},
        {text(2, 11, "pc.example.com"), "entry 2/11 Hostname", "'.' is not allowed"},
        {text(2, 12, "example.com."), "entry 2/12 Domain Name", "ends with a dot"},
        {text(2, 12, "-corp.example.com"), "entry 2/12 Domain Name", "starts with a hyphen"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.field);
        const auto es = with({c.e});
        const CheckResult r = check(file_of(es), all);
        expect_only(r, {Firmware::format, Severity::warning, 1, c.field, offset_of(es, 2)});
        if (r.problems.empty()) continue;
        EXPECT_EQ(r.problems[0].code, ErrorCode::bad_value);
        EXPECT_NE(r.problems[0].message.find(c.problem), std::string::npos)
            << r.problems[0].message;
        // The firmware checks only the length: the record is still applied.
        EXPECT_TRUE(r.ok());
        EXPECT_TRUE(r.mebx->usable);
    }
}

TEST(CheckFormat, ValidNamesGiveNothing) {
    const auto es = with({text(2, 3, "amt.example.com"), text(2, 4, "prov-01.example.com"),
                          text(2, 11, "pc-01"), text(2, 12, "corp.example.com")});
    const CheckResult r = check(file_of(es), all);
    EXPECT_TRUE(r.problems.empty()) << dump(r.problems);
    // An empty hostname is left to the length rules (the MEBx takes 0 to 64 bytes).
    EXPECT_TRUE(check(file_of(with({text(2, 11, "")})), only({Firmware::mebx})).problems.empty());
}

TEST(CheckFormat, StaticIpv4WithDhcpEnabledIsWarnedAbout) {
    const auto es = with({u8(2, 13, 2), entry(2, 19, Bytes(20, 1))});
    const CheckResult r = check(file_of(es), all);
    expect_only(r, {Firmware::format, Severity::warning, 1, "entry 2/19 Static IPv4 Parameters",
                    offset_of(es, 3)});
    if (!r.problems.empty()) {
        const std::string& m = r.problems[0].message;
        EXPECT_NE(m.find("2/13"), std::string::npos) << m;
        EXPECT_NE(m.find("2/19"), std::string::npos) << m;
        EXPECT_NE(m.find("DHCP"), std::string::npos) << m;
    }
    EXPECT_TRUE(r.ok());
    // Static (2/13 = 1), or DHCP without static values: nothing.
    EXPECT_TRUE(
        check(file_of(with({u8(2, 13, 1), entry(2, 19, Bytes(20, 1))})), all).problems.empty());
    EXPECT_TRUE(check(file_of(with({u8(2, 13, 2)})), all).problems.empty());
}

}  // namespace
}  // namespace ukpu::setupbin::check_input
