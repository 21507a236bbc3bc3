// X.509 certificates for AMT certificate hashes: reading PEM (chains too) or DER, thumbprints of
// the DER form, and whether a certificate is the self-signed root CA that AMT needs.
#pragma once

#include <cstdint>
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
    bool root_ca() const { return self_signed && ca; }
};

// Every certificate in `path` (PEM, one or more; or a single DER certificate), in file order.
// Throws Error (bad_input) naming the path when nothing can be read.
std::vector<CertificateInfo> read_certificates(const std::string& path);

// The digest `algorithm` ("sha1", "sha256", "sha384") of `data`.
std::vector<std::uint8_t> digest(const std::string& algorithm,
                                 const std::vector<std::uint8_t>& data);

}  // namespace ukpu::provision
