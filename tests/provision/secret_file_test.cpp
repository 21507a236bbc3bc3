// Secret files (passwords, the PPS, the PKCS#12 password) that the group or others may read or
// write are warned about when read, as ssh warns about a key: once per file, and read all the
// same; one only its owner may read gives no warning.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "recording_reporter.hpp"
#include "support/files.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/provision/secret_file.hpp"
#include "ukpu/provision/setupbin_builder.hpp"
#include "ukpu/setupbin/parse.hpp"

namespace ukpu::test::secret_file_checks {
namespace {

namespace pv = ukpu::provision;

// `text` written to `path` with exactly `mode` (whatever the umask).
std::string secret(const std::string& path, const std::string& text, mode_t mode) {
    write_text(path, text);
    EXPECT_EQ(::chmod(path.c_str(), mode), 0) << path;
    return path;
}

std::size_t count_containing(const std::vector<std::string>& lines, const std::string& part) {
    std::size_t n = 0;
    for (const auto& l : lines)
        if (l.find(part) != std::string::npos) ++n;
    return n;
}

TEST(SecretFile, AFileOthersMayReadOrWriteIsNamedWithItsModeAndTheFix) {
    TempDir t;
    const std::string p = secret(t.path("pw.txt"), "admin\n", 0644);
    EXPECT_EQ(pv::secret_file_warning(p), p + " is readable by others (mode 0644); chmod 600 " + p);
    ASSERT_EQ(::chmod(p.c_str(), 0640), 0);
    EXPECT_EQ(pv::secret_file_warning(p), p + " is readable by others (mode 0640); chmod 600 " + p);
    ASSERT_EQ(::chmod(p.c_str(), 0620), 0);
    EXPECT_EQ(pv::secret_file_warning(p), p + " is writable by others (mode 0620); chmod 600 " + p);
    ASSERT_EQ(::chmod(p.c_str(), 0666), 0);
    EXPECT_NE(pv::secret_file_warning(p).find("is readable and writable by others (mode 0666)"),
              std::string::npos);
    // A path the shell would split is quoted in the command to run.
    const std::string spaced = secret(t.path("my pw.txt"), "admin\n", 0604);
    EXPECT_EQ(pv::secret_file_warning(spaced),
              spaced + " is readable by others (mode 0604); chmod 600 '" + spaced + "'");
}

TEST(SecretFile, OnlyTheOwnerStdinOrNoRegularFileGiveNoWarning) {
    TempDir t;
    EXPECT_EQ(pv::secret_file_warning(secret(t.path("pw.txt"), "admin\n", 0600)), "");
    EXPECT_EQ(pv::secret_file_warning(secret(t.path("ro.txt"), "admin\n", 0400)), "");
    EXPECT_EQ(pv::secret_file_warning("-"), "");
    EXPECT_EQ(pv::secret_file_warning(t.path("missing.txt")), "");
    EXPECT_EQ(pv::secret_file_warning(t.dir()), "");  // a directory (0755) is no secret file
}

TEST(SecretFile, TheReaderWarnsOncePerFileAndReadsItAllTheSame) {
    TempDir t;
    const std::string open = secret(t.path("open.txt"), "admin\r\n", 0644);
    const std::string own = secret(t.path("own.txt"), "P@ssw0rd\n", 0600);
    std::filesystem::create_symlink(open, t.path("link.txt"));
    RecordingReporter reporter;
    std::vector<std::string> warnings;
    pv::SecretReader reader(reporter, &warnings);
    EXPECT_EQ(reader.read(open, "--current-password-file"), "admin");
    EXPECT_EQ(reader.read(own, "--new-password-file"), "P@ssw0rd");
    // The same file again, under its own name and through a link: no second warning.
    EXPECT_EQ(reader.read(open, "--new-password-file"), "admin");
    EXPECT_EQ(reader.read(t.path("link.txt"), "--pps-file"), "admin");
    ASSERT_EQ(reporter.warnings.size(), 1u);
    EXPECT_EQ(reporter.warnings[0], open + " is readable by others (mode 0644); chmod 600 " + open);
    EXPECT_EQ(warnings, reporter.warnings);
    // A reader of its own (another run) warns again.
    RecordingReporter again;
    pv::SecretReader second(again);
    second.check(open);
    EXPECT_EQ(again.warnings.size(), 1u);
}

pv::CreateSettings password_settings(const std::string& current, const std::string& fresh) {
    pv::CreateSettings s;
    s.secret_files["current-password"] = current;
    s.secret_files["new-password"] = fresh;
    return s;
}

TEST(SecretFile, BuildingASetupBinWarnsAboutAnOpenPasswordFile) {
    TempDir t;
    const std::string open = secret(t.path("cur.txt"), "admin\n", 0644);
    const std::string own = secret(t.path("new.txt"), "P@ssw0rd\n", 0600);
    RecordingReporter reporter;
    const pv::BuiltSetupBin built = pv::build_setupbin(password_settings(open, own), reporter);
    ASSERT_EQ(reporter.warnings.size(), 1u);
    EXPECT_EQ(reporter.warnings[0], open + " is readable by others (mode 0644); chmod 600 " + open);
    EXPECT_EQ(count_containing(built.warnings, "(mode 0644)"), 1u);
    // Not refused: the secret is in the file.
    const auto file = setupbin::parse(built.bytes);
    const auto& e = file.records.at(0).entries.at(0);
    EXPECT_EQ(std::string(e.value.begin(), e.value.end()), "admin");
}

TEST(SecretFile, BuildingWithPrivatePasswordFilesWarnsAboutNothing) {
    TempDir t;
    const std::string cur = secret(t.path("cur.txt"), "admin\n", 0600);
    const std::string fresh = secret(t.path("new.txt"), "P@ssw0rd\n", 0600);
    RecordingReporter reporter;
    const pv::BuiltSetupBin built = pv::build_setupbin(password_settings(cur, fresh), reporter);
    EXPECT_TRUE(reporter.warnings.empty()) << reporter.warnings.front();
    EXPECT_TRUE(built.warnings.empty());
}

TEST(SecretFile, OneFileForTwoSecretsIsWarnedAboutOnce) {
    TempDir t;
    const std::string both = secret(t.path("both.txt"), "P@ssw0rd\n", 0664);
    RecordingReporter reporter;
    pv::build_setupbin(password_settings(both, both), reporter);
    ASSERT_EQ(reporter.warnings.size(), 1u);
    EXPECT_NE(reporter.warnings[0].find("readable and writable by others (mode 0664)"),
              std::string::npos)
        << reporter.warnings[0];
}

}  // namespace
}  // namespace ukpu::test::secret_file_checks
