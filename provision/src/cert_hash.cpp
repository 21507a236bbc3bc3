#include "ukpu/provision/cert_hash.hpp"

#include <algorithm>
#include <memory>
#include <set>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>
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
struct Pkcs7Free {
    void operator()(PKCS7* p) const { PKCS7_free(p); }
};
struct Pkcs12Free {
    void operator()(PKCS12* p) const { PKCS12_free(p); }
};
struct Pkcs7StackFree {
    void operator()(STACK_OF(PKCS7) * s) const { sk_PKCS7_pop_free(s, PKCS7_free); }
};
struct SafebagStackFree {
    void operator()(STACK_OF(PKCS12_SAFEBAG) * s) const {
        sk_PKCS12_SAFEBAG_pop_free(s, PKCS12_SAFEBAG_free);
    }
};
struct OpensslFree {
    void operator()(void* p) const { OPENSSL_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using Pkcs7Ptr = std::unique_ptr<PKCS7, Pkcs7Free>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, Pkcs12Free>;

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

// Whether `issuer` issued `subject`: the names and key identifiers match and the issuer's key
// verifies the subject's signature.
bool issued(X509* issuer, X509* subject) {
    if (X509_check_issued(issuer, subject) != X509_V_OK) return false;
    EVP_PKEY* key = X509_get0_pubkey(issuer);
    bool ok = key != nullptr && X509_verify(subject, key) == 1;
    ERR_clear_error();
    return ok;
}

// The certificates, described, with who issued whom among them.
std::vector<CertificateInfo> describe_all(const std::vector<X509Ptr>& certs) {
    std::vector<CertificateInfo> out;
    for (const auto& x : certs) out.push_back(describe(x.get()));
    for (std::size_t i = 0; i < certs.size(); ++i) {
        if (out[i].self_signed) continue;
        for (std::size_t j = 0; j < certs.size(); ++j) {
            if (j != i && issued(certs[j].get(), certs[i].get())) {
                out[i].issued_by = j;
                break;
            }
        }
    }
    return out;
}

std::string first_openssl_error() {
    unsigned long e = ERR_peek_error();
    if (e == 0) return {};
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

// Whether OpenSSL's queue says an algorithm was unavailable (not fetched from the providers).
bool unsupported_in_queue() {
    unsigned long e = 0;
    while ((e = ERR_get_error()) != 0) {
        const int reason = ERR_GET_REASON(e);
        if (reason == ERR_R_UNSUPPORTED) return true;
        if (ERR_GET_LIB(e) == ERR_LIB_EVP &&
            (reason == EVP_R_UNSUPPORTED_ALGORITHM || reason == EVP_R_UNSUPPORTED_CIPHER ||
             reason == EVP_R_UNKNOWN_CIPHER || reason == EVP_R_UNSUPPORTED_KEYLENGTH))
            return true;
    }
    return false;
}

void push_x509s(const STACK_OF(X509) * stack, std::vector<X509Ptr>& out) {
    for (int i = 0; i < sk_X509_num(stack); ++i) {
        X509* x = sk_X509_value(stack, i);
        if (x != nullptr && X509_up_ref(x) == 1) out.emplace_back(x);
    }
}

// The certificates a PKCS#7 structure carries (signed data, as in .p7b files).
std::vector<X509Ptr> pkcs7_certificates(PKCS7* p7) {
    std::vector<X509Ptr> out;
    const int nid = OBJ_obj2nid(p7->type);
    if (nid == NID_pkcs7_signed && p7->d.sign != nullptr)
        push_x509s(p7->d.sign->cert, out);
    else if (nid == NID_pkcs7_signedAndEnveloped && p7->d.signed_and_enveloped != nullptr)
        push_x509s(p7->d.signed_and_enveloped->cert, out);
    return out;
}

// ---- PKCS#12 ----

enum class P12Result { ok, needs_password, wrong_password, failed };

struct P12Bags {
    std::vector<X509Ptr> certs;
    std::vector<std::string> cert_key_ids;  // the localKeyID of each certificate, or empty
    std::set<std::string> key_ids;          // the localKeyIDs of the private keys
    bool key = false;                       // a private key bag was seen
};

std::string local_key_id(const PKCS12_SAFEBAG* bag) {
    const ASN1_TYPE* id = PKCS12_SAFEBAG_get0_attr(bag, NID_localKeyID);
    if (id == nullptr || id->type != V_ASN1_OCTET_STRING || id->value.octet_string == nullptr)
        return {};
    const ASN1_OCTET_STRING* s = id->value.octet_string;
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<std::size_t>(ASN1_STRING_length(s)));
}

void collect_bags(const STACK_OF(PKCS12_SAFEBAG) * bags, P12Bags& out, int depth) {
    if (bags == nullptr || depth > 8) return;
    for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); ++i) {
        const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags, i);
        const int nid = PKCS12_SAFEBAG_get_nid(bag);
        if (nid == NID_certBag && PKCS12_SAFEBAG_get_bag_nid(bag) == NID_x509Certificate) {
            X509* x = PKCS12_SAFEBAG_get1_cert(bag);
            if (x == nullptr) continue;
            out.certs.emplace_back(x);
            out.cert_key_ids.push_back(local_key_id(bag));
        } else if (nid == NID_keyBag || nid == NID_pkcs8ShroudedKeyBag) {
            // Never decrypted: only its localKeyID, to know which certificate is its own.
            out.key = true;
            if (auto id = local_key_id(bag); !id.empty()) out.key_ids.insert(id);
        } else if (nid == NID_safeContentsBag) {
            collect_bags(PKCS12_SAFEBAG_get0_safes(bag), out, depth + 1);
        }
    }
}

