// Every file of tests/data/malformed/MANIFEST.tsv is malformed input: `show` and `check` exit 3
// naming the field and offset; bytes that are no setup.bin at all are said in one line.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/json.hpp"
#include "support/run_ukpu.hpp"

namespace ukpu::test {
namespace {

struct ManifestRow {
    std::string file, code, field, offset_hex;
};

std::vector<ManifestRow> read_manifest(const std::string& path) {
    std::vector<ManifestRow> rows;
    std::ifstream in(path);
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
        if (header) {
            header = false;
            continue;
        }
        if (line.empty() || line[0] == '#') continue;
        std::stringstream s(line);
        ManifestRow r;
        std::getline(s, r.file, '\t');
        std::getline(s, r.code, '\t');
        std::getline(s, r.field, '\t');
        std::getline(s, r.offset_hex, '\t');
        rows.push_back(r);
    }
    return rows;
}

const std::string manifest = std::string(UKPU_TEST_DATA_DIR) + "/malformed/MANIFEST.tsv";

TEST(Malformed, EveryFileIsBadInputForShowAndForCheck) {
    if (!std::filesystem::exists(manifest)) GTEST_SKIP() << "no " << manifest;
    auto rows = read_manifest(manifest);
    ASSERT_FALSE(rows.empty());
    for (const auto& row : rows) {
        SCOPED_TRACE(row.file);
        std::string path = std::string(UKPU_TEST_DATA_DIR) + "/malformed/" + row.file;
        RunResult show = run_ukpu({"setupbin", "show", path});
        EXPECT_EQ(show.exit_code, 3) << show.err;
        EXPECT_NE(show.err.find("ukpu: error: "), std::string::npos) << show.err;
        EXPECT_NE(show.err.find(row.field), std::string::npos) << show.err;
        EXPECT_NE(show.err.find("offset " + row.offset_hex), std::string::npos) << show.err;

        RunResult json = run_ukpu({"setupbin", "show", path, "--json"});
        EXPECT_EQ(json.exit_code, 3);
        Json j;
        ASSERT_NO_THROW(j = parse_json(json.out)) << json.out;
        EXPECT_TRUE(j.contains("error"));
        bool named = false;
        for (const auto& p : j.at("problems"))
            if (p.at("code").get<std::string>() == row.code &&
                p.at("where").get<std::string>().find(row.field) != std::string::npos)
                named = true;
        EXPECT_TRUE(named) << json.out;

        RunResult check = run_ukpu({"setupbin", "check", path});
        EXPECT_EQ(check.exit_code, 3) << check.out << check.err;
        EXPECT_NE(check.err.find("ukpu: error: " + path), std::string::npos) << check.err;
        EXPECT_NE(check.err.find(row.field), std::string::npos) << check.err;
        if (row.code == "truncated" && row.field == "file header") {
            // No header decoded from bytes that are none: one line.
            EXPECT_TRUE(show.out.empty()) << show.out;
            EXPECT_EQ(std::count(show.err.begin(), show.err.end(), '\n'), 1) << show.err;
            EXPECT_NE(show.err.find("truncated"), std::string::npos) << show.err;
        }
    }
}

}  // namespace
}  // namespace ukpu::test
