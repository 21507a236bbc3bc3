// The profile writer: settings -> TOML -> read_profile/apply_profile give the same settings and
// the same setup.bin bytes; secrets typed are never written, only the paths of secret files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "recording_reporter.hpp"
#include "support/files.hpp"
#include "support/paths.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/profile.hpp"
#include "ukpu/provision/profile_writer.hpp"
#include "ukpu/provision/setupbin_builder.hpp"

namespace ukpu::test {
namespace {

namespace pv = ukpu::provision;

pv::CreateSettings read_back(const std::string& path) {
    pv::CreateSettings s;
    s.config = path;
    const auto rest = pv::apply_profile(pv::read_profile(path), s, {}, false);
    EXPECT_TRUE(rest.empty());
    return s;
}

std::vector<std::uint8_t> bytes_of(const pv::CreateSettings& s) {
    pv::SilentReporter quiet;
    return pv::build_setupbin(s, quiet).bytes;
}

// Only what makes the bytes: catalog values and secret files without the empty ones.
std::map<std::string, std::string> non_empty(const std::map<std::string, std::string>& m) {
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : m)
        if (!v.empty()) out[k] = v;
    return out;
}

TEST(ProfileWriter, SettingsRoundTripToTheSameSettingsAndBytes) {
    TempDir t;
    pv::CreateSettings s;
    s.version = "2.1";
    s.firmware = "legacy,uefi";
    s.records = 3;
    s.scramble = true;
    s.secret_files["current-password"] = samples("secrets/admin.txt");
    s.secret_files["new-password"] = samples("secrets/psk-new-password.txt");
    s.secret_files["pps"] = samples("secrets/psk-pps.txt");
    s.values["pid"] = "ABCD-EFG8";
    s.values["hostname"] = "amt-host";
    s.values["domain"] = "corp.example.com";
    s.values["dhcp"] = "enabled";
    s.values["fqdn"] = "";  // empty: not a setting
    s.cert_hash_values = {"sha256:" + std::string(64, 'a') + ":Quote \"and\" back\\slash"};
    s.vars = {"2:30:u8:1"};
    const pv::ProfileText text = pv::profile_text(s);
    EXPECT_TRUE(text.left_out.empty());
    EXPECT_EQ(text.text.find("fqdn"), std::string::npos);
    const std::string path = t.path("p.toml");
    EXPECT_TRUE(pv::write_profile(path, s, false).empty());
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const pv::CreateSettings back = read_back(path);
    EXPECT_EQ(back.version, s.version);
    EXPECT_EQ(back.firmware, s.firmware);
    EXPECT_EQ(back.records, s.records);
    EXPECT_EQ(back.scramble, s.scramble);
    EXPECT_EQ(back.reusable, s.reusable);
    EXPECT_EQ(back.force, s.force);
    EXPECT_EQ(non_empty(back.values), non_empty(s.values));
    EXPECT_EQ(non_empty(back.secret_files), non_empty(s.secret_files));
    EXPECT_EQ(back.cert_hash_values, s.cert_hash_values);
    EXPECT_EQ(back.vars, s.vars);
    EXPECT_EQ(bytes_of(back), bytes_of(s));
    // Written again from what was read: the same text.
    EXPECT_EQ(pv::profile_text(back).text, text.text);
    // An existing profile is replaced only when asked.
    EXPECT_THROW(pv::write_profile(path, s, false), pv::Error);
    EXPECT_NO_THROW(pv::write_profile(path, s, true));
}

TEST(ProfileWriter, EverySampleProfileRoundTripsToTheSameBytes) {
    for (const char* name : {"pki-amt14.toml", "psk-v2.1.toml", "acu-12.1-default.toml",
                             "acu-12.1-edited-meshcommander.toml", "v4-pki-amt-test-ca.toml"}) {
        SCOPED_TRACE(name);
        const pv::CreateSettings s = read_back(samples(name));
        // Saved elsewhere, with the sample's relative paths made absolute.
        TempDir t;
        const pv::CreateSettings copy = pv::with_absolute_paths(s);
        for (const auto& spec : copy.cert_hashes) EXPECT_EQ(spec.front(), '/');
        pv::write_profile(t.path("copy.toml"), copy, false);
        EXPECT_EQ(bytes_of(read_back(t.path("copy.toml"))), bytes_of(s));
    }
}

TEST(ProfileWriter, TypedSecretsAreNeverWritten) {
    pv::CreateSettings s;
    s.secret_values["current-password"] = "admin";
    s.secret_values["new-password"] = "Typed-S3cret!";
    s.secret_files["new-password"] = "/keys/new.txt";  // a file wins over what was typed
    s.values["pki-dns-suffix"] = "amt.example.com";
    const pv::ProfileText text = pv::profile_text(s);
    EXPECT_EQ(text.left_out, std::vector<std::string>{"current-password"});
    EXPECT_EQ(text.text.find("admin"), std::string::npos) << text.text;
    EXPECT_EQ(text.text.find("Typed-S3cret"), std::string::npos) << text.text;
    EXPECT_NE(text.text.find("new-password-file = \"/keys/new.txt\""), std::string::npos);
}

TEST(ProfileWriter, TypedSecretsMakeTheSameBytesAsTheirFiles) {
    TempDir t;
    write_text(t.path("cur.txt"), "admin\n");
    pv::CreateSettings typed;
    typed.secret_values["current-password"] = "admin";
    typed.values["pki-dns-suffix"] = "amt.example.com";
    pv::CreateSettings filed = typed;
    filed.secret_values.clear();
    filed.secret_files["current-password"] = t.path("cur.txt");
    EXPECT_EQ(bytes_of(typed), bytes_of(filed));
}

}  // namespace
}  // namespace ukpu::test
