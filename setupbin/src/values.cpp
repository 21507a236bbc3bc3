// Typed views of entry values and their encoders: ASCII strings without NUL, little-endian
// integers of exact size, byte-reversed IP addresses, the 2/19 and 2/22 blocks, certificate hashes.
#include "ukpu/setupbin/values.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "ukpu/base/bytes.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/base/error.hpp"
#include "ukpu/base/hex.hpp"
#include "ukpu/setupbin/error.hpp"

namespace ukpu::setupbin {

namespace {

// 2/19: five byte-reversed IPv4 addresses.
namespace static_ipv4_layout {
constexpr std::size_t address = 0;
constexpr std::size_t subnet_mask = 4;
constexpr std::size_t gateway = 8;
constexpr std::size_t primary_dns = 12;
constexpr std::size_t secondary_dns = 16;
constexpr std::size_t size = 20;
}  // namespace static_ipv4_layout

// 2/22: the IPv6 settings block.
namespace ipv6_layout {
constexpr std::size_t interface_index = 0;
constexpr std::size_t enabled = 1;
constexpr std::size_t interface_id_type = 2;
constexpr std::size_t interface_id = 3;
constexpr std::size_t interface_id_size = 17;
constexpr std::size_t address = 20;
constexpr std::size_t default_router = 36;
constexpr std::size_t primary_dns = 52;
constexpr std::size_t secondary_dns = 68;
constexpr std::size_t size = 84;
}  // namespace ipv6_layout

// 2/8: algorithm byte, hash, name length byte, name.
namespace cert_layout {
constexpr std::size_t algorithm = 0;
constexpr std::size_t hash = 1;
constexpr std::size_t min_size = 22;  // SHA-1 with an empty name
}  // namespace cert_layout

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t");
    return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto pos = s.find(sep, start);
        out.push_back(trim(s.substr(start, pos == std::string_view::npos ? pos : pos - start)));
        if (pos == std::string_view::npos) break;
        start = pos + 1;
    }
    return out;
}

std::uint32_t parse_number(std::string_view text, std::uint32_t max, const std::string& what) {
    std::uint32_t v = 0;
    const auto* end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc{} || p != end || v > max)
        throw Error(
            ErrorCode::bad_argument,
            what + " '" + std::string(text) + "' is not a number from 0 to " + std::to_string(max));
    return v;
}

void check_size(std::span<const std::uint8_t> v, std::size_t expected, const char* what) {
    if (v.size() != expected)
        throw Error(ErrorCode::bad_length, std::string(what) + " must be exactly " +
                                               std::to_string(expected) + " bytes, found " +
                                               std::to_string(v.size()));
}

// Byte-reversed IPv4 at `off` of `v`.
IpAddress read_ipv4(std::span<const std::uint8_t> v, std::size_t off) {
    return decode_ip(v.subspan(off, 4));
}

IpAddress read_ipv6(std::span<const std::uint8_t> v, std::size_t off) {
    return decode_ip(v.subspan(off, 16));
}

void write_ip(std::span<std::uint8_t> out, std::size_t off, const IpAddress& ip, bool v6,
              const char* what) {
    if (ip.v6 != v6)
        throw Error(ErrorCode::bad_argument, std::string(what) + " must be an " +
                                                 (v6 ? "IPv6" : "IPv4") + " address, found " +
                                                 ip.str());
    const Bytes b = encode_ip(ip);
    std::copy(b.begin(), b.end(), out.begin() + static_cast<std::ptrdiff_t>(off));
}

// --- names ---

constexpr std::size_t max_label = 63;  // RFC 1035 2.3.4

bool letter_or_digit(char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// A character as a message shows it: "'_'", or "the byte 0x1f" when it does not print.
std::string shown(char ch) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f) return std::string("'") + ch + "'";
    static const char digits[] = "0123456789abcdef";
    return std::string("the byte 0x") + digits[c >> 4] + digits[c & 0xf];
}

// A value in quotes, every byte that does not print as \xNN.
std::string quoted(std::string_view s) {
    static const char digits[] = "0123456789abcdef";
    std::string out = "'";
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7f) {
            out += ch;
        } else {
            out += "\\x";
            out += digits[c >> 4];
            out += digits[c & 0xf];
        }
    }
    return out + "'";
}

