// `ukpu cert-hash`: thumbprints against the setup.bin corpus and the openssl command line, and the
// warning for certificates that are not a self-signed root CA.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "support/files.hpp"
#include "support/json.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::test {
namespace {

// The fingerprint openssl prints ("sha256 Fingerprint=E8:35:..."), as lower-case hex.
std::string openssl_fingerprint(const TempDir& dir, const std::string& cert,
                                const std::string& alg) {
    std::string out = dir.path("fp-" + alg + ".txt");
    EXPECT_EQ(run_shell("openssl x509 -in '" + cert + "' -noout -fingerprint -" + alg + " > '" +
                        out + "'"),
              0);
    auto bytes = read_bytes(out);
    std::string text(bytes.begin(), bytes.end());
    std::string hex;
    for (char c : text.substr(text.find('=') + 1))
        if (std::isxdigit(static_cast<unsigned char>(c)))
            hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return hex;
}

bool have_openssl() {
    return run_shell("openssl version > /dev/null 2>&1") == 0;
}

TEST(CertHash, CorpusCaGivesTheHashInThePkiFile) {
    RunResult r = run_ukpu({"cert-hash", corpus("amt-test-ca.crt")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // The SHA-256 v4-pki-amt-test-ca.bin carries in its 2/8 entry, at file offset 0x27d.
    EXPECT_NE(r.out.find("e835ac6d905036d519211743b8fab8907395ca4d75428bd9f84f2e107c65c11e"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(r.err.find("WARNING"), std::string::npos) << r.err;  // it is a self-signed root CA
    auto file = read_bytes(corpus("v4-pki-amt-test-ca.bin"));
    std::string hex;
    const char* digits = "0123456789abcdef";
    for (std::size_t i = 0x27d; i < 0x27d + 32; ++i) {
        hex += digits[file[i] >> 4];
        hex += digits[file[i] & 15];
    }
    EXPECT_NE(r.out.find(hex), std::string::npos);
}

TEST(CertHash, JsonMatchesOpensslFingerprints) {
    if (!have_openssl()) GTEST_SKIP() << "openssl command line not installed";
    TempDir dir;
    RunResult r = run_ukpu({"cert-hash", "--json", corpus("amt-test-ca.crt")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json c = parse_json(r.out).at("files").at(0).at("certificates").at(0);
    EXPECT_EQ(c.at("sha1"), openssl_fingerprint(dir, corpus("amt-test-ca.crt"), "sha1"));
    EXPECT_EQ(c.at("sha256"), openssl_fingerprint(dir, corpus("amt-test-ca.crt"), "sha256"));
    EXPECT_EQ(c.at("sha384"), openssl_fingerprint(dir, corpus("amt-test-ca.crt"), "sha384"));
    EXPECT_TRUE(c.at("self_signed").get<bool>());
    EXPECT_TRUE(c.at("ca").get<bool>());
    EXPECT_TRUE(c.at("root").get<bool>());
    EXPECT_EQ(c.at("common_name"), "Test AMT CA");
}

class CertChain : public ::testing::Test {
protected:
    void SetUp() override {
        if (!have_openssl()) GTEST_SKIP() << "openssl command line not installed";
        std::string d = "'" + dir.dir() + "'";
        std::string cmd =
            "cd " + d +
            " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 "
            "-subj '/CN=Example Root CA' -addext basicConstraints=critical,CA:TRUE "
            "> /dev/null 2>&1"
            " && openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr "
            "-subj '/CN=amt.example.com' > /dev/null 2>&1"
            " && openssl x509 -req -in leaf.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
            "-out leaf.crt -days 30 > /dev/null 2>&1"
            " && cat leaf.crt ca.crt > chain.pem"
            " && openssl x509 -in leaf.crt -outform DER -out leaf.der";
        ASSERT_EQ(run_shell(cmd), 0);
    }
    TempDir dir;
};

TEST_F(CertChain, LeafCertificateIsWarnedAbout) {
    RunResult r = run_ukpu({"cert-hash", dir.path("leaf.crt")});
    EXPECT_EQ(r.exit_code, 0) << r.err;  // a warning does not fail
    EXPECT_NE(r.err.find("WARNING"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("root CA"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find(openssl_fingerprint(dir, dir.path("leaf.crt"), "sha256")),
              std::string::npos);
}

TEST_F(CertChain, DerLeafIsReadToo) {
    RunResult r = run_ukpu({"cert-hash", "--json", dir.path("leaf.der")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json c = parse_json(r.out).at("files").at(0).at("certificates").at(0);
    EXPECT_EQ(c.at("sha256"), openssl_fingerprint(dir, dir.path("leaf.crt"), "sha256"));
    EXPECT_FALSE(c.at("ca").get<bool>());
    EXPECT_FALSE(c.at("self_signed").get<bool>());
    EXPECT_EQ(c.at("warnings").size(), 1u);
}

TEST_F(CertChain, ChainNamesItsRoot) {
    RunResult r = run_ukpu({"cert-hash", dir.path("chain.pem"), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json f = parse_json(r.out).at("files").at(0);
    ASSERT_EQ(f.at("certificates").size(), 2u);
    EXPECT_EQ(f.at("root"), 2);
    EXPECT_FALSE(f.at("certificates").at(0).at("root").get<bool>());
    EXPECT_TRUE(f.at("certificates").at(1).at("root").get<bool>());
    EXPECT_EQ(f.at("certificates").at(1).at("sha256"),
              openssl_fingerprint(dir, dir.path("ca.crt"), "sha256"));
    EXPECT_NE(r.err.find("root of this chain is certificate 2"), std::string::npos) << r.err;
}

TEST_F(CertChain, CreateWarnsWhenHashingALeaf) {
    write_text(dir.path("admin.txt"), "admin\n");
    RunResult r = run_ukpu({"setupbin", "create", "-o", dir.path("k.bin"), "--cert-hash",
                            dir.path("leaf.crt"), "--force"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("leaf/intermediate"), std::string::npos) << r.err;
}

TEST(CertHash, UnreadableCertificateIsBadInput) {
    TempDir dir;
    write_text(dir.path("junk.crt"), "not a certificate\n");
    RunResult a = run_ukpu({"cert-hash", dir.path("junk.crt")});
    EXPECT_EQ(a.exit_code, 3);
    EXPECT_NE(a.err.find("ukpu: error: " + dir.path("junk.crt")), std::string::npos) << a.err;
    RunResult b = run_ukpu({"cert-hash", dir.path("missing.crt")});
    EXPECT_EQ(b.exit_code, 3);
}

}  // namespace
}  // namespace ukpu::test
