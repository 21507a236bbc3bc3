// The checker's driver: parse, locate every entry, run each generation's rules, give verdicts.
#include "ukpu/setupbin/check.hpp"

#include <algorithm>

#include "check_context.hpp"
#include "ukpu/setupbin/format.hpp"
#include "ukpu/setupbin/values.hpp"

namespace ukpu::setupbin {

namespace detail {

std::string entry_field(std::uint16_t module, std::uint16_t variable) {
    const std::string id = std::to_string(module) + "/" + std::to_string(variable);
    const VariableInfo* info = find_variable(module, variable);
    return "entry " + id + " " + (info ? std::string(info->name) : std::string("unknown variable"));
}

std::optional<std::uint32_t> int_value(const EntryAt& e) {
    if (!e.info) return std::nullopt;
    std::size_t size = 0;
    switch (e.info->type) {
        case ValueType::u8:
            size = 1;
            break;
        case ValueType::u16:
            size = 2;
            break;
        case ValueType::u32:
            size = 4;
            break;
        default:
            return std::nullopt;
    }
    if (e.entry->value.size() != size) return std::nullopt;
    return decode_uint(e.entry->value, size);
}

const EntryAt* RecordAt::find(std::uint16_t m, std::uint16_t v) const {
    for (const auto& e : entries)
        if (e.is(m, v)) return &e;
    return nullptr;
}

std::size_t RecordAt::count(std::uint16_t m, std::uint16_t v) const {
    return static_cast<std::size_t>(std::count_if(entries.begin(), entries.end(),
                                                  [&](const EntryAt& e) { return e.is(m, v); }));
}

Context::Context(const ParseResult& p) : parsed(p) {
    const FileHeader& h = p.file.header;
    version = version_from_numbers(h.major, h.minor);
    if (!version) version = version_family_from_guid(h.guid);
    header_accepted =
        guid_accepts(h.guid, h.major, h.minor) && h.chunk_count != 0 && h.record_chunk_count != 0;

    const std::uint64_t first = std::uint64_t{h.chunk_count} * format::chunk_size;
    const std::uint64_t size = std::uint64_t{h.record_chunk_count} * format::chunk_size;
    for (std::size_t i = 0; i < p.file.records.size(); ++i) {
        const Record& rec = p.file.records[i];
        if (rec.consumed) continue;
        RecordAt r;
        r.record = &rec;
        r.number = static_cast<std::uint32_t>(i + 1);
        r.offset = first + i * size;
        // The same walk as the parser: 24-byte header, then 8 + padded(len) per entry.
        std::uint64_t at = r.offset + format::record::header_size;
        for (const auto& e : rec.entries) {
            r.entries.push_back(EntryAt{&e, at, find_variable(e.module, e.variable),
                                        entry_field(e.module, e.variable)});
            at += format::entry::header_size + format::padded(e.value.size());
        }
        records.push_back(std::move(r));
    }
}

void Context::add(Firmware fw, Severity sev, ErrorCode code, std::optional<std::uint32_t> record,
                  std::optional<std::uint64_t> offset, std::string field, std::string message) {
    Problem p;
    p.firmware = fw;
    p.severity = sev;
    p.code = code;
    p.where = Location{.offset = offset, .field = std::move(field), .record = record};
    p.message = std::move(message);
    out.push_back(std::move(p));
}

}  // namespace detail

namespace {

GenerationVerdict verdict(const detail::Selection& s, const Problems& problems, Firmware fw) {
    GenerationVerdict v;
    v.found = s.found;
    v.next_record = s.next_record;
    if (!s.found || !s.next_record) return v;
    v.usable = std::none_of(problems.begin(), problems.end(), [&](const Problem& p) {
        return p.severity == Severity::error &&
               (p.firmware == fw || p.firmware == Firmware::format) &&
               (!p.where.record || *p.where.record == *s.next_record);
    });
    return v;
}

}  // namespace

CheckResult check(std::span<const std::uint8_t> data, const CheckOptions& options) {
    return check(parse_lenient(data), options);
}

Audience intended_generations(const SetupBin& file) {
    Audience a;
    bool psk = false, manual = false;
    for (const auto& r : file.records)
        for (const auto& e : r.entries) {
            psk = psk || (e.module == 2 && (e.variable == 1 || e.variable == 2));
            manual = manual || (e.module == 2 && e.variable == 29 && e.value.size() == 1 &&
                                e.value[0] == 1);
        }
    if (psk || manual) {
        a.generations.erase(Firmware::mebx);
        a.left_out.emplace_back(
            Firmware::mebx,
            psk ? "the key holds PID/PPS (PSK) records, which a modern MEBx rejects by design; "
                  "PSK keys are for legacy BIOSes and UEFI BIOSes"
                : "the key asks for manual setup and configuration (2/29 = 1), which a modern "
                  "MEBx does not support by design; such keys are for older AMT");
    }
    return a;
}

Audience intended_generations(std::span<const std::uint8_t> data) {
    return intended_generations(parse_lenient(data).file);
}

CheckResult check(const ParseResult& parsed, const CheckOptions& options) {
    detail::Context c(parsed);
    c.out = parsed.problems;
    detail::check_format(c);

    const bool legacy = options.firmware.count(Firmware::legacy) != 0;
    const bool uefi = options.firmware.count(Firmware::uefi) != 0;
    const bool mebx = options.firmware.count(Firmware::mebx) != 0;

    std::optional<detail::Selection> legacy_sel, uefi_sel;
    if (legacy) {
        legacy_sel = detail::select_record(c, Firmware::legacy);
        detail::check_legacy(c);
    }
    if (uefi) uefi_sel = detail::select_record(c, Firmware::uefi);
    if (mebx) detail::check_mebx(c);

    CheckResult result;
    if (legacy) result.legacy = verdict(*legacy_sel, c.out, Firmware::legacy);
    if (uefi) result.uefi = verdict(*uefi_sel, c.out, Firmware::uefi);
    if (mebx) {
        // The modern MEBx is handed the record a UEFI BIOS finds; it adds no lookup of its own.
        detail::Context quiet(parsed);
        const detail::Selection s = uefi ? *uefi_sel : detail::select_record(quiet, Firmware::uefi);
        result.mebx = verdict(s, c.out, Firmware::mebx);
    }
    result.problems = std::move(c.out);
    return result;
}

}  // namespace ukpu::setupbin
