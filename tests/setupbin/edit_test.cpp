// Editing a setup.bin (setupbin::apply_edits): each kind of edit on the real corpus files and on
// built files, the entries and fields not edited keeping their bytes, an edit of a canonical
// file giving the file `build` makes with the edit, and round trips (an edit undone gives the
// original bytes back).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "ukpu/setupbin/catalog.hpp"
#include "ukpu/setupbin/consume.hpp"
#include "ukpu/setupbin/edit.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/values.hpp"
#include "ukpu/setupbin/write.hpp"

namespace ukpu::test::edit_test {
namespace {

namespace sb = ukpu::setupbin;
using sb::test_support::entry;
using sb::test_support::read_corpus;
using sb::test_support::text;
using Bytes = std::vector<std::uint8_t>;

const char* const corpus_files[] = {"acu-12.1-default.bin", "acu-12.1-edited-meshcommander.bin",
                                    "v4-pki-amt-test-ca.bin"};

const Bytes power_package = {0x73, 0x22, 0x73, 0x46, 0x23, 0xdc, 0x43, 0x2f,
                             0xa9, 0x8a, 0x13, 0xd3, 0x79, 0x82, 0xd8, 0x55};

// The entries of the corpus files, as corpus_test.cpp decodes them.
std::vector<sb::Entry> acu_entries() {
    return {entry(1, 1, text("admin")), entry(1, 2, text("HeyH0Password!")),
            entry(1, 6, power_package), entry(2, 13, {0x02}),
            entry(2, 23, {0x01}),       entry(2, 25, {0x01}),
            entry(2, 26, {0x00}),       entry(2, 27, {0x01}),
            entry(2, 29, {0x01})};
}

sb::CertHash corpus_cert() {
    sb::CertHash c;
    c.algorithm = sb::HashAlgorithm::sha256;
    c.hash = sb::from_hex("e835ac6d905036d519211743b8fab8907395ca4d75428bd9f84f2e107c65c11e");
    c.name = "AMT Test CA";
    return c;
}

std::vector<sb::Entry> pki_entries() {
    return {entry(1, 1, text("admin")), entry(1, 2, text("P@ssw0rd")),
            entry(1, 3, {0x01}),        entry(2, 3, text("amt-provisioning.test.com")),
            entry(2, 5, {0x01}),        entry(2, 8, sb::encode_cert_hash(corpus_cert()))};
}

const sb::BuildOptions acu_options{sb::FormatVersion::v4_0, true, true};
const sb::BuildOptions pki_options{sb::FormatVersion::v4_0, true, false};

Bytes built(const sb::BuildOptions& o, const std::vector<sb::Entry>& entries,
            std::size_t records = 1) {
    return sb::serialize(sb::build(o, std::vector<std::vector<sb::Entry>>(records, entries)));
}

sb::EditResult edit_bytes(const Bytes& data, const sb::EditPlan& plan) {
    return sb::apply_edits(sb::parse(data), plan);
}

Bytes edited(const Bytes& data, const sb::EditPlan& plan) {
    return sb::serialize(edit_bytes(data, plan).file);
}

sb::EditPlan plan_of(std::vector<sb::EntryEdit> entries) {
    sb::EditPlan p;
    p.entries = std::move(entries);
    return p;
}

std::vector<std::size_t> differing_offsets(const Bytes& a, const Bytes& b) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        if (a[i] != b[i]) out.push_back(i);
    return out;
}

// The entries of record `r` without those of M:V.
std::vector<sb::Entry> without(const sb::SetupBin& f, std::size_t r, std::uint16_t m,
                               std::uint16_t v) {
    std::vector<sb::Entry> out;
    for (const auto& e : f.records.at(r).entries)
        if (e.module != m || e.variable != v) out.push_back(e);
    return out;
}

// A catalog variable's value that its type takes, for the round trips.
Bytes sample_value(const sb::VariableInfo& info) {
    switch (info.type) {
        case sb::ValueType::string:
            return Bytes(std::max<std::size_t>(info.min_length, 4), 'A');
        case sb::ValueType::u8:
            return {0x01};
        case sb::ValueType::u16:
            return {0x01, 0x00};
        case sb::ValueType::u32:
            return {0x01, 0x00, 0x00, 0x00};
        case sb::ValueType::guid:
            return power_package;
        case sb::ValueType::ip_address:
            return {10, 1, 168, 192};
        case sb::ValueType::static_ipv4:
            return Bytes(20, 1);
        case sb::ValueType::ipv6:
            return Bytes(84, 0);
        case sb::ValueType::cert_hash: {
            sb::CertHash c = corpus_cert();
            c.hash.assign(32, 0x42);
            c.name = "Other CA";
            return sb::encode_cert_hash(c);
        }
        case sb::ValueType::binary:
            return {0x00, 0x01};
    }
    return {};
}

TEST(EditTest, AnEmptyPlanWritesEveryCorpusFileBackByteForByte) {
    for (const char* name : corpus_files) {
        SCOPED_TRACE(name);
        const Bytes data = read_corpus(name);
        const sb::EditResult r = edit_bytes(data, {});
        EXPECT_TRUE(r.changes.empty());
        EXPECT_EQ(sb::serialize(r.file), data);
    }
}

TEST(EditTest, SetReplacesTheValueWhereItStands) {
    const Bytes data = read_corpus("acu-12.1-default.bin");
    const sb::EditResult r = edit_bytes(data, plan_of({sb::set_entry(2, 13, {0x01})}));
    ASSERT_EQ(r.changes.size(), 1u);
    const sb::Change& c = r.changes[0];
    EXPECT_TRUE(c.is_entry());
    EXPECT_EQ(c.record, 1u);
    EXPECT_EQ(c.module, 2);
    EXPECT_EQ(c.variable, 13);
    EXPECT_EQ(c.before, Bytes{0x02});
    EXPECT_EQ(c.after, Bytes{0x01});
    const Bytes out = sb::serialize(r.file);
    // One byte differs: the value of 2/13 at 0x260 (section 11.3), scrambled (+0x11).
    EXPECT_EQ(differing_offsets(out, data), std::vector<std::size_t>{0x260});
    EXPECT_EQ(out[0x260], 0x01 + 0x11);
    EXPECT_EQ(out, built(acu_options, [] {
                  auto e = acu_entries();
                  e[3].value = {0x01};
                  return e;
              }()));
}

TEST(EditTest, SetToTheSameValueChangesNothing) {
    const Bytes data = read_corpus("v4-pki-amt-test-ca.bin");
    const sb::EditResult r =
        edit_bytes(data, plan_of({sb::set_entry(1, 1, text("admin")),
                                  sb::set_entry(2, 3, text("amt-provisioning.test.com"))}));
    EXPECT_TRUE(r.changes.empty());
    EXPECT_EQ(sb::serialize(r.file), data);
}

TEST(EditTest, SetAddsTheEntryWhereBuildPutsIt) {
    const Bytes data = read_corpus("v4-pki-amt-test-ca.bin");
    const Bytes out = edited(
        data, plan_of({sb::set_entry(2, 11, text("host-a")), sb::set_entry(1, 6, power_package)}));
    auto want = pki_entries();
    want.push_back(entry(2, 11, text("host-a")));
    want.push_back(entry(1, 6, power_package));
    EXPECT_EQ(out, built(pki_options, want));
    // Everything before the first insertion (1/6 after 1/3, at 0x244) keeps its bytes.
    const auto diff = differing_offsets(out, data);
    ASSERT_FALSE(diff.empty());
    EXPECT_EQ(diff.front(), 0x244u);
}

TEST(EditTest, SetKeepsOneEntryOfAVariableGivenTwice) {
    sb::SetupBin f = sb::parse(built(pki_options, pki_entries()));
    f.records[0].entries.push_back(entry(2, 3, text("second.example.com")));
    const sb::EditResult r =
        sb::apply_edits(f, plan_of({sb::set_entry(2, 3, text("new.example.com"))}));
    EXPECT_EQ(r.file.records[0].entries[3].value, text("new.example.com"));
    EXPECT_EQ(without(r.file, 0, 2, 3).size(), 5u);
    EXPECT_EQ(r.file.records[0].entries.size(), 6u);
    ASSERT_EQ(r.changes.size(), 2u);
    EXPECT_FALSE(r.changes[1].after.has_value());  // the second 2/3 removed
}

TEST(EditTest, UnsetRemovesTheEntryAndKeepsTheOthers) {
    const Bytes data = read_corpus("acu-12.1-default.bin");
    const sb::EditResult r = edit_bytes(data, plan_of({sb::unset_entry(2, 23)}));
    ASSERT_EQ(r.changes.size(), 1u);
    EXPECT_FALSE(r.changes[0].after.has_value());
    EXPECT_EQ(r.changes[0].before, Bytes{0x01});
    EXPECT_TRUE(r.unmatched.empty());
    auto want = acu_entries();
    want.erase(want.begin() + 4);
    EXPECT_EQ(sb::serialize(r.file), built(acu_options, want));
    EXPECT_EQ(r.file.records[0].entries, want);
}

TEST(EditTest, UnsetOfAnAbsentVariableIsUnmatchedAndChangesNothing) {
    const Bytes data = read_corpus("acu-12.1-default.bin");
    const sb::EditResult r = edit_bytes(data, plan_of({sb::unset_entry(2, 11)}));
    EXPECT_TRUE(r.changes.empty());
    ASSERT_EQ(r.unmatched.size(), 1u);
    EXPECT_EQ(r.unmatched[0].variable, 11);
    EXPECT_EQ(sb::serialize(r.file), data);
}

TEST(EditTest, CertHashIsAddedAfterTheOthersOrRenamedWhenItIsThere) {
    const Bytes data = read_corpus("v4-pki-amt-test-ca.bin");
    sb::CertHash other = corpus_cert();
    other.hash.assign(32, 0x42);
    other.name = "Other CA";
    const Bytes added = edited(data, plan_of({sb::set_entry(2, 8, sb::encode_cert_hash(other))}));
    auto want = pki_entries();
    want.push_back(entry(2, 8, sb::encode_cert_hash(other)));
    EXPECT_EQ(added, built(pki_options, want));

    // The same hash again, another name: its entry takes the name, no second entry.
    sb::CertHash renamed = corpus_cert();
    renamed.name = "Test AMT CA";
    const sb::EditResult r =
        edit_bytes(data, plan_of({sb::set_entry(2, 8, sb::encode_cert_hash(renamed))}));
    EXPECT_EQ(r.changes.size(), 1u);
    want = pki_entries();
    want.back().value = sb::encode_cert_hash(renamed);
    EXPECT_EQ(sb::serialize(r.file), built(pki_options, want));
}

TEST(EditTest, CertHashIsRemovedByHashOrName) {
    const Bytes data = read_corpus("v4-pki-amt-test-ca.bin");
    auto want = pki_entries();
    want.pop_back();
    const Bytes removed_want = built(pki_options, want);
    for (const std::string& match :
         {std::string("AMT Test CA"), sb::to_hex(corpus_cert().hash),
          std::string("E8:35:AC:6D:90:50:36:D5:19:21:17:43:B8:FA:B8:90:73:95:CA:4D:75:42:8B:D9:F8:"
                      "4F:2E:10:7C:65:C1:1E")}) {
        SCOPED_TRACE(match);
        sb::EntryEdit e;
        e.kind = sb::EntryEdit::Kind::remove_cert_hash;
        e.match = match;
        const sb::EditResult r = edit_bytes(data, plan_of({e}));
        EXPECT_TRUE(r.unmatched.empty());
        EXPECT_EQ(sb::serialize(r.file), removed_want);
    }
    sb::EntryEdit none;
    none.kind = sb::EntryEdit::Kind::remove_cert_hash;
    none.match = "No Such CA";
    const sb::EditResult r = edit_bytes(data, plan_of({none}));
    EXPECT_EQ(r.unmatched.size(), 1u);
    EXPECT_EQ(sb::serialize(r.file), data);
}

TEST(EditTest, ScrambleOnAndOff) {
    const Bytes pki = read_corpus("v4-pki-amt-test-ca.bin");
    sb::EditPlan on;
    on.scramble = true;
    const sb::EditResult r = edit_bytes(pki, on);
    ASSERT_EQ(r.changes.size(), 1u);
    EXPECT_EQ(r.changes[0].field, "RecordFlags");
    EXPECT_EQ(r.changes[0].before_text, "0x1");
    EXPECT_EQ(r.changes[0].after_text, "0x3");
    const Bytes scrambled = sb::serialize(r.file);
    EXPECT_EQ(scrambled, built({sb::FormatVersion::v4_0, true, true}, pki_entries()));

    sb::EditPlan off;
    off.scramble = false;
    EXPECT_EQ(edited(scrambled, off), pki);  // the round trip
    const Bytes acu = read_corpus("acu-12.1-default.bin");
    EXPECT_EQ(edited(acu, off), built({sb::FormatVersion::v4_0, true, false}, acu_entries()));
    EXPECT_EQ(edited(acu, on), acu);
}

TEST(EditTest, VersionChangesOnlyTheGuidAndVersionBytes) {
    const Bytes acu = read_corpus("acu-12.1-default.bin");
    for (const auto& v : sb::all_versions()) {
        SCOPED_TRACE(std::string(v.name));
        sb::EditPlan p;
        p.version = v.version;
        const Bytes out = edited(acu, p);
        EXPECT_EQ(out, built({v.version, true, true}, acu_entries()));
        for (const std::size_t off : differing_offsets(out, acu))
            EXPECT_TRUE(off < 0x10 || off == 0x18 || off == 0x19) << off;
    }
}

TEST(EditTest, ReusableOnAndOffIsFileFlagsBit0) {
    const Bytes pki = read_corpus("v4-pki-amt-test-ca.bin");
    sb::EditPlan off;
    off.reusable = false;
    const sb::EditResult r = edit_bytes(pki, off);
    ASSERT_EQ(r.changes.size(), 1u);
    EXPECT_EQ(r.changes[0].field, "FileFlags");
    EXPECT_FALSE(r.changes[0].record.has_value());
    const Bytes consumable = sb::serialize(r.file);
    EXPECT_EQ(differing_offsets(consumable, pki), std::vector<std::size_t>{0x1a});
    EXPECT_EQ(consumable,
              built(sb::BuildOptions{sb::FormatVersion::v4_0, false, false}, pki_entries()));
    sb::EditPlan on;
    on.reusable = true;
    EXPECT_EQ(edited(consumable, on), pki);
}

TEST(EditTest, ResetConsumedRevivesRecordsThatKeptTheirSettings) {
    // Three consumable records; a tool marked the first two used without zeroing them.
    const Bytes fresh = built({sb::FormatVersion::v2_1, false, true}, pki_entries(), 3);
    sb::SetupBin used = sb::parse(fresh);
    used.header.records_consumed = 2;
    used.records[0].flags &= ~0x1u;
    used.records[1].flags &= ~0x1u;
    sb::EditPlan p;
    p.reset_consumed = true;
    const sb::EditResult r = sb::apply_edits(used, p);
    EXPECT_EQ(sb::serialize(r.file), fresh);
    ASSERT_EQ(r.changes.size(), 3u);
    EXPECT_EQ(r.changes[0].field, "DataRecordsConsumed");
    EXPECT_EQ(r.changes[0].before_text, "2");
    EXPECT_EQ(r.changes[1].record, 1u);
    EXPECT_EQ(r.changes[2].record, 2u);
    // Nothing to reset: no change.
    EXPECT_TRUE(edit_bytes(fresh, p).changes.empty());
}

TEST(EditTest, ResetConsumedRefusesRecordsTheBiosZeroed) {
    Bytes data = built({sb::FormatVersion::v2_1, false, false}, pki_entries(), 2);
    sb::consume_next(data);
    sb::EditPlan p;
    p.reset_consumed = true;
    try {
        (void)edit_bytes(data, p);
        FAIL() << "reset of a zeroed record accepted";
    } catch (const sb::Error& e) {
        EXPECT_EQ(e.code(), sb::ErrorCode::bad_argument);
        EXPECT_EQ(e.where().record, 1u);
        EXPECT_NE(e.message().find("zeroed"), std::string::npos) << e.message();
    }
}

TEST(EditTest, ConsumedRecordsAreLeftAsTheyAre) {
    Bytes data = built({sb::FormatVersion::v2_1, false, false}, pki_entries(), 3);
    sb::consume_next(data);
    const Bytes out = edited(data, plan_of({sb::set_entry(2, 11, text("host-a"))}));
    ASSERT_EQ(out.size(), data.size());
    // Header and record 1 (consumed) as they were.
    EXPECT_TRUE(std::equal(out.begin(), out.begin() + 1024, data.begin()));
    const sb::SetupBin f = sb::parse(out);
    EXPECT_TRUE(f.records[0].consumed);
    for (std::size_t r : {1u, 2u}) {
        EXPECT_EQ(f.records[r].entries.size(), pki_entries().size() + 1);
        EXPECT_EQ(without(f, r, 2, 11), pki_entries());
    }
}

TEST(EditTest, OnlyTheNamedRecordsAreEdited) {
    const Bytes data = built({sb::FormatVersion::v2_1, false, false}, pki_entries(), 3);
    sb::EditPlan p = plan_of({sb::set_entry(2, 1, text("0000037M"))});
    p.records = {2};
    p.scramble = true;
    const Bytes out = edited(data, p);
    ASSERT_EQ(out.size(), data.size());
    EXPECT_TRUE(std::equal(out.begin(), out.begin() + 1024, data.begin()));
    EXPECT_TRUE(std::equal(out.begin() + 1536, out.end(), data.begin() + 1536));
    const sb::SetupBin f = sb::parse(out);
    EXPECT_TRUE(f.records[1].scrambled());
    EXPECT_FALSE(f.records[0].scrambled());
    EXPECT_EQ(without(f, 1, 2, 1), pki_entries());

    // A PID set in every record would give the whole batch one PID.
    EXPECT_THROW((void)edit_bytes(data, plan_of({sb::set_entry(2, 1, text("0000037M"))})),
                 sb::Error);
    sb::EditPlan missing;
    missing.records = {4};
    EXPECT_THROW((void)edit_bytes(data, missing), sb::Error);
}

TEST(EditTest, RecordEditsNeedARecordThatIsNotConsumed) {
    Bytes data = built({sb::FormatVersion::v2_1, false, false}, pki_entries(), 1);
    sb::consume_next(data);
    try {
        (void)edit_bytes(data, plan_of({sb::set_entry(2, 11, text("host-a"))}));
        FAIL() << "an edit of a file with every record consumed was accepted";
    } catch (const sb::Error& e) {
        EXPECT_EQ(e.code(), sb::ErrorCode::bad_argument);
        EXPECT_NE(e.message().find("consumed"), std::string::npos) << e.message();
    }
    sb::EditPlan named;
    named.records = {1};
    EXPECT_THROW((void)edit_bytes(data, named), sb::Error);
    // A file-level edit still goes.
    sb::EditPlan version;
    version.version = sb::FormatVersion::v3_0;
    EXPECT_EQ(edit_bytes(data, version).changes.size(), 1u);
}

TEST(EditTest, TheModuleListFollowsOnlyAChangeOfTheModulesUsed) {
    // Module 1 only, then a module-2 entry: the list and the header byte count follow.
    const Bytes one = built(pki_options, {entry(1, 1, text("admin"))});
    const sb::EditResult r = edit_bytes(one, plan_of({sb::set_entry(2, 11, text("host-a"))}));
    EXPECT_EQ(r.file.header.modules, (std::vector<std::uint16_t>{1, 2}));
    EXPECT_EQ(r.file.header.header_byte_count, 46);
    EXPECT_EQ(r.changes.front().field, "ModuleList");
    EXPECT_EQ(r.changes.front().before_text, "1");
    EXPECT_EQ(r.changes.front().after_text, "1, 2");
    EXPECT_EQ(sb::serialize(r.file),
              built(pki_options, {entry(1, 1, text("admin")), entry(2, 11, text("host-a"))}));
    // And back.
    EXPECT_EQ(sb::serialize(sb::apply_edits(r.file, plan_of({sb::unset_entry(2, 11)})).file), one);

    // MeshCommander's empty list stays empty when the modules used stay the same.
    const Bytes mesh = read_corpus("acu-12.1-edited-meshcommander.bin");
    const Bytes out = edited(mesh, plan_of({sb::set_entry(2, 13, {0x01})}));
    EXPECT_EQ(differing_offsets(out, mesh).size(), 1u);
    EXPECT_TRUE(sb::parse(out).header.modules.empty());
}

// Setting a variable a file does not hold and unsetting it again gives the file back, for every
// catalog variable on every corpus file; setting one it holds to its own value changes nothing.
TEST(EditTest, SetThenUnsetIsTheIdentity) {
    for (const char* name : corpus_files) {
        const Bytes data = read_corpus(name);
        const sb::SetupBin f = sb::parse(data);
        for (const auto& info : sb::catalog()) {
            SCOPED_TRACE(std::string(name) + " " + std::string(info.key));
            const auto& entries = f.records[0].entries;
            const auto held = std::find_if(entries.begin(), entries.end(), [&](const sb::Entry& e) {
                return e.module == info.module && e.variable == info.variable;
            });
            if (held != entries.end()) {
                if (info.type == sb::ValueType::cert_hash) continue;
                EXPECT_EQ(
                    edited(data, plan_of({sb::set_entry(info.module, info.variable, held->value)})),
                    data);
                continue;
            }
            const sb::EditResult set = edit_bytes(
                data, plan_of({sb::set_entry(info.module, info.variable, sample_value(info))}));
            ASSERT_EQ(set.changes.size(), 1u);
            const Bytes with = sb::serialize(set.file);
            EXPECT_NE(with, data);
            // The entries not edited keep their values and order.
            EXPECT_EQ(without(set.file, 0, info.module, info.variable), entries);
            EXPECT_EQ(edited(with, plan_of({sb::unset_entry(info.module, info.variable)})), data);
        }
    }
}

TEST(EditTest, EntriesThatOverflowTheRecordAreRefusedByTheWriter) {
    const Bytes data = read_corpus("v4-pki-amt-test-ca.bin");
    std::vector<sb::EntryEdit> many;
    for (std::uint16_t v = 100; v < 110; ++v) many.push_back(sb::set_entry(2, v, Bytes(60, 1)));
    const sb::EditResult r = edit_bytes(data, plan_of(many));
    EXPECT_THROW((void)sb::serialize(r.file), sb::Error);
}

TEST(EditTest, VariableRefs) {
    EXPECT_EQ(sb::parse_variable_ref("2:11").module, 2);
    EXPECT_EQ(sb::parse_variable_ref("2:11").variable, 11);
    EXPECT_EQ(sb::parse_variable_ref("1/2").variable, 2);
    EXPECT_EQ(sb::parse_variable_ref("hostname").variable, 11);
    EXPECT_EQ(sb::parse_variable_ref("new-password").module, 1);
    for (const char* bad : {"0:1", "2:0", "2:", ":3", "x:1", "2:70000", "no-such-name", ""}) {
        SCOPED_TRACE(bad);
        try {
            (void)sb::parse_variable_ref(bad);
            ADD_FAILURE() << "accepted";
        } catch (const sb::Error& e) {
            EXPECT_EQ(e.code(), sb::ErrorCode::bad_argument);
        }
    }
}

}  // namespace
}  // namespace ukpu::test::edit_test
