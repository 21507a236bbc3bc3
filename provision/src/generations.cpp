#include "ukpu/provision/generations.hpp"

#include "ukpu/fatwriter/directory.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/fatwriter/volume.hpp"
#include "ukpu/provision/error.hpp"

namespace ukpu::provision {

namespace sb = ukpu::setupbin;

namespace {

const char* name_of(sb::Firmware f) {
    switch (f) {
        case sb::Firmware::legacy:
            return "legacy BIOS";
        case sb::Firmware::uefi:
            return "UEFI BIOS";
        case sb::Firmware::mebx:
            return "modern MEBx";
        case sb::Firmware::format:
            break;
    }
    return "every reader";
}

}  // namespace

fat::VerifyOptions verify_generations(const std::string& firmware) {
    fat::VerifyOptions o;
    o.legacy = o.uefi = o.mebx = false;
    std::size_t start = 0;
    while (start <= firmware.size()) {
        std::size_t end = firmware.find(',', start);
        if (end == std::string::npos) end = firmware.size();
        const std::string w = firmware.substr(start, end - start);
        if (w == "all")
            o.legacy = o.uefi = o.mebx = true;
        else if (w == "legacy")
            o.legacy = true;
        else if (w == "uefi")
            o.uefi = true;
        else if (w == "mebx")
            o.mebx = true;
        else
            throw Error(Status::bad_argument, "--firmware",
                        "'" + w + "' is not legacy, uefi, mebx or all");
        start = end + 1;
    }
    return o;
}

std::string generations_text(const fat::VerifyOptions& o) {
    std::string t;
    auto add = [&t](bool on, const char* name) {
        if (on) t += (t.empty() ? "" : ", ") + std::string(name);
    };
    add(o.legacy, "legacy BIOS");
    add(o.uefi, "UEFI BIOS");
    add(o.mebx, "modern MEBx");
    return t;
}

std::string firmware_list(const fat::VerifyOptions& o) {
    if (o.legacy && o.uefi && o.mebx) return "all";
    std::string t;
    auto add = [&t](bool on, const char* name) {
        if (on) t += (t.empty() ? "" : ",") + std::string(name);
    };
    add(o.legacy, "legacy");
    add(o.uefi, "uefi");
    add(o.mebx, "mebx");
    return t;
}

std::set<sb::Firmware> check_generations(const fat::VerifyOptions& o) {
    std::set<sb::Firmware> s;
    if (o.legacy) s.insert(sb::Firmware::legacy);
    if (o.uefi) s.insert(sb::Firmware::uefi);
    if (o.mebx) s.insert(sb::Firmware::mebx);
    return s;
}

std::string Judgement::note() const {
    if (left_out.empty()) return {};
    std::string t = "judged for " + generations_text(generations) + "; left out ";
    for (std::size_t i = 0; i < left_out.size(); ++i) t += (i ? "; " : "") + left_out[i];
    return t + " (--firmware all judges it too)";
}

Judgement judge_generations(const std::optional<std::string>& firmware,
                            std::span<const std::uint8_t> setup) {
    Judgement j;
    if (firmware) {
        j.generations = verify_generations(*firmware);
        return j;
    }
    j.by_content = true;
    const sb::Audience a = sb::intended_generations(setup);
    j.generations.legacy = a.generations.count(sb::Firmware::legacy) > 0;
    j.generations.uefi = a.generations.count(sb::Firmware::uefi) > 0;
    j.generations.mebx = a.generations.count(sb::Firmware::mebx) > 0;
    for (const auto& [fw, why] : a.left_out)
        j.left_out.push_back(std::string(name_of(fw)) + ": " + why);
    return j;
}

namespace {

// Why generation `fw` cannot use the key of `r`: its first error, else what its verdict says.
std::string why_unusable(const fat::VerifyReport& r, sb::Firmware fw,
                         const fat::GenerationResult& g) {
    for (const sb::Firmware f : {fw, sb::Firmware::format})
        for (const auto& p : r.problems)
            if (p.firmware == f && p.severity == sb::Severity::error) return p.message;
    if (!g.found) return "setup.bin is not found";
    return "no record it would apply";
}

}  // namespace

std::vector<std::string> unusable_generations(const fat::VerifyReport& r,
                                              const fat::VerifyOptions& asked) {
    std::vector<std::string> out;
    const struct {
        const std::optional<fat::GenerationResult>& result;
        bool asked;
        sb::Firmware firmware;
    } gens[] = {{r.legacy, asked.legacy, sb::Firmware::legacy},
                {r.uefi, asked.uefi, sb::Firmware::uefi},
                {r.mebx, asked.mebx, sb::Firmware::mebx}};
    for (const auto& g : gens) {
        if (!g.asked) continue;
        if (!g.result)
            out.push_back(std::string(name_of(g.firmware)) + ": not judged");
        else if (!g.result->usable)
            out.push_back(std::string(name_of(g.firmware)) + ": " +
                          why_unusable(r, g.firmware, *g.result));
    }
    return out;
}

std::optional<std::vector<std::uint8_t>> read_key_setup_bin(fat::BlockDevice& dev) {
    try {
        const auto where = fat::locate_volume(dev);
        auto view = fat::open_volume_view(dev, where);
        fat::Volume vol(*view);
        const auto slot = fat::lookup(vol, "\\setup.bin");
        if (!slot || slot->kind != fat::SlotKind::file) return std::nullopt;
        return vol.read_file(slot->first_cluster, slot->size);
    } catch (const fat::Error&) {
        return std::nullopt;
    }
}

fat::VerifyReport verify_as_intended(fat::BlockDevice& dev,
                                     const std::optional<std::string>& firmware,
                                     Judgement& judgement, bool repair_advice) {
    if (firmware) {
        judgement = judge_generations(firmware, {});
    } else {
        const auto setup = read_key_setup_bin(dev);
        judgement = setup ? judge_generations(std::nullopt, *setup) : Judgement{};
        judgement.by_content = true;
    }
    fat::VerifyOptions vo = judgement.generations;
    vo.repair_advice = repair_advice;
    return fat::verify_key(dev, vo);
}

}  // namespace ukpu::provision
