// Rules every firmware generation shares (reported once, as firmware "format").
#include <string>

#include "check_context.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/password.hpp"
#include "ukpu/setupbin/pidpps.hpp"
#include "ukpu/setupbin/values.hpp"

namespace ukpu::setupbin::detail {

namespace {

constexpr std::size_t max_user_hashes = 3;

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += "; ";
        out += p;
    }
    return out;
}

// Expected size of a fixed-size type, 0 when the size varies.
std::size_t fixed_size(ValueType t) {
    switch (t) {
        case ValueType::u8:
            return 1;
        case ValueType::u16:
            return 2;
        case ValueType::u32:
            return 4;
        case ValueType::guid:
            return 16;
        case ValueType::static_ipv4:
            return 20;
        case ValueType::ipv6:
            return 84;
        default:
            return 0;
    }
}

// The length of a known variable against its type. Returns false when it does not fit.
bool check_length(Context& c, const RecordAt& r, const EntryAt& e) {
    const VariableInfo& info = *e.info;
    const std::size_t len = e.entry->value.size();
    // 1/6 of another length is silently ignored by the MEBx (a mebx warning, not a format error).
    if (e.is(1, 6)) return len == 16;
    if (const std::size_t want = fixed_size(info.type); want != 0) {
        if (len == want) return true;
        c.add(Firmware::format, Severity::error, ErrorCode::bad_length, r, e,
              std::string("a ") + to_string(info.type) + " value must be exactly " +
                  base::counted(want, "byte") + ", found " + std::to_string(len) +
                  "; firmware rejects the entry");
        return false;
    }
    switch (info.type) {
        case ValueType::ip_address:
            if (len == 4 || len == 16) return true;
            c.add(
                Firmware::format, Severity::error, ErrorCode::bad_length, r, e,
                "an IP address must be 4 (IPv4) or 16 (IPv6) bytes, found " + std::to_string(len));
            return false;
        case ValueType::cert_hash:
            try {
                decode_cert_hash(e.entry->value);
                return true;
            } catch (const Error& err) {
                c.add(Firmware::format, Severity::error, err.code(), r, e,
                      err.message() + "; the entry is inconsistent");
                return false;
            }
        case ValueType::string:
            // PID/PPS lengths are part of their own check.
            if (!e.is(2, 1) && !e.is(2, 2) && len > info.max_length)
                c.add(Firmware::format, Severity::warning, ErrorCode::bad_length, r, e,
                      "the value is " + std::to_string(len) + " bytes, longer than the " +
                          std::to_string(info.max_length) + " the format allows");
            return true;
        default:
            return true;
    }
}

void check_enumerated(Context& c, const RecordAt& r, const EntryAt& e) {
    const VariableInfo& info = *e.info;
    if (info.values.empty()) return;
    const auto v = int_value(e);
    if (!v) return;
    std::string allowed;
    std::uint32_t bits = 0;
    bool named = false;
    for (const auto& n : info.values) {
        if (!allowed.empty()) allowed += ", ";
        allowed += std::to_string(n.value) + " " + std::string(n.name);
        bits |= n.value;
        if (n.value == *v) named = true;
    }
    const bool ok = info.bitmask ? (*v & ~bits) == 0 : named;
    if (ok) return;
    c.add(Firmware::format, Severity::error, ErrorCode::bad_value, r, e,
          "the value " + std::to_string(*v) + " is not one the variable allows (" +
              (info.bitmask ? "bits " : "") + allowed + ")");
}

void check_record(Context& c, const RecordAt& r) {
    const EntryAt* current = r.find(1, 1);
    const EntryAt* fresh = r.find(1, 2);
    const EntryAt* pid = r.find(2, 1);
    const EntryAt* pps = r.find(2, 2);
    std::size_t hashes = 0;

    for (const auto& e : r.entries) {
        if (!e.info) continue;
        const bool fits = check_length(c, r, e);
        if (fits) check_enumerated(c, r, e);
        const std::string value(e.entry->value.begin(), e.entry->value.end());
        if (e.is(2, 1)) {
            if (auto p = pid_problem(value); !p.empty())
                c.add(Firmware::format, Severity::error, ErrorCode::bad_value, r, e,
                      p + "; the firmware checks PID checksums and rejects the record");
        } else if (e.is(2, 2)) {
            if (auto p = pps_problem(value); !p.empty())
                c.add(Firmware::format, Severity::error, ErrorCode::bad_value, r, e,
                      p + "; the firmware checks PPS checksums and rejects the record");
        } else if (e.is(1, 2)) {
            if (auto ps = new_password_problems(value); !ps.empty())
                c.add(Firmware::format, Severity::error, ErrorCode::password_policy, r, e,
                      "the new MEBx password is not strong enough: " + join(ps) +
                          "; the ME rejects it when it is applied and the whole record fails");
        } else if (e.is(2, 8)) {
            if (++hashes == max_user_hashes + 1)
                c.add(Firmware::format, Severity::error, ErrorCode::rule, r, e,
                      "the record adds more than 3 user-defined certificate hashes; at most 3 "
                      "may exist");
        } else if (e.info->type == ValueType::string && e.info->text != TextKind::text &&
                   !value.empty()) {
            // The length is checked above (and per generation); here the name itself. The
            // firmware checks only lengths (spec 4.2), so a bad name is taken as written and
            // then cannot be looked up or matched: a warning, not an error.
            if (auto p = text_problem(e.info->text, value); !p.empty())
                c.add(Firmware::format, Severity::warning, ErrorCode::bad_value, r, e,
                      p + "; the firmware checks only the length and takes the name as "
                          "written, and a name DNS does not allow cannot be looked up or matched");
        }
    }

    // 2/19 with DHCP enabled: the MEBx sends 2/13 and 2/19 in one TCP/IP parameters message,
    // whose mode is DHCP, so the static values are not the settings AMT ends up with.
    const EntryAt* dhcp = r.find(2, 13);
    if (const EntryAt* ipv4 = r.find(2, 19); ipv4 && dhcp && int_value(*dhcp) == 2u)
        c.add(Firmware::format, Severity::warning, ErrorCode::rule, r, *ipv4,
              "static IPv4 parameters (2/19: address, mask, gateway, DNS) are given while DHCP "
              "is enabled (2/13 DHCP = 2): the MEBx sends both in one TCP/IP message whose mode "
              "is DHCP, so the static values are not used; set 2/13 = 1 (static) to use them, or "
              "leave 2/19 out");

    if (pid && !pps)
        c.add(Firmware::format, Severity::error, ErrorCode::rule, r, *pid,
              "the record has a PID but no PPS; a pre-shared key needs both");
    if (pps && !pid)
        c.add(Firmware::format, Severity::error, ErrorCode::rule, r, *pps,
              "the record has a PPS but no PID; a pre-shared key needs both");

    if (!current) {
        c.add(Firmware::format, Severity::error, ErrorCode::rule, r.number, r.offset,
              entry_field(1, 1),
              "the record has no current MEBx password (1/1); the MEBx cannot log in and aborts "
              "the record");
    } else if (!fresh && current->entry->value.size() == 5 &&
               std::string(current->entry->value.begin(), current->entry->value.end()) == "admin") {
        c.add(Firmware::format, Severity::error, ErrorCode::rule, r, *current,
              "the current password is the factory default \"admin\" but the record sets no new "
              "password (1/2); the MEBx requires the default password to be changed");
    }
}

}  // namespace

void check_format(Context& c) {
    for (const auto& r : c.records) check_record(c, r);
}

}  // namespace ukpu::setupbin::detail
