#include <CLI/CLI.hpp>

#include "create_options.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <limits>

#include "context.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/pidpps.hpp"
#include "ukpu/setupbin/values.hpp"
#include "ukpu/setupbin/version.hpp"

namespace ukpu::cli {

namespace sb = ukpu::setupbin;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string trim(std::string_view s) {
    auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(" \t");
    return std::string(s.substr(b, e - b + 1));
}

// Decimal or 0x-prefixed hexadecimal, at most `max`; nullopt when `text` is not a number.
std::optional<std::uint64_t> parse_number(std::string_view text, std::uint64_t max) {
    std::string t = trim(text);
    int base = 10;
    if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
        base = 16;
        t = t.substr(2);
    }
    if (t.empty() || t.size() > 20) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : t) {
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (base == 16 && std::isxdigit(static_cast<unsigned char>(c)))
            d = std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
        else
            return std::nullopt;
        if (v > (std::numeric_limits<std::uint64_t>::max() - static_cast<unsigned>(d)) /
                    static_cast<unsigned>(base))
            return std::nullopt;
        v = v * static_cast<unsigned>(base) + static_cast<unsigned>(d);
    }
    if (v > max) return std::nullopt;
    return v;
}

std::size_t type_size(sb::ValueType t) {
    switch (t) {
        case sb::ValueType::u8:
            return 1;
        case sb::ValueType::u16:
            return 2;
        case sb::ValueType::u32:
            return 4;
        default:
            return 0;
    }
}

std::uint64_t size_max(std::size_t size) {
    return size >= 4 ? 0xFFFFFFFFull : (std::uint64_t{1} << (8 * size)) - 1;
}

std::string names_list(const sb::VariableInfo& info) {
    std::string out;
    for (const auto& v : info.values) {
        if (!out.empty()) out += '|';
        out += std::string(v.name);
    }
    return out;
}

std::string type_name(const sb::VariableInfo& info) {
    switch (info.type) {
        case sb::ValueType::string:
            return info.key == "pid" ? "XXXX-XXXX" : "TEXT";
        case sb::ValueType::u8:
        case sb::ValueType::u16:
        case sb::ValueType::u32:
            if (!info.values.empty()) return names_list(info) + (info.bitmask ? "[,...]|N" : "|N");
            return "N";
        case sb::ValueType::guid:
            return "GUID";
        case sb::ValueType::ip_address:
            return "IP";
        case sb::ValueType::static_ipv4:
            return "ADDR,MASK,GW,DNS1[,DNS2]";
        case sb::ValueType::ipv6:
            return "KEY=VALUE,...";
        case sb::ValueType::cert_hash:
            return "FILE[:NAME][:ALG]";
        case sb::ValueType::binary:
            return "HEX";
    }
    return "VALUE";
}

std::uint32_t parse_enumerated(const sb::VariableInfo& info, const std::string& text,
                               const std::string& option) {
    std::size_t size = type_size(info.type);
    auto one = [&](const std::string& word) -> std::uint32_t {
        std::string w = lower(trim(word));
        for (const auto& v : info.values)
            if (lower(v.name) == w) return v.value;
        if (auto n = parse_number(w, size_max(size))) return static_cast<std::uint32_t>(*n);
        std::string expected = info.values.empty() ? "a number" : names_list(info) + " or a number";
        throw CliError(exit_usage, option,
                       "'" + word + "' is not a valid value (expected " + expected + " up to " +
                           std::to_string(size_max(size)) + ")");
    };
    if (!info.bitmask) return one(text);
    std::uint32_t bits = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find_first_of(",+", start);
        if (end == std::string::npos) end = text.size();
        bits |= one(text.substr(start, end - start));
        start = end + 1;
    }
    return bits;
}

}  // namespace

