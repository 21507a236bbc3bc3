// Grouping repeated findings: one line per kind with its records as ranges, the file-level ones
// kept apart, every record kept for --verbose and --json.
#include <gtest/gtest.h>

#include "ukpu/setupbin/problem.hpp"

namespace ukpu::setupbin::problem_group {
namespace {

Problem at(std::uint32_t record, const std::string& field, const std::string& message,
           Firmware fw = Firmware::mebx) {
    Problem p;
    p.firmware = fw;
    p.severity = Severity::error;
    p.code = ErrorCode::rule;
    p.where = Location{.offset = 0x200u * record, .field = field, .record = record};
    p.message = message;
    return p;
}

TEST(ProblemGroups, TheSameFindingOnManyRecordsIsOneLine) {
    Problems ps;
    for (std::uint32_t r = 1; r <= 500; ++r) {
        ps.push_back(at(r, "2/1 Provisioning ID", "PSK was removed"));
        ps.push_back(at(r, "2/2 Provisioning Passphrase", "PSK was removed"));
    }
    ps.push_back(at(7, "2/1 Provisioning ID", "PSK was removed", Firmware::legacy));
    const auto groups = group_problems(ps);
    ASSERT_EQ(groups.size(), 3u);
    EXPECT_EQ(groups[0].count, 500u);
    EXPECT_EQ(groups[0].records.size(), 500u);
    EXPECT_EQ(groups[0].str(),
              "error [mebx] records 1-500 (500), 2/1 Provisioning ID: PSK was removed");
    EXPECT_EQ(groups[1].first.where.field, "2/2 Provisioning Passphrase");
    // One record: read as the problem itself, offset and all.
    EXPECT_EQ(groups[2].str(), ps.back().str());
}

TEST(ProblemGroups, RecordsAsRangesTheFirstFewUnlessAll) {
    EXPECT_EQ(record_ranges({1, 2, 3, 7, 9, 10, 12, 14, 20}, 4), "1-3, 7, 9-10, 12, ...");
    EXPECT_EQ(record_ranges({1, 2, 3, 7, 9, 10, 12, 14, 20}), "1-3, 7, 9-10, 12, 14, 20");
    EXPECT_EQ(record_ranges({}), "");
    Problems ps;
    for (std::uint32_t r : {2u, 4u, 6u, 8u, 10u, 12u}) ps.push_back(at(r, "1/1 X", "m"));
    const auto g = group_problems(ps);
    ASSERT_EQ(g.size(), 1u);
    EXPECT_EQ(g[0].str(), "error [mebx] records 2, 4, 6, 8, ... (6), 1/1 X: m");
    EXPECT_EQ(g[0].str(true), "error [mebx] records 2, 4, 6, 8, 10, 12 (6), 1/1 X: m");
}

TEST(ProblemGroups, FileLevelFindingsStayApart) {
    Problem a;
    a.message = "the file is truncated";
    Problems ps{a, a, at(1, "1/1 X", "m")};
    const auto g = group_problems(ps);
    ASSERT_EQ(g.size(), 3u);
    EXPECT_EQ(g[0].count, 1u);
    EXPECT_EQ(g[0].str(), a.str());
}

}  // namespace
}  // namespace ukpu::setupbin::problem_group
