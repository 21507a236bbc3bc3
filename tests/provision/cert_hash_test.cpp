// Certificate files in-process: every format read (PEM, DER, PKCS#7, PKCS#12), which certificate
// is the root AMT needs the hash of (choose_root's rule, with several roots too), and what
// build_setupbin writes, reports and refuses. The certificates are made by the openssl tool;
// the expected hashes come from `openssl x509 -outform DER | sha256sum`.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "recording_reporter.hpp"
#include "support/files.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/provision/cert_hash.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/setupbin_builder.hpp"
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/values.hpp"

namespace ukpu::test {
namespace {

namespace pv = ukpu::provision;
namespace sb = ukpu::setupbin;

// Two independent chains (A: root -> issuing CA -> leaf; B: root -> leaf), a self-signed
// certificate that is not a CA, and the files an admin is handed, made once for the suite.
class CertFiles : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (run_shell("openssl version > /dev/null 2>&1") != 0) return;
        dir_ = new TempDir;
        const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
        write_text(dir_->path("ca.ext"),
                   "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
        write_text(dir_->path("pw.txt"), "pfx password\n");
        auto root = [&](const std::string& n, const std::string& cn) {
            return " && openssl req -x509" + key + " -keyout " + n + ".key -out " + n +
                   ".pem -days 30 -subj '/CN=" + cn + "' -addext basicConstraints=critical,CA:TRUE";
        };
        auto issue = [&](const std::string& n, const std::string& cn, const std::string& by,
                         bool ca) {
            return " && openssl req" + key + " -keyout " + n + ".key -out " + n +
                   ".csr -subj '/CN=" + cn + "' && openssl x509 -req -in " + n + ".csr -CA " + by +
                   ".pem -CAkey " + by + ".key -CAcreateserial -out " + n + ".pem -days 30" +
                   (ca ? " -extfile ca.ext" : "");
        };
        const std::string cmd =
            "cd '" + dir_->dir() + "' && exec > openssl.log 2>&1" + root("rootA", "Root A") +
            issue("intA", "Issuing A", "rootA", true) +
            issue("leafA", "leaf.a.example", "intA", false) + root("rootB", "Root B") +
            issue("leafB", "leaf.b.example", "rootB", false) +
            " && openssl x509 -req -in leafA.csr -signkey leafA.key -out self.pem -days 30"
            " && cat leafA.pem intA.pem rootA.pem > chainA.pem"
            " && cat rootB.pem leafA.pem rootA.pem intA.pem > mixed.pem"
            " && cat rootA.pem rootB.pem > roots.pem"
            " && cat leafB.pem rootA.pem > unrelated.pem"
            " && cat leafA.pem intA.pem > noroot.pem"
            " && cat leafA.pem rootB.pem leafB.pem rootA.pem intA.pem > two-chains.pem"
            " && openssl x509 -in rootA.pem -outform DER -out rootA.der"
            " && openssl x509 -in leafA.pem -outform DER -out leafA.der"
            " && cat leafA.der rootA.der > concatenated.der"
            " && openssl crl2pkcs7 -nocrl -certfile chainA.pem -outform DER -out chainA.p7b"
            " && openssl crl2pkcs7 -nocrl -certfile chainA.pem -out chainA-pem.p7b"
            " && cat intA.pem rootA.pem > casA.pem"
            " && openssl pkcs12 -export -inkey leafA.key -in leafA.pem -certfile casA.pem "
            "-passout file:pw.txt -out chainA.pfx"
            " && openssl pkcs12 -export -inkey leafA.key -in leafA.pem -certfile chainA.pem "
            "-passout pass: -out nopass.p12"
            " && openssl x509 -in rootA.pem -outform DER | sha256sum | cut -c1-64 > rootA.sha256"
            " && openssl x509 -in leafA.pem -outform DER | sha256sum | cut -c1-64 > leafA.sha256"
            " && openssl x509 -in intA.pem -outform DER | sha256sum | cut -c1-64 > intA.sha256";
        if (run_shell(cmd) != 0) {
            auto log = read_bytes(dir_->path("openssl.log"));
            ADD_FAILURE() << std::string(log.begin(), log.end());
            delete dir_;
            dir_ = nullptr;
        }
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    void SetUp() override {
        if (dir_ == nullptr) GTEST_SKIP() << "openssl command line not installed or failed";
    }

    static std::string path(const std::string& name) { return dir_->path(name); }
    static std::string oracle(const std::string& name) {
        auto b = read_bytes(path(name + ".sha256"));
        return std::string(b.begin(), b.begin() + 64);
    }
    // The subject CN of the certificate choose_root picks in `file`, or "" when none.
    static std::string chosen(const std::string& file) {
        auto certs = pv::read_certificates(path(file));
        auto c = pv::choose_root(certs);
        return c.root ? certs[*c.root].common_name : std::string();
    }

    // build_setupbin with --cert-hash `spec`; the hex of the one 2/8 hash it wrote.
    std::string built_hash(const pv::CreateSettings& s) {
        pv::BuiltSetupBin built = pv::build_setupbin(s, reporter);
        sb::SetupBin file = sb::parse(built.bytes);
        std::string hex;
        for (const auto& e : file.records.at(0).entries)
            if (e.module == 2 && e.variable == 8)
                hex += sb::to_hex(sb::decode_cert_hash(e.value).hash);
        warnings = built.warnings;
        return hex;
    }
    static pv::CreateSettings settings(const std::string& file) {
        pv::CreateSettings s;
        s.cert_hashes = {path(file)};
        return s;
    }

    RecordingReporter reporter;
    std::vector<std::string> warnings;
    static TempDir* dir_;
};

TempDir* CertFiles::dir_ = nullptr;

TEST_F(CertFiles, EveryFormatIsRead) {
    struct Case {
        const char* file;
        const char* format;
        std::size_t count;
    };
    for (const Case& c : {Case{"chainA.pem", "PEM", 3}, Case{"rootA.der", "DER", 1},
                          Case{"concatenated.der", "DER", 2}, Case{"chainA.p7b", "PKCS#7", 3},
                          Case{"chainA-pem.p7b", "PKCS#7 (PEM)", 3}}) {
        pv::CertificateFile f = pv::read_certificate_file(path(c.file));
        EXPECT_EQ(f.format, c.format) << c.file;
        EXPECT_EQ(f.certificates.size(), c.count) << c.file;
    }
    pv::CertificateReadOptions o;
    o.password_file = path("pw.txt");
    pv::CertificateFile p12 = pv::read_certificate_file(path("chainA.pfx"), o);
    EXPECT_EQ(p12.format, "PKCS#12");
    ASSERT_EQ(p12.certificates.size(), 3u);
    EXPECT_EQ(p12.certificates[0].common_name, "leaf.a.example");  // the private key's first
    EXPECT_TRUE(p12.certificates[0].private_key);
    EXPECT_FALSE(p12.certificates[1].private_key);
    // The key's certificate appears again in the CA list: listed once.
    pv::CertificateFile twice = pv::read_certificate_file(path("nopass.p12"));  // empty password
    EXPECT_EQ(twice.certificates.size(), 3u);
}

TEST_F(CertFiles, IssuersAreFoundBySignature) {
    auto certs = pv::read_certificates(path("chainA.pem"));
    ASSERT_EQ(certs.size(), 3u);
    EXPECT_EQ(certs[0].issued_by, 1u);
    EXPECT_EQ(certs[1].issued_by, 2u);
    EXPECT_FALSE(certs[2].issued_by.has_value());
    EXPECT_EQ(pv::certificate_kind(certs[0]), "leaf (not a CA)");
    EXPECT_EQ(pv::certificate_kind(certs[1]), "intermediate CA (not self-signed)");
    EXPECT_EQ(pv::certificate_kind(certs[2]), "self-signed root CA");
    auto self = pv::read_certificates(path("self.pem"));
    EXPECT_EQ(pv::certificate_kind(self.at(0)), "self-signed, not a CA");
}

TEST_F(CertFiles, TheRootIsChosenByChainingFromTheLeaves) {
    EXPECT_EQ(chosen("chainA.pem"), "Root A");
    EXPECT_EQ(chosen("chainA.p7b"), "Root A");
    // Root B is in the file but issued nothing: the leaf's chain picks Root A.
    EXPECT_EQ(chosen("mixed.pem"), "Root A");
    EXPECT_EQ(chosen("rootA.der"), "Root A");

    auto two = pv::choose_root(pv::read_certificates(path("two-chains.pem")));
    EXPECT_FALSE(two.root);
    EXPECT_TRUE(two.ambiguous);
    EXPECT_NE(two.problem.find("CN=Root A"), std::string::npos) << two.problem;
    EXPECT_NE(two.problem.find("CN=Root B"), std::string::npos) << two.problem;

    auto roots = pv::choose_root(pv::read_certificates(path("roots.pem")));
    EXPECT_TRUE(roots.ambiguous);
    EXPECT_EQ(roots.roots.size(), 2u);

    // Leaf B with Root A, which did not issue it: not a root for that chain.
    auto unrelated = pv::choose_root(pv::read_certificates(path("unrelated.pem")));
    EXPECT_FALSE(unrelated.root);
    EXPECT_TRUE(unrelated.ambiguous);
    EXPECT_NE(unrelated.problem.find("CN=Root B, not in the file"), std::string::npos)
        << unrelated.problem;

    auto none = pv::choose_root(pv::read_certificates(path("noroot.pem")));
    EXPECT_FALSE(none.root);
    EXPECT_FALSE(none.ambiguous);
    EXPECT_EQ(none.top, 1u);  // the issuing CA, the highest the file reaches
    EXPECT_NE(none.problem.find("no self-signed root CA"), std::string::npos);
}

TEST_F(CertFiles, BuildHashesTheRootAndSaysSo) {
    EXPECT_EQ(built_hash(settings("chainA.pem")), oracle("rootA"));
    EXPECT_TRUE(reporter.noted("hashing the root CN=Root A of the 3 certificates in " +
                               path("chainA.pem")));
    EXPECT_TRUE(warnings.empty());
    EXPECT_EQ(built_hash(settings("chainA.p7b")), oracle("rootA"));
    EXPECT_EQ(built_hash(settings("mixed.pem")), oracle("rootA"));
    pv::CreateSettings p12 = settings("chainA.pfx");
    p12.cert_password_file = path("pw.txt");
    EXPECT_EQ(built_hash(p12), oracle("rootA"));
}

TEST_F(CertFiles, NoRootIsRefusedUnlessForced) {
    try {
        pv::build_setupbin(settings("noroot.pem"), reporter);
        FAIL() << "a file without a root CA was hashed";
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::bad_input);
        EXPECT_EQ(e.location(), path("noroot.pem"));
        EXPECT_NE(e.message().find("2 certificates"), std::string::npos) << e.message();
        EXPECT_NE(e.message().find("--force"), std::string::npos) << e.message();
    }
    pv::CreateSettings forced = settings("noroot.pem");
    forced.force = true;
    EXPECT_EQ(built_hash(forced), oracle("intA"));  // the top of what the file holds
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("as --force asks"), std::string::npos) << warnings[0];
    ASSERT_EQ(reporter.warnings.size(), 1u);

