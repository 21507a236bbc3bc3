#include "ukpu/setupbin/problem.hpp"

#include <algorithm>

namespace ukpu::setupbin {

const char* to_string(Firmware f) {
    switch (f) {
        case Firmware::format:
            return "format";
        case Firmware::legacy:
            return "legacy";
        case Firmware::uefi:
            return "uefi";
        case Firmware::mebx:
            return "mebx";
    }
    return "unknown";
}

const char* to_string(Severity s) {
    switch (s) {
        case Severity::error:
            return "error";
        case Severity::warning:
            return "warning";
        case Severity::info:
            return "info";
    }
    return "unknown";
}

Firmware parse_firmware(std::string_view text) {
    if (text == "format") return Firmware::format;
    if (text == "legacy") return Firmware::legacy;
    if (text == "uefi") return Firmware::uefi;
    if (text == "mebx") return Firmware::mebx;
    throw Error(ErrorCode::bad_argument, "unknown firmware generation '" + std::string(text) +
                                             "' (expected legacy, uefi or mebx)");
}

std::string Problem::label() const {
    return code == ErrorCode::password_policy ? "password policy" : to_string(firmware);
}

std::string Problem::str() const {
    std::string out = std::string(to_string(severity)) + " [" + label() + "] ";
    std::string w = where.str();
    if (!w.empty()) out += w + ": ";
    return out + message;
}

namespace {

bool same_kind(const Problem& a, const Problem& b) {
    return a.firmware == b.firmware && a.severity == b.severity && a.code == b.code &&
           a.where.field == b.where.field && a.message == b.message &&
           a.where.record.has_value() == b.where.record.has_value();
}

}  // namespace

std::vector<ProblemGroup> group_problems(const Problems& ps) {
    std::vector<ProblemGroup> groups;
    for (const auto& p : ps) {
        ProblemGroup* g = nullptr;
        if (p.where.record)
            for (auto& candidate : groups)
                if (same_kind(candidate.first, p)) {
                    g = &candidate;
                    break;
                }
        if (!g) {
            groups.push_back(ProblemGroup{p, {}, 0});
            g = &groups.back();
        }
        ++g->count;
        if (p.where.record) g->records.push_back(*p.where.record);
    }
    for (auto& g : groups) {
        std::sort(g.records.begin(), g.records.end());
        g.records.erase(std::unique(g.records.begin(), g.records.end()), g.records.end());
    }
    return groups;
}

std::string record_ranges(const std::vector<std::uint32_t>& records, std::size_t max_ranges) {
    std::string out;
    std::size_t ranges = 0;
    for (std::size_t i = 0; i < records.size();) {
        std::size_t j = i;
        while (j + 1 < records.size() && records[j + 1] == records[j] + 1) ++j;
        if (max_ranges && ranges == max_ranges) {
            out += ", ...";
            break;
        }
        if (!out.empty()) out += ", ";
        out += std::to_string(records[i]);
        if (j > i) out += "-" + std::to_string(records[j]);
        ++ranges;
        i = j + 1;
    }
    return out;
}

std::string ProblemGroup::str(bool all_records, bool with_severity) const {
    std::string out;
    if (count <= 1 || records.size() <= 1) {
        out = first.str();
    } else {
        out = std::string(to_string(first.severity)) + " [" + first.label() + "] records " +
              record_ranges(records, all_records ? 0 : 4) + " (" + std::to_string(records.size()) +
              ")";
        if (!first.where.field.empty()) out += ", " + first.where.field;
        out += ": " + first.message;
    }
    if (!with_severity) out.erase(0, out.find('['));
    return out;
}

}  // namespace ukpu::setupbin
