// Rules of the old raw-I/O BIOS and the MEBx of its era: entry order (1/1, 1/2, 1/3 first, 1/3
// before any module-2 entry, 2/7 before 2/8, 2/28 after 2/3, 2/4 and 2/17) and variables newer
// than the file's version.
#include "check_context.hpp"
#include "ukpu/base/bytes.hpp"

namespace ukpu::setupbin::detail {

namespace {

constexpr std::size_t cert_algorithm = 0;  // 2/8: the hash algorithm byte

void check_order(Context& c, const RecordAt& r) {
    const auto& es = r.entries;
    const Firmware fw = Firmware::legacy;
    // 1/1 first, then 1/2 if present, then 1/3 if present.
    const EntryAt* current = r.find(1, 1);
    if (current && current != &es.front())
        c.add(fw, Severity::error, ErrorCode::rule, r, *current,
              "the current MEBx password is not the first entry; old MEBx firmware expects the "
              "record to start with 1/1, then 1/2, then 1/3");
    std::size_t expected_at = current ? static_cast<std::size_t>(current - es.data()) + 1 : 1;
    if (const EntryAt* fresh = r.find(1, 2)) {
        if (current && static_cast<std::size_t>(fresh - es.data()) != expected_at)
            c.add(fw, Severity::error, ErrorCode::rule, r, *fresh,
                  "the new MEBx password does not follow the current password directly; old "
                  "MEBx firmware expects 1/1, then 1/2, then 1/3 at the start");
        expected_at += 1;
    }
    if (const EntryAt* mng = r.find(1, 3)) {
        bool after_module2 = false;
        for (const auto& e : es) {
            if (&e == mng) break;
            if (e.entry->module == 2) after_module2 = true;
        }
        const auto index = static_cast<std::size_t>(mng - es.data());
        if (after_module2)
            c.add(fw, Severity::error, ErrorCode::rule, r, *mng,
                  "the manageability selection (1/3) comes after a module-2 (AMT) setting; old "
                  "MEBx firmware does not accept it there");
        else if (current && index != expected_at)
            c.add(fw, Severity::error, ErrorCode::rule, r, *mng,
                  "the manageability selection (1/3) must directly follow the passwords at the "
                  "start of the record");
    }
    // 2/28 only after 2/3, 2/4 and 2/17.
    for (std::size_t i = 0; i < es.size(); ++i) {
        if (!es[i].is(2, 28)) continue;
        for (std::size_t j = i + 1; j < es.size(); ++j) {
            if (es[j].is(2, 3) || es[j].is(2, 4) || es[j].is(2, 17)) {
                c.add(fw, Severity::error, ErrorCode::rule, r, es[i],
                      "the provisioning halt/activate (2/28) comes before " +
                          es[j].field.substr(6) +
                          "; old MEBx firmware needs 2/28 after 2/3, 2/4 and 2/17");
                break;
            }
        }
        break;
    }
    // 2/8 preceded by 2/7.
    bool config_seen = false;
    for (const auto& e : es) {
        if (e.is(2, 7)) config_seen = true;
        if (e.is(2, 8) && !config_seen) {
            c.add(fw, Severity::warning, ErrorCode::rule, r, e,
                  "the certificate hash is not preceded by the user-defined certificate "
                  "configuration (2/7); old MEBx firmware expects 2/7 first");
            break;
        }
    }
}

void check_versions(Context& c, const RecordAt& r) {
    if (!c.version) return;
    const FormatVersion have = *c.version;
    const std::string have_name(version_info(have).name);
    for (const auto& e : r.entries) {
        if (!e.info) continue;
        if (!at_least(have, e.info->since)) {
            c.add(Firmware::legacy, Severity::warning, ErrorCode::rule, r, e,
                  "introduced in " + std::string(version_info(e.info->since).name) +
                      ", firmware that reads a " + have_name + " file may not know it");
        }
        const std::uint8_t alg = e.is(2, 8) && !e.entry->value.empty()
                                     ? bytes::get_u8(e.entry->value, cert_algorithm)
                                     : 0;
        if ((alg == 2 || alg == 3) && !at_least(have, FormatVersion::v3_0)) {
            c.add(Firmware::legacy, Severity::error, ErrorCode::rule, r, e,
                  std::string(alg == 2 ? "SHA-256" : "SHA-384") +
                      " certificate hashes need a version 3.0 or later file; firmware that reads "
                      "a " +
                      have_name + " file knows only SHA-1");
        }
    }
}

}  // namespace

void check_legacy(Context& c) {
    for (const auto& r : c.records) {
        if (!r.entries.empty()) check_order(c, r);
        check_versions(c, r);
    }
}

}  // namespace ukpu::setupbin::detail
