// Input a firmware would take but could not use is caught where it is given: names that are not
// DNS names or host names are usage errors (exit 2) naming the option or the profile key, and
// nothing is written; a name already in a file is a warning of `setupbin check`; static IPv4
// settings given with DHCP enabled are warned about; a password file others may read is
// warned about once, and used.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/files.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::test::input_checks {
namespace {

namespace fs = std::filesystem;

// The two password files of a key, only their owner may read them (no warning about them).
struct Passwords {
    std::string current, fresh;
};

Passwords passwords(const TempDir& dir, mode_t mode = 0600) {
    Passwords p{dir.path("cur.txt"), dir.path("new.txt")};
    write_text(p.current, "admin\n");
    write_text(p.fresh, "P@ssw0rd\n");
    EXPECT_EQ(::chmod(p.current.c_str(), mode), 0);
    EXPECT_EQ(::chmod(p.fresh.c_str(), 0600), 0);
    return p;
}

RunResult create(const Passwords& p, const std::string& out,
                 const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"setupbin",    "create",
                                     "-o",          out,
                                     "--overwrite", "--current-password-file",
                                     p.current,     "--new-password-file",
                                     p.fresh};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_ukpu(args);
}

std::size_t occurrences(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

struct Bad {
    std::string option, value, problem;
};

TEST(InputChecks, NamesDnsDoesNotAllowAreUsageErrorsAndNothingIsWritten) {
    TempDir dir;
    const Passwords p = passwords(dir);
    const Bad cases[] = {
        {"--config-server-fqdn", "not a fqdn!!", "' ' is not allowed in a DNS name"},
        {"--pki-dns-suffix", "contoso..com", "has an empty label"},
        {"--pki-dns-suffix", ".contoso.com", "starts with a dot"},
        {"--pki-dns-suffix", "contoso.com.", "ends with a dot"},
        {"--hostname", "pc_01",
         "'pc_01': '_' is not allowed in a host name (letters, digits, "
         "hyphens)"},
        {"--hostname", "pc.example.com", "'.' is not allowed in a host name"},
        {"--hostname", "-pc", "must not start with a hyphen"},
        {"--hostname", std::string(64, 'h'), "a host name holds at most 63"},
        {"--domain", "corp_example.com", "'_' is not allowed in a DNS name"},
        {"--domain", "-corp.example.com", "starts with a hyphen"},
        {"--config-server-fqdn", std::string(64, 'a') + ".example.com", "a label holds at most 63"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.option + " " + c.value);
        const std::string out = dir.path("k.bin");
        const RunResult r = create(p, out, {c.option, c.value});
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_NE(r.err.find(c.option + ": "), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(c.problem), std::string::npos) << r.err;
        EXPECT_FALSE(fs::exists(out));
    }
}

TEST(InputChecks, GoodNamesAreWritten) {
    TempDir dir;
    const Passwords p = passwords(dir);
    const std::string out = dir.path("k.bin");
    const RunResult r =
        create(p, out,
               {"--config-server-fqdn", "prov-01.example.com", "--pki-dns-suffix",
                "AMT.Example.COM", "--hostname", "pc-01", "--domain", "corp.example.com"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(out));
    EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

TEST(InputChecks, ABadHostnameInAProfileNamesTheProfileKey) {
    TempDir dir;
    const Passwords p = passwords(dir);
    const std::string profile = dir.path("profile.toml");
    write_text(profile, "version = \"4\"\ncurrent-password-file = \"" + p.current +
                            "\"\nnew-password-file = \"" + p.fresh + "\"\nhostname = \"pc_01\"\n");
    const std::string image = dir.path("key.img");
    const RunResult b = run_ukpu({"build", "--image", image, "--config", profile});
    EXPECT_EQ(b.exit_code, 2) << b.err;
    EXPECT_NE(b.err.find(profile + ": hostname: 'pc_01': '_' is not allowed in a host name"),
              std::string::npos)
        << b.err;
    EXPECT_FALSE(fs::exists(image));
    // The same profile for `setupbin create`; the command line wins over it.
    const std::string out = dir.path("k.bin");
    const RunResult c = run_ukpu({"setupbin", "create", "--config", profile, "-o", out});
    EXPECT_EQ(c.exit_code, 2) << c.err;
    EXPECT_NE(c.err.find(profile + ": hostname"), std::string::npos) << c.err;
    EXPECT_FALSE(fs::exists(out));
    const RunResult d =
        run_ukpu({"setupbin", "create", "--config", profile, "-o", out, "--hostname", "pc-01"});
    EXPECT_EQ(d.exit_code, 0) << d.err;
    EXPECT_TRUE(fs::exists(out));
}

TEST(InputChecks, ANameAlreadyInAFileIsACheckWarning) {
    TempDir dir;
    const Passwords p = passwords(dir);
    const std::string out = dir.path("k.bin");
    // A raw entry is written as given; the checker warns about it, the file is written.
    const RunResult r = create(p, out, {"--var", "2:11:str:pc_01"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("'_' is not allowed in a host name"), std::string::npos) << r.err;
    const RunResult c = run_ukpu({"setupbin", "check", out});
    EXPECT_EQ(c.exit_code, 0) << c.out << c.err;  // a warning: the firmware takes the name
    EXPECT_NE(c.out.find("2/11 Hostname"), std::string::npos) << c.out;
    EXPECT_NE(c.out.find("record 1"), std::string::npos) << c.out;
    EXPECT_NE(c.out.find("'pc_01': '_' is not allowed in a host name"), std::string::npos) << c.out;
}

TEST(InputChecks, StaticIpv4WithDhcpEnabledIsWarnedAbout) {
    TempDir dir;
    const Passwords p = passwords(dir);
    const std::string out = dir.path("k.bin");
    const RunResult r = create(p, out,
                               {"--dhcp", "enabled", "--static-ipv4",
                                "192.168.1.20,255.255.255.0,192.168.1.1,192.168.1.2"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(out));
    const auto at = r.err.find("warning");
    ASSERT_NE(at, std::string::npos) << r.err;
    EXPECT_NE(r.err.find("2/19", at), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("2/13", at), std::string::npos) << r.err;
    // Static: no warning.
    const RunResult s = create(p, out,
                               {"--dhcp", "disabled", "--static-ipv4",
                                "192.168.1.20,255.255.255.0,192.168.1.1,192.168.1.2"});
    EXPECT_EQ(s.exit_code, 0) << s.err;
    EXPECT_EQ(s.err.find("warning"), std::string::npos) << s.err;
}

TEST(InputChecks, APasswordFileOthersMayReadIsWarnedAboutOnceAndUsed) {
    TempDir dir;
    const Passwords p = passwords(dir, 0644);
    const std::string out = dir.path("k.bin");
    const RunResult r = create(p, out, {});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(out));
    const std::string warning =
        "warning: " + p.current + " is readable by others (mode 0644); chmod 600 " + p.current;
    EXPECT_EQ(occurrences(r.err, warning), 1u) << r.err;
    EXPECT_EQ(r.err.find(p.fresh + " is"), std::string::npos) << r.err;  // 0600
}

}  // namespace
}  // namespace ukpu::test::input_checks
