#include "render/entry_view.hpp"

#include <string_view>

#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/pidpps.hpp"
#include "ukpu/setupbin/values.hpp"

namespace ukpu::cli {

namespace sb = ukpu::setupbin;

namespace {

std::optional<std::string> enum_name(const sb::VariableInfo& info, std::uint32_t v) {
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

Json ip_object_v6(const sb::Ipv6Settings& s) {
    Json j = Json::object();
    j.set("interface_index", static_cast<int>(s.interface_index));
    j.set("enabled", static_cast<int>(s.enabled));
    j.set("interface_id_type", static_cast<int>(s.interface_id_type));
    j.set("interface_id", sb::to_hex(s.interface_id));
    j.set("address", s.address.str());
    j.set("default_router", s.default_router.str());
    j.set("primary_dns", s.primary_dns.str());
    j.set("secondary_dns", s.secondary_dns.str());
    return j;
}

// Decodes `v` for the catalog type; throws setupbin::Error when it does not fit.
void decode_typed(const sb::VariableInfo& info, std::span<const std::uint8_t> v, EntryView& out) {
    switch (info.type) {
        case sb::ValueType::string: {
            std::string s = sb::decode_string(v);
            if (info.key == "pid" && s.size() == sb::pid_length) s = sb::format_pid(s);
            if (info.key == "pps" && s.size() == sb::pps_length) s = sb::format_pps(s);
            out.value = s;
            out.text = json_quote(s);
            return;
        }
        case sb::ValueType::u8:
        case sb::ValueType::u16:
        case sb::ValueType::u32: {
            std::size_t size = info.type == sb::ValueType::u8    ? 1
                               : info.type == sb::ValueType::u16 ? 2
                                                                 : 4;
            std::uint32_t n = sb::decode_uint(v, size);
            out.value = Json(n);
            out.value_name = enum_name(info, n);
            out.text = std::to_string(n);
            if (out.value_name) out.text += " (" + *out.value_name + ")";
            return;
        }
        case sb::ValueType::guid: {
            if (v.size() != 16)
                throw sb::Error(sb::ErrorCode::bad_length,
                                "a GUID needs 16 bytes, not " + std::to_string(v.size()));
            std::string g = sb::Guid::from_bytes(v).str();
            out.value = g;
            out.text = g;
            return;
        }
        case sb::ValueType::ip_address: {
            std::string ip = sb::decode_ip(v).str();
            out.value = ip;
            out.text = ip;
            return;
        }
        case sb::ValueType::static_ipv4: {
            auto s = sb::decode_static_ipv4(v);
            Json j = Json::object();
            j.set("address", s.address.str());
            j.set("subnet_mask", s.subnet_mask.str());
            j.set("gateway", s.gateway.str());
            j.set("primary_dns", s.primary_dns.str());
            j.set("secondary_dns", s.secondary_dns.str());
            out.value = j;
            out.text = "address " + s.address.str() + ", mask " + s.subnet_mask.str() +
                       ", gateway " + s.gateway.str() + ", DNS " + s.primary_dns.str() + ", " +
                       s.secondary_dns.str();
            return;
        }
        case sb::ValueType::ipv6: {
            auto s = sb::decode_ipv6(v);
            out.value = ip_object_v6(s);
            out.text = "interface " + std::to_string(s.interface_index) + ", enabled " +
                       std::to_string(s.enabled) + ", id type " +
                       std::to_string(s.interface_id_type) + ", address " + s.address.str() +
                       ", router " + s.default_router.str() + ", DNS " + s.primary_dns.str() +
                       ", " + s.secondary_dns.str();
            return;
        }
        case sb::ValueType::cert_hash: {
            auto c = sb::decode_cert_hash(v);
            Json j = Json::object();
            j.set("algorithm", sb::to_string(c.algorithm));
            j.set("hash", sb::to_hex(c.hash));
            j.set("name", c.name);
            out.value = j;
            out.text = std::string(sb::to_string(c.algorithm)) + " " + sb::to_hex(c.hash) + " " +
                       json_quote(c.name);
            return;
        }
        case sb::ValueType::binary: {
            out.value = sb::to_hex(v);
            out.text = sb::to_hex(v);
            return;
        }
    }
}

}  // namespace

EntryView view_entry(const sb::Entry& entry, bool show_secrets) {
    EntryView out;
    out.info = sb::find_variable(entry.module, entry.variable);
    out.name = out.info ? std::string(out.info->name) : std::string("unknown");
    out.raw = sb::to_hex(entry.value);
    if (!out.info) {
        out.text = "(unknown variable) " + out.raw;
        return out;
    }
    try {
        decode_typed(*out.info, entry.value, out);
    } catch (const sb::Error& e) {
        out.error = e.message();
        out.value = Json();
        out.value_name.reset();
        out.text = "(does not decode as " + std::string(sb::to_string(out.info->type)) + ": " +
                   e.message() + ") " + out.raw;
    }
    if (out.info->secret && !show_secrets) {
        out.raw = "***";
        out.value = "***";
        out.text = "***";
    }
    return out;
}

}  // namespace ukpu::cli
