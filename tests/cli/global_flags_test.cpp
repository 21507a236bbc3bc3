// Global flags before or after the command words, usage errors, and the check command's exits.
#include <gtest/gtest.h>

#include "support/json.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::test {
namespace {

TEST(GlobalFlags, JsonBeforeAndAfterTheCommandAreTheSame) {
    RunResult before = run_ukpu({"--json", "setupbin", "show", corpus("acu-12.1-default.bin")});
    RunResult middle = run_ukpu({"setupbin", "--json", "show", corpus("acu-12.1-default.bin")});
    RunResult after = run_ukpu({"setupbin", "show", corpus("acu-12.1-default.bin"), "--json"});
    ASSERT_EQ(before.exit_code, 0) << before.err;
    EXPECT_EQ(middle.exit_code, 0) << middle.err;
    EXPECT_EQ(after.exit_code, 0) << after.err;
    EXPECT_EQ(before.out, after.out);
    EXPECT_EQ(before.out, middle.out);
    EXPECT_NO_THROW(parse_json(before.out));  // exactly one document, nothing else on stdout
}

TEST(GlobalFlags, QuietBeforeOrAfterSilencesTheSummary) {
    TempDir dir;
    RunResult a = run_ukpu({"--quiet", "setupbin", "create", "--config", samples("pki-amt14.toml"),
                            "-o", dir.path("a.bin")});
    RunResult b = run_ukpu({"setupbin", "create", "--config", samples("pki-amt14.toml"), "-o",
                            dir.path("b.bin"), "--quiet"});
    RunResult c = run_ukpu(
        {"setupbin", "create", "--config", samples("pki-amt14.toml"), "-o", dir.path("c.bin")});
    EXPECT_EQ(a.exit_code, 0);
    EXPECT_EQ(b.exit_code, 0);
    EXPECT_EQ(c.exit_code, 0);
    EXPECT_EQ(a.err.find("wrote"), std::string::npos) << a.err;
    EXPECT_EQ(b.err.find("wrote"), std::string::npos) << b.err;
    EXPECT_NE(c.err.find("wrote"), std::string::npos) << c.err;
}

TEST(Usage, ErrorsExitWith2) {
    EXPECT_EQ(run_ukpu({}).exit_code, 2);
    EXPECT_EQ(run_ukpu({"no-such-command"}).exit_code, 2);
    EXPECT_EQ(run_ukpu({"setupbin"}).exit_code, 2);
    EXPECT_EQ(run_ukpu({"setupbin", "show"}).exit_code, 2);
    EXPECT_EQ(run_ukpu({"setupbin", "show", corpus("acu-12.1-default.bin"), "--bogus"}).exit_code,
              2);
    RunResult r =
        run_ukpu({"setupbin", "check", corpus("acu-12.1-default.bin"), "--firmware", "bios"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("ukpu: error:"), std::string::npos) << r.err;
}

TEST(Usage, HelpExitsWith0) {
    RunResult r = run_ukpu({"setupbin", "create", "--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("--pki-dns-suffix"), std::string::npos);
    EXPECT_NE(r.out.find("profile's directory"), std::string::npos);
}

TEST(Check, AcuDefaultFailsOnModernMebxForManualSetup) {
    // Without --firmware the file is judged by the generations it is for: manual setup is for
    // older AMT, so a modern MEBx is left out, said once, and the file is fine for the others.
    RunResult d = run_ukpu({"setupbin", "check", corpus("acu-12.1-default.bin"), "--json"});
    EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
    EXPECT_EQ(parse_json(d.out).at("firmware").get<std::string>(), "legacy,uefi") << d.out;
    EXPECT_NE(d.err.find("manual setup"), std::string::npos) << d.err;
    // --firmware all is a demand.
    RunResult r = run_ukpu(
        {"setupbin", "check", corpus("acu-12.1-default.bin"), "--json", "--firmware", "all"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    Json j = parse_json(r.out);
    EXPECT_FALSE(j.at("ok").get<bool>());
    bool manual = false;
    for (const auto& p : j.at("problems")) {
        EXPECT_TRUE(p.contains("firmware") && p.contains("severity") && p.contains("where") &&
                    p.contains("message") && p.contains("record") && p.contains("offset") &&
                    p.contains("field"));
        if (p.at("firmware").get<std::string>() == "mebx" &&
            p.at("severity").get<std::string>() == "error" && p.at("offset").is_number() &&
            p.at("offset").get<double>() == 0x294)
            manual = true;  // the ACU file's 2/29 entry is at 0x294
    }
    EXPECT_TRUE(manual) << r.out;
    EXPECT_TRUE(j.at("generations").contains("mebx"));
    EXPECT_TRUE(j.at("generations").contains("legacy"));
    EXPECT_TRUE(j.at("generations").contains("uefi"));
}

TEST(Check, FirmwareSelectsTheGenerations) {
    RunResult r = run_ukpu(
        {"setupbin", "check", corpus("v4-pki-amt-test-ca.bin"), "--firmware", "uefi", "--json"});
    Json j = parse_json(r.out);
    EXPECT_TRUE(j.at("generations").contains("uefi"));
    EXPECT_FALSE(j.at("generations").contains("mebx"));
    EXPECT_EQ(r.exit_code, j.at("ok").get<bool>() ? 0 : 1);
}

TEST(Check, MissingFileIsBadInput) {
    RunResult r = run_ukpu({"setupbin", "check", "/nonexistent/setup.bin"});
    EXPECT_EQ(r.exit_code, 3);
}

}  // namespace
}  // namespace ukpu::test

namespace ukpu::test {
namespace {

TEST(GlobalFlags, JsonErrorIsStillOneDocument) {
    RunResult r = run_ukpu({"--json", "setupbin", "check", "/nonexistent/setup.bin"});
    EXPECT_EQ(r.exit_code, 3);
    Json j = parse_json(r.out);
    EXPECT_FALSE(j.at("ok").get<bool>());
    EXPECT_EQ(j.at("error").at("exit_code"), 3);
    EXPECT_EQ(j.at("error").at("where"), "/nonexistent/setup.bin");
}

}  // namespace
}  // namespace ukpu::test
