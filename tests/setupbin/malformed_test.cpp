// The malformed files of tests/data/malformed: each gives the error its MANIFEST.tsv names, with
// that field and offset, from both the lenient and the strict parser.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/files.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/parse.hpp"

namespace ukpu::setupbin {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Case {
    std::string file;
    std::string code;
    std::string field;
    std::uint64_t offset = 0;
    std::string description;
};

const std::string dir = std::string(UKPU_TEST_DATA_DIR) + "/malformed";

std::vector<Case> read_manifest() {
    std::ifstream in(dir + "/MANIFEST.tsv");
    EXPECT_TRUE(in) << "cannot open " << dir << "/MANIFEST.tsv";
    std::vector<Case> cases;
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "file\tcode\tfield\toffset_hex\tdescription");
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::vector<std::string> cols;
        std::stringstream ss(line);
        std::string col;
        while (std::getline(ss, col, '\t')) cols.push_back(col);
        EXPECT_EQ(cols.size(), 5u) << line;
        if (cols.size() != 5) continue;
        cases.push_back({cols[0], cols[1], cols[2], std::stoull(cols[3], nullptr, 16), cols[4]});
    }
    return cases;
}

Bytes read_file(const std::string& name) {
    try {
        return ukpu::test::read_bytes(dir + "/" + name);
    } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        return {};
    }
}

TEST(MalformedTest, ManifestCoversEveryKindOfFormatError) {
    const auto cases = read_manifest();
    EXPECT_GE(cases.size(), 15u);
    for (const char* code :
         {"truncated", "unknown-guid", "version-mismatch", "bad-header", "count-mismatch",
          "consumed-overflow", "bad-record", "entry-overrun"}) {
        bool seen = false;
        for (const auto& c : cases) seen = seen || c.code == code;
        EXPECT_TRUE(seen) << "no malformed file for " << code;
    }
}

TEST(MalformedTest, LenientParseReportsTheManifestError) {
    for (const auto& c : read_manifest()) {
        SCOPED_TRACE(c.file + ": " + c.description);
        const Bytes data = read_file(c.file);
        const ParseResult r = parse_lenient(data);
        EXPECT_EQ(r.file_size, data.size());
        const Problem* first_error = nullptr;
        for (const auto& p : r.problems) {
            if (p.severity == Severity::error) {
                first_error = &p;
                break;
            }
        }
        ASSERT_NE(first_error, nullptr) << "no error reported";
        EXPECT_EQ(to_string(first_error->code), c.code) << first_error->str();
        EXPECT_EQ(first_error->where.field, c.field) << first_error->str();
        ASSERT_TRUE(first_error->where.offset.has_value()) << first_error->str();
        EXPECT_EQ(*first_error->where.offset, c.offset) << first_error->str();
        EXPECT_EQ(first_error->firmware, Firmware::format);
        EXPECT_GT(first_error->message.size(), 20u);
        const bool structural = c.code == "truncated" || c.code == "bad-header" ||
                                c.code == "count-mismatch" || c.code == "bad-record" ||
                                c.code == "entry-overrun";
        if (structural) {
            EXPECT_FALSE(r.complete);
        }
    }
}

TEST(MalformedTest, StrictParseThrowsTheManifestError) {
    for (const auto& c : read_manifest()) {
        SCOPED_TRACE(c.file + ": " + c.description);
        const Bytes data = read_file(c.file);
        try {
            parse(data);
            ADD_FAILURE() << "parse accepted the file";
        } catch (const Error& e) {
            EXPECT_EQ(to_string(e.code()), c.code) << e.what();
            EXPECT_EQ(e.where().field, c.field) << e.what();
            EXPECT_EQ(e.where().offset, std::optional<std::uint64_t>(c.offset)) << e.what();
            // what() carries the location: the field name appears in it.
            EXPECT_NE(std::string(e.what()).find(c.field), std::string::npos) << e.what();
        }
    }
}

TEST(MalformedTest, RecordErrorsNameTheRecord) {
    for (const auto& c : read_manifest()) {
        if (c.code != "bad-record" && c.code != "entry-overrun") continue;
        SCOPED_TRACE(c.file);
        const ParseResult r = parse_lenient(read_file(c.file));
        ASSERT_FALSE(r.problems.empty());
        bool found = false;
        for (const auto& p : r.problems)
            if (p.severity == Severity::error) found = found || p.where.record == 1u;
        EXPECT_TRUE(found);
    }
}

}  // namespace
}  // namespace ukpu::setupbin
