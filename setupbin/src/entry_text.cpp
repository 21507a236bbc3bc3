#include "ukpu/setupbin/entry_text.hpp"

#include <cstdio>

#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/pidpps.hpp"
#include "ukpu/setupbin/values.hpp"

namespace ukpu::setupbin {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        auto d = static_cast<unsigned char>(s[i + k]);
        if ((d & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void escape_byte(std::string& out, unsigned char c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04x", c);
    out += buf;
}

// The text of `v` decoded for the catalog type; throws Error when it does not fit.
void decode_text(const VariableInfo& info, std::span<const std::uint8_t> v, EntryText& out) {
    switch (info.type) {
        case ValueType::string: {
            std::string s = decode_string(v);
            if (info.key == "pid" && s.size() == pid_length) s = format_pid(s);
            if (info.key == "pps" && s.size() == pps_length) s = format_pps(s);
            out.text = quote_text(s);
            return;
        }
        case ValueType::u8:
        case ValueType::u16:
        case ValueType::u32: {
            const std::size_t size = info.type == ValueType::u8    ? 1
                                     : info.type == ValueType::u16 ? 2
                                                                   : 4;
            const std::uint32_t n = decode_uint(v, size);
            out.value_name = value_name(info, n);
            out.text = std::to_string(n);
            if (out.value_name) out.text += " (" + *out.value_name + ")";
            return;
        }
        case ValueType::guid:
            if (v.size() != 16)
                throw Error(ErrorCode::bad_length,
                            "a GUID needs 16 bytes, not " + std::to_string(v.size()));
            out.text = Guid::from_bytes(v).str();
            return;
        case ValueType::ip_address:
            out.text = decode_ip(v).str();
            return;
        case ValueType::static_ipv4: {
            const auto s = decode_static_ipv4(v);
            out.text = "address " + s.address.str() + ", mask " + s.subnet_mask.str() +
                       ", gateway " + s.gateway.str() + ", DNS " + s.primary_dns.str() + ", " +
                       s.secondary_dns.str();
            return;
        }
        case ValueType::ipv6: {
            const auto s = decode_ipv6(v);
            out.text = "interface " + std::to_string(s.interface_index) + ", enabled " +
                       std::to_string(s.enabled) + ", id type " +
                       std::to_string(s.interface_id_type) + ", address " + s.address.str() +
                       ", router " + s.default_router.str() + ", DNS " + s.primary_dns.str() +
                       ", " + s.secondary_dns.str();
            return;
        }
        case ValueType::cert_hash: {
            const auto c = decode_cert_hash(v);
            out.text = std::string(to_string(c.algorithm)) + " " + to_hex(c.hash) + " " +
                       quote_text(c.name);
            return;
        }
        case ValueType::binary:
            out.text = to_hex(v);
            return;
    }
}

}  // namespace

std::string quote_text(std::string_view s) {
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        switch (c) {
            case '"':
                out += "\\\"";
                continue;
            case '\\':
                out += "\\\\";
                continue;
            case '\n':
                out += "\\n";
                continue;
            case '\r':
                out += "\\r";
                continue;
            case '\t':
                out += "\\t";
                continue;
            case '\b':
                out += "\\b";
                continue;
            case '\f':
                out += "\\f";
                continue;
            default:
                break;
        }
        if (c < 0x20 || c == 0x7F) {
            escape_byte(out, c);
        } else if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (std::size_t n = utf8_sequence(s, i); n > 0) {
            out.append(s.substr(i, n));
            i += n - 1;
        } else {
            escape_byte(out, c);  // a lone byte shown as the Latin-1 code point it would be
        }
    }
    out += '"';
    return out;
}

std::optional<std::string> value_name(const VariableInfo& info, std::uint32_t v) {
    if (info.values.empty()) return std::nullopt;
    if (info.bitmask) {
        if (v == 0) {
            for (const auto& vn : info.values)
                if (vn.value == 0) return std::string(vn.name);
            return std::string("none");
        }
        std::string out;
        std::uint32_t covered = 0;
        for (const auto& vn : info.values) {
            if (vn.value != 0 && (vn.value & (vn.value - 1)) == 0 && (v & vn.value)) {
                if (!out.empty()) out += ',';
                out += vn.name;
                covered |= vn.value;
            }
        }
        if (covered != v) return std::nullopt;  // bits without a name
        return out;
    }
    for (const auto& vn : info.values)
        if (vn.value == v) return std::string(vn.name);
    return std::nullopt;
}

EntryText entry_text(const Entry& entry, bool show_secrets) {
    EntryText out;
    out.info = find_variable(entry.module, entry.variable);
    out.name = out.info ? std::string(out.info->name) : std::string("unknown");
    out.raw = to_hex(entry.value);
    if (!out.info) {
        out.text = "(unknown variable) " + out.raw;
        return out;
    }
    try {
        decode_text(*out.info, entry.value, out);
    } catch (const Error& e) {
        out.error = e.message();
        out.value_name.reset();
        out.text = "(does not decode as " + std::string(to_string(out.info->type)) + ": " +
                   e.message() + ") " + out.raw;
    }
    if (out.info->secret && !show_secrets) {
        out.raw = "***";
        out.text = "***";
        out.masked = true;
    }
    return out;
}

}  // namespace ukpu::setupbin
