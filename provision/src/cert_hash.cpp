#include "ukpu/provision/cert_hash.hpp"

#include <memory>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ukpu/provision/error.hpp"
#include "ukpu/provision/secret_file.hpp"

namespace ukpu::provision {

namespace {

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

std::string name_text(const X509_NAME* name) {
    BioPtr out(BIO_new(BIO_s_mem()));
    if (!out) return {};
    X509_NAME_print_ex(out.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* p = nullptr;
    long n = BIO_get_mem_data(out.get(), &p);
    return n > 0 ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

std::string common_name(const X509_NAME* name) {
    int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx < 0) return {};
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n < 0) return {};
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
    return out;
}

CertificateInfo describe(X509* x) {
    CertificateInfo c;
    c.subject = name_text(X509_get_subject_name(x));
    c.issuer = name_text(X509_get_issuer_name(x));
    c.common_name = common_name(X509_get_subject_name(x));
    int len = i2d_X509(x, nullptr);
    if (len > 0) {
        c.der.resize(static_cast<std::size_t>(len));
        unsigned char* p = c.der.data();
        i2d_X509(x, &p);
    }
    c.sha1 = digest("sha1", c.der);
    c.sha256 = digest("sha256", c.der);
    c.sha384 = digest("sha384", c.der);
    bool same_name = X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0;
    EVP_PKEY* key = X509_get0_pubkey(x);
    c.self_signed = same_name && key != nullptr && X509_verify(x, key) == 1;
    c.ca = (X509_get_extension_flags(x) & EXFLAG_CA) != 0;
    ERR_clear_error();
    return c;
}

}  // namespace

std::vector<std::uint8_t> digest(const std::string& algorithm,
                                 const std::vector<std::uint8_t>& data) {
    const EVP_MD* md = algorithm == "sha1"     ? EVP_sha1()
                       : algorithm == "sha256" ? EVP_sha256()
                       : algorithm == "sha384" ? EVP_sha384()
                                               : nullptr;
    if (!md) throw Error(Status::bad_argument, algorithm, "unknown hash algorithm");
    std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
    unsigned int n = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &n, md, nullptr) != 1)
        throw Error(Status::io, algorithm, "digest computation failed");
    out.resize(n);
    return out;
}

std::vector<CertificateInfo> read_certificates(const std::string& path) {
    auto bytes = read_input_file(path);
    std::vector<CertificateInfo> certs;
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (text.find("-----BEGIN") != std::string_view::npos) {
        BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
        if (!bio) throw Error(Status::io, path, "out of memory");
        for (;;) {
            X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
            if (!x) break;
            certs.push_back(describe(x.get()));
        }
        ERR_clear_error();
        if (certs.empty())
            throw Error(Status::bad_input, path,
                        "no PEM certificate could be read (expected BEGIN CERTIFICATE blocks)");
    } else {
        const unsigned char* p = bytes.data();
        X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(bytes.size())));
        ERR_clear_error();
        if (!x)
            throw Error(Status::bad_input, path,
                        "not a certificate (neither PEM nor DER X.509 could be decoded)");
        certs.push_back(describe(x.get()));
    }
    return certs;
}

}  // namespace ukpu::provision
