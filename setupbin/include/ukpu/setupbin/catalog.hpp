// The catalog of every known module/variable, as one table of data. The parser, the checker,
// `show` and `create` all read it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "ukpu/setupbin/version.hpp"

namespace ukpu::setupbin {

enum class ValueType {
    string,  // raw ASCII, no NUL, length = VariableLength
    u8,
    u16,
    u32,
    guid,         // EFI_GUID, 16 bytes
    ip_address,   // 4 or 16 bytes, stored byte-reversed (2/17)
    static_ipv4,  // five reversed IPv4 u32: address, mask, gateway, DNS 1, DNS 2 (2/19)
    ipv6,         // the 84-byte IPv6 settings block (2/22)
    cert_hash,    // algorithm, hash, name length, name (2/8)
    binary,       // opaque bytes
};

const char* to_string(ValueType t);

// What a string variable holds beyond its length: any text, or a name that DNS must accept. The
// encoders refuse a value that is not such a name; the checker warns about one in a file.
enum class TextKind {
    text,       // any ASCII
    dns_name,   // dot-separated labels: PKI DNS suffix, configuration server FQDN, domain
    host_name,  // one label: the hostname (2/11), joined with the domain (2/12) as "host.domain"
};

const char* to_string(TextKind k);

// What the modern MEBx (CSME 12+ reference code) does with a variable.
enum class MebxHandling {
    applied,  // validated and applied
    skipped,  // silently skipped (2/24 Dynamic DNS)
    aborts,   // an id it does not know: the whole record fails and is not consumed
};

// One allowed value of an enumerated variable, with a name usable on the command line.
struct ValueName {
    std::uint32_t value;
    std::string_view name;  // "enabled", "sha256", ...
};

struct VariableInfo {
    std::uint16_t module;
    std::uint16_t variable;
    std::string_view name;  // "Current MEBx Password"
    std::string_view key;   // "current-password": the create option / profile key
    ValueType type;
    std::uint16_t min_length;           // inclusive, bytes
    std::uint16_t max_length;           // inclusive, bytes (the format/JS limit)
    std::uint16_t mebx_max_length;      // the modern MEBx's own limit (may differ from max_length)
    std::span<const ValueName> values;  // enumerated values; empty when any value fits the type
    bool bitmask;                       // values are bits that combine (2/10)
    FormatVersion since;                // first file version that defines it
    MebxHandling mebx;
    bool secret;                     // passwords, PPS: masked in output unless asked
    std::string_view note;           // one line on what firmware does with it
    TextKind text = TextKind::text;  // for a string: a DNS name or a host name
};

std::span<const VariableInfo> catalog();

// nullptr when the pair is unknown.
const VariableInfo* find_variable(std::uint16_t module, std::uint16_t variable);
const VariableInfo* find_variable(std::string_view key);

// "Current MEBx Password" or "unknown variable 2/9".
std::string_view module_name(std::uint16_t module);

}  // namespace ukpu::setupbin
