// The options of `ukpu setupbin create` (and of every command that makes a setup.bin): one named
// option per catalog variable, the file-level options, and profiles applied under the command
// line.
#include <CLI/CLI.hpp>

#include "create_options.hpp"

#include <set>
#include <string>

#include "ukpu/provision/error.hpp"
#include "ukpu/provision/profile.hpp"
#include "ukpu/setupbin/catalog.hpp"
#include "ukpu/setupbin/version.hpp"

namespace ukpu::cli {

namespace sb = ukpu::setupbin;
namespace pv = ukpu::provision;

namespace {

// "1, 2 or 2.1".
std::string listed(const std::vector<std::string>& words) {
    std::string text;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0) text += i + 1 == words.size() ? " or " : ", ";
        text += words[i];
    }
    return text;
}

}  // namespace

void add_create_options(CLI::App& sub, pv::CreateSettings& s, bool with_output) {
    CreateOptionSet set;
    set.output = with_output;
    add_create_options(sub, s, set);
}

void add_create_options(CLI::App& sub, pv::CreateSettings& s, const CreateOptionSet& set) {
    const std::string file_group = "File";
    const std::string var_group = "Variables (names or numbers)";
    const std::string secret_group = "Secrets (read from files, '-' for stdin)";
    if (set.output) {
        sub.add_option("-o,--output", s.output, set.output_help)->group(file_group);
        sub.add_flag("--overwrite", s.overwrite,
                     "Replace an existing output file (without it, one is refused)")
            ->group(file_group);
    }
    std::vector<std::string> versions;
    for (const auto& v : set.versions) {
        versions.push_back(v);
        if (v.find('.') == std::string::npos) versions.push_back(v + ".0");
    }
    CLI::Option* version =
        sub.add_option("--version", s.version, "File format version: " + listed(set.versions))
            ->check(CLI::IsMember(versions))
            ->group(file_group);
    if (!set.version_default.empty()) version->default_str(set.version_default);
    sub.add_flag("--reusable", s.reusable,
                 "Set FileFlags bit 0: records are never consumed (v2 and later)")
        ->group(file_group);
    sub.add_flag("--scramble", s.scramble, "Scramble every record body (+0x11 per byte)")
        ->group(file_group);
    if (set.records)
        sub.add_option("--records", s.records, "Number of identical records")
            ->check(CLI::Range(1u, 1000000u))
            ->default_str("1")
            ->group(file_group);
    CLI::Option* firmware =
        sub.add_option("--firmware", s.firmware,
                       "The firmware generations whose rules the new file must pass: all, or a "
                       "comma-separated list of legacy, uefi, mebx")
            ->check(CLI::Validator(
                [](std::string& v) -> std::string { return pv::firmware_list_problem(v); },
                "GENERATIONS"))
            ->group(file_group);
    if (!set.firmware_default.empty()) firmware->default_str(set.firmware_default);
    sub.add_flag("--force", s.force,
                 "Write the file even when the checker reports errors (each is still listed), "
                 "and hash a --cert-hash file that holds no root CA")
        ->group(file_group);

    for (const auto& info : sb::catalog()) {
        std::string key(info.key);
        std::string desc = std::to_string(info.module) + "/" + std::to_string(info.variable) + " " +
                           std::string(info.name) + " (since v" +
                           std::string(sb::version_info(info.since).name);
        if (info.mebx == sb::MebxHandling::aborts) desc += "; a modern MEBx aborts on it";
        desc += ")";
        if (info.type == sb::ValueType::cert_hash) continue;  // --cert-hash, below
        if (set.without.count(key)) continue;
        if (info.secret) {
            s.secret_files[key];
            sub.add_option("--" + key + "-file", s.secret_files[key], desc)
                ->type_name("FILE")
                ->group(secret_group);
        } else {
            s.values[key];
            sub.add_option("--" + key, s.values[key], desc)
                ->type_name(pv::setting_type_name(info))
                ->group(var_group);
        }
    }
    sub.add_option("--cert-hash", s.cert_hashes,
                   "2/8 user certificate hash of the self-signed root CA in a certificate file "
                   "(PEM, a chain too; DER; PKCS#7 .p7b; PKCS#12 .pfx/.p12): the hash of its DER "
                   "form. A file without a root CA is refused unless --force. NAME defaults to "
                   "the CN, shortened to fit; ALG sha1|sha256|sha384, default sha256. Repeatable")
        ->type_name("FILE[:NAME][:ALG]")
        ->group(var_group);
    sub.add_option("--cert-password-file", s.cert_password_file,
                   "The password of the PKCS#12 (.pfx/.p12) files of --cert-hash")
        ->type_name("FILE")
        ->group(secret_group);
    sub.add_option("--cert-hash-value", s.cert_hash_values,
                   "2/8 user certificate hash given as hex. Repeatable")
        ->type_name("ALG:HEX[:NAME]")
        ->group(var_group);
    sub.add_option("--var", s.vars,
                   "A raw entry; TYPE is str, u8, u16, u32 or hex. Repeatable, kept in order")
        ->type_name("MODULE:VARIABLE:TYPE:VALUE")
        ->group(var_group);
    sub.add_option("--config", s.config,
                   "A TOML profile: key = value per option above (without the dashes; "
                   "repeatable options as arrays, flags as true/false). The command line wins "
                   "over the profile. Relative paths in a profile (secret files, certificates) "
                   "that do not exist relative to the working directory are taken relative to "
                   "the profile's directory")
        ->type_name("FILE")
        ->group(file_group);
}

void apply_profile(CLI::App& sub, pv::CreateSettings& s) {
    const pv::Profile profile = pv::read_profile(s.config);
    // The command line wins over the profile.
    std::set<std::string> given;
    for (const CLI::Option* op : sub.get_options())
        if (op->count() > 0 && !op->get_lnames().empty()) given.insert(op->get_lnames().front());
    const bool with_output = sub.get_option_no_throw("--output") != nullptr;
    // The settings of a setup.bin go to the settings; what is left must be the command's own
    // options (`build`'s size, say).
    for (const auto& item : pv::apply_profile(profile, s, given, with_output)) {
        CLI::Option* op = sub.get_option_no_throw("--" + item.key);
        if (op == nullptr || item.key == "config" || item.key == "help")
            throw CliError(exit_usage, s.config + ": " + item.key,
                           "not a setting of " + sub.get_name());
        if (op->count() > 0) continue;  // given on the command line
        try {
            if (op->get_expected_min() == 0) {
                if (item.values.size() != 1)
                    throw CliError(exit_usage, s.config + ": " + item.key, "expects true or false");
                op->add_result(item.values.front());
            } else {
                op->add_result(item.values);
            }
            op->run_callback();
        } catch (const CLI::Error& e) {
            throw CliError(exit_usage, s.config + ": " + item.key, e.what());
        }
    }
}

}  // namespace ukpu::cli