// The certificates of a PKCS#12 file opened with `password` (nullopt: none given, so the empty
// one is tried both ways OpenSSL writes it), under the thread's current library context.
P12Result open_pkcs12(const std::vector<std::uint8_t>& bytes,
                      const std::optional<std::string>& password, std::vector<CertificateInfo>& out,
                      std::string& why, bool& unsupported) {
    unsupported = false;
    const unsigned char* p = bytes.data();
    Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(bytes.size())));
    if (!p12) {
        why = "not a PKCS#12 file";
        return P12Result::failed;
    }
    // The passwords to try: the one given, or the empty one as "" and as none.
    std::vector<const char*> tries;
    if (password)
        tries.push_back(password->c_str());
    else
        tries = {"", nullptr};
    const char* pass = nullptr;
    bool found = false;
    if (PKCS12_mac_present(p12.get())) {
        for (const char* t : tries) {
            if (PKCS12_verify_mac(p12.get(), t, t ? -1 : 0) == 1) {
                pass = t;
                found = true;
                break;
            }
        }
        if (!found) {
            unsupported = unsupported_in_queue();
            if (unsupported) {
                why = "its integrity check (MAC) uses an algorithm this OpenSSL does not offer";
                return P12Result::failed;
            }
            return password ? P12Result::wrong_password : P12Result::needs_password;
        }
        tries = {pass};
    }
    ERR_clear_error();
    std::unique_ptr<STACK_OF(PKCS7), Pkcs7StackFree> safes(PKCS12_unpack_authsafes(p12.get()));
    if (!safes) {
        why = "its contents cannot be decoded (" + first_openssl_error() + ")";
        ERR_clear_error();
        return P12Result::failed;
    }
    for (const char* t : tries) {
        P12Bags bags;
        bool ok = true;
        for (int i = 0; i < sk_PKCS7_num(safes.get()) && ok; ++i) {
            PKCS7* p7 = sk_PKCS7_value(safes.get(), i);
            const int nid = OBJ_obj2nid(p7->type);
            std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), SafebagStackFree> list;
            if (nid == NID_pkcs7_data) {
                list.reset(PKCS12_unpack_p7data(p7));
            } else if (nid == NID_pkcs7_encrypted) {
                list.reset(PKCS12_unpack_p7encdata(p7, t, t ? -1 : 0));
            } else {
                why =
                    "a part of it is encrypted to a public key (PKCS#7 enveloped data), which "
                    "ukpu does not open; export the chain without it";
                return P12Result::failed;
            }
            if (!list) {
                ok = false;
                break;
            }
            collect_bags(list.get(), bags, 0);
        }
        if (!ok) {
            std::string error = first_openssl_error();
            unsupported = unsupported_in_queue();
            why = "its certificates cannot be decrypted (" + error + ")";
            if (!PKCS12_mac_present(p12.get()) && !unsupported && t == tries.back())
                return password ? P12Result::wrong_password : P12Result::needs_password;
            continue;
        }
        // The certificate of the private key first, then the others, each once.
        std::vector<X509Ptr> ordered;
        std::vector<bool> with_key;
        auto is_key_cert = [&](std::size_t i) {
            const std::string& id = bags.cert_key_ids[i];
            return !id.empty() && bags.key_ids.count(id) > 0;
        };
        for (int pass_no = 0; pass_no < 2; ++pass_no) {
            for (std::size_t i = 0; i < bags.certs.size(); ++i) {
                if (!bags.certs[i] || is_key_cert(i) != (pass_no == 0)) continue;
                bool duplicate = false;
                for (const auto& o : ordered)
                    duplicate = duplicate || X509_cmp(o.get(), bags.certs[i].get()) == 0;
                if (!duplicate) {
                    ordered.push_back(std::move(bags.certs[i]));
                    with_key.push_back(pass_no == 0);
                }
            }
        }
        out = describe_all(ordered);
        for (std::size_t i = 0; i < out.size(); ++i) out[i].private_key = with_key[i];
        ERR_clear_error();
        return P12Result::ok;
    }
    return P12Result::failed;
}

