// `ukpu keys generate -n N ...`: a PID/PPS batch into one setup.bin or, with --per-key, several
// (setup-1.bin, setup-2.bin, ...), or straight onto sticks, recorded in the key store
// (provision::make_key_batch); this file is its options and its report.
#include <CLI/CLI.hpp>

#include "commands/keys_command.hpp"
#include "create_options.hpp"
#include "device_options.hpp"
#include "exit_codes.hpp"
#include "render/batch_files.hpp"
#include "render/key_report.hpp"
#include "render/text_reporter.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/provision/key_batch.hpp"

namespace ukpu::cli {

namespace pv = ukpu::provision;

namespace {

struct GenerateState {
    pv::KeyBatchJob job;
    CLI::App* sub = nullptr;
};

int run_generate(GenerateState& st, const GlobalOptions& g) {
    pv::KeyBatchJob& job = st.job;
    pv::CreateSettings& s = job.settings;
    if (!s.config.empty()) apply_profile(*st.sub, s);
    // --records is not an option of this command; a profile may still name it.
    if (s.from_profile.count("records"))
        throw CliError(exit_usage, s.config + ": records",
                       "a batch has -n records; records is for setupbin create");
    job.dry_run = g.dry_run;

    TextReporter reporter(g);
    reporter.content_said();  // make_key_batch says each file's findings before writing
    const pv::KeyBatchOutcome out = pv::make_key_batch(g.context, reporter, job);
    if (out.refused_by_checker) return exit_problems;
    const bool sticks = !job.devices.empty();
    int code = exit_code(out.status);
    if (sticks && out.written) print_batch_sticks(g, out.files);

    if (g.json) {
        Json doc = Json::object();
        doc.set("ok", code == exit_ok);
        doc.set("batch", out.batch_id == 0 ? Json() : Json(out.batch_id));
        doc.set("store", out.store);
        doc.set("version", out.file_version);
        doc.set("records", out.records);
        doc.set("written", out.written);
        Json fj = Json::array();
        for (const auto& file : out.files) fj.push(batch_file_json(file));
        doc.set("files", fj);
        print_json(doc);
    }
    std::string head = !out.written ? "would write (dry run) "
                                    : "batch " + std::to_string(out.batch_id) +
                                          (code == exit_ok ? ": wrote "
                                                           : ": not every stick was written "
                                                             "(its key file marked failed) ");
    print_note(g, head + base::counted(out.records, "record") + " in " +
                      std::to_string(out.files.size()) + " setup.bin " +
                      (sticks ? "key(s) on sticks" : "file(s)") + ", version " + out.file_version +
                      "; key store " + out.store);
    for (const auto& f : out.files)
        print_note(g, "  " + f.name +
                          (f.stick ? " (serial " +
                                         (f.stick->serial.empty() ? std::string("unknown")
                                                                  : f.stick->serial) +
                                         ")"
                                   : "") +
                          (f.label.empty() ? "" : ", label " + f.label) + ": " +
                          base::counted(f.last_record - f.first_record + 1, "record") +
                          ", sha256 " + f.sha256);
    return code;
}

}  // namespace

Command add_keys_generate(CLI::App& keys, const GlobalOptions& g) {
    auto st = std::make_shared<GenerateState>();
    CLI::App* sub = keys.add_subcommand(
        "generate", "Generate N PID/PPS records into setup.bin file(s) and the key store");
    sub->fallthrough();
    st->sub = sub;
    sub->add_option("-n,--count", st->job.count, "Number of records (PID/PPS pairs)")
        ->required()
        ->check(CLI::Range(1u, 10000000u));
    sub->add_option("--per-key", st->job.per_key,
                    "Records per setup.bin: writes <name>-1<ext>, <name>-2<ext>, ... beside -o")
        ->check(CLI::Range(1u, 10000000u));
    sub->add_flag("--random-new-password", st->job.random_new_password,
                  "A random strong new MEBx password for each record (instead of "
                  "--new-password-file)");
    add_store_option(*sub, st->job.store);
    sub->add_option("--device", st->job.devices,
                    "Write each setup.bin straight to a USB stick (repeatable: one stick per "
                    "setup.bin, see --per-key); the store records each stick's serial")
        ->group("Sticks");
    add_device_safety_options(*sub, st->job.policy);
    add_batch_create_options(*sub, st->job.settings);
    sub->footer(
        "Every record gets a fresh PID and PPS (OpenSSL's random generator, Intel's checksum\n"
        "characters), the current MEBx password and a new one (--new-password-file, or a random\n"
        "strong one per record). The files are written under temporary names first, then the\n"
        "batch is stored, then the files are renamed into place: a batch whose files cannot all\n"
        "be written is not stored, and a store that did not exist is not created. Secrets are\n"
        "never printed. A modern MEBx rejects PID/PPS records: these keys are for older AMT.\n"
        "Exit codes: 0 written; 1 the checker found errors (nothing written); 2 a bad option;\n"
        "3 an unreadable secret, a new password the firmware would reject, a file that is not\n"
        "a ukpu key store; 4 a newer key store schema, a PID already stored, or a stick refused\n"
        "for safety; 5 I/O error; 130 interrupted.\n"
        "With --device, every stick is checked and confirmed first (the rules of `ukpu build`),\n"
        "then the batch is stored (its key files pending), then the sticks are written at once,\n"
        "each read back and verified; the key file of a stick that fails is marked failed: its\n"
        "records stay 'generated' (on no key), keys list shows it and keys export leaves them "
        "out.");
    return {sub, [st, &g] { return run_generate(*st, g); }};
}

}  // namespace ukpu::cli
