#include "ukpu/provision/key_settings.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <limits>
#include <optional>

#include "ukpu/provision/error.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/pidpps.hpp"
#include "ukpu/setupbin/values.hpp"
#include "ukpu/setupbin/version.hpp"

namespace ukpu::provision {

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

}  // namespace

std::string setting_type_name(const sb::VariableInfo& info) {
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

namespace {

std::uint32_t parse_enumerated(const sb::VariableInfo& info, const std::string& text,
                               const std::string& option) {
    std::size_t size = type_size(info.type);
    auto one = [&](const std::string& word) -> std::uint32_t {
        std::string w = lower(trim(word));
        for (const auto& v : info.values)
            if (lower(v.name) == w) return v.value;
        if (auto n = parse_number(w, size_max(size))) return static_cast<std::uint32_t>(*n);
        std::string expected = info.values.empty() ? "a number" : names_list(info) + " or a number";
        throw Error(Status::bad_argument, option,
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
                // A DNS name or host name the firmware would take but DNS would not.
                if (auto p = sb::text_problem(info.text, text, info.max_length); !p.empty())
                    throw Error(Status::bad_argument, option, p);
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
        throw Error(Status::bad_argument, option, e.message());
    }
    throw Error(Status::bad_argument, option, "unsupported value type");
}

sb::Entry parse_raw_var(const std::string& text) {
    const std::string option = "--var " + text;
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (int i = 0; i < 3; ++i) {
        auto colon = text.find(':', start);
        if (colon == std::string::npos)
            throw Error(Status::bad_argument, "--var",
                        "'" + text + "' is not MODULE:VARIABLE:TYPE:VALUE");
        parts.push_back(text.substr(start, colon - start));
        start = colon + 1;
    }
    parts.push_back(text.substr(start));
    sb::Entry e;
    auto m = parse_number(parts[0], 0xFFFF);
    auto v = parse_number(parts[1], 0xFFFF);
    if (!m || !v)
        throw Error(Status::bad_argument, option,
                    "MODULE and VARIABLE must be numbers from 0 to 65535");
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
            throw Error(Status::bad_argument, option,
                        "'" + value + "' is not a number that fits " + type);
        e.value = sb::encode_uint(static_cast<std::uint32_t>(*n), size);
    } else if (type == "hex") {
        try {
            e.value = sb::from_hex(value);
        } catch (const sb::Error& err) {
            throw Error(Status::bad_argument, option, err.message());
        }
    } else {
        throw Error(Status::bad_argument, option,
                    "TYPE '" + parts[2] + "' is not one of str, u8, u16, u32, hex");
    }
    if (e.value.size() > 0xFFFF)
        throw Error(Status::bad_argument, option, "value longer than 65535");
    return e;
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

bool has_variables(const CreateSettings& s) {
    for (const auto& [k, v] : s.values)
        if (!v.empty()) return true;
    for (const auto& [k, v] : s.secret_files)
        if (!v.empty()) return true;
    for (const auto& [k, v] : s.secret_values)
        if (!v.empty()) return true;
    return !s.cert_hashes.empty() || !s.cert_hash_values.empty() || !s.vars.empty();
}

std::vector<std::pair<std::string, std::string>> settings_files(const CreateSettings& s) {
    std::vector<std::pair<std::string, std::string>> files;
    if (!s.config.empty()) files.emplace_back("--config", s.config);
    for (const auto& [key, path] : s.secret_files)
        if (!path.empty())
            files.emplace_back("--" + key + "-file", resolve_profile_path(path, s.config));
    for (const auto& spec : s.cert_hashes)
        files.emplace_back("--cert-hash",
                           resolve_profile_path(spec.substr(0, spec.find(':')), s.config));
    if (!s.cert_password_file.empty() && s.cert_password_file != "-")
        files.emplace_back("--cert-password-file",
                           resolve_profile_path(s.cert_password_file, s.config));
    return files;
}

}  // namespace ukpu::provision