// OpenSSL's default and legacy providers in a library context of their own, made the thread's
// default for the life of this object: what a PKCS#12 file encrypted with RC2 or 3DES needs,
// without loading the legacy algorithms for the rest of the program.
class LegacyScope {
public:
    LegacyScope() {
        ctx_ = OSSL_LIB_CTX_new();
        if (ctx_ == nullptr) return;
        default_ = OSSL_PROVIDER_load(ctx_, "default");
        legacy_ = OSSL_PROVIDER_load(ctx_, "legacy");
        if (default_ != nullptr && legacy_ != nullptr) previous_ = OSSL_LIB_CTX_set0_default(ctx_);
        ERR_clear_error();
    }
    ~LegacyScope() {
        if (previous_ != nullptr) OSSL_LIB_CTX_set0_default(previous_);
        if (legacy_ != nullptr) OSSL_PROVIDER_unload(legacy_);
        if (default_ != nullptr) OSSL_PROVIDER_unload(default_);
        if (ctx_ != nullptr) OSSL_LIB_CTX_free(ctx_);
    }
    LegacyScope(const LegacyScope&) = delete;
    LegacyScope& operator=(const LegacyScope&) = delete;
    bool active() const { return previous_ != nullptr; }

private:
    OSSL_LIB_CTX* ctx_ = nullptr;
    OSSL_PROVIDER* default_ = nullptr;
    OSSL_PROVIDER* legacy_ = nullptr;
    OSSL_LIB_CTX* previous_ = nullptr;
};

void read_pkcs12(const std::string& path, const std::vector<std::uint8_t>& bytes,
                 const CertificateReadOptions& options, CertificateFile& file) {
    std::optional<std::string> password;
    if (!options.password_file.empty())
        password = read_secret(options.password_file, options.password_option);
    std::string why;
    bool unsupported = false;
    P12Result r = open_pkcs12(bytes, password, file.certificates, why, unsupported);
    if (r == P12Result::failed && unsupported) {
        // Encryption OpenSSL 3 keeps in its legacy provider: read again through it.
        LegacyScope legacy;
        if (!legacy.active())
            throw Error(Status::bad_input, path,
                        "PKCS#12 file encrypted with an algorithm OpenSSL 3 keeps in its legacy "
                        "provider (RC2 or 3DES, as older Windows exports and `openssl pkcs12 "
                        "-legacy` write), and that provider cannot be loaded (is legacy.so in "
                        "OpenSSL's modules directory, or OPENSSL_MODULES set?); export the file "
                        "again with AES, or give the chain as PEM");
        std::string legacy_why;
        r = open_pkcs12(bytes, password, file.certificates, legacy_why, unsupported);
        if (r == P12Result::ok)
            file.notes.push_back(path +
                                 ": PKCS#12 encrypted with legacy algorithms (RC2 or 3DES), "
                                 "read through OpenSSL's legacy provider");
        else
            why = legacy_why;
    }
    switch (r) {
        case P12Result::ok:
            return;
        case P12Result::needs_password:
            throw Error(Status::bad_input, path,
                        "PKCS#12 file protected by a password: give the file holding it with " +
                            options.password_option + " FILE");
        case P12Result::wrong_password:
            throw Error(Status::bad_input, path,
                        "the password of " + options.password_option + " " + options.password_file +
                            " does not open this PKCS#12 file");
        case P12Result::failed:
            break;
    }
    ERR_clear_error();
    throw Error(Status::bad_input, path, "PKCS#12 file that cannot be read: " + why);
}