IpAddress prefix_mask(std::uint32_t prefix) {
    IpAddress m;
    const std::uint32_t bits = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
    for (std::size_t i = 0; i < 4; ++i)
        m.octets[i] = static_cast<std::uint8_t>(bits >> (24 - 8 * i));
    return m;
}

}  // namespace

// --- strings and integers ---

std::string decode_string(std::span<const std::uint8_t> v) {
    return std::string(v.begin(), v.end());
}

Bytes encode_string(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

std::uint32_t decode_uint(std::span<const std::uint8_t> v, std::size_t size) {
    switch (size) {
        case 1:
            check_size(v, 1, "a u8 value");
            return bytes::get_u8(v, 0);
        case 2:
            check_size(v, 2, "a u16 value");
            return bytes::get_u16(v, 0);
        case 4:
            check_size(v, 4, "a u32 value");
            return bytes::get_u32(v, 0);
        default:
            throw Error(ErrorCode::bad_argument,
                        "integer size " + std::to_string(size) + " is not 1, 2 or 4");
    }
}

Bytes encode_uint(std::uint32_t value, std::size_t size) {
    Bytes out(size);
    switch (size) {
        case 1:
            if (value > 0xff) break;
            bytes::put_u8(out, 0, static_cast<std::uint8_t>(value));
            return out;
        case 2:
            if (value > 0xffff) break;
            bytes::put_u16(out, 0, static_cast<std::uint16_t>(value));
            return out;
        case 4:
            bytes::put_u32(out, 0, value);
            return out;
        default:
            throw Error(ErrorCode::bad_argument,
                        "integer size " + std::to_string(size) + " is not 1, 2 or 4");
    }
    throw Error(ErrorCode::bad_argument, "value " + std::to_string(value) + " does not fit in " +
                                             base::counted(size, "byte"));
}

// --- names ---

std::string dns_name_problem(std::string_view name, std::size_t max_length) {
    const std::string q = quoted(name);
    if (name.empty()) return q + ": the name is empty";
    for (char c : name)
        if (!letter_or_digit(c) && c != '-' && c != '.')
            return q + ": " + shown(c) +
                   " is not allowed in a DNS name (letters, digits, hyphens; dots between labels)";
    if (name.front() == '.') return q + ": starts with a dot (an empty label)";
    if (name.back() == '.') return q + ": ends with a dot; give the name without it";
    if (name.find("..") != std::string_view::npos) return q + ": has an empty label ('..')";
    std::size_t start = 0;
    while (start < name.size()) {
        std::size_t end = name.find('.', start);
        if (end == std::string_view::npos) end = name.size();
        const std::string_view label = name.substr(start, end - start);
        const std::string which = label.size() == name.size() ? std::string("its one label")
                                                              : "the label " + quoted(label);
        if (label.size() > max_label)
            return q + ": " + which + " is " + std::to_string(label.size()) +
                   " characters; a label holds at most 63";
        if (label.front() == '-') return q + ": " + which + " starts with a hyphen";
        if (label.back() == '-') return q + ": " + which + " ends with a hyphen";
        start = end + 1;
    }
    if (max_length != 0 && name.size() > max_length)
        return q + " is " + std::to_string(name.size()) + " characters; at most " +
               std::to_string(max_length) + " fit";
    return {};
}

std::string host_name_problem(std::string_view name, std::size_t max_length) {
    const std::string q = quoted(name);
    if (name.empty()) return q + ": the host name is empty";
    for (char c : name) {
        if (c == '.')
            return q +
                   ": '.' is not allowed in a host name (one label: letters, digits, hyphens; "
                   "the domain is a setting of its own)";
        if (!letter_or_digit(c) && c != '-')
            return q + ": " + shown(c) +
                   " is not allowed in a host name (letters, digits, hyphens)";
    }
    if (name.front() == '-') return q + ": a host name must not start with a hyphen";
    if (name.back() == '-') return q + ": a host name must not end with a hyphen";
    if (max_length != 0) {
        const std::size_t limit = std::min(max_length, max_label);
        if (name.size() > limit)
            return q + " is " + std::to_string(name.size()) +
                   " characters; a host name holds at most " + std::to_string(limit);
    }
    return {};
}

std::string text_problem(TextKind kind, std::string_view value, std::size_t max_length) {
    switch (kind) {
        case TextKind::text:
            return {};
        case TextKind::dns_name:
            return dns_name_problem(value, max_length);
        case TextKind::host_name:
            return host_name_problem(value, max_length);
    }
    return {};
}

// --- IP addresses ---

IpAddress IpAddress::parse(std::string_view text) {
    const std::string t = trim(text);
    IpAddress ip;
    if (t.find(':') != std::string::npos) {
        if (inet_pton(AF_INET6, t.c_str(), ip.octets.data()) == 1) {
            ip.v6 = true;
            return ip;
        }
    } else if (inet_pton(AF_INET, t.c_str(), ip.octets.data()) == 1) {
        return ip;
    }
    throw Error(ErrorCode::bad_argument,
                "'" + std::string(text) + "' is not an IPv4 or IPv6 address");
}

std::string IpAddress::str() const {
    char buf[INET6_ADDRSTRLEN] = {};
    if (inet_ntop(v6 ? AF_INET6 : AF_INET, octets.data(), buf, sizeof buf) == nullptr) return {};
    return buf;
}

IpAddress decode_ip(std::span<const std::uint8_t> v) {
    if (v.size() != 4 && v.size() != 16)
        throw Error(
            ErrorCode::bad_length,
            "an IP address must be 4 (IPv4) or 16 (IPv6) bytes, found " + std::to_string(v.size()));
    IpAddress ip;
    ip.v6 = v.size() == 16;
    std::reverse_copy(v.begin(), v.end(), ip.octets.begin());
    return ip;
}

Bytes encode_ip(const IpAddress& ip) {
    const std::size_t n = ip.v6 ? 16 : 4;
    Bytes out(ip.octets.begin(), ip.octets.begin() + static_cast<std::ptrdiff_t>(n));
    std::reverse(out.begin(), out.end());
    return out;
}

// --- 2/19 ---

StaticIpv4 StaticIpv4::parse(std::string_view text) {
    const auto parts = split(text, ',');
    if (parts.size() != 4 && parts.size() != 5)
        throw Error(ErrorCode::bad_argument, "static IPv4 settings '" + std::string(text) +
                                                 "' must be ADDR,MASK,GATEWAY,DNS1[,DNS2], found " +
                                                 base::counted(parts.size(), "part"));
    auto v4 = [](const std::string& s, const char* what) {
        IpAddress ip = IpAddress::parse(s);
        if (ip.v6)
            throw Error(ErrorCode::bad_argument,
                        std::string(what) + " must be an IPv4 address, found '" + s + "'");
        return ip;
    };
    StaticIpv4 out;
    out.address = v4(parts[0], "the static address");
    std::string_view mask = parts[1];
    if (!mask.empty() && mask.front() == '/') mask.remove_prefix(1);
    if (mask.find('.') == std::string_view::npos)
        out.subnet_mask = prefix_mask(parse_number(mask, 32, "the prefix length"));
    else
        out.subnet_mask = v4(std::string(mask), "the subnet mask");
    out.gateway = v4(parts[2], "the gateway");
    out.primary_dns = v4(parts[3], "the primary DNS server");
    if (parts.size() == 5) out.secondary_dns = v4(parts[4], "the secondary DNS server");
    return out;
}

StaticIpv4 decode_static_ipv4(std::span<const std::uint8_t> v) {
    namespace L = static_ipv4_layout;
    check_size(v, L::size, "static IPv4 parameters (2/19)");
    StaticIpv4 s;
    s.address = read_ipv4(v, L::address);
    s.subnet_mask = read_ipv4(v, L::subnet_mask);
    s.gateway = read_ipv4(v, L::gateway);
    s.primary_dns = read_ipv4(v, L::primary_dns);
    s.secondary_dns = read_ipv4(v, L::secondary_dns);
    return s;
}

Bytes encode_static_ipv4(const StaticIpv4& s) {
    namespace L = static_ipv4_layout;
    Bytes out(L::size);
    write_ip(out, L::address, s.address, false, "the static address");
    write_ip(out, L::subnet_mask, s.subnet_mask, false, "the subnet mask");
    write_ip(out, L::gateway, s.gateway, false, "the gateway");
    write_ip(out, L::primary_dns, s.primary_dns, false, "the primary DNS server");
    write_ip(out, L::secondary_dns, s.secondary_dns, false, "the secondary DNS server");
    return out;
}

// --- 2/22 ---

Ipv6Settings Ipv6Settings::parse(std::string_view text) {
    Ipv6Settings s;
    s.address.v6 = s.default_router.v6 = s.primary_dns.v6 = s.secondary_dns.v6 = true;
    for (const auto& part : split(text, ',')) {
        if (part.empty()) continue;
        const auto eq = part.find('=');
        if (eq == std::string::npos)
            throw Error(ErrorCode::bad_argument,
                        "IPv6 setting '" + part + "' is not of the form key=value");
        const std::string key = trim(std::string_view(part).substr(0, eq));
        const std::string value = trim(std::string_view(part).substr(eq + 1));
        auto v6 = [&](const char* what) {
            IpAddress ip = IpAddress::parse(value);
            if (!ip.v6)
                throw Error(ErrorCode::bad_argument,
                            std::string(what) + " must be an IPv6 address, found '" + value + "'");
            return ip;
        };
        if (key == "interface") {
            if (value == "wired")
                s.interface_index = 0;
            else if (value == "wireless")
                s.interface_index = 1;
            else
                s.interface_index = static_cast<std::uint8_t>(parse_number(value, 1, "interface"));
        } else if (key == "enabled") {
            s.enabled = static_cast<std::uint8_t>(parse_number(value, 255, "enabled"));
        } else if (key == "id-type") {
            s.interface_id_type = static_cast<std::uint8_t>(parse_number(value, 255, "id-type"));
        } else if (key == "id") {
            const Bytes id = from_hex(value);
            if (id.size() > ipv6_layout::interface_id_size)
                throw Error(ErrorCode::bad_argument,
                            "the IPv6 interface id holds at most 17 bytes, found " +
                                std::to_string(id.size()));
            s.interface_id = {};
            std::copy(id.begin(), id.end(), s.interface_id.begin());
        } else if (key == "address") {
            s.address = v6("the IPv6 address");
        } else if (key == "router") {
            s.default_router = v6("the default router");
        } else if (key == "dns1") {
            s.primary_dns = v6("the primary DNS server");
        } else if (key == "dns2") {
            s.secondary_dns = v6("the secondary DNS server");
        } else {
            throw Error(ErrorCode::bad_argument,
                        "unknown IPv6 setting '" + key +
                            "' (expected interface, enabled, id-type, id, address, router, dns1, "
                            "dns2)");
        }
    }
    return s;
}

Ipv6Settings decode_ipv6(std::span<const std::uint8_t> v) {
    namespace L = ipv6_layout;
    check_size(v, L::size, "IPv6 settings (2/22)");
    Ipv6Settings s;
    s.interface_index = bytes::get_u8(v, L::interface_index);
    s.enabled = bytes::get_u8(v, L::enabled);
    s.interface_id_type = bytes::get_u8(v, L::interface_id_type);
    const auto id = v.subspan(L::interface_id, L::interface_id_size);
    std::copy(id.begin(), id.end(), s.interface_id.begin());
    s.address = read_ipv6(v, L::address);
    s.default_router = read_ipv6(v, L::default_router);
    s.primary_dns = read_ipv6(v, L::primary_dns);
    s.secondary_dns = read_ipv6(v, L::secondary_dns);
    return s;
}

Bytes encode_ipv6(const Ipv6Settings& s) {
    namespace L = ipv6_layout;
    Bytes out(L::size);
    bytes::put_u8(out, L::interface_index, s.interface_index);
    bytes::put_u8(out, L::enabled, s.enabled);
    bytes::put_u8(out, L::interface_id_type, s.interface_id_type);
    std::copy(s.interface_id.begin(), s.interface_id.end(),
              out.begin() + static_cast<std::ptrdiff_t>(L::interface_id));
    write_ip(out, L::address, s.address, true, "the IPv6 address");
    write_ip(out, L::default_router, s.default_router, true, "the default router");
    write_ip(out, L::primary_dns, s.primary_dns, true, "the primary DNS server");
    write_ip(out, L::secondary_dns, s.secondary_dns, true, "the secondary DNS server");
    return out;
}

// --- 2/8 ---

std::size_t hash_length(HashAlgorithm a) {
    switch (a) {
        case HashAlgorithm::sha1:
            return 20;
        case HashAlgorithm::sha256:
            return 32;
        case HashAlgorithm::sha384:
            return 48;
    }
    return 0;
}

const char* to_string(HashAlgorithm a) {
    switch (a) {
        case HashAlgorithm::sha1:
            return "sha1";
        case HashAlgorithm::sha256:
            return "sha256";
        case HashAlgorithm::sha384:
            return "sha384";
    }
    return "unknown";
}

HashAlgorithm parse_hash_algorithm(std::string_view text) {
    std::string t(text);
    std::transform(t.begin(), t.end(), t.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    t.erase(std::remove(t.begin(), t.end(), '-'), t.end());
    if (t == "sha1" || t == "1") return HashAlgorithm::sha1;
    if (t == "sha256" || t == "2") return HashAlgorithm::sha256;
    if (t == "sha384" || t == "3") return HashAlgorithm::sha384;
    throw Error(ErrorCode::bad_argument, "unknown hash algorithm '" + std::string(text) +
                                             "' (expected sha1, sha256 or sha384)");
}

CertHash decode_cert_hash(std::span<const std::uint8_t> v) {
    if (v.size() < cert_layout::min_size)
        throw Error(ErrorCode::bad_length,
                    "a certificate hash entry (2/8) needs at least 22 bytes, found " +
                        std::to_string(v.size()));
    const std::uint8_t alg = bytes::get_u8(v, cert_layout::algorithm);
    if (alg < 1 || alg > 3)
        throw Error(ErrorCode::bad_value, "the certificate hash algorithm byte is " +
                                              std::to_string(alg) +
                                              "; expected 1 (SHA-1), 2 (SHA-256) or 3 (SHA-384)");
    CertHash c;
    c.algorithm = static_cast<HashAlgorithm>(alg);
    const std::size_t hlen = hash_length(c.algorithm);
    const std::size_t name_len_at = cert_layout::hash + hlen;
    if (v.size() < name_len_at + 1)
        throw Error(ErrorCode::bad_length, std::string("a ") + to_string(c.algorithm) +
                                               " certificate hash entry needs at least " +
                                               std::to_string(name_len_at + 1) + " bytes, found " +
                                               std::to_string(v.size()));
    const std::size_t name_len = bytes::get_u8(v, name_len_at);
    const std::size_t expected = 2 + hlen + name_len;
    if (v.size() != expected)
        throw Error(ErrorCode::bad_length,
                    std::string("a ") + to_string(c.algorithm) + " certificate hash entry with a " +
                        std::to_string(name_len) + "-byte name must be " +
                        std::to_string(expected) + " bytes (2 + " + std::to_string(hlen) + " + " +
                        std::to_string(name_len) + "), found " + std::to_string(v.size()));
    const auto h = v.subspan(cert_layout::hash, hlen);
    c.hash.assign(h.begin(), h.end());
    const auto n = v.subspan(name_len_at + 1, name_len);
    c.name.assign(n.begin(), n.end());
    return c;
}

Bytes encode_cert_hash(const CertHash& c) {
    const std::size_t hlen = hash_length(c.algorithm);
    if (hlen == 0)
        throw Error(ErrorCode::bad_argument, "unknown certificate hash algorithm " +
                                                 std::to_string(static_cast<int>(c.algorithm)));
    if (c.hash.size() != hlen)
        throw Error(ErrorCode::bad_argument, std::string("a ") + to_string(c.algorithm) +
                                                 " hash is " + std::to_string(hlen) +
                                                 " bytes, found " + std::to_string(c.hash.size()));
    if (c.name.size() > 255)
        throw Error(ErrorCode::bad_argument, "a certificate name holds at most 255 bytes, found " +
                                                 std::to_string(c.name.size()));
    Bytes out;
    out.reserve(2 + hlen + c.name.size());
    out.push_back(static_cast<std::uint8_t>(c.algorithm));
    out.insert(out.end(), c.hash.begin(), c.hash.end());
    out.push_back(static_cast<std::uint8_t>(c.name.size()));
    out.insert(out.end(), c.name.begin(), c.name.end());
    return out;
}

// --- hex ---

std::string to_hex(std::span<const std::uint8_t> v) {
    return base::to_hex(v);
}

Bytes from_hex(std::string_view text) {
    try {
        return base::from_hex(text);
    } catch (const base::Error& e) {
        throw Error(ErrorCode::bad_argument, e.message());
    }
}

}  // namespace ukpu::setupbin
