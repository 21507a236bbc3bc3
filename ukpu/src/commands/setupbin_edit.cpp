// `ukpu setupbin edit FILE [settings] [--unset M:V]`: changes entries of an existing setup.bin
// with the options of `create` (plus --unset, --remove-cert-hash, --no-scramble, --no-reusable,
// --reset-consumed), keeps every other field and entry, checks the result with the firmware rules
// and writes it atomically (mode 0600) in place or to -o, unless the checker finds errors.
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands/commands.hpp"
#include "create_options.hpp"
#include "render/entry_view.hpp"
#include "render/problem_json.hpp"
#include "render/text_reporter.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/provision/cert_hash.hpp"
#include "ukpu/provision/generations.hpp"
#include "ukpu/provision/secret_file.hpp"
#include "ukpu/provision/setupbin_builder.hpp"
#include "ukpu/provision/setupbin_edit.hpp"
#include "ukpu/setupbin/change_text.hpp"
#include "ukpu/setupbin/check.hpp"
#include "ukpu/setupbin/values.hpp"

namespace ukpu::cli {

namespace sb = ukpu::setupbin;
namespace pv = ukpu::provision;

// Named, so that the other commands compiled in one unity batch with this file see none of it.
namespace edit_command {
namespace {

struct EditState {
    std::string file;
    pv::CreateSettings s;
    std::vector<std::string> unset;
    std::vector<std::string> remove_cert_hashes;
    std::vector<std::uint32_t> records;
    bool no_scramble = false;
    bool no_reusable = false;
    bool reset_consumed = false;
    bool show_secrets = false;
    CLI::App* sub = nullptr;
};

bool given_on_command_line(const EditState& st, const std::string& option) {
    const CLI::Option* op = st.sub->get_option_no_throw(option);
    return op != nullptr && op->count() > 0;
}

// A flag of the command line (`on` or `off`), else of the profile, else not asked for.
std::optional<bool> edit_flag(const EditState& st, const std::string& key, bool value,
                              bool off_given) {
    if (off_given) return false;
    if (given_on_command_line(st, "--" + key)) return true;
    if (st.s.from_profile.count(key)) return value;
    return std::nullopt;
}

// What the command line asks, as the edit service takes it.
pv::SetupBinEdit edit_request(const EditState& st) {
    pv::SetupBinEdit edit;
    edit.settings = st.s;
    edit.unset = st.unset;
    edit.remove_cert_hashes = st.remove_cert_hashes;
    edit.set_version = given_on_command_line(st, "--version") || st.s.from_profile.count("version");
    edit.scramble = edit_flag(st, "scramble", st.s.scramble, st.no_scramble);
    edit.reusable = edit_flag(st, "reusable", st.s.reusable, st.no_reusable);
    edit.reset_consumed = st.reset_consumed;
    edit.records.insert(st.records.begin(), st.records.end());
    if (given_on_command_line(st, "--firmware") || st.s.from_profile.count("firmware"))
        edit.firmware = st.s.firmware;
    return edit;
}

Json change_json(const sb::Change& c, bool show_secrets) {
    Json j = Json::object();
    j.set("record", c.record ? Json(*c.record) : Json());
    j.set("field", sb::change_field(c));
    j.set("action", sb::change_action(c));
    if (!c.is_entry()) {
        j.set("before", c.before_text);
        j.set("after", c.after_text);
        return j;
    }
    const auto* info = sb::find_variable(c.module, c.variable);
    j.set("module", static_cast<int>(c.module));
    j.set("variable", static_cast<int>(c.variable));
    j.set("key", info ? Json(std::string(info->key)) : Json());
    auto side = [&](const std::optional<std::vector<std::uint8_t>>& v) {
        if (!v) return Json();
        sb::Entry e;
        e.module = c.module;
        e.variable = c.variable;
        e.value = *v;
        const EntryView view = view_entry(e, show_secrets);
        Json s = Json::object();
        s.set("length", static_cast<std::uint64_t>(v->size()));
        s.set("raw", view.raw);
        s.set("value", view.value);
        if (view.value_name) s.set("value_name", *view.value_name);
        return s;
    };
    j.set("before", side(c.before));
    j.set("after", side(c.after));
    return j;
}

bool same_file(const std::string& a, const std::string& b) {
    std::error_code ec;
    return a == b || std::filesystem::equivalent(a, b, ec);
}

int run_edit(EditState& st, const GlobalOptions& g) {
    pv::CreateSettings& s = st.s;
    if (!s.config.empty()) apply_profile(*st.sub, s);
    for (const char* key : {"records", "output"})
        if (s.from_profile.count(key))
            throw CliError(exit_usage, s.config + ": " + key,
                           std::string("not a setting of setupbin edit, which keeps the file's ") +
                               (std::string(key) == "records" ? "records" : "name (FILE, or -o)"));
    for (const char* key : {"scramble", "reusable"})
        if (given_on_command_line(st, std::string("--") + key) &&
            given_on_command_line(st, std::string("--no-") + key))
            throw CliError(exit_usage, std::string("--no-") + key,
                           std::string("cannot be given with --") + key);
    const bool in_place = s.output.empty() || same_file(s.output, st.file);
    const std::string output = in_place ? st.file : s.output;
    // An existing output other than FILE is refused before anything is read, on a dry run too.
    if (!in_place) pv::refuse_existing_output(output, s.overwrite);

    TextReporter reporter(g);
    const pv::SetupBinEditOutcome result =
        pv::edit_setup_bin(read_input_file(st.file), st.file, edit_request(st), reporter);
    // FILE itself is replaced only when it is a regular file (not a link to one), on a dry run
    // too.
    if (in_place) pv::refuse_existing_output(output, true);
    const std::vector<std::uint8_t>& bytes = result.bytes;
    const std::vector<std::string>& warnings = result.warnings;
    const pv::Judgement& judged = result.judged;
    if (!judged.left_out.empty()) print_note(g, output + ": " + judged.note());
    const sb::CheckResult& checked = result.checked;
    const bool refused = !checked.ok() && !s.force;
    print_findings(g, checked.problems, refused);

    // The change list: on stdout, always on a dry run, else unless --quiet.
    if (!g.json && (g.dry_run || !g.quiet)) {
        for (const auto& c : result.changes)
            std::cout << sb::change_text(c, st.show_secrets) << '\n';
        std::cout << std::flush;
    }

    const bool changed = !result.changes.empty();
    bool written = false;
    if (!refused && !g.dry_run && (changed || !in_place)) {
        pv::write_file_atomic(output, bytes, in_place || s.overwrite);
        written = true;
    }
    const std::string sha = sb::to_hex(pv::digest("sha256", bytes));
    if (g.json) {
        Json doc = Json::object();
        doc.set("ok", checked.ok());
        doc.set("file", st.file);
        doc.set("path", output);
        doc.set("changed", changed);
        doc.set("written", written);
        doc.set("dry_run", g.dry_run);
        Json cj = Json::array();
        for (const auto& c : result.changes) cj.push(change_json(c, st.show_secrets));
        doc.set("changes", cj);
        doc.set("firmware", pv::firmware_list(judged.generations));
        doc.set("sha256", sha);
        doc.set("size", static_cast<std::uint64_t>(bytes.size()));
        doc.set("problems", problems_json(checked.problems));
        Json wj = Json::array();
        for (const auto& w : warnings) wj.push(w);
        doc.set("warnings", wj);
        print_json(doc);
    }
    if (refused) {
        print_error(output +
                    ": not written: the checker found errors in the edited file (listed above); "
                    "fix them, choose --firmware, or use --force");
        return refused_exit_code(checked.problems);
    }
    const std::string counted = base::counted(result.changes.size(), "change");
    if (!changed && in_place) {
        print_note(g, st.file + ": nothing to change; the file is left as it was");
        return exit_ok;
    }
    print_note(g, std::string(written ? "wrote " : "would write (dry run) ") + output + ": " +
                      counted + ", " + std::to_string(bytes.size()) + " bytes, sha256 " + sha);
    return exit_ok;
}

}  // namespace
}  // namespace edit_command

Command add_setupbin_edit(CLI::App& setupbin, const GlobalOptions& g) {
    using namespace edit_command;
    auto st = std::make_shared<EditState>();
    CLI::App* sub = setupbin.add_subcommand(
        "edit", "Change entries of an existing setup.bin, keeping every other byte");
    sub->fallthrough();
    st->sub = sub;
    sub->add_option("FILE", st->file, "The setup.bin file to edit")->required();
    CreateOptionSet options;
    options.records = false;
    options.output_help = "Write the edited file here (mode 0600, atomically) instead of FILE";
    options.version_default.clear();
    options.firmware_default.clear();
    add_create_options(*sub, st->s, options);
    const std::string group = "Edit";
    sub->add_option("--unset", st->unset,
                    "Remove every entry of this variable (a number pair or a name: 2:11, "
                    "hostname). Repeatable")
        ->type_name("MODULE:VARIABLE")
        ->group(group);
    sub->add_option("--remove-cert-hash", st->remove_cert_hashes,
                    "Remove the 2/8 user certificate hashes with this hash (hex) or name. "
                    "Repeatable")
        ->type_name("HASH|NAME")
        ->group(group);
    sub->add_flag("--no-scramble", st->no_scramble, "Store every record body unscrambled")
        ->group(group);
    sub->add_flag("--no-reusable", st->no_reusable,
                  "Clear FileFlags bit 0: the BIOS consumes each record once")
        ->group(group);
    sub->add_flag("--reset-consumed", st->reset_consumed,
                  "Set DataRecordsConsumed to 0 and mark every record valid again (a test key "
                  "whose records still hold their settings)")
        ->group(group);
    sub->add_option("--record", st->records,
                    "Edit only this record (1 = the first); the entries and scrambling of the "
                    "others are kept. Repeatable")
        ->check(CLI::PositiveNumber)
        ->group(group);
    sub->add_flag("--show-secrets", st->show_secrets,
                  "Show the passwords and other secrets of the change list instead of ***")
        ->group(group);
    sub->footer(
        "Each setting of `create` sets its variable: the entry is given the new value where it\n"
        "stands, or is added where `create` would put it (sorted by module and variable); a\n"
        "certificate hash is added (one with the same hash takes the new name). Every other\n"
        "byte is kept; consumed records are left as they are.\n"
        "The edited file is checked against the firmware rules (--firmware, default the\n"
        "generations its content is for) and not written when an error is found, unless\n"
        "--force. FILE is replaced atomically (mode 0600), or -o writes elsewhere. --dry-run\n"
        "lists the changes, record by record, and writes nothing.\n"
        "Exit codes: 0 written (or nothing to change); 1 refused because the checker found\n"
        "errors (nothing written); 2 a bad option or value, or an edit the file cannot take;\n"
        "3 FILE missing, unreadable or malformed, or an unreadable profile, secret or\n"
        "certificate; 4 the -o output exists (without --overwrite) or is not a regular file;\n"
        "5 I/O error.");
    return {sub, [st, &g] { return run_edit(*st, g); }};
}

}  // namespace ukpu::cli
