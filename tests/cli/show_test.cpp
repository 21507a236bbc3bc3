// `ukpu setupbin show` on the real corpus. Expected values come from the spec's byte-by-byte
// walkthroughs (setupbin-format.md 11.3 for the ACU file, 11.4 for the PKI file).
#include <gtest/gtest.h>

#include <string>

#include "mini_json.hpp"
#include "run_ukpu.hpp"

namespace ukpu::test {
namespace {

struct ExpectedEntry {
    int module, variable, length;
};

JValue show_json(const std::string& file, bool secrets = false) {
    std::vector<std::string> args{"setupbin", "show", corpus(file), "--json"};
    if (secrets) args.push_back("--show-secrets");
    RunResult r = run_ukpu(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return parse_json(r.out);
}

void expect_entries(const JValue& record, const std::vector<ExpectedEntry>& expected) {
    const JValue& entries = record["entries"];
    ASSERT_EQ(entries.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(entries[i]["module"].n, expected[i].module) << "entry " << i;
        EXPECT_EQ(entries[i]["variable"].n, expected[i].variable) << "entry " << i;
        EXPECT_EQ(entries[i]["length"].n, expected[i].length) << "entry " << i;
    }
}

TEST(Show, AcuDefaultHeaderAndRecordFromSpec11_3) {
    JValue j = show_json("acu-12.1-default.bin");
    EXPECT_EQ(j["version"].s, "4.0");
    EXPECT_EQ(j["guid"].s, "5234A9AA-29E1-44A9-8D4D-081C07B96353");
    EXPECT_EQ(j["flags"].n, 1);
    EXPECT_TRUE(j["reusable"].b);
    EXPECT_EQ(j["record_count"].n, 1);
    EXPECT_EQ(j["records_consumed"].n, 0);
    EXPECT_EQ(j["header"]["header_byte_count"].n, 46);
    EXPECT_EQ(j["header"]["chunk_count"].n, 1);
    EXPECT_EQ(j["header"]["record_chunk_count"].n, 1);
    ASSERT_EQ(j["header"]["modules"].size(), 2u);
    EXPECT_EQ(j["header"]["modules"][0].n, 1);
    EXPECT_EQ(j["header"]["modules"][1].n, 2);
    ASSERT_EQ(j["records"].size(), 1u);
    const JValue& r = j["records"][0];
    EXPECT_EQ(r["number"].n, 1);
    EXPECT_EQ(r["type"].n, 1);
    EXPECT_TRUE(r["valid"].b);
    EXPECT_TRUE(r["scrambled"].b);
    EXPECT_FALSE(r["consumed"].b);
    expect_entries(r, {{1, 1, 5},
                       {1, 2, 14},
                       {1, 6, 16},
                       {2, 13, 1},
                       {2, 23, 1},
                       {2, 25, 1},
                       {2, 26, 1},
                       {2, 27, 1},
                       {2, 29, 1}});
    const JValue& e = r["entries"];
    EXPECT_EQ(e[2]["value"].s, "46732273-DC23-2F43-A98A-13D37982D855");
    EXPECT_EQ(e[2]["raw"].s,
              "73227346"
              "23dc432fa98a13d37982d855");
    EXPECT_EQ(e[3]["value"].n, 2);  // DHCP enabled
    EXPECT_EQ(e[3]["raw"].s, "02");
    EXPECT_EQ(e[4]["value"].n, 1);
    EXPECT_EQ(e[5]["value"].n, 1);
    EXPECT_EQ(e[6]["value"].n, 0);
    EXPECT_EQ(e[7]["value"].n, 1);
    EXPECT_EQ(e[8]["value"].n, 1);  // manual setup
    EXPECT_EQ(e[8]["name"].s, "Manual Setup and Configuration");
    // Entry offsets from the walkthrough: 1/1 at 0x218, 1/6 at 0x240, 2/29 at 0x294.
    EXPECT_EQ(e[0]["offset"].n, 0x218);
    EXPECT_EQ(e[2]["offset"].n, 0x240);
    EXPECT_EQ(e[8]["offset"].n, 0x294);
}

TEST(Show, SecretsAreMaskedUnlessAsked) {
    JValue masked = show_json("acu-12.1-default.bin");
    const JValue& m = masked["records"][0]["entries"];
    EXPECT_EQ(m[0]["value"].s, "***");
    EXPECT_EQ(m[0]["raw"].s, "***");
    EXPECT_EQ(m[1]["value"].s, "***");
    EXPECT_EQ(m[1]["raw"].s, "***");
    EXPECT_EQ(m[0]["length"].n, 5);

    JValue shown = show_json("acu-12.1-default.bin", true);
    const JValue& s = shown["records"][0]["entries"];
    EXPECT_EQ(s[0]["value"].s, "admin");
    EXPECT_EQ(s[0]["raw"].s, "61646d696e");
    EXPECT_EQ(s[1]["value"].s, "HeyH0Password!");
    EXPECT_EQ(s[1]["raw"].s,
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
    JValue j = show_json("v4-pki-amt-test-ca.bin", true);
    EXPECT_EQ(j["version"].s, "4.0");
    EXPECT_EQ(j["guid"].s, "5234A9AA-29E1-44A9-8D4D-081C07B96353");
    EXPECT_TRUE(j["reusable"].b);
    const JValue& r = j["records"][0];
    EXPECT_TRUE(r["valid"].b);
    EXPECT_FALSE(r["scrambled"].b);
    expect_entries(r, {{1, 1, 5}, {1, 2, 8}, {1, 3, 1}, {2, 3, 25}, {2, 5, 1}, {2, 8, 45}});
    const JValue& e = r["entries"];
    EXPECT_EQ(e[0]["value"].s, "admin");
    EXPECT_EQ(e[1]["value"].s, "P@ssw0rd");
    EXPECT_EQ(e[2]["value"].n, 1);
    EXPECT_EQ(e[3]["value"].s, "amt-provisioning.test.com");
    EXPECT_EQ(e[4]["value"].n, 1);
    const JValue& cert = e[5]["value"];
    EXPECT_EQ(cert["algorithm"].s, "sha256");
    EXPECT_EQ(cert["hash"].s, "e835ac6d905036d519211743b8fab8907395ca4d75428bd9f84f2e107c65c11e");
    EXPECT_EQ(cert["name"].s, "AMT Test CA");
    EXPECT_EQ(e[5]["offset"].n, 0x274);
    EXPECT_EQ(e[5]["raw"].s.substr(0, 10), "02e835ac6d");
    EXPECT_EQ(e[5]["raw"].s.size(), 90u);
}

TEST(Show, MeshCommanderFileEmptyModuleListIsPointedOut) {
    RunResult r =
        run_ukpu({"--json", "setupbin", "show", corpus("acu-12.1-edited-meshcommander.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    JValue j = parse_json(r.out);
    EXPECT_EQ(j["header"]["header_byte_count"].n, 46);
    EXPECT_EQ(j["header"]["modules"].size(), 0u);
    bool module_problem = false;
    for (const auto& p : j["problems"].a)
        if (p["offset"].kind == JValue::Kind::number &&
            (p["offset"].n == 0x28 || p["offset"].n == 0x12))
            module_problem = true;
    EXPECT_TRUE(module_problem) << r.out;
    // 11.3: the edit adds 1/3 = 1 and 2/10 = 7 to the ACU entries.
    const JValue& e = j["records"][0]["entries"];
    ASSERT_EQ(e.size(), 11u);
    EXPECT_EQ(e[2]["variable"].n, 3);
    EXPECT_EQ(e[2]["value"].n, 1);
    EXPECT_EQ(e[4]["module"].n, 2);
    EXPECT_EQ(e[4]["variable"].n, 10);
    EXPECT_EQ(e[4]["value"].n, 7);
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
    JValue e = parse_json(r.out)["records"][0]["entries"][0];
    EXPECT_EQ(e["name"].s, "unknown");
    EXPECT_TRUE(e["value"].is_null());
    EXPECT_EQ(e["raw"].s, "0a0b0c");
    EXPECT_EQ(e["length"].n, 3);
}

TEST(Show, ValueThatDoesNotDecodeGivesExit3WithRaw) {
    TempDir dir;
    // 2/13 DHCP is a u8; a 2-byte value does not decode.
    RunResult c = run_ukpu({"setupbin", "create", "-o", dir.path("bad.bin"), "--var",
                            "2:13:hex:0102", "--force", "--quiet"});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    RunResult r = run_ukpu({"setupbin", "show", dir.path("bad.bin"), "--json"});
    EXPECT_EQ(r.exit_code, 3);
    JValue j = parse_json(r.out);
    JValue e = j["records"][0]["entries"][0];
    EXPECT_EQ(e["raw"].s, "0102");
    EXPECT_TRUE(e["value"].is_null());
    EXPECT_NE(r.err.find("offset 0x218"), std::string::npos) << r.err;
}

TEST(Show, MissingFileIsBadInput) {
    RunResult r = run_ukpu({"setupbin", "show", "/nonexistent/setup.bin"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_NE(r.err.find("ukpu: error: /nonexistent/setup.bin"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ukpu::test
