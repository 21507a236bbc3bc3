#include "render/verify_report.hpp"

#include <filesystem>
#include <ostream>

namespace ukpu::cli {

namespace sb = ukpu::setupbin;

namespace {

Json opt(const std::optional<std::uint32_t>& v) {
    return v ? Json(*v) : Json();
}
Json opt64(const std::optional<std::uint64_t>& v) {
    return v ? Json(*v) : Json();
}

// The report with the key named as the user named it. `build --image K` writes and verifies the
// image under provision's temporary name ".K.ukpu-XXXXXX" beside K and renames it to K once it
// reads back identical: a fix names K, the file that is there afterwards.
const fat::VerifyReport& named(const fat::VerifyReport& r, fat::VerifyReport& copy) {
    if (r.target.size() < 2 || r.target[0] != "--image") return r;
    const std::filesystem::path path(r.target[1]);
    const std::string name = path.filename().string();
    const std::string mark = ".ukpu-";
    constexpr std::size_t suffix = 6;  // mkstemp's XXXXXX
    if (name.size() < 1 + 1 + mark.size() + suffix || name[0] != '.' ||
        name.compare(name.size() - suffix - mark.size(), mark.size(), mark) != 0)
        return r;
    copy = r;
    copy.target[1] =
        (path.parent_path() / name.substr(1, name.size() - 1 - mark.size() - suffix)).string();
    return copy;
}

Json generation_json(const fat::GenerationResult& g) {
    Json j = Json::object();
    j.set("found", g.found);
    j.set("next_record", opt(g.next_record));
    j.set("usable", g.usable);
    j.set("path", g.path);
    return j;
}

std::string generation_line(const char* name, const fat::GenerationResult& g) {
    std::string t = std::string(name) + ": ";
    if (!g.found) return t + "setup.bin is NOT found";
    t += "finds " + g.path;
    if (g.next_record)
        t += ", next PC takes record " + std::to_string(*g.next_record);
    else
        t += ", but no record is left to take";
    t += g.usable ? " (usable)" : " (NOT usable)";
    return t;
}

}  // namespace

Json verify_json(const fat::VerifyReport& report) {
    fat::VerifyReport copy;
    const fat::VerifyReport& r = named(report, copy);
    Json doc = Json::object();
    doc.set("ok", r.ok());
    Json layout = Json::object();
    layout.set("scheme", r.scheme ? Json(fat::to_string(*r.scheme)) : Json());
    layout.set("volume_first_sector", opt64(r.volume_first_sector));
    layout.set("fat_type", r.fat_type ? Json(fat::to_string(*r.fat_type)) : Json());
    layout.set("label", r.label);
    doc.set("layout", layout);
    Json gens = Json::object();
    if (r.legacy) gens.set("legacy", generation_json(*r.legacy));
    if (r.uefi) gens.set("uefi", generation_json(*r.uefi));
    if (r.mebx) gens.set("mebx", generation_json(*r.mebx));
    doc.set("generations", gens);
    Json ps = Json::array();
    for (const auto& p : r.problems) {
        Json j = Json::object();
        j.set("firmware", sb::to_string(p.firmware));
        j.set("severity", sb::to_string(p.severity));
        j.set("defect", fat::to_string(p.defect));
        j.set("where", p.where());
        j.set("slot", opt(p.slot));
        j.set("cluster", opt(p.cluster));
        j.set("offset", opt64(p.offset));
        j.set("message", p.message);
        j.set("fix", fat::fix_text(p, r));
        ps.push(std::move(j));
    }
    doc.set("problems", ps);
    return doc;
}

void print_verify(std::ostream& out, const fat::VerifyReport& report, const GlobalOptions& g,
                  bool content_said) {
    fat::VerifyReport copy;
    const fat::VerifyReport& r = named(report, copy);
    // The checker's findings: the same one on many records is one line with the count and the
    // first records (every record with --verbose), said where the first of them comes.
    sb::Problems content;
    std::string content_fix;
    for (const auto& p : r.problems)
        if (p.content && (p.severity != sb::Severity::info || g.verbose)) {
            content.push_back(*p.content);
            if (content_fix.empty()) content_fix = fat::fix_text(p, r);
        }
    for (const auto& p : r.problems) {
        if (p.severity == sb::Severity::info && !g.verbose) continue;
        if (p.content) {
            if (content_said) continue;
            content_said = true;
            for (const auto& grp : sb::group_problems(content))
                out << grp.str(g.verbose) << (content_fix.empty() ? "" : " -- fix: " + content_fix)
                    << '\n';
            continue;
        }
        std::string line = std::string(sb::to_string(p.severity)) + " [" +
                           sb::to_string(p.firmware) + "] " + fat::to_string(p.defect);
        const std::string w = p.where();
        if (!w.empty()) line += " (" + w + ")";
        line += ": " + p.message;
        if (!p.fix.empty()) line += " -- fix: " + fat::fix_text(p, r);
        out << line << '\n';
    }
    if (g.quiet) return;
    if (r.fat_type)
        out << "layout: " << (r.scheme ? fat::to_string(*r.scheme) : "?") << ", "
            << fat::to_string(*r.fat_type)
            << (r.volume_first_sector
                    ? ", volume at sector " + std::to_string(*r.volume_first_sector)
                    : std::string())
            << (r.label.empty() ? std::string() : ", label " + r.label) << '\n';
    if (r.legacy) out << generation_line("legacy", *r.legacy) << '\n';
    if (r.uefi) out << generation_line("uefi", *r.uefi) << '\n';
    if (r.mebx) out << generation_line("mebx", *r.mebx) << '\n';
    out << std::flush;
}

}  // namespace ukpu::cli
