// `ukpu cert-hash CERT...`: thumbprints of the certificates of each file (PEM, DER, PKCS#7,
// PKCS#12), what each is, and which one is the root CA whose hash AMT needs.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands/commands.hpp"
#include "ukpu/provision/cert_hash.hpp"
#include "ukpu/setupbin/values.hpp"

namespace ukpu::cli {

namespace sb = ukpu::setupbin;

namespace {

constexpr const char* not_root_warning =
    "not a self-signed root CA; AMT needs the hash of the root CA at the top of the chain the "
    "provisioning server presents";

struct CertHashOptions {
    std::vector<std::string> files;
    std::string password_file;
};

int run_cert_hash(const CertHashOptions& o, const GlobalOptions& g) {
    Json files = Json::array();
    provision::CertificateReadOptions read;
    read.password_file = o.password_file;
    read.password_option = "--password-file";
    for (const auto& path : o.files) {
        const provision::CertificateFile file = provision::read_certificate_file(path, read);
        const auto& certs = file.certificates;
        const provision::RootChoice choice = provision::choose_root(certs);
        for (const auto& n : file.notes) print_note(g, n);
        Json cj = Json::array();
        if (!g.json)
            std::cout << path << ": " << file.format << ", " << certs.size()
                      << (certs.size() == 1 ? " certificate" : " certificates") << "\n";
        for (std::size_t i = 0; i < certs.size(); ++i) {
            const auto& c = certs[i];
            const bool root = choice.root && *choice.root == i;
            std::vector<std::string> warnings;
            if (!choice.root && !c.root_ca())
                warnings.push_back(provision::certificate_kind(c) + ": " + not_root_warning);
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
            j.set("root", root);
            Json wj = Json::array();
            for (const auto& w : warnings) wj.push(w);
            j.set("warnings", wj);
            j.set("kind", provision::certificate_kind(c));
            j.set("issued_by",
                  c.issued_by ? Json(static_cast<std::uint64_t>(*c.issued_by + 1)) : Json());
            j.set("private_key", c.private_key);
            cj.push(j);
            if (!g.json) {
                std::cout << "  certificate " << i + 1 << " of " << certs.size()
                          << (root ? ": the root CA whose hash AMT needs" : "")
                          << (c.private_key ? " (the certificate of the private key)" : "") << "\n"
                          << "    subject: " << c.subject << "\n"
                          << "    issuer:  " << c.issuer << "\n"
                          << "    kind:    " << provision::certificate_kind(c);
                if (c.issued_by) std::cout << ", issued by certificate " << *c.issued_by + 1;
                std::cout << "\n"
                          << "    SHA-1:   " << sb::to_hex(c.sha1) << "\n"
                          << "    SHA-256: " << sb::to_hex(c.sha256) << "\n"
                          << "    SHA-384: " << sb::to_hex(c.sha384) << "\n";
            }
        }
        std::string problem;
        if (choice.root) {
            if (certs.size() > 1)
                print_note(g, path + ": the root of this chain is certificate " +
                                  std::to_string(*choice.root + 1) + " (" +
                                  certs[*choice.root].subject + "): use its hash");
        } else {
            problem = choice.problem;
            print_warning(
                g, path + ": " + problem +
                       (choice.ambiguous
                            ? "; AMT needs the hash of the one root CA at the top of the chain "
                              "the provisioning server presents: pick it yourself"
                            : "; none of these hashes is the one AMT needs: it needs the hash "
                              "of the root CA at the top of the chain the provisioning server "
                              "presents (add the root certificate and use its hash)"));
        }
        Json roots = Json::array();
        for (std::size_t r : choice.roots) roots.push(static_cast<std::uint64_t>(r + 1));
        Json fj = Json::object();
        fj.set("file", path);
        fj.set("certificates", cj);
        fj.set("root", choice.root ? Json(static_cast<std::uint64_t>(*choice.root + 1)) : Json());
        fj.set("format", file.format);
        fj.set("roots", roots);
        fj.set("problem", problem.empty() ? Json() : Json(problem));
        files.push(fj);
    }
    if (g.json) {
        Json doc = Json::object();
        // Like every command's document: ok mirrors the exit code (warnings do not fail).
        doc.set("ok", true);
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
        "cert-hash",
        "SHA-1/SHA-256/SHA-384 thumbprints of certificates (PEM, chains too; DER; PKCS#7; "
        "PKCS#12) and which one is the root CA whose hash AMT needs");
    sub->fallthrough();
    sub->add_option("CERT", o->files, "Certificate files")->required();
    sub->add_option("--password-file,--cert-password-file", o->password_file,
                    "The password of PKCS#12 (.pfx/.p12) files ('-' for stdin)")
        ->type_name("FILE");
    sub->footer(
        "AMT needs the hash of the self-signed root CA at the top of the provisioning\n"
        "certificate's chain: the root of each file is named (the one its chains reach\n"
        "from their leaf when it holds several), and a warning says when a file holds none.\n"
        "Exit codes: 0 done (warnings do not fail); 3 a certificate file is unreadable.");
    return {sub, [o, &g] { return run_cert_hash(*o, g); }};
}

}  // namespace ukpu::cli
