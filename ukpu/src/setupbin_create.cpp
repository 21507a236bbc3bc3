// `ukpu setupbin create -o FILE [settings]`: builds a canonical setup.bin, checks it with the
// firmware rules, and writes it atomically (mode 0600) unless the checker finds errors.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cert_hash.hpp"
#include "commands.hpp"
#include "create_options.hpp"
#include "problem_json.hpp"
#include "secret_file.hpp"
#include "ukpu/setupbin/check.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/values.hpp"
#include "ukpu/setupbin/version.hpp"
#include "ukpu/setupbin/write.hpp"

namespace ukpu::cli {

namespace sb = ukpu::setupbin;

namespace {

struct CreateState {
    CreateSettings s;
    CLI::App* sub = nullptr;
};

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

sb::Entry cert_hash_from_file(const std::string& spec, const std::string& profile,
                              const GlobalOptions& g, std::vector<std::string>& warnings) {
    const std::string option = "--cert-hash " + spec;
    auto parts = split_colons(spec);
    if (parts.size() > 3 || parts[0].empty())
        throw CliError(exit_usage, option, "expected FILE[:NAME][:ALG]");
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
        throw CliError(exit_usage, option, "ALG '" + alg + "' is not sha1, sha256 or sha384");
    auto certs = read_certificates(file);
    const CertificateInfo& cert = certs.front();
    if (!cert.root_ca()) {
        std::string w = file + ": " + cert.subject +
                        ": this looks like a leaf/intermediate certificate; AMT needs the hash "
                        "of the root CA at the top of the chain";
        warnings.push_back(w);
        print_warning(w);
    }
    if (certs.size() > 1)
        print_note(g, file + ": holds " + std::to_string(certs.size()) +
                          " certificates; the hash is of the first");
    sb::CertHash c;
    c.algorithm = sb::parse_hash_algorithm(alg);
    c.hash = digest(alg, cert.der);
    std::size_t max_name = max_cert_name(c.algorithm);
    if (!name_given) {
        name = cert.common_name.substr(0, max_name);
    } else if (name.size() > max_name) {
        throw CliError(exit_usage, option,
                       "NAME is " + std::to_string(name.size()) + " bytes; at most " +
                           std::to_string(max_name) + " fit with " + alg);
    }
    c.name = name;
    return cert_entry(c);
}

sb::Entry cert_hash_from_value(const std::string& spec) {
    const std::string option = "--cert-hash-value " + spec;
    auto first = spec.find(':');
    if (first == std::string::npos) throw CliError(exit_usage, option, "expected ALG:HEX[:NAME]");
    auto second = spec.find(':', first + 1);
    std::string alg = spec.substr(0, first);
    std::string hex = spec.substr(
        first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
    sb::CertHash c;
    try {
        c.algorithm = sb::parse_hash_algorithm(alg);
        c.hash = sb::from_hex(hex);
    } catch (const sb::Error& e) {
        throw CliError(exit_usage, option, e.message());
    }
    if (c.hash.size() != sb::hash_length(c.algorithm))
        throw CliError(exit_usage, option,
                       "a " + alg + " hash is " + std::to_string(sb::hash_length(c.algorithm)) +
                           " bytes, not " + std::to_string(c.hash.size()));
    if (second != std::string::npos) c.name = spec.substr(second + 1);
    if (c.name.size() > max_cert_name(c.algorithm))
        throw CliError(exit_usage, option,
                       "NAME is longer than the " + std::to_string(max_cert_name(c.algorithm)) +
                           " bytes that fit");
    return cert_entry(c);
}

int run_create(CreateState& st, const GlobalOptions& g) {
    CreateSettings& s = st.s;
    if (!s.config.empty()) apply_profile(*st.sub, s.config);
    if (s.output.empty())
        throw CliError(exit_usage, "-o/--output", "the file to write is required");
    const std::string profile = s.config;

    sb::BuildOptions bo;
    try {
        bo.version = sb::parse_version(s.version);
    } catch (const sb::Error& e) {
        throw CliError(exit_usage, "--version", e.message());
    }
    bo.reusable = s.reusable;
    bo.scramble = s.scramble;

    std::vector<sb::Entry> entries;
    std::vector<std::string> warnings;
    for (const auto& info : sb::catalog()) {
        std::string key(info.key);
        std::string text;
        std::string option;
        if (info.secret) {
            auto it = s.secret_files.find(key);
            if (it == s.secret_files.end() || it->second.empty()) continue;
            option = "--" + key + "-file";
            text = read_secret(resolve_profile_path(it->second, profile), option);
        } else {
            auto it = s.values.find(key);
            if (it == s.values.end() || it->second.empty()) continue;
            option = "--" + key;
            text = it->second;
        }
        sb::Entry e;
        e.module = info.module;
        e.variable = info.variable;
        e.value = encode_setting(info, text, option);
        entries.push_back(std::move(e));
    }
    for (const auto& spec : s.cert_hashes)
        entries.push_back(cert_hash_from_file(spec, profile, g, warnings));
    for (const auto& spec : s.cert_hash_values) entries.push_back(cert_hash_from_value(spec));
    for (const auto& spec : s.vars) entries.push_back(parse_raw_var(spec));

    std::vector<std::vector<sb::Entry>> records(s.records, entries);
    std::vector<std::uint8_t> bytes;
    try {
        bytes = sb::serialize(sb::build(bo, records));
    } catch (const sb::Error& e) {
        throw CliError(exit_usage, e.where().str(), e.message());
    }

    sb::CheckOptions co;
    if (s.firmware.find("all") == std::string::npos) {
        co.firmware.clear();
        std::size_t start = 0;
        while (start <= s.firmware.size()) {
            std::size_t end = s.firmware.find(',', start);
            if (end == std::string::npos) end = s.firmware.size();
            co.firmware.insert(sb::parse_firmware(s.firmware.substr(start, end - start)));
            start = end + 1;
        }
    }
    sb::CheckResult checked = sb::check(bytes, co);
    bool refused = !checked.ok() && !s.force;
    for (const auto& p : checked.problems) {
        if (p.severity == sb::Severity::info && !g.verbose) continue;
        if (p.severity == sb::Severity::error && !refused)
            print_warning("written despite: " + problem_line(p));
        else if (p.severity == sb::Severity::error)
            print_error(problem_line(p));
        else
            print_warning(problem_line(p));
    }

    bool written = false;
    if (!refused && !g.dry_run) {
        write_file_atomic(s.output, bytes);
        written = true;
    }
    const std::string sha = sb::to_hex(digest("sha256", bytes));
    const std::string version(sb::version_info(bo.version).name);
    if (g.json) {
        Json doc = Json::object();
        doc.set("path", s.output);
        doc.set("version", version);
        doc.set("records", s.records);
        doc.set("sha256", sha);
        doc.set("size", static_cast<std::uint64_t>(bytes.size()));
        doc.set("written", written);
        doc.set("ok", checked.ok());
        doc.set("problems", problems_json(checked.problems));
        Json wj = Json::array();
        for (const auto& w : warnings) wj.push(w);
        doc.set("warnings", wj);
        print_json(doc);
    }
    if (refused) {
        print_error(s.output +
                    ": not written: the checker found errors (listed above); fix "
                    "them, choose --firmware, or use --force");
        return exit_problems;
    }
    print_note(g, std::string(written ? "wrote " : "would write (dry run) ") + s.output +
                      ": version " + version + ", " + std::to_string(s.records) + " record(s), " +
                      std::to_string(bytes.size()) + " bytes, sha256 " + sha);
    return exit_ok;
}

}  // namespace

Command add_setupbin_create(CLI::App& setupbin, const GlobalOptions& g) {
    auto st = std::make_shared<CreateState>();
    CLI::App* sub = setupbin.add_subcommand(
        "create", "Write a setup.bin from options or a TOML profile (--config)");
    sub->fallthrough();
    st->sub = sub;
    add_create_options(*sub, st->s);
    sub->footer(
        "Secrets are never taken on the command line: use --current-password-file,\n"
        "--new-password-file, --pps-file, --enrollment-passcode-file (FILE or '-' for stdin;\n"
        "one trailing newline is removed).\n"
        "The new file is checked against the firmware rules (--firmware, default all); it is\n"
        "not written when an error is found, unless --force.\n"
        "Exit codes: 0 written; 1 refused because the checker found errors (nothing written);\n"
        "2 a bad option or value; 3 an unreadable profile, secret or certificate;\n"
        "4 the output exists and is not a regular file; 5 I/O error.");
    return {sub, [st, &g] { return run_create(*st, g); }};
}

}  // namespace ukpu::cli
