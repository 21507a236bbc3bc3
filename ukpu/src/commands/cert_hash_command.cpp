// `ukpu cert-hash CERT...`: thumbprints of certificates, and whether each is the root CA whose
// hash AMT needs.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands/commands.hpp"
#include "ukpu/provision/cert_hash.hpp"
#include "ukpu/setupbin/values.hpp"

namespace ukpu::cli {

namespace sb = ukpu::setupbin;

namespace {

constexpr const char* leaf_warning =
    "this looks like a leaf/intermediate certificate; AMT needs the hash of the root CA at the "
    "top of the chain";

struct CertHashOptions {
    std::vector<std::string> files;
};

std::string role(const provision::CertificateInfo& c) {
    if (c.root_ca()) return "self-signed root CA";
    if (c.ca) return "CA, not self-signed (intermediate)";
    if (c.self_signed) return "self-signed, but not a CA";
    return "leaf (not a CA)";
}

int run_cert_hash(const CertHashOptions& o, const GlobalOptions& g) {
    Json files = Json::array();
    for (const auto& path : o.files) {
        auto certs = provision::read_certificates(path);
        Json cj = Json::array();
        std::optional<std::size_t> root;
        for (std::size_t i = 0; i < certs.size(); ++i)
            if (certs[i].root_ca()) root = i;
        if (!g.json) std::cout << path << ":\n";
        for (std::size_t i = 0; i < certs.size(); ++i) {
            const auto& c = certs[i];
            std::vector<std::string> warnings;
            if (!c.root_ca()) warnings.push_back(leaf_warning);
            Json j = Json::object();
            j.set("index", static_cast<std::uint64_t>(i + 1));
            j.set("subject", c.subject);
            j.set("issuer", c.issuer);
            j.set("common_name", c.common_name);
            j.set("sha1", sb::to_hex(c.sha1));
            j.set("sha256", sb::to_hex(c.sha256));
            j.set("sha384", sb::to_hex(c.sha384));
            j.set("self_signed", c.self_signed);
            j.set("ca", c.ca);
            j.set("root", root && *root == i);
            Json wj = Json::array();
            for (const auto& w : warnings) wj.push(w);
            j.set("warnings", wj);
            cj.push(j);
            if (!g.json) {
                std::cout << "  certificate " << i + 1 << " of " << certs.size() << "\n"
                          << "    subject: " << c.subject << "\n"
                          << "    issuer:  " << c.issuer << "\n"
                          << "    kind:    " << role(c) << "\n"
                          << "    SHA-1:   " << sb::to_hex(c.sha1) << "\n"
                          << "    SHA-256: " << sb::to_hex(c.sha256) << "\n"
                          << "    SHA-384: " << sb::to_hex(c.sha384) << "\n";
            }
            for (const auto& w : warnings)
                print_warning("WARNING: " + path + ": certificate " + std::to_string(i + 1) + " (" +
                              c.subject + "): " + w);
        }
        if (certs.size() > 1) {
            if (root)
                print_note(g, path + ": the root of this chain is certificate " +
                                  std::to_string(*root + 1) + " (" + certs[*root].subject +
                                  "): use its hash");
            else
                print_warning("WARNING: " + path +
                              ": the chain holds no self-signed root CA; add the root "
                              "certificate and use its hash");
        }
        Json fj = Json::object();
        fj.set("file", path);
        fj.set("certificates", cj);
        fj.set("root", root ? Json(static_cast<std::uint64_t>(*root + 1)) : Json());
        files.push(fj);
    }
    if (g.json) {
        Json doc = Json::object();
        doc.set("files", files);
        print_json(doc);
    }
    std::cout << std::flush;
    return exit_ok;
}

}  // namespace

Command add_cert_hash(CLI::App& app, const GlobalOptions& g) {
    auto o = std::make_shared<CertHashOptions>();
    CLI::App* sub = app.add_subcommand(
        "cert-hash", "SHA-1/SHA-256/SHA-384 thumbprints of certificates (PEM, chains too, or DER)");
    sub->fallthrough();
    sub->add_option("CERT", o->files, "Certificate files")->required();
    sub->footer(
        "AMT needs the hash of the self-signed root CA at the top of the provisioning\n"
        "certificate's chain; a WARNING names every certificate that is not one.\n"
        "Exit codes: 0 done (warnings do not fail); 3 a certificate file is unreadable.");
    return {sub, [o, &g] { return run_cert_hash(*o, g); }};
}

}  // namespace ukpu::cli
