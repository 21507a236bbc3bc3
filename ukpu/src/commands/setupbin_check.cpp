// `ukpu setupbin check FILE [--firmware all|legacy,uefi,mebx]`: the format and firmware rules.
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "commands/commands.hpp"
#include "render/problem_json.hpp"
#include "ukpu/provision/profile.hpp"
#include "ukpu/provision/setupbin_builder.hpp"
#include "ukpu/setupbin/check.hpp"

namespace ukpu::cli {

namespace sb = ukpu::setupbin;

namespace {

struct CheckCliOptions {
    std::string file;
    std::string firmware = "all";
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
    provision::CreateSettings generations;
    generations.firmware = o.firmware;
    const sb::CheckOptions co = provision::check_options(generations);
    auto data = read_input_file(o.file);
    sb::CheckResult r = sb::check(data, co);

    if (g.json) {
        Json doc = Json::object();
        doc.set("ok", r.ok());
        doc.set("file", o.file);
        doc.set("problems", problems_json(r.problems));
        Json gens = Json::object();
        if (r.legacy) gens.set("legacy", verdict_json(*r.legacy));
        if (r.uefi) gens.set("uefi", verdict_json(*r.uefi));
        if (r.mebx) gens.set("mebx", verdict_json(*r.mebx));
        doc.set("generations", gens);
        print_json(doc);
    } else {
        for (const auto& p : r.problems) {
            if (p.severity == sb::Severity::info && !g.verbose) continue;
            std::cout << problem_line(p) << '\n';
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
                  << (r.ok() ? std::string("ok") : std::to_string(errors) + " error(s) found")
                  << '\n'
                  << std::flush;
    }
    return r.ok() ? exit_ok : exit_problems;
}

}  // namespace

Command add_setupbin_check(CLI::App& setupbin, const GlobalOptions& g) {
    auto o = std::make_shared<CheckCliOptions>();
    CLI::App* sub = setupbin.add_subcommand(
        "check", "Validate a setup.bin against the format and each firmware generation's rules");
    sub->fallthrough();
    sub->add_option("FILE", o->file, "The setup.bin file")->required();
    sub->add_option("--firmware", o->firmware,
                    "The firmware generations to check: all, or a comma-separated list of "
                    "legacy, uefi, mebx (the format is always checked)")
        ->check(CLI::Validator(
            [](std::string& v) -> std::string { return provision::firmware_list_problem(v); },
            "GENERATIONS"))
        ->default_str("all");
    sub->footer(
        "Exit codes: 0 no errors (warnings may be listed); 1 errors found, each listed with\n"
        "firmware, record, field and offset; 3 the file is missing or unreadable.");
    return {sub, [o, &g] { return run_check(*o, g); }};
}

}  // namespace ukpu::cli
