// The table of every known variable: module 1 (ME Kernel) 1/1-1/6, module 2 (AMT CM) 2/1-2/35.
#include "ukpu/setupbin/catalog.hpp"

#include <array>

namespace ukpu::setupbin {

namespace {

using V = FormatVersion;
using M = MebxHandling;
using T = ValueType;
using K = TextKind;

constexpr ValueName manageability_names[] = {{0, "none"}, {1, "amt"}};
constexpr ValueName local_update_names[] = {
    {0, "disabled"}, {1, "enabled"}, {2, "password-protected"}};
constexpr ValueName update_qualifier_names[] = {{0, "always"}, {1, "never"}, {2, "restricted"}};
constexpr ValueName off_on_names[] = {{0, "off"}, {1, "on"}};
constexpr ValueName disabled_enabled_names[] = {{0, "disabled"}, {1, "enabled"}};
constexpr ValueName user_certs_names[] = {{0, "disable"}, {1, "enable"}, {2, "delete"}};
constexpr ValueName sol_ider_bits[] = {{1, "sol"}, {2, "ider"}, {4, "legacy-auth"}};
constexpr ValueName dhcp_names[] = {{1, "disabled"}, {2, "enabled"}};
constexpr ValueName provisioning_mode_names[] = {{0, "enterprise"}, {1, "small-business"}};
constexpr ValueName password_policy_names[] = {
    {0, "default-only"}, {1, "during-setup"}, {2, "anytime"}};
constexpr ValueName shared_fqdn_names[] = {{0, "dedicated"}, {1, "shared"}};
constexpr ValueName user_consent_names[] = {{0, "none"}, {1, "kvm"}, {255, "all"}};
constexpr ValueName remote_it_consent_names[] = {{0, "disabled"}, {1, "enabled"}, {255, "all"}};
constexpr ValueName provisioning_action_names[] = {{0, "halt"}, {1, "start"}};
constexpr ValueName manual_setup_names[] = {{0, "automated"}, {1, "manual"}};
constexpr ValueName service_type_names[] = {
    {1, "reactive"}, {2, "proactive"}, {4, "one-time-session"}};

// Largest value that fits the entry area of a one-chunk record (512 - 24 - 8).
constexpr std::uint16_t max_binary = 480;

constexpr std::span<const ValueName> none{};

// clang-format off
constexpr VariableInfo table[] = {
    {1, 1, "Current MEBx Password", "current-password", T::string, 1, 32, 32, none, false, V::v1_0, M::applied, true,
     "required; the MEBx logs in with it first, a wrong or missing password aborts the record"},
    {1, 2, "New MEBx Password", "new-password", T::string, 1, 32, 32, none, false, V::v1_0, M::applied, true,
     "applied last; must meet the strong-password rules or the whole record fails"},
    {1, 3, "Manageability Feature Selection", "manageability", T::u8, 1, 1, 1, manageability_names, false, V::v1_0, M::applied, false,
     "read only when AMT is disabled; must then be 1, and without it module-2 settings are skipped"},
    {1, 4, "Firmware Local Update", "fw-local-update", T::u8, 1, 1, 1, local_update_names, false, V::v2_1, M::applied, false,
     "deprecated; the modern MEBx uses 0 for any value above 1"},
    {1, 5, "Firmware Update Qualifier", "fw-update-qualifier", T::u8, 1, 1, 1, update_qualifier_names, false, V::v2_1, M::aborts, false,
     "not accepted by the modern MEBx: the record aborts"},
    {1, 6, "Power Package", "power-package", T::guid, 16, 16, 16, none, false, V::v2_1, M::applied, false,
     "power-package GUID, applied at the very end; ignored when not 16 bytes"},
    {2, 1, "Provisioning Preshared Key ID (PID)", "pid", T::string, 8, 8, 8, none, false, V::v1_0, M::aborts, false,
     "PSK provisioning id; the modern MEBx no longer knows it and aborts the record"},
    {2, 2, "Provisioning Preshared Key (PPS)", "pps", T::string, 32, 32, 32, none, false, V::v1_0, M::aborts, true,
     "PSK pass phrase; the modern MEBx no longer knows it and aborts the record"},
    {2, 3, "PKI DNS Suffix", "pki-dns-suffix", T::string, 1, 255, 256, none, false, V::v2_0, M::applied, false,
     "DNS suffix for PKI provisioning; keep it at most 224 bytes for the ME buffer", K::dns_name},
    {2, 4, "Configuration Server FQDN", "config-server-fqdn", T::string, 1, 255, 256, none, false, V::v2_0, M::applied, false,
     "sent with the provisioning server address and port after parsing", K::dns_name},
    {2, 5, "Remote Configuration Enabled", "remote-config", T::u8, 1, 1, 1, off_on_names, false, V::v2_0, M::applied, false,
     "remote configuration (RCFG); skipped when the privacy level is Extreme"},
    {2, 6, "Pre-Installed Certificates Enabled", "preinstalled-certs", T::u8, 1, 1, 1, off_on_names, false, V::v2_0, M::applied, false,
     "enables or disables every default root hash"},
    {2, 7, "User Defined Certificate Configuration", "user-certs", T::u8, 1, 1, 1, user_certs_names, false, V::v2_0, M::applied, false,
     "applied immediately to the existing user-defined hashes"},
    {2, 8, "User Defined Certificate Addition", "cert-hash", T::cert_hash, 22, 81, 81, none, false, V::v2_0, M::applied, false,
     "adds a trusted root hash; at most 3 user hashes in total"},
    {2, 10, "SOL/IDER Redirection Configuration", "sol-ider", T::u8, 1, 1, 1, sol_ider_bits, true, V::v2_0, M::applied, false,
     "bit 0 SOL, bit 1 IDE-R, bit 2 legacy username/password authentication (deprecated)"},
    {2, 11, "Hostname", "hostname", T::string, 1, 63, 64, none, false, V::v2_1, M::applied, false,
     "combined with the domain into the FQDN", K::host_name},
    {2, 12, "Domain Name", "domain", T::string, 1, 255, 256, none, false, V::v2_1, M::applied, false,
     "combined with the hostname into the FQDN", K::dns_name},
    {2, 13, "DHCP", "dhcp", T::u8, 1, 1, 1, dhcp_names, false, V::v2_1, M::applied, false,
     "1 static address, 2 DHCP; sent with the static IPv4 parameters"},
    {2, 14, "Secure Firmware Update", "secure-fw-update", T::u8, 1, 1, 1, disabled_enabled_names, false, V::v2_1, M::aborts, false,
     "not handled by the modern MEBx: the record aborts"},
    {2, 15, "Idle Timeout", "idle-timeout", T::u32, 4, 4, 4, none, false, V::v2_1, M::applied, false,
     "idle timeout in seconds, sent to the ME as 16 bits"},
    {2, 16, "Provisioning Mode", "provisioning-mode", T::u8, 1, 1, 1, provisioning_mode_names, false, V::v2_1, M::aborts, false,
     "not handled by the modern MEBx: the record aborts"},
    {2, 17, "Provisioning Server Address", "provisioning-server", T::ip_address, 4, 16, 16, none, false, V::v2_1, M::applied, false,
     "IPv4 or IPv6 address, stored byte-reversed"},
    {2, 18, "Provisioning Server Port", "provisioning-server-port", T::u16, 2, 2, 2, none, false, V::v2_1, M::applied, false,
     "TCP port of the provisioning server"},
    {2, 19, "Static IPv4 Parameters", "static-ipv4", T::static_ipv4, 20, 20, 20, none, false, V::v2_1, M::applied, false,
     "address, mask, gateway and two DNS servers; needs DHCP (2/13) = 1"},
    {2, 20, "VLAN", "vlan", T::binary, 0, max_binary, max_binary, none, false, V::v2_1, M::aborts, false,
     "not handled by the modern MEBx: the record aborts"},
    {2, 21, "Password Policy Flag", "password-policy", T::u8, 1, 1, 1, password_policy_names, false, V::v2_1, M::applied, false,
     "when the MEBx password may be changed"},
    {2, 22, "IPv6 Settings", "ipv6", T::ipv6, 84, 84, 84, none, false, V::v3_0, M::applied, false,
     "IPv6 interface settings; static addresses apply to the wired interface only"},
    {2, 23, "Shared/Dedicated FQDN", "shared-fqdn", T::u8, 1, 1, 1, shared_fqdn_names, false, V::v3_0, M::applied, false,
     "whether the FQDN is shared with the host; meaningful with a hostname"},
    {2, 24, "Dynamic DNS Update", "ddns", T::u8, 1, 1, 1, disabled_enabled_names, false, V::v3_0, M::skipped, false,
     "no longer supported; the modern MEBx skips it"},
    {2, 25, "Remote Desktop (KVM) State", "kvm", T::u8, 1, 1, 1, disabled_enabled_names, false, V::v3_0, M::applied, false,
     "enables or disables KVM"},
    {2, 26, "Opt-in User Consent Option", "user-consent", T::u8, 1, 1, 1, user_consent_names, false, V::v3_0, M::applied, false,
     "which sessions need the user's consent"},
    {2, 27, "Opt-in Remote IT Consent Policy", "remote-it-consent", T::u8, 1, 1, 1, remote_it_consent_names, false, V::v3_0, M::applied, false,
     "whether the consent policy can be changed remotely"},
    {2, 28, "ME Provision Halt/Activate", "provisioning-action", T::u8, 1, 1, 1, provisioning_action_names, false, V::v3_0, M::applied, false,
     "1 starts configuration after the other settings, 0 halts it"},
    {2, 29, "Manual Setup and Configuration", "manual-setup", T::u8, 1, 1, 1, manual_setup_names, false, V::v3_0, M::applied, false,
     "1 (manual) is unsupported by the modern MEBx and aborts the record"},
    {2, 30, "Support Channel Identifier", "support-channel-id", T::u32, 4, 4, 4, none, false, V::v4_0, M::aborts, false,
     "not handled by the modern MEBx: the record aborts"},
    {2, 31, "Support Channel Description", "support-channel-description", T::string, 0, 60, 60, none, false, V::v4_0, M::aborts, false,
     "not handled by the modern MEBx: the record aborts"},
    {2, 32, "Service Account Number", "service-account-number", T::string, 0, 32, 32, none, false, V::v4_0, M::aborts, false,
     "not handled by the modern MEBx: the record aborts"},
    {2, 33, "Enrollment Passcode", "enrollment-passcode", T::string, 0, 32, 32, none, false, V::v4_0, M::aborts, true,
     "not handled by the modern MEBx: the record aborts"},
    {2, 34, "Service Type", "service-type", T::u32, 4, 4, 4, service_type_names, false, V::v4_0, M::aborts, false,
     "not handled by the modern MEBx: the record aborts"},
    {2, 35, "Service Provider Identifier", "service-provider-id", T::guid, 16, 16, 16, none, false, V::v4_0, M::aborts, false,
     "not handled by the modern MEBx: the record aborts"},
};
// clang-format on

}  // namespace

const char* to_string(ValueType t) {
    switch (t) {
        case ValueType::string:
            return "string";
        case ValueType::u8:
            return "u8";
        case ValueType::u16:
            return "u16";
        case ValueType::u32:
            return "u32";
        case ValueType::guid:
            return "guid";
        case ValueType::ip_address:
            return "ip-address";
        case ValueType::static_ipv4:
            return "static-ipv4";
        case ValueType::ipv6:
            return "ipv6";
        case ValueType::cert_hash:
            return "cert-hash";
        case ValueType::binary:
            return "binary";
    }
    return "unknown";
}

const char* to_string(TextKind k) {
    switch (k) {
        case TextKind::text:
            return "text";
        case TextKind::dns_name:
            return "dns-name";
        case TextKind::host_name:
            return "host-name";
    }
    return "unknown";
}

std::span<const VariableInfo> catalog() {
    return table;
}

const VariableInfo* find_variable(std::uint16_t module, std::uint16_t variable) {
    for (const auto& v : table)
        if (v.module == module && v.variable == variable) return &v;
    return nullptr;
}

const VariableInfo* find_variable(std::string_view key) {
    for (const auto& v : table)
        if (v.key == key) return &v;
    return nullptr;
}

std::string_view module_name(std::uint16_t module) {
    switch (module) {
        case 1:
            return "ME Kernel";
        case 2:
            return "Intel AMT Configuration Manager";
        default:
            return "unknown module";
    }
}

}  // namespace ukpu::setupbin