std::vector<std::uint8_t> encode_setting(const sb::VariableInfo& info, const std::string& text,
                                         const std::string& option) {
    try {
        switch (info.type) {
            case sb::ValueType::string:
                if (info.key == "pid") return sb::encode_string(sb::normalize_pid(text));
                if (info.key == "pps") return sb::encode_string(sb::normalize_pps(text));
                return sb::encode_string(text);
            case sb::ValueType::u8:
            case sb::ValueType::u16:
            case sb::ValueType::u32:
                return sb::encode_uint(parse_enumerated(info, text, option), type_size(info.type));
            case sb::ValueType::guid: {
                auto g = sb::Guid::parse(text);
                return {g.bytes.begin(), g.bytes.end()};
            }
            case sb::ValueType::ip_address:
                return sb::encode_ip(sb::IpAddress::parse(text));
            case sb::ValueType::static_ipv4:
                return sb::encode_static_ipv4(sb::StaticIpv4::parse(text));
            case sb::ValueType::ipv6:
                return sb::encode_ipv6(sb::Ipv6Settings::parse(text));
            case sb::ValueType::cert_hash:
            case sb::ValueType::binary:
                return sb::from_hex(text);
        }
    } catch (const sb::Error& e) {
        throw CliError(exit_usage, option, e.message());
    }
    throw CliError(exit_usage, option, "unsupported value type");
}

sb::Entry parse_raw_var(const std::string& text) {
    const std::string option = "--var " + text;
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (int i = 0; i < 3; ++i) {
        auto colon = text.find(':', start);
        if (colon == std::string::npos)
            throw CliError(exit_usage, "--var", "'" + text + "' is not MODULE:VARIABLE:TYPE:VALUE");
        parts.push_back(text.substr(start, colon - start));
        start = colon + 1;
    }
    parts.push_back(text.substr(start));
    sb::Entry e;
    auto m = parse_number(parts[0], 0xFFFF);
    auto v = parse_number(parts[1], 0xFFFF);
    if (!m || !v)
        throw CliError(exit_usage, option, "MODULE and VARIABLE must be numbers from 0 to 65535");
    e.module = static_cast<std::uint16_t>(*m);
    e.variable = static_cast<std::uint16_t>(*v);
    const std::string type = lower(parts[2]);
    const std::string& value = parts[3];
    if (type == "str") {
        e.value.assign(value.begin(), value.end());
    } else if (type == "u8" || type == "u16" || type == "u32") {
        std::size_t size = type == "u8" ? 1 : type == "u16" ? 2 : 4;
        auto n = parse_number(value, size_max(size));
        if (!n)
            throw CliError(exit_usage, option, "'" + value + "' is not a number that fits " + type);
        e.value = sb::encode_uint(static_cast<std::uint32_t>(*n), size);
    } else if (type == "hex") {
        try {
            e.value = sb::from_hex(value);
        } catch (const sb::Error& err) {
            throw CliError(exit_usage, option, err.message());
        }
    } else {
        throw CliError(exit_usage, option,
                       "TYPE '" + parts[2] + "' is not one of str, u8, u16, u32, hex");
    }
    if (e.value.size() > 0xFFFF) throw CliError(exit_usage, option, "value longer than 65535");
    return e;
}

