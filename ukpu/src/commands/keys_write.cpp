// `ukpu keys write (--batch ID | --key-file ID [--unconsumed]) (-o FILE | --image FILE | --device
// DEV...)`: stored records onto keys (provision::write_stored_keys); this file is its options and
// its report.
#include <CLI/CLI.hpp>

#include "commands/keys_command.hpp"
#include "create_options.hpp"
#include "device_options.hpp"
#include "exit_codes.hpp"
#include "render/batch_files.hpp"
#include "render/key_report.hpp"
#include "render/text_reporter.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/provision/key_write.hpp"

namespace ukpu::cli {

namespace pv = ukpu::provision;

namespace {

struct WriteState {
    pv::KeyWriteJob job;
    std::int64_t batch = 0;
    std::int64_t key_file = 0;
    std::string size = "64M";
    CLI::App* sub = nullptr;
};

int run_write(WriteState& st, const GlobalOptions& g) {
    pv::KeyWriteJob& job = st.job;
    if (!job.settings.config.empty()) apply_profile(*st.sub, job.settings);
    if (st.sub->get_option("--batch")->count()) job.batch_id = st.batch;
    if (st.sub->get_option("--key-file")->count()) job.key_file_id = st.key_file;
    if (!job.image.empty()) job.image_size = parse_size(st.size, "--size");
    if (job.key_file_id)
        for (const char* name : {"--version", "--firmware"})
            if (st.sub->get_option(name)->count())
                throw CliError(exit_usage, name,
                               "--key-file writes the key file's own setup.bin: settings go "
                               "with --batch");
    job.dry_run = g.dry_run;

    TextReporter reporter(g);
    const pv::KeyWriteOutcome out = pv::write_stored_keys(g.context, reporter, job);
    int code = exit_code(out.status);
    const bool sticks = !job.devices.empty();
    if (sticks && out.written) print_batch_sticks(g, out.files);
    if (g.json) {
        Json doc = Json::object();
        doc.set("ok", code == exit_ok);
        doc.set("batch", out.batch_id);
        doc.set("records", out.records);
        doc.set("written", out.written);
        Json fj = Json::array();
        for (const auto& file : out.files) fj.push(batch_file_json(file));
        doc.set("files", fj);
        print_json(doc);
    }
    print_note(g, (out.written ? "batch " + std::to_string(out.batch_id) + ": wrote "
                               : "would write (dry run) ") +
                      base::counted(out.records, "record") + " to " +
                      base::counted(out.files.size(), "key") +
                      (job.unconsumed ? " (the records no PC took)" : ""));
    for (const auto& f : out.files)
        print_note(
            g, "  " + f.name +
                   (f.key_file_id ? ": key file " + std::to_string(f.key_file_id) : std::string()) +
                   (f.label.empty() ? "" : ", label " + f.label) + ", sha256 " + f.sha256);
    return code;
}

}  // namespace

Command add_keys_write(CLI::App& keys, const GlobalOptions& g) {
    auto st = std::make_shared<WriteState>();
    CLI::App* sub = keys.add_subcommand(
        "write",
        "Write stored records onto keys: a batch's records on no key yet (imported), or "
        "a key file again");
    sub->fallthrough();
    st->sub = sub;
    sub->add_option("--batch", st->batch,
                    "The batch whose records on no key yet go onto keys (an imported batch)")
        ->check(CLI::PositiveNumber);
    sub->add_option("--key-file", st->key_file,
                    "A key file written again, byte for byte (a lost or failed stick replaced)")
        ->check(CLI::PositiveNumber);
    sub->add_flag("--unconsumed", st->job.unconsumed,
                  "With --key-file: only its records that no PC took, as a new key file of the "
                  "batch");
    sub->add_option("--per-key", st->job.per_key,
                    "With --batch: records per setup.bin (<name>-1<ext>, ... beside -o, or one "
                    "stick each)")
        ->check(CLI::Range(1u, 10000000u));
    sub->add_option("--image", st->job.image, "A key image file to make instead of -o")
        ->type_name("FILE");
    sub->add_option("--size", st->size, "The key image's size (default 64M)")->type_name("SIZE");
    add_store_option(*sub, st->job.store);
    sub->add_option("--device", st->job.devices,
                    "Write each setup.bin straight to a USB stick (repeatable: one stick per "
                    "setup.bin)")
        ->group("Sticks");
    add_device_safety_options(*sub, st->job.policy);
    add_batch_create_options(*sub, st->job.settings);
    sub->footer(
        "--batch ID: the batch's records that are on no key yet (pairs imported with `ukpu keys\n"
        "import`), with the settings given here (as for `keys generate`); each record keeps its\n"
        "stored passwords. --key-file ID: that setup.bin again as first written (its sha256\n"
        "checked against the store), refused when a record of it was consumed or voided; with\n"
        "--unconsumed, only its records no PC took, as a new key file of the batch. Each key\n"
        "file is stored pending before its key is written and marked written or failed after.\n"
        "Keys (images, sticks) are labelled for their key file: B0042K003 is key 3 of batch 42.\n"
        "Exit codes as `keys generate`; 4 also for voided or consumed records.");
    return {sub, [st, &g] { return run_write(*st, g); }};
}

}  // namespace ukpu::cli
