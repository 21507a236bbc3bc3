// `ukpu keys generate -n N ...`: a PID/PPS batch into one setup.bin or, with --per-key, several
// (setup-1.bin, setup-2.bin, ...), recorded in the key store before the files are written.
#include <openssl/rand.h>

#include <ctime>
#include <filesystem>

#include <CLI/CLI.hpp>

#include "create_options.hpp"
#include "key_target.hpp"
#include "ukpu/keys/batch_builder.hpp"
#include "keys_command.hpp"
#include "problem_json.hpp"
#include "secret_file.hpp"
#include "setupbin_builder.hpp"
#include "stick_writer.hpp"
#include "ukpu/setupbin/check.hpp"
#include "ukpu/setupbin/version.hpp"

#ifndef UKPU_VERSION
#define UKPU_VERSION "0"
#endif

namespace ukpu::cli {

namespace sb = ukpu::setupbin;

namespace {

struct GenerateState {
    CreateSettings s;
    std::uint32_t count = 0;
    std::uint32_t per_key = 0;
    bool random_new_password = false;
    std::string store;
    std::vector<std::string> devices;
    DeviceWritePolicy policy;
    CLI::App* sub = nullptr;
};

// The output names: the -o path itself, or with --per-key "<stem>-<i><ext>" beside it.
std::vector<std::string> output_paths(const std::string& output, std::size_t files, bool numbered) {
    if (!numbered) return {output};
    const std::filesystem::path p(output);
    std::vector<std::string> out;
    for (std::size_t i = 1; i <= files; ++i) {
        std::filesystem::path name = p.stem();
        name += "-" + std::to_string(i);
        name += p.extension();
        out.push_back((p.parent_path() / name).string());
    }
    return out;
}

// The settings of the batch without any secret: option values that are not secrets, which
// secret options were given (not their paths' contents), and --var ids without their values.
std::string settings_json(const GenerateState& st) {
    const CreateSettings& s = st.s;
    Json j = Json::object();
    j.set("count", st.count);
    j.set("per_key", st.per_key);
    j.set("version", s.version);
    j.set("reusable", s.reusable);
    j.set("scramble", s.scramble);
    j.set("firmware", s.firmware);
    j.set("random_new_password", st.random_new_password);
    Json values = Json::object();
    for (const auto& [k, v] : s.values)
        if (!v.empty()) values.set(k, v);
    j.set("values", values);
    Json secrets = Json::array();
    for (const auto& [k, v] : s.secret_files)
        if (!v.empty()) secrets.push("--" + k + "-file");
    j.set("secrets_from", secrets);
    Json certs = Json::array();
    for (const auto& c : s.cert_hashes) certs.push(c);
    for (const auto& c : s.cert_hash_values) certs.push(c);
    j.set("cert_hashes", certs);
    Json vars = Json::array();
    for (const auto& v : s.vars) {
        auto second = v.find(':', v.find(':') + 1);
        vars.push(v.substr(0, second));
    }
    j.set("vars", vars);
    return j.dump();
}

bool is_psk_version(sb::FormatVersion v) {
    return v == sb::FormatVersion::v1_0 || v == sb::FormatVersion::v2_0 ||
           v == sb::FormatVersion::v2_1;
}

keys::StickIdentity identity_of(const devices::DeviceInfo& d) {
    keys::StickIdentity id;
    id.serial = d.serial;
    id.vendor = d.vendor;
    id.model = d.model;
    id.size = d.size;
    id.bus_path = d.bus_path;
    return id;
}

// The --device sticks, each checked against the safety rules and confirmed (none written yet);
// with --dry-run only checked.
std::vector<devices::DeviceInfo> checked_sticks(GenerateState& st, const GlobalOptions& g) {
    std::vector<devices::DeviceInfo> sticks;
    if (st.devices.empty()) return sticks;
    // The store and the files must not be on a stick being written.
    for (auto& [what, path] : settings_files(st.s)) st.policy.in_use.push_back({what, path});
    if (!st.s.output.empty()) st.policy.in_use.push_back({"-o/--output", st.s.output});
    std::string store = st.store;
    try {
        if (store.empty()) store = keys::default_store_path().string();
    } catch (const keys::Error&) {
        // No default: the store option is then refused with its own message.
    }
    st.policy.in_use.push_back({"the key store", store});
    for (const auto& d : st.devices) {
        devices::DeviceInfo disk = check_device_for_write(d, st.policy, g.dry_run);
        for (const auto& other : sticks)
            if (other.name == disk.name)
                throw CliError(exit_usage, d, "names " + disk.name + " a second time");
        // The store tells sticks apart by serial: two without one could not be told apart.
        if (disk.serial.empty())
            print_warning(d +
                          ": this stick reports no serial number; the key store records it "
                          "by its model, size and USB port");
        sticks.push_back(std::move(disk));
    }
    if (!g.dry_run)
        for (const auto& disk : sticks) confirm_device_write(g, disk, st.policy);
    return sticks;
}

// Lays each stick's own setup.bin out in the strict layout, then reads it back and verifies it.
std::vector<StickOutcome> write_batch_sticks(const GenerateState& st, const GlobalOptions& g,
                                             const std::vector<devices::DeviceInfo>& sticks,
                                             const std::vector<keys::BuiltKeyFile>& files) {
    std::vector<StickJob> jobs;
    for (std::size_t i = 0; i < sticks.size(); ++i)
        jobs.push_back(StickJob{sticks[i], st.devices[i], files[i].bytes, {}});
    fat::KeyOptions ko;
    ko.timestamp = key_timestamp();
    ko.volume_id = random_volume_id();
    try {
        return write_sticks(g, jobs, {}, ko);
    } catch (const CliError& e) {
        // One stick: its failure is reported like the outcome of one of several.
        StickOutcome out;
        out.doc = Json::object();
        out.code = record_stick_failure(st.devices[0], e, out.doc);
        return {std::move(out)};
    }
}

int run_generate(GenerateState& st, const GlobalOptions& g) {
    CreateSettings& s = st.s;
    if (!s.config.empty()) apply_profile(*st.sub, s.config);
    if (s.output.empty() && st.devices.empty())
        throw CliError(exit_usage, "-o/--output",
                       "the setup.bin file to write (or --device sticks) is required");
    if (st.sub->get_option("--records")->count() > 0)
        throw CliError(exit_usage, "--records", "a batch has -n records; --records is for create");
    if (!s.values["pid"].empty() || !s.secret_files["pps"].empty())
        throw CliError(exit_usage, "--pid/--pps-file", "the batch generates every PID and PPS");
    if (s.secret_files["current-password"].empty())
        throw CliError(exit_usage, "--current-password-file",
                       "required: the MEBx password the PCs have now ('admin' when new)");
    const bool new_file = !s.secret_files["new-password"].empty();
    if (new_file == st.random_new_password)
        throw CliError(exit_usage, "--new-password-file/--random-new-password",
                       "give exactly one of them");
    const sb::BuildOptions bo = build_options(s);
    if (!is_psk_version(bo.version))
        throw CliError(exit_usage, "--version",
                       "PID/PPS records belong to setup.bin versions 1, 2 and 2.1; version " +
                           s.version + " keys are read by firmware that rejects them");

    const std::uint32_t files_wanted =
        st.per_key == 0 ? 1 : (st.count + st.per_key - 1) / st.per_key;
    if (!st.devices.empty() && files_wanted != st.devices.size())
        throw CliError(exit_usage, "--device",
                       std::to_string(st.count) + " records" +
                           (st.per_key ? " at " + std::to_string(st.per_key) + " per key" : "") +
                           " make " + std::to_string(files_wanted) + " setup.bin file(s), but " +
                           std::to_string(st.devices.size()) +
                           " stick(s) were given: each stick gets one (use --per-key)");
    // Every stick is checked and confirmed before anything is generated, stored or written.
    const std::vector<devices::DeviceInfo> sticks = checked_sticks(st, g);

    return run_keys_service([&]() -> int {
        // A dry run changes nothing, the store included (not even created or migrated).
        const std::filesystem::path store_path =
            st.store.empty() ? keys::default_store_path() : std::filesystem::path(st.store);
        std::unique_ptr<keys::KeyStore> store;
        if (!g.dry_run) store = open_store(st.store);

        std::vector<std::string> warnings;
        std::vector<sb::Entry> entries = setting_entries(s, g, warnings);
        keys::BatchRequest req;
        req.count = st.count;
        req.per_key = st.per_key;
        req.build = bo;
        for (auto& e : entries) {
            if (e.module == 1 && e.variable == 1)
                req.current_password.assign(e.value.begin(), e.value.end());
            else if (e.module == 1 && e.variable == 2)
                req.new_password = std::string(e.value.begin(), e.value.end());
            else
                req.common_entries.push_back(std::move(e));
        }
        if (req.new_password) keys::check_new_password(*req.new_password, "--new-password-file");
        print_warning(
            "PID/PPS (PSK) records are for older AMT: a modern MEBx does not know 2/1 and 2/2 and "
            "aborts the record; use PKI keys for current PCs");

        std::vector<keys::BuiltKeyFile> files = keys::build_batch(req);
        const auto paths = s.output.empty() ? std::vector<std::string>{}
                                            : output_paths(s.output, files.size(), st.per_key > 0);
        // What each file is called in messages: its path, or the stick it goes to.
        std::vector<std::string> names = paths;
        if (names.empty())
            for (const auto& d : st.devices) names.push_back(d);

        const sb::CheckOptions co = check_options(s);
        bool errors = false;
        for (std::size_t i = 0; i < files.size(); ++i) {
            const sb::CheckResult r = sb::check(files[i].bytes, co);
            errors = errors || !r.ok();
            // Every file has the same shape: the first one's findings stand for all.
            if (i > 0 && r.ok()) continue;
            for (const auto& p : r.problems) {
                if (p.severity == sb::Severity::info && !g.verbose) continue;
                const std::string line = names[i] + ": " + problem_line(p);
                if (p.severity == sb::Severity::error)
                    print_error(line);
                else if (i == 0)
                    print_warning(line);
            }
        }
        if (errors && !s.force) {
            print_error(
                "nothing written or stored: the checker found errors (listed above); fix "
                "them, choose --firmware, or use --force");
            return exit_problems;
        }

        keys::NewBatch nb;
        nb.ukpu_version = UKPU_VERSION;
        nb.file_version = std::string(sb::version_info(bo.version).name);
        nb.settings = settings_json(st);
        for (std::size_t i = 0; i < files.size(); ++i) {
            keys::NewKeyFile f;
            if (sticks.empty()) {
                f.target = std::filesystem::absolute(paths[i]).lexically_normal().string();
            } else {
                f.target = st.devices[i];
                f.device = identity_of(sticks[i]);
            }
            f.sha256 = files[i].sha256;
            f.records = files[i].records;
            nb.files.push_back(std::move(f));
        }

        std::int64_t batch_id = 0;
        int code = exit_ok;
        std::vector<StickOutcome> outcomes;
        if (!g.dry_run) {
            const keys::BatchInfo stored = store->add_batch(nb);
            batch_id = stored.id;
            for (std::size_t i = 0; i < paths.size(); ++i)
                write_file_atomic(paths[i], files[i].bytes);
            if (sticks.empty()) {
                store->mark_written(batch_id);
            } else {
                outcomes = write_batch_sticks(st, g, sticks, files);
                std::vector<int> codes;
                for (const auto& out : outcomes) codes.push_back(out.code);
                print_sticks_summary(g, "written and verified", sticks, st.devices, codes);
                for (std::size_t i = 0; i < outcomes.size(); ++i) {
                    code = worse_exit(code, outcomes[i].code);
                    if (outcomes[i].code == exit_ok)
                        store->mark_file_written(stored.files[i].id);
                    else
                        print_error(
                            st.devices[i] + ": its " + std::to_string(files[i].records.size()) +
                            " record(s) stay 'generated' in batch " + std::to_string(batch_id) +
                            " (key file " + std::to_string(stored.files[i].id) +
                            "): no PC can have them; make that stick again with a new "
                            "batch");
                }
            }
        }

        if (g.json) {
            Json doc = Json::object();
            doc.set("ok", code == exit_ok);
            doc.set("batch", batch_id == 0 ? Json() : Json(batch_id));
            doc.set("store", store_path.string());
            doc.set("version", nb.file_version);
            doc.set("records", st.count);
            doc.set("written", !g.dry_run);
            Json fj = Json::array();
            std::uint32_t first = 1;
            for (std::size_t i = 0; i < files.size(); ++i) {
                Json f = Json::object();
                f.set("path", paths.empty() ? Json() : Json(paths[i]));
                if (!sticks.empty()) {
                    f.set("device", st.devices[i]);
                    f.set("serial", sticks[i].serial);
                    if (!outcomes.empty()) f.set("key", std::move(outcomes[i].doc));
                }
                f.set("sha256", files[i].sha256);
                f.set("size", static_cast<std::uint64_t>(files[i].bytes.size()));
                const auto n = static_cast<std::uint32_t>(files[i].records.size());
                f.set("first_record", first);
                f.set("last_record", first + n - 1);
                first += n;
                fj.push(f);
            }
            doc.set("files", fj);
            print_json(doc);
        }
        std::string head = g.dry_run ? "would write (dry run) "
                                     : "batch " + std::to_string(batch_id) +
                                           (code == exit_ok ? ": wrote "
                                                            : ": stored (not every stick "
                                                              "was written) ");
        print_note(g, head + std::to_string(st.count) + " record(s) in " +
                          std::to_string(files.size()) + " setup.bin " +
                          (sticks.empty() ? "file(s)" : "key(s) on sticks") + ", version " +
                          nb.file_version + "; key store " + store_path.string());
        for (std::size_t i = 0; i < files.size(); ++i)
            print_note(g, "  " + names[i] +
                              (sticks.empty() ? "" : " (serial " + sticks[i].serial + ")") + ": " +
                              std::to_string(files[i].records.size()) + " record(s), sha256 " +
                              files[i].sha256);
        return code;
    });
}

}  // namespace

Command add_keys_generate(CLI::App& keys, const GlobalOptions& g) {
    auto st = std::make_shared<GenerateState>();
    st->s.version = "2.1";
    st->s.firmware = "legacy,uefi";
    CLI::App* sub = keys.add_subcommand(
        "generate", "Generate N PID/PPS records into setup.bin file(s) and the key store");
    sub->fallthrough();
    st->sub = sub;
    sub->add_option("-n,--count", st->count, "Number of records (PID/PPS pairs)")
        ->required()
        ->check(CLI::Range(1u, 10000000u));
    sub->add_option("--per-key", st->per_key,
                    "Records per setup.bin: writes <name>-1<ext>, <name>-2<ext>, ... beside -o")
        ->check(CLI::Range(1u, 10000000u));
    sub->add_flag("--random-new-password", st->random_new_password,
                  "A random strong new MEBx password for each record (instead of "
                  "--new-password-file)");
    add_store_option(*sub, st->store);
    sub->add_option("--device", st->devices,
                    "Write each setup.bin straight to a USB stick (repeatable: one stick per "
                    "setup.bin, see --per-key); the store records each stick's serial")
        ->group("Sticks");
    add_device_safety_options(*sub, st->policy);
    add_create_options(*sub, st->s);
    sub->get_option("--version")->default_str("2.1");
    sub->get_option("--firmware")->default_str("legacy,uefi");
    sub->footer(
        "Every record gets a fresh PID and PPS (OpenSSL's random generator, Intel's checksum\n"
        "characters), the current MEBx password and a new one (--new-password-file, or a random\n"
        "strong one per record). The batch is stored before the files are written; secrets are\n"
        "never printed. A modern MEBx rejects PID/PPS records: these keys are for older AMT.\n"
        "Exit codes: 0 written; 1 the checker found errors (nothing written); 2 a bad option;\n"
        "3 an unreadable secret, a new password the firmware would reject, a file that is not\n"
        "a ukpu key store; 4 a newer key store schema, a PID already stored, or a stick refused\n"
        "for safety; 5 I/O error; 130 interrupted.\n"
        "With --device, every stick is checked and confirmed first (the rules of `ukpu build`),\n"
        "then the batch is stored, then the sticks are written at once, each read back and\n"
        "verified; a stick that fails leaves its records 'generated' (on no key).");
    return {sub, [st, &g] { return run_generate(*st, g); }};
}

}  // namespace ukpu::cli
