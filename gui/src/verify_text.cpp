#include "verify_text.hpp"

#include <vector>

namespace ukpu::gui {

namespace sb = ukpu::setupbin;

namespace {

std::string generation_line(const char* name, const fat::GenerationResult& g) {
    std::string t = std::string(name) + ": ";
    if (!g.found) return t + "setup.bin is NOT found";
    t += "finds " + g.path;
    if (g.next_record)
        t += ", next PC takes record " + std::to_string(*g.next_record);
    else
        t += ", but no record is left to take";
    return t + (g.usable ? " (usable)" : " (NOT usable)");
}

}  // namespace

std::string verify_text(const fat::VerifyReport& r, bool with_info) {
    std::vector<std::string> lines;
    for (const auto& p : r.problems) {
        if (p.severity == sb::Severity::info && !with_info) continue;
        std::string line = std::string(sb::to_string(p.severity)) + " [" +
                           sb::to_string(p.firmware) + "] " + fat::to_string(p.defect);
        if (const std::string w = p.where(); !w.empty()) line += " (" + w + ")";
        line += ": " + p.message;
        if (!p.fix.empty()) line += "; fix: " + fat::fix_text(p, r);
        lines.push_back(std::move(line));
    }
    if (r.fat_type) {
        std::string line = std::string("layout: ") + (r.scheme ? fat::to_string(*r.scheme) : "?") +
                           ", " + fat::to_string(*r.fat_type);
        if (r.volume_first_sector)
            line += ", volume at sector " + std::to_string(*r.volume_first_sector);
        if (!r.label.empty()) line += ", label " + r.label;
        lines.push_back(std::move(line));
    }
    if (r.legacy) lines.push_back(generation_line("legacy BIOS", *r.legacy));
    if (r.uefi) lines.push_back(generation_line("UEFI BIOS", *r.uefi));
    if (r.mebx) lines.push_back(generation_line("modern MEBx", *r.mebx));
    std::string text;
    for (const auto& l : lines) text += (text.empty() ? "" : "\n") + l;
    return text;
}

}  // namespace ukpu::gui
