// `ukpu setupbin create -o FILE [settings]`: builds a canonical setup.bin, checks it with the
// firmware rules, and writes it atomically (mode 0600) unless the checker finds errors.
#include <algorithm>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands/commands.hpp"
#include "create_options.hpp"
#include "render/problem_json.hpp"
#include "render/text_reporter.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/provision/cert_hash.hpp"
#include "ukpu/provision/secret_file.hpp"
#include "ukpu/provision/setupbin_builder.hpp"
#include "ukpu/setupbin/check.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/values.hpp"
#include "ukpu/setupbin/version.hpp"
#include "ukpu/setupbin/write.hpp"

namespace ukpu::cli {

namespace sb = ukpu::setupbin;

namespace {

struct CreateState {
    provision::CreateSettings s;
    CLI::App* sub = nullptr;
};

int run_create(CreateState& st, const GlobalOptions& g) {
    provision::CreateSettings& s = st.s;
    if (!s.config.empty()) apply_profile(*st.sub, s);
    if (s.output.empty())
        throw CliError(exit_usage, "-o/--output", "the file to write is required");

    // An existing output is refused before anything is read or made, on a dry run too.
    provision::refuse_existing_output(s.output, s.overwrite);
    TextReporter reporter(g);
    provision::BuiltSetupBin built = provision::build_setupbin(s, reporter);
    const std::vector<std::uint8_t>& bytes = built.bytes;
    const sb::CheckResult& checked = built.check;
    const std::vector<std::string>& warnings = built.warnings;
    bool refused = !checked.ok() && !s.force;
    // One line per kind of finding, with its records (every record with --verbose; --json
    // carries every problem); the line says error or warning once.
    print_findings(g, checked.problems, refused);

    bool written = false;
    if (!refused && !g.dry_run) {
        provision::write_file_atomic(s.output, bytes, s.overwrite);
        written = true;
    }
    const std::string sha = sb::to_hex(provision::digest("sha256", bytes));
    const std::string& version = built.version;
    if (g.json) {
        Json doc = Json::object();
        doc.set("ok", checked.ok());
        doc.set("path", s.output);
        doc.set("version", version);
        doc.set("records", s.records);
        doc.set("sha256", sha);
        doc.set("size", static_cast<std::uint64_t>(bytes.size()));
        doc.set("written", written);
        doc.set("problems", problems_json(checked.problems));
        Json wj = Json::array();
        for (const auto& w : warnings) wj.push(w);
        doc.set("warnings", wj);
        print_json(doc);
    }
    if (refused) {
        print_error(s.output +
                    ": not written: the checker found errors (listed above); fix "
                    "them, choose --firmware, or use --force");
        return refused_exit_code(checked.problems);
    }
    print_note(g, std::string(written ? "wrote " : "would write (dry run) ") + s.output +
                      ": version " + version + ", " + base::counted(s.records, "record") + ", " +
                      std::to_string(bytes.size()) + " bytes, sha256 " + sha);
    return exit_ok;
}

}  // namespace

Command add_setupbin_create(CLI::App& setupbin, const GlobalOptions& g) {
    auto st = std::make_shared<CreateState>();
    CLI::App* sub = setupbin.add_subcommand(
        "create", "Write a setup.bin from options or a TOML profile (--config)");
    sub->fallthrough();
    st->sub = sub;
    add_create_options(*sub, st->s);
    sub->footer(
        "Secrets are never taken on the command line: use --current-password-file,\n"
        "--new-password-file, --pps-file, --enrollment-passcode-file (FILE or '-' for stdin;\n"
        "one trailing newline is removed).\n"
        "The new file is checked against the firmware rules (--firmware, default all); it is\n"
        "not written when an error is found, unless --force.\n"
        "Exit codes: 0 written; 1 refused because the checker found errors (nothing written);\n"
        "2 a bad option or value; 3 an unreadable profile, secret or certificate;\n"
        "4 the output exists (without --overwrite) or is not a regular file; 5 I/O error.");
    return {sub, [st, &g] { return run_create(*st, g); }};
}

}  // namespace ukpu::cli
