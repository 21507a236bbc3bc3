// Rules of the modern MEBx (CSME 12+ reference code): which variables it applies, skips or
// rejects; a rejected one aborts the whole record, nothing of it is applied.
#include "check_context.hpp"

namespace ukpu::setupbin::detail {

namespace {

constexpr Firmware fw = Firmware::mebx;
const std::string aborts =
    "the modern MEBx aborts the whole record; nothing is applied and it is not consumed";

void check_record(Context& c, const RecordAt& r) {
    // 2/29 = 1 is checked before anything else.
    for (const auto& e : r.entries)
        if (e.is(2, 29) && int_value(e) == 1u)
            c.add(fw, Severity::error, ErrorCode::rule, r, e,
                  "manual setup and configuration (2/29 = 1) is unsupported; " + aborts);

    std::size_t hashes = 0;
    for (const auto& e : r.entries) {
        const std::size_t len = e.entry->value.size();
        if (!e.info) {
            c.add(fw, Severity::error, ErrorCode::rule, r, e,
                  "the variable " + std::to_string(e.entry->module) + "/" +
                      std::to_string(e.entry->variable) + " is unknown; " + aborts);
            continue;
        }
        if (e.info->mebx == MebxHandling::aborts) {
            const bool psk = e.is(2, 1) || e.is(2, 2);
            c.add(fw, Severity::error, ErrorCode::rule, r, e,
                  std::string(psk ? "PSK (PID/PPS) provisioning was removed; "
                                  : "the modern MEBx does not handle this variable; ") +
                      aborts);
            continue;
        }
        if (e.info->mebx == MebxHandling::skipped) {
            c.add(fw, Severity::info, ErrorCode::rule, r, e,
                  "no longer supported; the modern MEBx skips it");
            continue;
        }
        const auto value = int_value(e);
        if (e.is(1, 1) && len > 32) {
            c.add(fw, Severity::error, ErrorCode::bad_length, r, e,
                  "the current password is " + std::to_string(len) +
                      " bytes; longer than 32 counts as missing and " + aborts);
        } else if (e.is(1, 2) && len > 32) {
            c.add(fw, Severity::warning, ErrorCode::bad_length, r, e,
                  "the new password is " + std::to_string(len) +
                      " bytes; the modern MEBx silently ignores a new password longer than 32");
        } else if (e.is(1, 6) && len != 16) {
            c.add(fw, Severity::warning, ErrorCode::bad_length, r, e,
                  "the power package is " + std::to_string(len) +
                      " bytes, not 16; the modern MEBx silently ignores it");
        } else if (e.is(1, 4) && value && *value > 1) {
            c.add(fw, Severity::warning, ErrorCode::bad_value, r, e,
                  "firmware local update " + std::to_string(*value) +
                      " is deprecated; the modern MEBx uses 0 (disabled) instead");
        } else if (e.is(1, 3) && value == 0u) {
            c.add(fw, Severity::warning, ErrorCode::bad_value, r, e,
                  "manageability 0 (none): if AMT is disabled the modern MEBx needs 1/3 = 1 and "
                  "rejects the record; module-2 settings are skipped while AMT stays disabled");
        } else if (e.is(2, 10) && value && (*value & 4u) != 0) {
            c.add(fw, Severity::warning, ErrorCode::bad_value, r, e,
                  "bit 2 (username/password authentication) is deprecated; the modern MEBx shows "
                  "a message and continues");
        } else if ((e.is(2, 3) || e.is(2, 4)) && (len == 0 || len > 256)) {
            c.add(fw, Severity::error, ErrorCode::bad_length, r, e,
                  "the value is " + std::to_string(len) +
                      " bytes; the modern MEBx accepts 1 to 256, else " + aborts);
        } else if ((e.is(2, 11) || e.is(2, 12)) && len > e.info->mebx_max_length) {
            c.add(fw, Severity::error, ErrorCode::bad_length, r, e,
                  "the value is " + std::to_string(len) +
                      " bytes; the modern MEBx accepts at most " +
                      std::to_string(e.info->mebx_max_length) + ", else " + aborts);
        } else if (e.is(2, 8)) {
            if (len > e.info->mebx_max_length || len < e.info->min_length)
                c.add(fw, Severity::error, ErrorCode::bad_length, r, e,
                      "the certificate hash entry is " + std::to_string(len) +
                          " bytes; the modern MEBx accepts 22 to 81, else " + aborts);
            if (++hashes == 4)
                c.add(fw, Severity::error, ErrorCode::rule, r, e,
                      "more than 3 user-defined certificate hashes: the modern MEBx skips adding "
                      "the hashes and StartConfiguration (2/28=1)");
        }
    }
    if (const EntryAt* ip = r.find(2, 19); ip && !r.find(2, 13))
        c.add(fw, Severity::warning, ErrorCode::rule, r, *ip,
              "static IPv4 parameters without DHCP (2/13): the modern MEBx sends DHCP mode 0; add "
              "2/13 = 1 (static)");
}

}  // namespace

void check_mebx(Context& c) {
    for (const auto& r : c.records) check_record(c, r);
}

}  // namespace ukpu::setupbin::detail
