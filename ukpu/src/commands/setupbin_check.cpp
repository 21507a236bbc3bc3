// `ukpu setupbin check FILE [--firmware all|legacy,uefi,mebx]`: the format and firmware rules.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "commands/commands.hpp"
#include "render/problem_json.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/provision/generations.hpp"
#include "ukpu/provision/profile.hpp"
#include "ukpu/provision/setupbin_builder.hpp"
#include "ukpu/setupbin/check.hpp"

namespace ukpu::cli {

namespace sb = ukpu::setupbin;

namespace {

struct CheckCliOptions {
    std::string file;
    std::optional<std::string> firmware;  // none: the generations the file's content is for
};

Json verdict_json(const sb::GenerationVerdict& v) {
    Json j = Json::object();
    j.set("found", v.found);
    j.set("next_record", v.next_record ? Json(*v.next_record) : Json());
    j.set("usable", v.usable);
    return j;
}

std::string verdict_text(const char* name, const sb::GenerationVerdict& v) {
    std::string t = std::string(name) + ": ";
    if (!v.found) return t + "the file is NOT found usable (no record would be taken)";
    t += "finds record " + (v.next_record ? std::to_string(*v.next_record) : std::string("?"));
    t += v.usable ? ", which it would apply" : ", but would NOT apply it";
    return t;
}

int run_check(const CheckCliOptions& o, const GlobalOptions& g) {
    if (o.firmware) (void)provision::verify_generations(*o.firmware);  // a usage error up front
    auto data = read_input_file(o.file);
    // As verify judges a key: by --firmware, else by the generations the content is for (a
    // PID/PPS file is not judged by a modern MEBx, which rejects PSK by design; said once).
    const provision::Judgement judged = provision::judge_generations(o.firmware, data);
    sb::CheckOptions co;
    co.firmware = provision::check_generations(judged.generations);
    const sb::ParseResult parsed = sb::parse_lenient(data);
    sb::CheckResult r = sb::check(parsed, co);
    if (!judged.left_out.empty()) print_note(g, o.file + ": " + judged.note());
    // Bytes that are no setup.bin at all, or one whose structure is broken (a format error of the
    // parse, what `show` and every reader refuse), are malformed input; a readable file some
    // generation would not take is a finding.
    const sb::Problem* foreign = sb::not_a_setup_bin(parsed);
    const bool malformed = !parsed.complete || sb::has_errors(parsed.problems);
    const int code = r.ok() ? exit_ok : malformed ? exit_bad_input : exit_problems;
    if (foreign && !g.json && !g.verbose) {
        const std::string where = foreign->where.str();
        print_error(o.file + ": not a setup.bin: " + (where.empty() ? "" : where + ": ") +
                    foreign->message);
        return code;
    }

    if (g.json) {
        Json doc = Json::object();
        doc.set("ok", r.ok());
        doc.set("file", o.file);
        doc.set("malformed", malformed);
        doc.set("firmware", provision::firmware_list(judged.generations));
        Json left = Json::array();
        for (const auto& l : judged.left_out) left.push(Json(l));
        doc.set("left_out", left);
        doc.set("problems", problems_json(r.problems));
        Json gens = Json::object();
        if (r.legacy) gens.set("legacy", verdict_json(*r.legacy));
        if (r.uefi) gens.set("uefi", verdict_json(*r.uefi));
        if (r.mebx) gens.set("mebx", verdict_json(*r.mebx));
        doc.set("generations", gens);
        print_json(doc);
    } else {
        // The same finding on many records is one line with the count and the first records
        // (every record with --verbose; --json carries every problem).
        for (const auto& grp : sb::group_problems(r.problems)) {
            if (grp.first.severity == sb::Severity::info && !g.verbose) continue;
            std::cout << grp.str(g.verbose) << '\n';
        }
        if (!g.quiet) {
            if (r.legacy) std::cout << verdict_text("legacy", *r.legacy) << '\n';
            if (r.uefi) std::cout << verdict_text("uefi", *r.uefi) << '\n';
            if (r.mebx) std::cout << verdict_text("mebx", *r.mebx) << '\n';
        }
        std::size_t errors = 0;
        for (const auto& p : r.problems)
            if (p.severity == sb::Severity::error) ++errors;
        std::cout << o.file << ": "
                  << (r.ok()      ? std::string("ok")
                      : malformed ? "malformed, " + base::counted(errors, "error") + " found"
                                  : base::counted(errors, "error") + " found")
                  << '\n'
                  << std::flush;
    }
    if (malformed)
        for (const auto& p : parsed.problems)
            if (p.severity == sb::Severity::error) {
                const std::string where = p.where.str();
                print_error(o.file + ": malformed setup.bin: " +
                            (where.empty() ? "" : where + ": ") + p.message);
                break;
            }
    return code;
}

}  // namespace

Command add_setupbin_check(CLI::App& setupbin, const GlobalOptions& g) {
    auto o = std::make_shared<CheckCliOptions>();
    CLI::App* sub = setupbin.add_subcommand(
        "check", "Validate a setup.bin against the format and each firmware generation's rules");
    sub->fallthrough();
    sub->add_option("FILE", o->file, "The setup.bin file")->required();
    sub->add_option("--firmware", o->firmware,
                    "all, or a comma-separated list of legacy, uefi, mebx (default: the "
                    "generations the file's content is for; the format is always checked)");
    sub->footer(
        "Exit codes: 0 no errors (warnings may be listed); 1 errors found, each listed with\n"
        "firmware, record, field and offset; 3 the file is missing or unreadable, or malformed\n"
        "(a format error, listed the same way; bytes that are no setup.bin at all are said in\n"
        "one line, every finding with --verbose).");
    return {sub, [o, &g] { return run_check(*o, g); }};
}

}  // namespace ukpu::cli
