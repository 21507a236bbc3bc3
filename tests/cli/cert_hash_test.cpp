// `ukpu cert-hash` and `--cert-hash`: thumbprints against the setup.bin corpus and the openssl
// command line; the root of a chain (PEM, DER, PKCS#7, PKCS#12) is what a setup.bin carries, and
// a file holding no self-signed root CA is refused unless forced.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

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
    EXPECT_EQ(r.err.find("ukpu: warning: "), std::string::npos)
        << r.err;  // it is a self-signed root CA
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

// A chain as an admin is handed it: root CA -> issuing (intermediate) CA -> the provisioning
// server's leaf, in every format ukpu reads, and certificates that are not a root.
class CertChain : public ::testing::Test {
protected:
    void SetUp() override {
        if (!have_openssl()) GTEST_SKIP() << "openssl command line not installed";
        const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
        write_text(dir.path("ca.ext"),
                   "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
        write_text(dir.path("pw.txt"), "S3cret pfx pw\n");
        write_text(dir.path("wrong.txt"), "not the password\n");
        write_text(dir.path("cur.txt"), "admin\n");
        write_text(dir.path("new.txt"), "N3w!Passw0rd\n");
        std::string cmd =
            "cd '" + dir.dir() + "' && exec > openssl.log 2>&1" + " && openssl req -x509 " + key +
            " -keyout ca.key -out ca.crt -days 30 -subj '/CN=Example Root CA' "
            "-addext basicConstraints=critical,CA:TRUE" +
            " && openssl req " + key +
            " -keyout int.key -out int.csr -subj '/CN=Example Issuing CA'"
            " && openssl x509 -req -in int.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
            "-out int.crt -days 30 -extfile ca.ext" +
            " && openssl req " + key +
            " -keyout leaf.key -out leaf.csr -subj '/CN=amt.example.com'"
            " && openssl x509 -req -in leaf.csr -CA int.crt -CAkey int.key -CAcreateserial "
            "-out leaf.crt -days 30"
            // Self-signed with the leaf's own key: no basicConstraints, so not a CA.
            " && openssl x509 -req -in leaf.csr -signkey leaf.key -out selfsigned.crt -days 30"
            " && cat leaf.crt int.crt ca.crt > chain.pem"
            " && cat int.crt ca.crt > cas.pem"
            " && openssl x509 -in leaf.crt -outform DER -out leaf.der"
            " && openssl x509 -in int.crt -outform DER -out int.der"
            " && openssl x509 -in ca.crt -outform DER -out ca.der"
            " && openssl crl2pkcs7 -nocrl -certfile chain.pem -outform DER -out chain.p7b"
            " && openssl crl2pkcs7 -nocrl -certfile chain.pem -out chain-pem.p7b"
            " && openssl pkcs12 -export -inkey leaf.key -in leaf.crt -certfile cas.pem "
            "-passout file:pw.txt -out chain.pfx"
            // The independent oracle: the SHA-256 of the root's DER form.
            " && openssl x509 -in ca.crt -outform DER | sha256sum | cut -c1-64 > root.sha256"
            " && openssl x509 -in leaf.crt -outform DER | sha256sum | cut -c1-64 > leaf.sha256"
            " && openssl x509 -in ca.crt -outform DER | sha1sum | cut -c1-40 > root.sha1";
        ASSERT_EQ(run_shell(cmd), 0) << text_of(dir.path("openssl.log"));
        root_sha256 = text_of(dir.path("root.sha256")).substr(0, 64);
        leaf_sha256 = text_of(dir.path("leaf.sha256")).substr(0, 64);
        root_sha1 = text_of(dir.path("root.sha1")).substr(0, 40);
    }

    static std::string text_of(const std::string& path) {
        auto bytes = read_bytes(path);
        return std::string(bytes.begin(), bytes.end());
    }

    // `setupbin create -o k.bin --cert-hash SPEC` plus `extra`.
    RunResult create(const std::string& spec, std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"setupbin",    "create",      "-o", dir.path("k.bin"),
                                         "--overwrite", "--cert-hash", spec};
        for (const auto& a : passwords()) args.push_back(a);
        args.insert(args.end(), extra.begin(), extra.end());
        return run_ukpu(args);
    }

