#include "key_source.hpp"

#include <CLI/CLI.hpp>

#include "context.hpp"
#include "create_options.hpp"
#include "problem_json.hpp"
#include "setupbin_builder.hpp"
#include "ukpu/setupbin/check.hpp"
#include "ukpu/setupbin/parse.hpp"

namespace ukpu::gui {

namespace sb = ukpu::setupbin;

KeySource load_key_source(const std::string& path, const std::set<sb::Firmware>& firmware) {
    KeySource k;
    k.path = path;
    k.from_profile = path.size() > 5 && path.substr(path.size() - 5) == ".toml";
    if (k.from_profile) {
        // The profile's settings, applied as `ukpu build --config` applies them.
        CLI::App app("profile");
        cli::CreateSettings s;
        cli::add_create_options(app, s, false);
        s.config = path;
        cli::apply_profile(app, path);
        cli::GlobalOptions quiet;
        quiet.quiet = true;
        cli::BuiltSetupBin built = cli::build_setupbin(s, quiet);
        k.bytes = std::move(built.bytes);
        k.problems = std::move(built.warnings);
    } else {
        k.bytes = cli::read_input_file(path);
    }
    const sb::ParseResult parsed = sb::parse_lenient(k.bytes);
    for (const auto& p : parsed.problems)
        if (p.severity == sb::Severity::error)
            throw cli::CliError(cli::exit_bad_input, path + ": " + p.where.str(), p.message);
    sb::CheckOptions co;
    co.firmware = firmware;
    const sb::CheckResult checked = sb::check(parsed, co);
    std::size_t errors = 0;
    std::size_t warnings = 0;
    for (const auto& p : checked.problems) {
        if (p.severity == sb::Severity::info) continue;
        (p.severity == sb::Severity::error ? errors : warnings) += 1;
        k.problems.push_back(cli::problem_line(p));
    }
    k.usable = checked.ok();
    const auto& h = parsed.file.header;
    k.summary = std::string(k.from_profile ? "made from the profile: " : "") + "version " +
                std::to_string(h.major) + "." + std::to_string(h.minor) + ", " +
                std::to_string(h.record_count) + " record(s), " +
                std::to_string(h.records_consumed) + " consumed" +
                (h.reusable() ? ", reusable" : "") + "; checker: " + std::to_string(errors) +
                " error(s), " + std::to_string(warnings) + " warning(s)";
    return k;
}

}  // namespace ukpu::gui