// ---- PEM ----

bool is_pem_certificate(std::string_view name) {
    return name == PEM_STRING_X509 || name == PEM_STRING_X509_OLD ||
           name == PEM_STRING_X509_TRUSTED;
}

bool is_pem_pkcs7(std::string_view name) {
    return name == PEM_STRING_PKCS7 || name == PEM_STRING_PKCS7_SIGNED;
}

void read_pem(const std::string& path, const std::vector<std::uint8_t>& bytes,
              CertificateFile& file) {
    BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
    if (!bio) throw Error(Status::io, path, "out of memory");
    std::vector<X509Ptr> certs;
    std::set<std::string> others;
    bool pkcs7 = false, plain = false;
    for (;;) {
        char* name = nullptr;
        char* header = nullptr;
        unsigned char* data = nullptr;
        long len = 0;
        if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1) break;
        std::unique_ptr<char, OpensslFree> n(name), h(header);
        std::unique_ptr<unsigned char, OpensslFree> d(data);
        const unsigned char* p = data;
        const std::string_view block(name);
        if (is_pem_certificate(block)) {
            X509Ptr x(block == PEM_STRING_X509_TRUSTED ? d2i_X509_AUX(nullptr, &p, len)
                                                       : d2i_X509(nullptr, &p, len));
            if (!x)
                throw Error(Status::bad_input, path,
                            "PEM block " + std::to_string(certs.size() + others.size() + 1) + " (" +
                                std::string(block) + ") is not a valid certificate");
            certs.push_back(std::move(x));
            plain = true;
        } else if (is_pem_pkcs7(block)) {
            Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, len));
            if (!p7) throw Error(Status::bad_input, path, "its PKCS7 block cannot be decoded");
            for (auto& x : pkcs7_certificates(p7.get())) certs.push_back(std::move(x));
            pkcs7 = true;
        } else {
            others.insert(std::string(block));
        }
    }
    ERR_clear_error();
    if (certs.empty()) {
        std::string found;
        for (const auto& o : others) found += (found.empty() ? "" : ", ") + o;
        throw Error(Status::bad_input, path,
                    found.empty() ? "no PEM certificate could be read (expected BEGIN "
                                    "CERTIFICATE or BEGIN PKCS7 blocks)"
                                  : "holds no certificate, only PEM blocks of " + found);
    }
    file.format = pkcs7 && !plain ? "PKCS#7 (PEM)" : "PEM";
    file.certificates = describe_all(certs);
}

// ---- DER ----

bool read_der(const std::vector<std::uint8_t>& bytes, CertificateFile& file) {
    // One certificate, or several one after the other.
    std::vector<X509Ptr> certs;
    const unsigned char* p = bytes.data();
    const unsigned char* end = bytes.data() + bytes.size();
    while (p < end) {
        const unsigned char* q = p;
        X509Ptr x(d2i_X509(nullptr, &q, static_cast<long>(end - p)));
        if (!x) break;
        certs.push_back(std::move(x));
        p = q;
    }
    ERR_clear_error();
    if (!certs.empty() && p == end) {
        file.format = "DER";
        file.certificates = describe_all(certs);
        return true;
    }
    p = bytes.data();
    Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(bytes.size())));
    ERR_clear_error();
    if (p7) {
        file.format = "PKCS#7";
        file.certificates = describe_all(pkcs7_certificates(p7.get()));
        return true;
    }
    return false;
}

bool looks_like_pkcs12(const std::vector<std::uint8_t>& bytes) {
    const unsigned char* p = bytes.data();
    Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(bytes.size())));
    ERR_clear_error();
    return p12 != nullptr;
}

std::string names_of(const std::vector<std::size_t>& which,
                     const std::vector<CertificateInfo>& certs) {
    std::string out;
    for (std::size_t i : which) out += (out.empty() ? "" : "; ") + certs[i].subject;
    return out;
}

}  // namespace

std::string certificate_kind(const CertificateInfo& c) {
    if (c.root_ca()) return "self-signed root CA";
    if (c.ca) return "intermediate CA (not self-signed)";
    if (c.self_signed) return "self-signed, not a CA";
    return "leaf (not a CA)";
}