    pv::CreateSettings leaf = settings("leafA.der");
    leaf.force = true;
    EXPECT_EQ(built_hash(leaf), oracle("leafA"));
}

TEST_F(CertFiles, SeveralRootsAreRefusedEvenForced) {
    for (const char* file : {"roots.pem", "two-chains.pem", "unrelated.pem"}) {
        pv::CreateSettings s = settings(file);
        s.force = true;
        try {
            pv::build_setupbin(s, reporter);
            ADD_FAILURE() << file << ": a root was picked";
        } catch (const pv::Error& e) {
            EXPECT_EQ(e.code(), pv::Status::bad_input) << file;
            EXPECT_NE(e.message().find("--cert-hash-value"), std::string::npos) << e.message();
        }
    }
}

TEST_F(CertFiles, Pkcs12PasswordsAreCheckedAndNamed) {
    try {
        pv::read_certificate_file(path("chainA.pfx"));
        FAIL() << "opened without its password";
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::bad_input);
        EXPECT_NE(e.message().find("--cert-password-file"), std::string::npos) << e.message();
    }
    write_text(path("bad.txt"), "wrong\n");
    pv::CertificateReadOptions o;
    o.password_file = path("bad.txt");
    try {
        pv::read_certificate_file(path("chainA.pfx"), o);
        FAIL() << "opened with a wrong password";
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::bad_input);
        EXPECT_NE(e.message().find("does not open"), std::string::npos) << e.message();
    }
}

