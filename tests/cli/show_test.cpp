// `ukpu setupbin show` on the real corpus. Expected values are the fields decoded by hand from
// the files' bytes (the ACU file: v4.0, reusable, one scrambled record; the PKI file: v4.0, one
// unscrambled record).
#include <gtest/gtest.h>

#include <string>

#include "support/json.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::test {
namespace {

struct ExpectedEntry {
    int module, variable, length;
};

Json show_json(const std::string& file, bool secrets = false) {
    std::vector<std::string> args{"setupbin", "show", corpus(file), "--json"};
    if (secrets) args.push_back("--show-secrets");
    RunResult r = run_ukpu(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return parse_json(r.out);
}

void expect_entries(const Json& record, const std::vector<ExpectedEntry>& expected) {
    const Json& entries = record.at("entries");
    ASSERT_EQ(entries.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(entries.at(i).at("module"), expected[i].module) << "entry " << i;
        EXPECT_EQ(entries.at(i).at("variable"), expected[i].variable) << "entry " << i;
        EXPECT_EQ(entries.at(i).at("length"), expected[i].length) << "entry " << i;
    }
}

TEST(Show, AcuDefaultHeaderAndRecordFromSpec11_3) {
    Json j = show_json("acu-12.1-default.bin");
    EXPECT_EQ(j.at("version"), "4.0");
    EXPECT_EQ(j.at("guid"), "5234A9AA-29E1-44A9-8D4D-081C07B96353");
    EXPECT_EQ(j.at("flags"), 1);
    EXPECT_TRUE(j.at("reusable").get<bool>());
    EXPECT_EQ(j.at("record_count"), 1);
    EXPECT_EQ(j.at("records_consumed"), 0);
    EXPECT_EQ(j.at("header").at("header_byte_count"), 46);
    EXPECT_EQ(j.at("header").at("chunk_count"), 1);
    EXPECT_EQ(j.at("header").at("record_chunk_count"), 1);
    ASSERT_EQ(j.at("header").at("modules").size(), 2u);
    EXPECT_EQ(j.at("header").at("modules").at(0), 1);
    EXPECT_EQ(j.at("header").at("modules").at(1), 2);
    ASSERT_EQ(j.at("records").size(), 1u);
    const Json& r = j.at("records").at(0);
    EXPECT_EQ(r.at("number"), 1);
    EXPECT_EQ(r.at("type"), 1);
    EXPECT_TRUE(r.at("valid").get<bool>());
    EXPECT_TRUE(r.at("scrambled").get<bool>());
    EXPECT_FALSE(r.at("consumed").get<bool>());
    expect_entries(r, {{1, 1, 5},
                       {1, 2, 14},
                       {1, 6, 16},
                       {2, 13, 1},
                       {2, 23, 1},
                       {2, 25, 1},
                       {2, 26, 1},
                       {2, 27, 1},
                       {2, 29, 1}});
    const Json& e = r.at("entries");
    EXPECT_EQ(e.at(2).at("value"), "46732273-DC23-2F43-A98A-13D37982D855");
    EXPECT_EQ(e.at(2).at("raw"),
              "73227346"
              "23dc432fa98a13d37982d855");
    EXPECT_EQ(e.at(3).at("value"), 2);  // DHCP enabled
    EXPECT_EQ(e.at(3).at("raw"), "02");
    EXPECT_EQ(e.at(4).at("value"), 1);
    EXPECT_EQ(e.at(5).at("value"), 1);
    EXPECT_EQ(e.at(6).at("value"), 0);
    EXPECT_EQ(e.at(7).at("value"), 1);
    EXPECT_EQ(e.at(8).at("value"), 1);  // manual setup
    EXPECT_EQ(e.at(8).at("name"), "Manual Setup and Configuration");
    // Entry offsets from the walkthrough: 1/1 at 0x218, 1/6 at 0x240, 2/29 at 0x294.
    EXPECT_EQ(e.at(0).at("offset"), 0x218);
    EXPECT_EQ(e.at(2).at("offset"), 0x240);
    EXPECT_EQ(e.at(8).at("offset"), 0x294);
}

TEST(Show, SecretsAreMaskedUnlessAsked) {
    Json masked = show_json("acu-12.1-default.bin");
    const Json& m = masked.at("records").at(0).at("entries");
    EXPECT_EQ(m.at(0).at("value"), "***");
    EXPECT_EQ(m.at(0).at("raw"), "***");
    EXPECT_EQ(m.at(1).at("value"), "***");
    EXPECT_EQ(m.at(1).at("raw"), "***");
    EXPECT_EQ(m.at(0).at("length"), 5);

    Json shown = show_json("acu-12.1-default.bin", true);
    const Json& s = shown.at("records").at(0).at("entries");
    EXPECT_EQ(s.at(0).at("value"), "admin");
    EXPECT_EQ(s.at(0).at("raw"), "61646d696e");
    EXPECT_EQ(s.at(1).at("value"), "HeyH0Password!");
    EXPECT_EQ(s.at(1).at("raw"),
              "48657948305061737377"
              "6f726421");

    RunResult text = run_ukpu({"setupbin", "show", corpus("acu-12.1-default.bin")});
    EXPECT_EQ(text.exit_code, 0);
    EXPECT_EQ(text.out.find("admin"), std::string::npos);
    EXPECT_EQ(text.out.find("HeyH0"), std::string::npos);
    EXPECT_NE(text.out.find("1/1 Current MEBx Password (len 5): ***"), std::string::npos)
        << text.out;
    EXPECT_NE(text.out.find("1/6 Power Package (len 16): 46732273-DC23-2F43-A98A-13D37982D855"),
              std::string::npos)
        << text.out;
}

TEST(Show, PkiFileFromSpec11_4) {
    Json j = show_json("v4-pki-amt-test-ca.bin", true);
    EXPECT_EQ(j.at("version"), "4.0");
    EXPECT_EQ(j.at("guid"), "5234A9AA-29E1-44A9-8D4D-081C07B96353");
    EXPECT_TRUE(j.at("reusable").get<bool>());
    const Json& r = j.at("records").at(0);
    EXPECT_TRUE(r.at("valid").get<bool>());
    EXPECT_FALSE(r.at("scrambled").get<bool>());
    expect_entries(r, {{1, 1, 5}, {1, 2, 8}, {1, 3, 1}, {2, 3, 25}, {2, 5, 1}, {2, 8, 45}});
    const Json& e = r.at("entries");
    EXPECT_EQ(e.at(0).at("value"), "admin");
    EXPECT_EQ(e.at(1).at("value"), "P@ssw0rd");
    EXPECT_EQ(e.at(2).at("value"), 1);
    EXPECT_EQ(e.at(3).at("value"), "amt-provisioning.test.com");
    EXPECT_EQ(e.at(4).at("value"), 1);
    const Json& cert = e.at(5).at("value");
    EXPECT_EQ(cert.at("algorithm"), "sha256");
    EXPECT_EQ(cert.at("hash"), "e835ac6d905036d519211743b8fab8907395ca4d75428bd9f84f2e107c65c11e");
    EXPECT_EQ(cert.at("name"), "AMT Test CA");
    EXPECT_EQ(e.at(5).at("offset"), 0x274);
    EXPECT_EQ(e.at(5).at("raw").get<std::string>().substr(0, 10), "02e835ac6d");
    EXPECT_EQ(e.at(5).at("raw").get<std::string>().size(), 90u);
}

TEST(Show, MeshCommanderFileEmptyModuleListIsPointedOut) {
    RunResult r =
        run_ukpu({"--json", "setupbin", "show", corpus("acu-12.1-edited-meshcommander.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json j = parse_json(r.out);
    EXPECT_EQ(j.at("header").at("header_byte_count"), 46);
    EXPECT_EQ(j.at("header").at("modules").size(), 0u);
    bool module_problem = false;
    for (const auto& p : j.at("problems"))
        if (p.at("offset").is_number() &&
            (p.at("offset").get<double>() == 0x28 || p.at("offset").get<double>() == 0x12))
            module_problem = true;
    EXPECT_TRUE(module_problem) << r.out;
    // MeshCommander's edit adds 1/3 = 1 and 2/10 = 7 to the ACU entries.
    const Json& e = j.at("records").at(0).at("entries");
    ASSERT_EQ(e.size(), 11u);
    EXPECT_EQ(e.at(2).at("variable"), 3);
    EXPECT_EQ(e.at(2).at("value"), 1);
    EXPECT_EQ(e.at(4).at("module"), 2);
    EXPECT_EQ(e.at(4).at("variable"), 10);
    EXPECT_EQ(e.at(4).at("value"), 7);
    // Human mode names the anomaly on stderr.
    RunResult text = run_ukpu({"setupbin", "show", corpus("acu-12.1-edited-meshcommander.bin")});
    EXPECT_NE(text.err.find("0x28"), std::string::npos) << text.err;
}

TEST(Show, UnknownVariableKeepsRawAndNullValue) {
    TempDir dir;
    // A v4 file with a raw 2/9 entry (not defined anywhere): show lists it as unknown.
    RunResult c = run_ukpu({"setupbin", "create", "-o", dir.path("u.bin"), "--var",
                            "2:9:hex:0a0b0c", "--force", "--quiet"});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    RunResult r = run_ukpu({"setupbin", "show", dir.path("u.bin"), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json e = parse_json(r.out).at("records").at(0).at("entries").at(0);
    EXPECT_EQ(e.at("name"), "unknown");
    EXPECT_TRUE(e.at("value").is_null());
    EXPECT_EQ(e.at("raw"), "0a0b0c");
    EXPECT_EQ(e.at("length"), 3);
}

TEST(Show, ValueThatDoesNotDecodeGivesExit3WithRaw) {
    TempDir dir;
    // 2/13 DHCP is a u8; a 2-byte value does not decode.
    RunResult c = run_ukpu({"setupbin", "create", "-o", dir.path("bad.bin"), "--var",
                            "2:13:hex:0102", "--force", "--quiet"});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    RunResult r = run_ukpu({"setupbin", "show", dir.path("bad.bin"), "--json"});
    EXPECT_EQ(r.exit_code, 3);
    Json j = parse_json(r.out);
    Json e = j.at("records").at(0).at("entries").at(0);
    EXPECT_EQ(e.at("raw"), "0102");
    EXPECT_TRUE(e.at("value").is_null());
    EXPECT_NE(r.err.find("offset 0x218"), std::string::npos) << r.err;
}

TEST(Show, MissingFileIsBadInput) {
    RunResult r = run_ukpu({"setupbin", "show", "/nonexistent/setup.bin"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("ukpu: error: /nonexistent/setup.bin"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ukpu::test