std::string describe_certificates(const std::vector<CertificateInfo>& certs) {
    auto one = [](const CertificateInfo& c) {
        return c.subject + " [" + certificate_kind(c) + "]";
    };
    if (certs.size() == 1) return "one certificate: " + one(certs.front());
    std::string out = std::to_string(certs.size()) + " certificates: ";
    for (std::size_t i = 0; i < certs.size(); ++i) out += (i ? "; " : "") + one(certs[i]);
    return out;
}

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

CertificateFile read_certificate_file(const std::string& path,
                                      const CertificateReadOptions& options) {
    const auto bytes = read_input_file(path);
    CertificateFile file;
    file.path = path;
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (text.find("-----BEGIN") != std::string_view::npos) {
        read_pem(path, bytes, file);
    } else if (!read_der(bytes, file)) {
        if (!looks_like_pkcs12(bytes))
            throw Error(Status::bad_input, path,
                        "not a certificate file (neither PEM, DER X.509, PKCS#7 nor PKCS#12 "
                        "could be decoded)");
        file.format = "PKCS#12";
        read_pkcs12(path, bytes, options, file);
    }
    if (file.certificates.empty())
        throw Error(Status::bad_input, path, file.format + " file that holds no certificate");
    return file;
}

std::vector<CertificateInfo> read_certificates(const std::string& path) {
    return read_certificate_file(path).certificates;
}

RootChoice choose_root(const std::vector<CertificateInfo>& certs) {
    RootChoice r;
    std::vector<bool> issuer(certs.size(), false);
    for (std::size_t i = 0; i < certs.size(); ++i) {
        if (certs[i].root_ca()) r.roots.push_back(i);
        if (certs[i].issued_by && *certs[i].issued_by < certs.size())
            issuer[*certs[i].issued_by] = true;
    }
    // The leaves: neither a root nor the issuer of another certificate of the file. Each chain
    // is walked up from its leaf to the first root or to the last issuer in the file.
    std::vector<std::size_t> leaves, tops;
    for (std::size_t i = 0; i < certs.size(); ++i)
        if (!certs[i].root_ca() && !issuer[i]) leaves.push_back(i);
    for (std::size_t leaf : leaves) {
        std::size_t cur = leaf;
        for (std::size_t steps = 0; steps < certs.size() && !certs[cur].root_ca() &&
                                    certs[cur].issued_by && *certs[cur].issued_by < certs.size();
             ++steps)
            cur = *certs[cur].issued_by;
        tops.push_back(cur);
    }
    r.top = tops.empty() ? 0 : tops.front();
    if (r.roots.empty()) {
        r.problem = "holds no self-signed root CA, only " + describe_certificates(certs);
        return r;
    }
    std::vector<std::size_t> reached;
    for (std::size_t t : tops)
        if (certs[t].root_ca() && std::find(reached.begin(), reached.end(), t) == reached.end())
            reached.push_back(t);
    if (leaves.empty()) {
        // Roots only.
        if (r.roots.size() == 1) {
            r.root = r.roots.front();
            return r;
        }
        r.ambiguous = true;
        r.problem = "holds " + std::to_string(r.roots.size()) +
                    " self-signed root CAs and nothing that chains to one of them: " +
                    names_of(r.roots, certs);
        return r;
    }
    if (reached.size() == 1) {
        r.root = reached.front();
        return r;
    }
    r.ambiguous = true;
    if (reached.empty()) {
        const CertificateInfo& leaf = certs[leaves.front()];
        const CertificateInfo& top = certs[tops.front()];
        std::string chain = leaf.subject;
        if (&top != &leaf) chain += " chains up to " + top.subject + ", which";
        chain += top.self_signed ? " is self-signed, not a CA"
                                 : " is issued by " + top.issuer + ", not in the file";
        r.problem = "holds the self-signed root CA " + names_of(r.roots, certs) +
                    ", but its other certificates do not chain to " +
                    (r.roots.size() == 1 ? "it" : "any of them") + " (" + chain + ")";
    } else {
        r.problem = "holds chains that end at " + std::to_string(reached.size()) +
                    " different self-signed root CAs: " + names_of(reached, certs);
    }
    return r;
}

}  // namespace ukpu::provision
