#include "key_source.hpp"

#include "ukpu/base/counted.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/profile.hpp"
#include "ukpu/provision/reporter.hpp"
#include "ukpu/provision/secret_file.hpp"
#include "ukpu/provision/setupbin_builder.hpp"
#include "ukpu/setupbin/check.hpp"
#include "ukpu/setupbin/parse.hpp"

namespace ukpu::gui {

namespace sb = ukpu::setupbin;
namespace pv = ukpu::provision;

namespace {

// The setup.bin a profile makes, as `ukpu build --config` makes it; its warnings in `warnings`.
std::vector<std::uint8_t> build_from_profile(const std::string& path,
                                             std::vector<std::string>& warnings) {
    pv::CreateSettings s;
    s.config = path;
    const pv::Profile profile = pv::read_profile(path);
    // What is left is not a setting of a setup.bin (a command's own option, or a typo).
    for (const auto& item : pv::apply_profile(profile, s, {}, false))
        throw pv::Error(pv::Status::bad_argument, path + ": " + item.key,
                        "not a setting of a profile");
    pv::SilentReporter quiet;
    pv::BuiltSetupBin built = pv::build_setupbin(s, quiet);
    warnings = std::move(built.warnings);
    return std::move(built.bytes);
}

}  // namespace

KeySource load_key_source(const std::string& path, const std::optional<std::string>& firmware) {
    KeySource k;
    k.path = path;
    k.from_profile = path.size() > 5 && path.substr(path.size() - 5) == ".toml";
    if (k.from_profile)
        k.bytes = build_from_profile(path, k.problems);
    else
        k.bytes = pv::read_input_file(path);
    const sb::ParseResult parsed = sb::parse_lenient(k.bytes);
    for (const auto& p : parsed.problems)
        if (p.severity == sb::Severity::error)
            throw pv::Error(pv::Status::bad_input, path + ": " + p.where.str(), p.message);
    k.judged = pv::judge_generations(firmware, k.bytes);
    sb::CheckOptions co;
    co.firmware = pv::check_generations(k.judged.generations);
    const sb::CheckResult checked = sb::check(parsed, co);
    std::size_t errors = 0;
    std::size_t warnings = 0;
    for (const auto& p : checked.problems) {
        if (p.severity == sb::Severity::info) continue;
        (p.severity == sb::Severity::error ? errors : warnings) += 1;
        k.problems.push_back(p.str());
    }
    k.usable = checked.ok();
    const auto& h = parsed.file.header;
    k.summary =
        std::string(k.from_profile ? "made from the profile: " : "") + "version " +
        std::to_string(h.major) + "." + std::to_string(h.minor) + ", " +
        base::counted(h.record_count, "record") + ", " + std::to_string(h.records_consumed) +
        " consumed" + (h.reusable() ? ", reusable" : "") +
        "; checker: " + base::counted(errors, "error") + ", " + base::counted(warnings, "warning");
    if (!k.judged.left_out.empty()) k.summary += "; " + k.judged.note();
    return k;
}

}  // namespace ukpu::gui
