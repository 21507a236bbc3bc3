// `ukpu setupbin create`: the sample profiles reproduce the real corpus files byte for byte,
// refusals write nothing, and the written file is mode 0600.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <sys/stat.h>

#include "support/files.hpp"
#include "support/json.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::test {
namespace {

namespace fs = std::filesystem;

TEST(Create, AcuDefaultProfileIsByteIdentical) {
    TempDir dir;
    RunResult r = run_ukpu({"setupbin", "create", "--config", samples("acu-12.1-default.toml"),
                            "-o", dir.path("setup.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_bytes(dir.path("setup.bin")), read_bytes(corpus("acu-12.1-default.bin")));
    // The summary names the file's SHA-256 (the ACU default file's is 366c6376...65ac5).
    EXPECT_NE(r.err.find("366c6376"), std::string::npos) << r.err;
}

TEST(Create, PkiProfileIsByteIdentical) {
    TempDir dir;
    RunResult r = run_ukpu({"setupbin", "create", "--config", samples("v4-pki-amt-test-ca.toml"),
                            "-o", dir.path("setup.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_bytes(dir.path("setup.bin")), read_bytes(corpus("v4-pki-amt-test-ca.bin")));
}

TEST(Create, MeshCommanderProfileDiffersOnlyInTheModuleList) {
    TempDir dir;
    RunResult r =
        run_ukpu({"setupbin", "create", "--config", samples("acu-12.1-edited-meshcommander.toml"),
                  "-o", dir.path("setup.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto made = read_bytes(dir.path("setup.bin"));
    auto original = read_bytes(corpus("acu-12.1-edited-meshcommander.bin"));
    ASSERT_EQ(made.size(), original.size());
    for (std::size_t i = 0; i < made.size(); ++i) {
        if (i >= 0x28 && i < 0x2c) continue;
        EXPECT_EQ(made[i], original[i]) << "offset " << i;
    }
    // The corrected list: 01 00 02 00 (terminator 00 00 follows), where the original has zeros.
    EXPECT_EQ(made[0x28], 0x01);
    EXPECT_EQ(made[0x29], 0x00);
    EXPECT_EQ(made[0x2a], 0x02);
    EXPECT_EQ(made[0x2b], 0x00);
    EXPECT_EQ(made[0x2c], 0x00);
    EXPECT_EQ(made[0x2d], 0x00);
    EXPECT_EQ(original[0x28], 0x00);
    EXPECT_EQ(original[0x2a], 0x00);
}

TEST(Create, NewFileIsMode0600AndJsonSummary) {
    TempDir dir;
    RunResult r = run_ukpu({"setupbin", "create", "--config", samples("pki-amt14.toml"), "-o",
                            dir.path("key.bin"), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    struct stat st {};
    ASSERT_EQ(stat(dir.path("key.bin").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    Json j = parse_json(r.out);
    EXPECT_EQ(j.at("path"), dir.path("key.bin"));
    EXPECT_EQ(j.at("version"), "4.0");
    EXPECT_EQ(j.at("records"), 1);
    EXPECT_EQ(j.at("sha256").get<std::string>().size(), 64u);
    EXPECT_TRUE(j.at("problems").is_array());
    // Compare the reported SHA-256 with the openssl command line's.
    std::string digest_file = dir.path("digest.txt");
    ASSERT_EQ(
        run_shell("openssl dgst -sha256 -r '" + dir.path("key.bin") + "' > '" + digest_file + "'"),
        0);
    auto d = read_bytes(digest_file);
    EXPECT_EQ(std::string(d.begin(), d.begin() + 64), j.at("sha256").get<std::string>());
    // No temporary file is left behind.
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir.dir())) {
        (void)entry;
        ++files;
    }
    EXPECT_EQ(files, 2);
}

TEST(Create, PkiSamplePassesTheModernMebxCheck) {
    TempDir dir;
    RunResult c = run_ukpu({"setupbin", "create", "--config", samples("pki-amt14.toml"), "-o",
                            dir.path("key.bin"), "--quiet"});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    RunResult r = run_ukpu({"setupbin", "check", dir.path("key.bin"), "--firmware", "mebx"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(Create, RefusesWhatTheCheckerRejectsAndWritesNothing) {
    TempDir dir;
    write_text(dir.path("admin.txt"), "admin\n");
    write_text(dir.path("new.txt"), "Str0ng#Passw0rd\n");
    // Manual setup = 1 aborts the whole record on a modern MEBx.
    RunResult r = run_ukpu({"setupbin", "create", "-o", dir.path("out.bin"),
                            "--current-password-file", dir.path("admin.txt"), "--new-password-file",
                            dir.path("new.txt"), "--manual-setup", "manual"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_FALSE(fs::exists(dir.path("out.bin")));
    EXPECT_NE(r.err.find("2/29"), std::string::npos) << r.err;
    // A weak new password is refused too.
    write_text(dir.path("weak.txt"), "password\n");
    RunResult w =
        run_ukpu({"setupbin", "create", "-o", dir.path("out.bin"), "--current-password-file",
                  dir.path("admin.txt"), "--new-password-file", dir.path("weak.txt")});
    EXPECT_EQ(w.exit_code, 3) << w.err;  // the password file's content, as keys generate says
    EXPECT_FALSE(fs::exists(dir.path("out.bin")));
    // --force writes it, with a warning.
    RunResult f = run_ukpu({"setupbin", "create", "-o", dir.path("out.bin"),
                            "--current-password-file", dir.path("admin.txt"), "--new-password-file",
                            dir.path("new.txt"), "--manual-setup", "1", "--force"});
    EXPECT_EQ(f.exit_code, 0) << f.err;
    EXPECT_TRUE(fs::exists(dir.path("out.bin")));
    EXPECT_NE(f.err.find("warning"), std::string::npos) << f.err;
}

TEST(Create, DryRunWritesNothing) {
    TempDir dir;
    RunResult r = run_ukpu({"--dry-run", "setupbin", "create", "--config",
                            samples("pki-amt14.toml"), "-o", dir.path("key.bin")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(dir.path("key.bin")));
}

TEST(Create, PasswordFromStdinAndCommandLineOverridesProfile) {
    TempDir dir;
    // The profile says DHCP enabled (2); the command line says disabled (1) and wins.
    RunResult r =
        run_ukpu({"setupbin", "create", "--config", samples("acu-12.1-default.toml"), "-o",
                  dir.path("k.bin"), "--dhcp", "disabled", "--new-password-file", "-"},
                 "Fr0m#Stdin-pw\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    RunResult s = run_ukpu({"setupbin", "show", dir.path("k.bin"), "--json", "--show-secrets"});
    ASSERT_EQ(s.exit_code, 0) << s.err;
    Json e = parse_json(s.out).at("records").at(0).at("entries");
    EXPECT_EQ(e.at(1).at("value"), "Fr0m#Stdin-pw");  // one trailing newline stripped
    EXPECT_EQ(e.at(3).at("variable"), 13);
    EXPECT_EQ(e.at(3).at("value"), 1);
}

TEST(Create, RawVarsAndTypedOptions) {
    TempDir dir;
    write_text(dir.path("admin.txt"), "admin");
    RunResult r = run_ukpu({"setupbin",
                            "create",
                            "-o",
                            dir.path("k.bin"),
                            "--version",
                            "2.1",
                            "--current-password-file",
                            dir.path("admin.txt"),
                            "--provisioning-server",
                            "192.168.1.10",
                            "--provisioning-server-port",
                            "9971",
                            "--sol-ider",
                            "sol,ider",
                            "--var",
                            "2:11:str:host-a",
                            "--records",
                            "3",
                            "--force",
                            "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto bytes = read_bytes(dir.path("k.bin"));
    ASSERT_EQ(bytes.size(), 512u * 4);
    // v2 GUID first byte (0x96) and version 2.1.
    EXPECT_EQ(bytes[0], 0x96);
    EXPECT_EQ(bytes[0x18], 2);
    EXPECT_EQ(bytes[0x19], 1);
    EXPECT_EQ(bytes[0x1c], 3);  // three records
    RunResult s = run_ukpu({"setupbin", "show", dir.path("k.bin"), "--json"});
    ASSERT_EQ(s.exit_code, 0) << s.err;
    Json j = parse_json(s.out);
    ASSERT_EQ(j.at("records").size(), 3u);
    const Json& e = j.at("records").at(2).at("entries");
    EXPECT_EQ(j.at("records").at(2).at("number"), 3);
    // Sorted by (module, variable): 1/1, 2/10, 2/11, 2/17, 2/18.
    ASSERT_EQ(e.size(), 5u);
    EXPECT_EQ(e.at(1).at("value"), 3);  // sol + ider
    EXPECT_EQ(e.at(2).at("value"), "host-a");
    EXPECT_EQ(e.at(3).at("value"), "192.168.1.10");
    EXPECT_EQ(e.at(3).at("raw"), "0a01a8c0");  // 2/17: bytes reversed
    EXPECT_EQ(e.at(4).at("raw"), "f326");      // 2/18: 9971 as u16 LE
}

TEST(Create, BadValuesAreUsageErrors) {
    TempDir dir;
    RunResult a = run_ukpu({"setupbin", "create", "-o", dir.path("k.bin"), "--dhcp", "maybe"});
    EXPECT_EQ(a.exit_code, 2) << a.err;
    EXPECT_NE(a.err.find("--dhcp"), std::string::npos) << a.err;
    // Secrets are not command-line options.
    RunResult b =
        run_ukpu({"setupbin", "create", "-o", dir.path("k.bin"), "--new-password", "Secret#123"});
    EXPECT_EQ(b.exit_code, 2) << b.err;
    // A PID with a wrong checksum character (0000-037M is Intel's valid example).
    RunResult c = run_ukpu({"setupbin", "create", "-o", dir.path("k.bin"), "--pid", "0000-037N"});
    EXPECT_EQ(c.exit_code, 2) << c.err;
    EXPECT_FALSE(fs::exists(dir.path("k.bin")));
    // An unknown profile key.
    write_text(dir.path("p.toml"), "no-such-setting = 1\n");
    RunResult d =
        run_ukpu({"setupbin", "create", "--config", dir.path("p.toml"), "-o", dir.path("k.bin")});
    EXPECT_EQ(d.exit_code, 2) << d.err;
    EXPECT_NE(d.err.find("no-such-setting"), std::string::npos) << d.err;
}

TEST(Create, PskSampleHasValidPidAndPps) {
    TempDir dir;
    RunResult r = run_ukpu(
        {"setupbin", "create", "--config", samples("psk-v2.1.toml"), "-o", dir.path("k.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    RunResult s = run_ukpu({"setupbin", "show", dir.path("k.bin"), "--json", "--show-secrets"});
    Json j = parse_json(s.out);
    EXPECT_EQ(j.at("version"), "2.1");
    EXPECT_FALSE(j.at("reusable").get<bool>());
    bool pid = false, pps = false;
    for (const auto& e : j.at("records").at(0).at("entries")) {
        if (e.at("module").get<double>() == 2 && e.at("variable").get<double>() == 1) {
            pid = true;
            EXPECT_EQ(e.at("value"), "0000-037M");
            EXPECT_EQ(e.at("length"), 8);  // stored without the dash
        }
        if (e.at("module").get<double>() == 2 && e.at("variable").get<double>() == 2) {
            pps = true;
            EXPECT_EQ(e.at("value"), "NKLD-G5DC-RRNQ-E9YZ-ZIJL-7LFL-VJED-69XJ");
            EXPECT_EQ(e.at("length"), 32);
        }
    }
    EXPECT_TRUE(pid);
    EXPECT_TRUE(pps);
}

}  // namespace
}  // namespace ukpu::test

namespace ukpu::test {
namespace {

TEST(Create, RefusesToReplaceSomethingThatIsNotAFile) {
    TempDir dir;
    std::filesystem::create_directory(dir.path("sub"));
    RunResult r = run_ukpu(
        {"setupbin", "create", "--config", samples("pki-amt14.toml"), "-o", dir.path("sub")});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_TRUE(std::filesystem::is_directory(dir.path("sub")));
}

TEST(Create, ReplacesAnExistingFileWholeWithMode0600) {
    TempDir dir;
    write_text(dir.path("k.bin"), "old content");
    chmod(dir.path("k.bin").c_str(), 0644);
    // Not without --overwrite: refused, the old file kept.
    RunResult no = run_ukpu({"setupbin", "create", "--config", samples("v4-pki-amt-test-ca.toml"),
                             "-o", dir.path("k.bin")});
    EXPECT_EQ(no.exit_code, 4) << no.err;
    EXPECT_NE(no.err.find("--overwrite"), std::string::npos) << no.err;
    EXPECT_EQ(read_bytes(dir.path("k.bin")),
              std::vector<std::uint8_t>({'o', 'l', 'd', ' ', 'c', 'o', 'n', 't', 'e', 'n', 't'}));
    RunResult r = run_ukpu({"setupbin", "create", "--config", samples("v4-pki-amt-test-ca.toml"),
                            "-o", dir.path("k.bin"), "--overwrite"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_bytes(dir.path("k.bin")), read_bytes(corpus("v4-pki-amt-test-ca.bin")));
    struct stat st {};
    ASSERT_EQ(stat(dir.path("k.bin").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Create, MissingSecretFileIsBadInput) {
    TempDir dir;
    RunResult r = run_ukpu({"setupbin", "create", "-o", dir.path("k.bin"),
                            "--current-password-file", dir.path("nope.txt")});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("nope.txt"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path("k.bin")));
}

}  // namespace
}  // namespace ukpu::test