void add_create_options(CLI::App& sub, CreateSettings& s, bool with_output) {
    const std::string file_group = "File";
    const std::string var_group = "Variables (spec section 4; names or numbers)";
    const std::string secret_group = "Secrets (read from files, '-' for stdin)";
    if (with_output)
        sub.add_option("-o,--output", s.output,
                       "The setup.bin file to write (mode 0600, atomically)")
            ->group(file_group);
    sub.add_option("--version", s.version, "File format version: 1, 2, 2.1, 3 or 4")
        ->check(CLI::IsMember({"1", "1.0", "2", "2.0", "2.1", "3", "3.0", "4", "4.0"}))
        ->default_str("4")
        ->group(file_group);
    sub.add_flag("--reusable", s.reusable,
                 "Set FileFlags bit 0: records are never consumed (v2 and later)")
        ->group(file_group);
    sub.add_flag("--scramble", s.scramble, "Scramble every record body (+0x11 per byte)")
        ->group(file_group);
    sub.add_option("--records", s.records, "Number of identical records")
        ->check(CLI::Range(1u, 1000000u))
        ->default_str("1")
        ->group(file_group);
    sub.add_option("--firmware", s.firmware,
                   "The firmware generations whose rules the new file must pass: all, or a "
                   "comma-separated list of legacy, uefi, mebx")
        ->check(CLI::Validator(
            [](std::string& v) -> std::string {
                std::size_t start = 0;
                while (start <= v.size()) {
                    std::size_t end = v.find(',', start);
                    if (end == std::string::npos) end = v.size();
                    std::string w = v.substr(start, end - start);
                    if (w != "legacy" && w != "uefi" && w != "mebx" && w != "all")
                        return "'" + w + "' is not legacy, uefi, mebx or all";
                    start = end + 1;
                }
                return {};
            },
            "GENERATIONS"))
        ->default_str("all")
        ->group(file_group);
    sub.add_flag("--force", s.force,
                 "Write the file even when the checker reports errors (each is still listed)")
        ->group(file_group);

    for (const auto& info : sb::catalog()) {
        std::string key(info.key);
        std::string desc = std::to_string(info.module) + "/" + std::to_string(info.variable) + " " +
                           std::string(info.name) + " (since v" +
                           std::string(sb::version_info(info.since).name);
        if (info.mebx == sb::MebxHandling::aborts) desc += "; a modern MEBx aborts on it";
        desc += ")";
        if (info.type == sb::ValueType::cert_hash) continue;  // --cert-hash, below
        if (info.secret) {
            s.secret_files[key];
            sub.add_option("--" + key + "-file", s.secret_files[key], desc)
                ->type_name("FILE")
                ->group(secret_group);
        } else {
            s.values[key];
            sub.add_option("--" + key, s.values[key], desc)
                ->type_name(type_name(info))
                ->group(var_group);
        }
    }
    sub.add_option("--cert-hash", s.cert_hashes,
                   "2/8 user certificate hash of a certificate file (PEM or DER; the hash of its "
                   "DER form). NAME defaults to its CN, shortened to fit; ALG sha1|sha256|sha384, "
                   "default sha256. Repeatable")
        ->type_name("FILE[:NAME][:ALG]")
        ->group(var_group);
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

void apply_profile(CLI::App& sub, const std::string& path) {
    std::vector<CLI::ConfigItem> items;
    try {
        items = CLI::ConfigTOML().from_file(path);
    } catch (const CLI::FileError& e) {
        throw CliError(exit_bad_input, path, "cannot read the profile");
    } catch (const CLI::Error& e) {
        throw CliError(exit_bad_input, path, e.what());
    }
    for (const auto& item : items) {
        if (item.name == "++" || item.name == "--") continue;
        if (!item.parents.empty())
            throw CliError(exit_usage, path + ": " + item.fullname(),
                           "sections and dotted keys are not used in a profile");
        CLI::Option* op = sub.get_option_no_throw("--" + item.name);
        if (op == nullptr || item.name == "config" || item.name == "help")
            throw CliError(exit_usage, path + ": " + item.name,
                           "not a setting of " + sub.get_name());
        if (op->count() > 0) continue;  // given on the command line
        try {
            if (op->get_expected_min() == 0) {
                if (item.inputs.size() != 1)
                    throw CliError(exit_usage, path + ": " + item.name, "expects true or false");
                op->add_result(item.inputs.front());
            } else {
                op->add_result(item.inputs);
            }
            op->run_callback();
        } catch (const CLI::Error& e) {
            throw CliError(exit_usage, path + ": " + item.name, e.what());
        }
    }
}

std::string resolve_profile_path(const std::string& path, const std::string& profile) {
    namespace fs = std::filesystem;
    if (path == "-" || profile.empty() || path.empty()) return path;
    fs::path p(path);
    std::error_code ec;
    if (p.is_absolute() || fs::exists(p, ec)) return path;
    fs::path alt = fs::path(profile).parent_path() / p;
    if (fs::exists(alt, ec)) return alt.string();
    return path;
}

}  // namespace ukpu::cli

namespace ukpu::cli {

std::vector<std::pair<std::string, std::string>> settings_files(const CreateSettings& s) {
    std::vector<std::pair<std::string, std::string>> files;
    if (!s.config.empty()) files.emplace_back("--config", s.config);
    for (const auto& [key, path] : s.secret_files)
        if (!path.empty())
            files.emplace_back("--" + key + "-file", resolve_profile_path(path, s.config));
    for (const auto& spec : s.cert_hashes)
        files.emplace_back("--cert-hash",
                           resolve_profile_path(spec.substr(0, spec.find(':')), s.config));
    return files;
}

}  // namespace ukpu::cli
