// Assembling a setup.bin from the create settings: the catalog options, certificate hashes, raw
// entries, then the canonical build and the firmware check. Shared by `setupbin create`,
// `build` and `keys generate`.
#include "ukpu/provision/setupbin_builder.hpp"

#include <algorithm>

#include "ukpu/provision/cert_hash.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/generations.hpp"
#include "ukpu/provision/secret_file.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/values.hpp"
#include "ukpu/setupbin/version.hpp"
#include "ukpu/setupbin/write.hpp"

namespace ukpu::provision {

namespace sb = ukpu::setupbin;

namespace {

std::vector<std::string> split_colons(const std::string& text) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        auto colon = text.find(':', start);
        parts.push_back(text.substr(start, colon - start));
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    return parts;
}

bool is_algorithm(const std::string& s) {
    return s == "sha1" || s == "sha256" || s == "sha384";
}

// The longest name a 2/8 entry with this algorithm can carry: the catalog's length limits (the
// format's and the modern MEBx's) minus algorithm byte, hash and name-length byte, and at most 32.
std::size_t max_cert_name(sb::HashAlgorithm alg) {
    std::size_t limit = 81;
    if (const auto* info = sb::find_variable("cert-hash"))
        limit = std::min<std::size_t>(info->max_length, info->mebx_max_length);
    std::size_t fixed = 2 + sb::hash_length(alg);
    std::size_t room = limit > fixed ? limit - fixed : 0;
    return std::min<std::size_t>(room, 32);
}

sb::Entry cert_entry(const sb::CertHash& c) {
    sb::Entry e;
    e.module = 2;
    e.variable = 8;
    e.value = sb::encode_cert_hash(c);
    return e;
}

// The 2/8 entry of `--cert-hash FILE[:NAME][:ALG]`: the hash of the self-signed root CA the
// file holds (a chain, PKCS#7 or PKCS#12 too), since AMT checks the root at the top of the chain
// the provisioning server presents. A file without one is refused unless `force`; then the top
// of its chain is hashed, with a warning.
sb::Entry cert_hash_from_file(const std::string& spec, const CreateSettings& s, Reporter& reporter,
                              std::vector<std::string>& warnings, SecretReader& secrets) {
    const std::string& profile = s.config;
    const std::string option = "--cert-hash " + spec;
    auto parts = split_colons(spec);
    if (parts.size() > 3 || parts[0].empty())
        throw Error(Status::bad_argument, option, "expected FILE[:NAME][:ALG]");
    std::string file = resolve_profile_path(parts[0], profile);
    std::string name;
    std::string alg = "sha256";
    bool name_given = false;
    if (parts.size() == 2) {
        if (is_algorithm(parts[1]))
            alg = parts[1];
        else
            name = parts[1], name_given = true;
    } else if (parts.size() == 3) {
        name = parts[1];
        name_given = !name.empty();
        if (!parts[2].empty()) alg = parts[2];
    }
    if (!is_algorithm(alg))
        throw Error(Status::bad_argument, option,
                    "ALG '" + alg + "' is not sha1, sha256 or sha384");
    CertificateReadOptions read;
    if (!s.cert_password_file.empty())
        read.password_file = resolve_profile_path(s.cert_password_file, profile);
    const CertificateFile certs = read_certificate_file(file, read);
    if (certs.format == "PKCS#12") secrets.check(read.password_file);  // it was read
    for (const auto& n : certs.notes) reporter.note(n);
    const RootChoice choice = choose_root(certs.certificates);
    const std::size_t n = certs.certificates.size();
    std::size_t chosen = choice.top;
    if (choice.root) {
        chosen = *choice.root;
        const std::string& subject = certs.certificates[chosen].subject;
        reporter.note(n == 1 ? "hashing the root " + subject + ", the one certificate in " + file
                             : "hashing the root " + subject + " of the " + std::to_string(n) +
                                   " certificates in " + file);
    } else if (choice.ambiguous) {
        throw Error(Status::bad_input, file,
                    choice.problem +
                        "; AMT needs the hash of the one root CA at the top of the chain the "
                        "provisioning server presents: give a file holding that chain or root "
                        "only, or its hash with --cert-hash-value ALG:HEX (ukpu cert-hash "
                        "shows the hashes)");
    } else {
        const CertificateInfo& top = certs.certificates[chosen];
        if (!s.force)
            throw Error(Status::bad_input, file,
                        choice.problem +
                            "; AMT needs the hash of the self-signed root CA at the top of the "
                            "chain the provisioning server presents, and every PC would refuse "
                            "the server with this one: give the root CA's certificate (or the "
                            "whole chain), or --force to hash " +
                            top.subject + " anyway");
        std::string w = file + ": " + choice.problem + "; hashing " + top.subject + " [" +
                        certificate_kind(top) +
                        "] as --force asks: AMT accepts the provisioning server only if this "
                        "is the root CA of the chain it presents";
        warnings.push_back(w);
        reporter.warning(w);
    }
    const CertificateInfo& cert = certs.certificates[chosen];
    sb::CertHash c;
    c.algorithm = sb::parse_hash_algorithm(alg);
    c.hash = digest(alg, cert.der);
    std::size_t max_name = max_cert_name(c.algorithm);
    if (!name_given) {
        name = cert.common_name.substr(0, max_name);
    } else if (name.size() > max_name) {
        throw Error(Status::bad_argument, option,
                    "NAME is " + std::to_string(name.size()) + " bytes; at most " +
                        std::to_string(max_name) + " fit with " + alg);
    }
    c.name = name;
    return cert_entry(c);
}

sb::Entry cert_hash_from_value(const std::string& spec) {
    const std::string option = "--cert-hash-value " + spec;
    auto first = spec.find(':');
    if (first == std::string::npos)
        throw Error(Status::bad_argument, option, "expected ALG:HEX[:NAME]");
    auto second = spec.find(':', first + 1);
    std::string alg = spec.substr(0, first);
    std::string hex = spec.substr(
        first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
    sb::CertHash c;
    try {
        c.algorithm = sb::parse_hash_algorithm(alg);
        c.hash = sb::from_hex(hex);
    } catch (const sb::Error& e) {
        throw Error(Status::bad_argument, option, e.message());
    }
    if (c.hash.size() != sb::hash_length(c.algorithm))
        throw Error(Status::bad_argument, option,
                    "a " + alg + " hash is " + std::to_string(sb::hash_length(c.algorithm)) +
                        " bytes, not " + std::to_string(c.hash.size()));
    if (second != std::string::npos) c.name = spec.substr(second + 1);
    if (c.name.size() > max_cert_name(c.algorithm))
        throw Error(Status::bad_argument, option,
                    "NAME is longer than the " + std::to_string(max_cert_name(c.algorithm)) +
                        " bytes that fit");
    return cert_entry(c);
}

}  // namespace

std::vector<sb::Entry> setting_entries(const CreateSettings& s, Reporter& reporter,
                                       std::vector<std::string>& warnings) {
    const std::string profile = s.config;
    SecretReader secrets(reporter, &warnings);
    // A value from the profile is named as the profile names it ("p.toml: hostname").
    auto named = [&](const std::string& k) {
        return s.from_profile.count(k) ? profile + ": " + k : "--" + k;
    };
    std::vector<sb::Entry> entries;
    for (const auto& info : sb::catalog()) {
        std::string key(info.key);
        std::string text;
        std::string option;
        bool typed = false;
        if (info.secret) {
            auto it = s.secret_files.find(key);
            if (it == s.secret_files.end() || it->second.empty()) {
                // A secret typed in the window, named as its field.
                auto v = s.secret_values.find(key);
                if (v == s.secret_values.end() || v->second.empty()) continue;
                option = std::string(info.name);
                text = v->second;
                typed = true;
            } else {
                option = named(key + "-file");
                text = secrets.read(resolve_profile_path(it->second, profile), option);
            }
        } else {
            auto it = s.values.find(key);
            if (it == s.values.end() || it->second.empty()) continue;
            option = named(key);
            text = it->second;
        }
        sb::Entry e;
        e.module = info.module;
        e.variable = info.variable;
        try {
            e.value = encode_setting(info, text, option);
        } catch (const Error& err) {
            // A secret comes from a file: what it holds is input, not the command line.
            if (!info.secret || typed || err.code() != Status::bad_argument) throw;
            throw Error(Status::bad_input, option + " " + s.secret_files.at(key), err.message());
        }
        entries.push_back(std::move(e));
    }
    for (const auto& spec : s.cert_hashes)
        entries.push_back(cert_hash_from_file(spec, s, reporter, warnings, secrets));
    for (const auto& spec : s.cert_hash_values) entries.push_back(cert_hash_from_value(spec));
    for (const auto& spec : s.vars) entries.push_back(parse_raw_var(spec));
    return entries;
}

sb::BuildOptions build_options(const CreateSettings& s) {
    sb::BuildOptions bo;
    try {
        bo.version = sb::parse_version(s.version);
    } catch (const sb::Error& e) {
        throw Error(Status::bad_argument, "--version", e.message());
    }
    bo.reusable = s.reusable;
    bo.scramble = s.scramble;
    return bo;
}

sb::CheckOptions check_options(const CreateSettings& s) {
    sb::CheckOptions co;
    co.firmware = check_generations(verify_generations(s.firmware));
    return co;
}

BuiltSetupBin build_setupbin(const CreateSettings& s, Reporter& reporter) {
    BuiltSetupBin out;
    const sb::BuildOptions bo = build_options(s);
    const std::vector<sb::Entry> entries = setting_entries(s, reporter, out.warnings);
    std::vector<std::vector<sb::Entry>> records(s.records, entries);
    try {
        out.bytes = sb::serialize(sb::build(bo, records));
    } catch (const sb::Error& e) {
        throw Error(Status::bad_argument, e.where().str(), e.message());
    }
    out.check = sb::check(out.bytes, check_options(s));
    out.version = std::string(sb::version_info(bo.version).name);
    return out;
}

}  // namespace ukpu::provision
