// `ukpu keys void (--key-file ID | --batch ID | --pid PID) --reason TEXT`: records that must never
// be used (a lost stick, one overwritten, a leaked batch) are voided in the store: never exported
// as usable again, never placed on a key. Records a PC took are kept as they are.
#include <CLI/CLI.hpp>

#include "commands/keys_command.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/provision/void_preview.hpp"
#include "ukpu/setupbin/pidpps.hpp"

namespace ukpu::cli {

namespace {

struct VoidOptions {
    std::string store;
    std::int64_t key_file = 0;
    std::int64_t batch = 0;
    std::string pid;
    std::string reason;
};

int run_void(const VoidOptions& o, const GlobalOptions& g) {
    const int chosen = (o.key_file != 0) + (o.batch != 0) + !o.pid.empty();
    if (chosen != 1)
        throw CliError(exit_usage, "--key-file/--batch/--pid",
                       "give exactly one: the key file, the batch or the PID to void");
    if (o.reason.find_first_not_of(" \t\r\n") == std::string::npos)
        throw CliError(exit_usage, "--reason", "say why the records are voided");
    keys::VoidSelection which;
    std::string what;
    if (o.key_file != 0) {
        which.key_file_id = o.key_file;
        what = "key file " + std::to_string(o.key_file);
    } else if (o.batch != 0) {
        which.batch_id = o.batch;
        what = "batch " + std::to_string(o.batch);
    } else {
        std::string pid;
        for (char c : o.pid)
            if (c != '-') pid += c;
        if (const std::string problem = setupbin::pid_problem(pid); !problem.empty())
            throw CliError(exit_usage, "--pid", problem);
        which.pid = pid;
        what = "PID " + setupbin::format_pid(pid);
    }

    auto store = open_store(o.store);
    const keys::VoidOutcome out =
        g.dry_run ? provision::would_void(*store, which) : store->void_records(which, o.reason);
    if (g.json) {
        Json doc = Json::object();
        doc.set("ok", true);
        Json sel = Json::object();
        if (which.key_file_id) sel.set("key_file", *which.key_file_id);
        if (which.batch_id) sel.set("batch", *which.batch_id);
        if (which.pid) sel.set("pid", *which.pid);
        doc.set("selection", sel);
        doc.set("reason", o.reason);
        doc.set("voided", out.voided);
        doc.set("already_voided", out.already_voided);
        doc.set("consumed_kept", out.consumed_kept);
        doc.set("dry_run", g.dry_run);
        doc.set("store", store->where());
        print_json(doc);
    }
    std::string line = what + ": " + base::counted(out.voided, "record") +
                       (g.dry_run ? " would be voided (dry run: nothing changed)" : " voided");
    if (out.already_voided > 0)
        line += ", " + base::counted(out.already_voided, "record") + " voided before (left as " +
                (out.already_voided == 1 ? "it was)" : "they were)");
    if (out.consumed_kept > 0)
        line += ", " + base::counted(out.consumed_kept, "consumed record") + " kept (a PC took " +
                (out.consumed_kept == 1 ? "it" : "them") + "; the server knows " +
                (out.consumed_kept == 1 ? "it" : "them") + " as used)";
    print_note(g, line);
    if (out.voided > 0 && !g.dry_run)
        print_note(g,
                   "a server that got them before still has them: load `keys export --format "
                   "scs-sql --upsert` there to delete them");
    return exit_ok;
}

}  // namespace

Command add_keys_void(CLI::App& keys, const GlobalOptions& g) {
    auto o = std::make_shared<VoidOptions>();
    CLI::App* sub = keys.add_subcommand(
        "void", "Void records that must never be used (a lost stick): never exported as usable");
    sub->fallthrough();
    add_store_option(*sub, o->store);
    auto* kf = sub->add_option("--key-file", o->key_file, "The records of this key file")
                   ->check(CLI::PositiveNumber);
    auto* batch = sub->add_option("--batch", o->batch, "The records of this batch")
                      ->check(CLI::PositiveNumber);
    auto* pid = sub->add_option("--pid", o->pid, "The record of this PID (XXXX-XXXX or XXXXXXXX)");
    kf->excludes(batch)->excludes(pid);
    batch->excludes(pid);
    sub->add_option("--reason", o->reason, "Why (kept in the store with the time)")->required();
    sub->footer(
        "Exactly one of --key-file, --batch and --pid. Records a PC took (consumed) are kept:\n"
        "the server knows them as used. Voided records are never exported as usable and never\n"
        "written to a key again; keys export --format scs-sql --upsert deletes them on a server\n"
        "that got them before. --dry-run says what would be voided and changes nothing.\n"
        "Exit codes: 0 voided (or nothing left to void); 2 no selector, two of them, no\n"
        "--reason, a malformed PID; 3 no such key file, batch or PID, no key store at that path\n"
        "(nothing is created), or not a ukpu key store; 4 a newer key store schema; 5 I/O "
        "error.");
    return {sub, [o, &g] { return run_void(*o, g); }};
}

}  // namespace ukpu::cli
