#include "render/entry_view.hpp"

#include "ukpu/setupbin/entry_text.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/pidpps.hpp"
#include "ukpu/setupbin/values.hpp"

namespace ukpu::cli {

namespace sb = ukpu::setupbin;

namespace {

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

// The typed JSON value of `v` for the catalog type (its text is setupbin::entry_text's); throws
// setupbin::Error when it does not fit.
void decode_typed(const sb::VariableInfo& info, std::span<const std::uint8_t> v, EntryView& out) {
    switch (info.type) {
        case sb::ValueType::string: {
            std::string s = sb::decode_string(v);
            if (info.key == "pid" && s.size() == sb::pid_length) s = sb::format_pid(s);
            if (info.key == "pps" && s.size() == sb::pps_length) s = sb::format_pps(s);
            out.value = s;
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
            return;
        }
        case sb::ValueType::guid: {
            if (v.size() != 16)
                throw sb::Error(sb::ErrorCode::bad_length,
                                "a GUID needs 16 bytes, not " + std::to_string(v.size()));
            std::string g = sb::Guid::from_bytes(v).str();
            out.value = g;
            return;
        }
        case sb::ValueType::ip_address: {
            std::string ip = sb::decode_ip(v).str();
            out.value = ip;
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
            return;
        }
        case sb::ValueType::ipv6: {
            auto s = sb::decode_ipv6(v);
            out.value = ip_object_v6(s);
            return;
        }
        case sb::ValueType::cert_hash: {
            auto c = sb::decode_cert_hash(v);
            Json j = Json::object();
            j.set("algorithm", sb::to_string(c.algorithm));
            j.set("hash", sb::to_hex(c.hash));
            j.set("name", c.name);
            out.value = j;
            return;
        }
        case sb::ValueType::binary: {
            out.value = sb::to_hex(v);
            return;
        }
    }
}

}  // namespace

EntryView view_entry(const sb::Entry& entry, bool show_secrets) {
    const sb::EntryText t = sb::entry_text(entry, show_secrets);
    EntryView out;
    out.info = t.info;
    out.name = t.name;
    out.raw = t.raw;
    out.text = t.text;
    out.value_name = t.value_name;
    out.error = t.error;
    if (!out.info) return out;
    if (t.masked) {
        out.value = "***";
        return out;
    }
    if (out.error) return out;
    decode_typed(*out.info, entry.value, out);
    return out;
}

}  // namespace ukpu::cli
