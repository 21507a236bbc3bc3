// X.509 certificates for AMT certificate hashes: reading the files admins are handed (PEM, one or
// several; DER; PKCS#7 in PEM or DER; PKCS#12 with its password from a file), thumbprints of the
// DER form, and which certificate of a file is the self-signed root CA that AMT needs: AMT trusts
// the provisioning server when the root CA at the top of the chain the server presents has a
// hash the firmware holds, never the hash of the server's own (leaf) certificate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ukpu::provision {

struct CertificateInfo {
    std::string subject;  // RFC 2253 text
    std::string issuer;
    std::string common_name;  // the subject CN, or empty
    std::vector<std::uint8_t> der;
    std::vector<std::uint8_t> sha1, sha256, sha384;
    bool self_signed = false;  // subject == issuer and the signature verifies with its own key
    bool ca = false;           // basicConstraints CA:TRUE
    bool private_key = false;  // PKCS#12: the certificate of the file's private key
    // The index, in the same file, of the certificate that issued this one (its subject is this
    // one's issuer and its key verifies this one's signature); none for a self-signed
    // certificate or when the issuer is not in the file.
    std::optional<std::size_t> issued_by;
    bool root_ca() const { return self_signed && ca; }
};

// What a certificate is, as the messages name it: "self-signed root CA", "intermediate CA (not
// self-signed)", "self-signed, not a CA" or "leaf (not a CA)".
std::string certificate_kind(const CertificateInfo& c);

// What `certs` are, for messages: "one certificate: CN=a [leaf (not a CA)]" or "3 certificates:
// CN=a [leaf (not a CA)]; CN=b [...]; ...".
std::string describe_certificates(const std::vector<CertificateInfo>& certs);

struct CertificateFile {
    std::string path;
    std::string format;  // "PEM", "DER", "PKCS#7", "PKCS#7 (PEM)" or "PKCS#12"
    // In file order; from a PKCS#12 file the certificate of its private key first, then the
    // others, each once.
    std::vector<CertificateInfo> certificates;
    std::vector<std::string> notes;  // how it was read, e.g. through OpenSSL's legacy provider
};

struct CertificateReadOptions {
    // PKCS#12: the file holding its password ("-" for stdin), read only when a PKCS#12 file is
    // met. Without one, the empty password is tried.
    std::string password_file;
    std::string password_option = "--cert-password-file";  // named in the messages
};

// Every certificate of `path`, whatever its format (recognised by its content, not its name).
// PKCS#12 files are opened with the password of `options.password_file` (their private key is
// never decrypted); encryption that OpenSSL 3 keeps in its legacy provider (RC2, 3DES: older
// Windows exports, `openssl pkcs12 -legacy`) is read through that provider, loaded for this read
// only, and a note says so. Throws Error (bad_input) naming the path when nothing can be read, a
// PKCS#12 file needs a password or the password is wrong, or the legacy provider is missing.
CertificateFile read_certificate_file(const std::string& path,
                                      const CertificateReadOptions& options = {});

// The certificates of `path` (read_certificate_file without a password).
std::vector<CertificateInfo> read_certificates(const std::string& path);

// Which certificate of a file AMT needs the hash of. The rule:
//   - no self-signed root CA in the file: none (`problem` says what the file holds instead);
//   - one root CA: it, if every chain that ends at a root ends at it; or the file holds roots only;
//   - several root CAs: the one the chains reach, walking up from each certificate that issued
//     none of the others (the leaves) through `issued_by`; when they reach several roots or
//     none, the choice is ambiguous and nothing is chosen (`problem` names the roots);
//   - roots only (no leaf or intermediate): the root when there is one, else ambiguous.
struct RootChoice {
    std::optional<std::size_t> root;  // the certificate to hash
    std::vector<std::size_t> roots;   // every self-signed root CA in the file
    // The top of the chain that starts at the first leaf of the file: what `--force` hashes
    // when the file holds no root CA (the leaf itself when its issuer is not in the file).
    std::size_t top = 0;
    bool ambiguous = false;  // roots there are, but none can be chosen (never forced)
    std::string problem;     // why there is no root to hash; empty when `root` is set
};
RootChoice choose_root(const std::vector<CertificateInfo>& certs);

// The digest `algorithm` ("sha1", "sha256", "sha384") of `data`.
std::vector<std::uint8_t> digest(const std::string& algorithm,
                                 const std::vector<std::uint8_t>& data);

}  // namespace ukpu::provision