TEST_F(CertFiles, LegacyPkcs12NeedsAndGetsTheLegacyProvider) {
    if (run_shell("cd '" + dir_->dir() +
                  "' && openssl pkcs12 -export -legacy -inkey leafA.key -in leafA.pem "
                  "-certfile casA.pem -passout file:pw.txt -out legacy.pfx > /dev/null 2>&1") != 0)
        GTEST_SKIP() << "this openssl cannot write RC2-40 PKCS#12";
    pv::CertificateReadOptions o;
    o.password_file = path("pw.txt");
    pv::CertificateFile f = pv::read_certificate_file(path("legacy.pfx"), o);
    ASSERT_EQ(f.certificates.size(), 3u);
    ASSERT_EQ(f.notes.size(), 1u);
    EXPECT_NE(f.notes[0].find("legacy provider"), std::string::npos) << f.notes[0];
    // The legacy algorithms were loaded for that read only: the modern file reads as before,
    // and a second legacy read goes through the provider again.
    EXPECT_TRUE(pv::read_certificate_file(path("chainA.pfx"), o).notes.empty());
    EXPECT_EQ(pv::read_certificate_file(path("legacy.pfx"), o).notes.size(), 1u);
}

TEST_F(CertFiles, WhatIsNotACertificateIsNamed) {
    write_text(path("key-only.pem"), "");
    ASSERT_EQ(run_shell("cd '" + dir_->dir() + "' && cp leafA.key key-only.pem"), 0);
    try {
        pv::read_certificate_file(path("key-only.pem"));
        FAIL();
    } catch (const pv::Error& e) {
        EXPECT_EQ(e.code(), pv::Status::bad_input);
        EXPECT_NE(e.message().find("PRIVATE KEY"), std::string::npos) << e.message();
    }
    write_text(path("junk.bin"), std::string("\x30\x03\x02\x01\x05", 5));
    EXPECT_THROW(pv::read_certificate_file(path("junk.bin")), pv::Error);
}

}  // namespace
}  // namespace ukpu::test