    // The MEBx passwords every record needs.
    std::vector<std::string> passwords() const {
        return {"--current-password-file", dir.path("cur.txt"), "--new-password-file",
                dir.path("new.txt")};
    }

    // The 2/8 entries of `file`, read back with `setupbin show --json`.
    std::vector<Json> cert_entries(const std::string& file) {
        RunResult s = run_ukpu({"setupbin", "show", file, "--json"});
        EXPECT_EQ(s.exit_code, 0) << s.err;
        std::vector<Json> out;
        const Json doc = parse_json(s.out);  // kept alive for the loop
        for (const auto& e : doc.at("records").at(0).at("entries"))
            if (e.at("module") == 2 && e.at("variable") == 8) out.push_back(e.at("value"));
        return out;
    }

    // The one hash in k.bin, which must be SHA-256.
    std::string written_hash() {
        auto entries = cert_entries(dir.path("k.bin"));
        if (entries.size() != 1) {
            ADD_FAILURE() << entries.size() << " certificate hashes in k.bin";
            return {};
        }
        EXPECT_EQ(entries[0].at("algorithm"), "sha256");
        return entries[0].at("hash").get<std::string>();
    }

    TempDir dir;
    std::string root_sha256, leaf_sha256, root_sha1;
};

TEST_F(CertChain, LeafCertificateIsWarnedAbout) {
    RunResult r = run_ukpu({"cert-hash", dir.path("leaf.crt")});
    EXPECT_EQ(r.exit_code, 0) << r.err;  // a warning does not fail
    EXPECT_NE(r.err.find("ukpu: warning: "), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("WARNING"), std::string::npos) << r.err;  // no doubled prefix
    EXPECT_NE(r.err.find("no self-signed root CA"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find(leaf_sha256), std::string::npos) << r.out;
}

TEST_F(CertChain, DerLeafIsReadToo) {
    RunResult r = run_ukpu({"cert-hash", "--json", dir.path("leaf.der")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json f = parse_json(r.out).at("files").at(0);
    Json c = f.at("certificates").at(0);
    EXPECT_EQ(c.at("sha256"), openssl_fingerprint(dir, dir.path("leaf.crt"), "sha256"));
    EXPECT_FALSE(c.at("ca").get<bool>());
    EXPECT_FALSE(c.at("self_signed").get<bool>());
    EXPECT_EQ(c.at("kind"), "leaf (not a CA)");
    EXPECT_EQ(c.at("warnings").size(), 1u);
    EXPECT_TRUE(f.at("root").is_null());
    EXPECT_EQ(f.at("format"), "DER");
}

TEST_F(CertChain, ChainNamesItsRoot) {
    RunResult r = run_ukpu({"cert-hash", dir.path("chain.pem"), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json f = parse_json(r.out).at("files").at(0);
    ASSERT_EQ(f.at("certificates").size(), 3u);
    EXPECT_EQ(f.at("root"), 3);
    EXPECT_EQ(f.at("format"), "PEM");
    EXPECT_FALSE(f.at("certificates").at(0).at("root").get<bool>());
    EXPECT_FALSE(f.at("certificates").at(1).at("root").get<bool>());
    EXPECT_TRUE(f.at("certificates").at(2).at("root").get<bool>());
    EXPECT_EQ(f.at("certificates").at(0).at("kind"), "leaf (not a CA)");
    EXPECT_EQ(f.at("certificates").at(1).at("kind"), "intermediate CA (not self-signed)");
    EXPECT_EQ(f.at("certificates").at(2).at("kind"), "self-signed root CA");
    EXPECT_EQ(f.at("certificates").at(2).at("sha256"), root_sha256);
    // A chain with its root is not a problem: no certificate of it is warned about.
    for (const auto& c : f.at("certificates")) EXPECT_EQ(c.at("warnings").size(), 0u);
    EXPECT_EQ(r.err.find("ukpu: warning: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("root of this chain is certificate 3"), std::string::npos) << r.err;
}

TEST_F(CertChain, CertHashReadsPkcs7AndPkcs12) {
    RunResult p7 =
        run_ukpu({"cert-hash", "--json", dir.path("chain.p7b"), dir.path("chain-pem.p7b")});
    ASSERT_EQ(p7.exit_code, 0) << p7.err;
    const Json files = parse_json(p7.out);
    for (const auto& f : files.at("files")) {
        ASSERT_EQ(f.at("certificates").size(), 3u) << f.dump();
        const std::size_t root = f.at("root").get<std::size_t>();
        EXPECT_EQ(f.at("certificates").at(root - 1).at("sha256"), root_sha256);
    }
    RunResult locked = run_ukpu({"cert-hash", dir.path("chain.pfx")});
    EXPECT_EQ(locked.exit_code, 3);
    EXPECT_NE(locked.err.find("--password-file"), std::string::npos) << locked.err;
    RunResult p12 = run_ukpu(
        {"cert-hash", "--json", "--password-file", dir.path("pw.txt"), dir.path("chain.pfx")});
    ASSERT_EQ(p12.exit_code, 0) << p12.err;
    Json f = parse_json(p12.out).at("files").at(0);
    EXPECT_EQ(f.at("format"), "PKCS#12");
    ASSERT_EQ(f.at("certificates").size(), 3u) << f.dump();  // the leaf once, with its CAs
    EXPECT_EQ(f.at("certificates").at(f.at("root").get<std::size_t>() - 1).at("sha256"),
              root_sha256);
    RunResult text =
        run_ukpu({"cert-hash", "--password-file", dir.path("pw.txt"), dir.path("chain.pfx")});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find("the root CA whose hash AMT needs"), std::string::npos) << text.out;
}

TEST_F(CertChain, SelfSignedNonCaIsCalledThat) {
    RunResult r = run_ukpu({"cert-hash", "--json", dir.path("selfsigned.crt")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json c = parse_json(r.out).at("files").at(0).at("certificates").at(0);
    EXPECT_EQ(c.at("kind"), "self-signed, not a CA");
    EXPECT_TRUE(c.at("self_signed").get<bool>());
    EXPECT_FALSE(c.at("ca").get<bool>());
    RunResult k = create(dir.path("selfsigned.crt"));
    EXPECT_EQ(k.exit_code, 3) << k.err;
    EXPECT_NE(k.err.find("self-signed, not a CA"), std::string::npos) << k.err;
    EXPECT_EQ(k.err.find("leaf/intermediate"), std::string::npos) << k.err;
}

TEST_F(CertChain, CreateHashesTheRootOfAPemChain) {
    RunResult r = create(dir.path("chain.pem"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(written_hash(), root_sha256);  // not the leaf's, which comes first in the file
    EXPECT_NE(written_hash(), leaf_sha256);
    EXPECT_EQ(cert_entries(dir.path("k.bin")).at(0).at("name"), "Example Root CA");
    EXPECT_NE(r.err.find("hashing the root CN=Example Root CA of the 3 certificates in " +
                         dir.path("chain.pem")),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("ukpu: warning: " + dir.path("chain.pem")), std::string::npos) << r.err;
}

TEST_F(CertChain, CreateHashesTheRootOfDerFiles) {
    ASSERT_EQ(create(dir.path("ca.der")).exit_code, 0);
    EXPECT_EQ(written_hash(), root_sha256);
    RunResult r = create(dir.path("int.der"));
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find(dir.path("int.der")), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("intermediate CA"), std::string::npos) << r.err;
}

TEST_F(CertChain, CreateHashesTheRootOfPkcs7) {
    ASSERT_EQ(create(dir.path("chain.p7b")).exit_code, 0);
    EXPECT_EQ(written_hash(), root_sha256);
    ASSERT_EQ(create(dir.path("chain-pem.p7b")).exit_code, 0);
    EXPECT_EQ(written_hash(), root_sha256);
}

TEST_F(CertChain, CreateHashesTheRootOfPkcs12WithItsPassword) {
    RunResult r = create(dir.path("chain.pfx"), {"--cert-password-file", dir.path("pw.txt")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(written_hash(), root_sha256);
    EXPECT_NE(r.err.find("hashing the root CN=Example Root CA of the 3 certificates in"),
              std::string::npos)
        << r.err;

    std::filesystem::remove(dir.path("k.bin"));
    RunResult none = create(dir.path("chain.pfx"));
    EXPECT_EQ(none.exit_code, 3) << none.err;
    EXPECT_NE(none.err.find("--cert-password-file"), std::string::npos) << none.err;
    RunResult wrong =
        create(dir.path("chain.pfx"), {"--cert-password-file", dir.path("wrong.txt")});
    EXPECT_EQ(wrong.exit_code, 3) << wrong.err;
    EXPECT_NE(wrong.err.find("password"), std::string::npos) << wrong.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path("k.bin")));
}

TEST_F(CertChain, LegacyPkcs12IsReadThroughTheLegacyProvider) {
    if (run_shell("cd '" + dir.dir() +
                  "' && openssl pkcs12 -export -legacy -inkey leaf.key -in leaf.crt -certfile "
                  "cas.pem -passout file:pw.txt -out legacy.p12 > /dev/null 2>&1") != 0)
        GTEST_SKIP() << "this openssl cannot write RC2-40 PKCS#12 (no legacy provider)";
    RunResult r = create(dir.path("legacy.p12"), {"--cert-password-file", dir.path("pw.txt")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(written_hash(), root_sha256);
    EXPECT_NE(r.err.find("legacy"), std::string::npos) << r.err;
}

TEST_F(CertChain, LeafAloneIsRefusedUnlessForced) {
    RunResult r = create(dir.path("leaf.crt"));
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find(dir.path("leaf.crt")), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("leaf (not a CA)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path("k.bin")));

    RunResult f = create(dir.path("leaf.crt"), {"--force"});
    EXPECT_EQ(f.exit_code, 0) << f.err;
    EXPECT_NE(f.err.find("warning: " + dir.path("leaf.crt")), std::string::npos) << f.err;
    EXPECT_NE(f.err.find("no self-signed root CA"), std::string::npos) << f.err;
    EXPECT_EQ(written_hash(), leaf_sha256);
}

TEST_F(CertChain, ProfileReadsAPkcs12WithItsPasswordFile) {
    write_text(dir.path("p.toml"),
               "cert-hash = [\"chain.pfx\"]\ncert-password-file = \"pw.txt\"\n");
    // Relative paths are taken relative to the profile's directory.
    RunResult r = run_ukpu({"setupbin", "create", "-o", dir.path("k.bin"), "--config",
                            dir.path("p.toml"), "--current-password-file", dir.path("cur.txt"),
                            "--new-password-file", dir.path("new.txt")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(written_hash(), root_sha256);
    write_text(dir.path("leaf.toml"), "cert-hash = [\"leaf.crt\"]\n");
    EXPECT_EQ(run_ukpu({"setupbin", "create", "-o", dir.path("k2.bin"), "--config",
                        dir.path("leaf.toml"), "--current-password-file", dir.path("cur.txt"),
                        "--new-password-file", dir.path("new.txt")})
                  .exit_code,
              3);
}

TEST_F(CertChain, KeysGenerateHashesTheRootToo) {
    // PID/PPS records live in files up to version 2.1, whose firmware knows SHA-1 hashes only.
    auto generate = [&](const std::string& cert, const std::string& out) {
        return run_ukpu({"keys", "generate", "-n", "1", "--current-password-file",
                         dir.path("cur.txt"), "--new-password-file", dir.path("new.txt"), "-o",
                         dir.path(out), "--store", dir.path("keys.db"), "--cert-hash", cert,
                         "--cert-password-file", dir.path("pw.txt")});
    };
    RunResult leaf = generate(dir.path("leaf.crt") + ":sha1", "leaf.bin");
    EXPECT_EQ(leaf.exit_code, 3) << leaf.err;
    EXPECT_FALSE(std::filesystem::exists(dir.path("leaf.bin")));
    RunResult r = generate(dir.path("chain.pfx") + ":sha1", "setup.bin");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto entries = cert_entries(dir.path("setup.bin"));
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].at("algorithm"), "sha1");
    EXPECT_EQ(entries[0].at("hash"), root_sha1);
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
