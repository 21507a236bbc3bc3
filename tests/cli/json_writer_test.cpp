// The JSON writer of the command line: escaping and key order.
#include <gtest/gtest.h>

#include "render/json.hpp"
#include "support/json.hpp"

namespace ukpu::cli {
namespace {

TEST(JsonWriter, EscapesControlQuotesAndInvalidUtf8) {
    EXPECT_EQ(json_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(json_quote("x\ny\t\x01"), "\"x\\ny\\t\\u0001\"");
    EXPECT_EQ(json_quote("\xc3\xa9"), "\"\xc3\xa9\"");  // valid UTF-8 kept
    EXPECT_EQ(json_quote("\xff"), "\"\\u00ff\"");       // a lone byte escaped
    EXPECT_EQ(json_quote("\xc3"), "\"\\u00c3\"");       // truncated sequence escaped
}

TEST(JsonWriter, KeepsKeyOrderAndReplacesInPlace) {
    Json j = Json::object();
    j.set("z", 1);
    j.set("a", Json());
    j.set("m", Json::array());
    j.set("z", "again");
    auto parsed = test::parse_json(j.dump());
    EXPECT_EQ(test::member_names(parsed), (std::vector<std::string>{"z", "a", "m"}));
    EXPECT_EQ(parsed.at("z"), "again");
    EXPECT_TRUE(parsed.at("a").is_null());
    EXPECT_EQ(parsed.at("m").size(), 0u);
}

TEST(JsonWriter, LargeUnsignedNumbers) {
    Json j = Json::array();
    j.push(std::uint64_t{18446744073709551615ull});
    j.push(std::uint32_t{4294967295u});
    j.push(false);
    EXPECT_EQ(j.dump(), "[\n  18446744073709551615,\n  4294967295,\n  false\n]");
}

}  // namespace
}  // namespace ukpu::cli
