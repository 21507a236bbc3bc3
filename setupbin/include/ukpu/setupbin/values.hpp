// Typed views of entry values and their encoders. Each decoder checks the length and throws Error
// (bad_length / bad_value) naming what is wrong; each encoder throws Error (bad_argument) for
// text it cannot read.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ukpu/setupbin/catalog.hpp"
#include "ukpu/setupbin/guid.hpp"

namespace ukpu::setupbin {

using Bytes = std::vector<std::uint8_t>;

// --- strings and integers ---
std::string decode_string(std::span<const std::uint8_t> v);
Bytes encode_string(std::string_view s);
std::uint32_t decode_uint(std::span<const std::uint8_t> v, std::size_t size);  // size 1, 2 or 4
Bytes encode_uint(std::uint32_t value, std::size_t size);

// --- names: DNS names (2/3, 2/4, 2/12) and the host name (2/11) ---
// A DNS name is dot-separated labels; a host name is one label (RFC 952/1123). A label is 1 to 63
// letters, digits and hyphens, neither starting nor ending with a hyphen. No empty label: no
// "..", no leading dot, and no trailing dot either (the firmware joins "host.domain" and takes the
// names as text, so a rooted "example.com." is not the "example.com" of a certificate or DHCP).
// Each returns why `name` is not such a name ("'pc_01': '_' is not allowed in a host name
// (letters, digits, hyphens)"), or "" when it is. `max_length` is the variable's limit on the
// whole name; 0 leaves the total length unchecked (for a host name, its one label's too).
std::string dns_name_problem(std::string_view name, std::size_t max_length = 0);
std::string host_name_problem(std::string_view name, std::size_t max_length = 0);
// By the catalog's kind of a string variable: "" for TextKind::text.
std::string text_problem(TextKind kind, std::string_view value, std::size_t max_length = 0);

// --- IP addresses as the firmware stores them: the address bytes in reversed order ---
struct IpAddress {
    bool v6 = false;
    std::array<std::uint8_t, 16> octets{};  // network order; the first 4 used for IPv4

    static IpAddress parse(std::string_view text);  // "192.168.1.10" or an IPv6 text form
    std::string str() const;
    friend bool operator==(const IpAddress&, const IpAddress&) = default;
};
IpAddress decode_ip(std::span<const std::uint8_t> v);  // 4 or 16 bytes
Bytes encode_ip(const IpAddress& ip);

// --- 2/19 static IPv4 block: five reversed IPv4 addresses, 20 bytes ---
struct StaticIpv4 {
    IpAddress address, subnet_mask, gateway, primary_dns, secondary_dns;
    // "ADDR,MASK,GATEWAY,DNS1[,DNS2]"; MASK may be a prefix length "/24"-style number.
    static StaticIpv4 parse(std::string_view text);
    friend bool operator==(const StaticIpv4&, const StaticIpv4&) = default;
};
StaticIpv4 decode_static_ipv4(std::span<const std::uint8_t> v);
Bytes encode_static_ipv4(const StaticIpv4& s);

// --- 2/22 IPv6 settings block, 84 bytes ---
struct Ipv6Settings {
    std::uint8_t interface_index = 0;  // 0 wired, 1 wireless
    std::uint8_t enabled = 0;
    std::uint8_t interface_id_type = 0;
    std::array<std::uint8_t, 17> interface_id{};
    IpAddress address, default_router, primary_dns, secondary_dns;  // v6; stored reversed
    // "key=value,..." with keys interface, enabled, id-type, id (hex), address, router, dns1, dns2.
    static Ipv6Settings parse(std::string_view text);
    friend bool operator==(const Ipv6Settings&, const Ipv6Settings&) = default;
};
Ipv6Settings decode_ipv6(std::span<const std::uint8_t> v);
Bytes encode_ipv6(const Ipv6Settings& s);

// --- 2/8 user-defined certificate hash ---
enum class HashAlgorithm : std::uint8_t { sha1 = 1, sha256 = 2, sha384 = 3 };
std::size_t hash_length(HashAlgorithm a);                   // 20, 32, 48
const char* to_string(HashAlgorithm a);                     // "sha1", "sha256", "sha384"
HashAlgorithm parse_hash_algorithm(std::string_view text);  // throws bad_argument

struct CertHash {
    HashAlgorithm algorithm = HashAlgorithm::sha256;
    Bytes hash;
    std::string name;
    friend bool operator==(const CertHash&, const CertHash&) = default;
};
CertHash decode_cert_hash(std::span<const std::uint8_t> v);
Bytes encode_cert_hash(const CertHash& c);

// --- hex helpers ---
std::string to_hex(std::span<const std::uint8_t> v);  // lower case, no separators
Bytes from_hex(std::string_view text);                // accepts ':' and ' ' separators

}  // namespace ukpu::setupbin
