#include "ukpu/provision/key_batch.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>

#include "ukpu/base/counted.hpp"
#include "ukpu/base/error.hpp"
#include "ukpu/base/files.hpp"
#include "ukpu/base/hex.hpp"
#include "ukpu/base/parallel.hpp"
#include "ukpu/base/unique_fd.hpp"
#include "ukpu/keys/batch_builder.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/key_store.hpp"
#include "ukpu/keys/packed_setup_bin.hpp"
#include "ukpu/keys/pidpps_generator.hpp"
#include "ukpu/keys/staged_store.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/generations.hpp"
#include "ukpu/provision/key_write.hpp"
#include "ukpu/provision/secret_file.hpp"
#include "ukpu/provision/setupbin_builder.hpp"
#include "ukpu/provision/stored_records.hpp"
#include "ukpu/setupbin/check.hpp"
#include "ukpu/setupbin/version.hpp"

#ifndef UKPU_VERSION
#define UKPU_VERSION "0"
#endif

namespace ukpu::provision {

namespace sb = ukpu::setupbin;

namespace {

// The settings of the batch without any secret: option values that are not secrets, which
// secret options were given (not their files' contents), and --var ids without their values.
std::string settings_json(const KeyBatchJob& job) {
    const CreateSettings& s = job.settings;
    nlohmann::ordered_json j;
    j["count"] = job.count;
    j["per_key"] = job.per_key;
    j["version"] = s.version;
    j["reusable"] = s.reusable;
    j["scramble"] = s.scramble;
    j["firmware"] = s.firmware;
    j["random_new_password"] = job.random_new_password;
    nlohmann::ordered_json values = nlohmann::ordered_json::object();
    for (const auto& [k, v] : s.values)
        if (!v.empty()) values[k] = v;
    j["values"] = values;
    nlohmann::ordered_json secrets = nlohmann::ordered_json::array();
    for (const auto& [k, v] : s.secret_files)
        if (!v.empty()) secrets.push_back("--" + k + "-file");
    j["secrets_from"] = secrets;
    nlohmann::ordered_json certs = nlohmann::ordered_json::array();
    for (const auto& c : s.cert_hashes) certs.push_back(c);
    for (const auto& c : s.cert_hash_values) certs.push_back(c);
    j["cert_hashes"] = certs;
    nlohmann::ordered_json vars = nlohmann::ordered_json::array();
    for (const auto& v : s.vars) {
        auto second = v.find(':', v.find(':') + 1);
        vars.push_back(v.substr(0, second));
    }
    j["vars"] = vars;
    return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

bool is_psk_version(sb::FormatVersion v) {
    return v == sb::FormatVersion::v1_0 || v == sb::FormatVersion::v2_0 ||
           v == sb::FormatVersion::v2_1;
}

// What is missing or contradictory in the job, before anything is read or touched.
void check_job(const KeyBatchJob& job) {
    const CreateSettings& s = job.settings;
    if (s.output.empty() && job.devices.empty())
        throw Error(Status::bad_argument, "-o/--output",
                    "the setup.bin file to write (or --device sticks) is required");
    auto given = [](const std::map<std::string, std::string>& m, const std::string& k) {
        auto it = m.find(k);
        return it != m.end() && !it->second.empty();
    };
    if (given(s.values, "pid") || given(s.secret_files, "pps"))
        throw Error(Status::bad_argument, "--pid/--pps-file",
                    "the batch generates every PID and PPS");
    if (!given(s.secret_files, "current-password"))
        throw Error(Status::bad_argument, "--current-password-file",
                    "required: the MEBx password the PCs have now ('admin' when new)");
    if (given(s.secret_files, "new-password") == job.random_new_password)
        throw Error(Status::bad_argument, "--new-password-file/--random-new-password",
                    "give exactly one of them");
}

// The --device sticks, each checked against the safety rules and confirmed (none written yet);
// in a dry run only checked.
std::vector<devices::DeviceInfo> checked_sticks(const Context& ctx, Reporter& reporter,
                                                KeyBatchJob& job) {
    if (job.devices.empty()) return {};
    // The store and the files must not be on a stick being written.
    for (auto& [what, path] : settings_files(job.settings))
        job.policy.in_use.push_back({what, path});
    if (!job.settings.output.empty())
        job.policy.in_use.push_back({"-o/--output", job.settings.output});
    try {
        // A store on a server is on no stick.
        const keys::StoreLocation store = keys::StoreLocation::parse(job.store);
        if (!store.is_postgresql()) job.policy.in_use.push_back({"the key store", store.display()});
    } catch (const keys::Error&) {
        // No default, or not a store: the store option is then refused with its own message.
    }
    std::vector<devices::DeviceInfo> sticks =
        check_sticks(ctx, job.devices, job.policy, job.dry_run);
    // A stick still holding records no PC took needs its name typed; they are voided once it is.
    const std::vector<RecordsOnStick> held =
        find_stored_records(sticks, job.store, job.policy, reporter);
    for (std::size_t i = 0; i < sticks.size(); ++i)
        // The store tells sticks apart by serial: two without one could not be told apart.
        if (sticks[i].serial.empty())
            reporter.warning(job.devices[i] +
                             ": this stick reports no serial number; the key store records it "
                             "by its model, size and USB port");
    if (!job.dry_run) {
        reporter.confirm_sticks(sticks, StickAction::write, job.policy);
        void_overwritten_records(held, job.store, "keys generate", reporter);
    }
    return sticks;
}

// The files of a batch, each written in full under a temporary name beside its path before the
// batch is stored, and renamed into place only once it is: a batch whose files cannot all be
// written is never stored, and no file of it is left behind.
class StagedFiles {
public:
    // A temporary name ".NAME.ukpu-XXXXXXXXXXXXXXXX" beside each path, nothing written yet.
    // Throws Error(refused) naming the path when it is there and not a regular file, or there
    // without `overwrite`.
    StagedFiles(const std::vector<std::string>& paths, bool overwrite)
        : paths_(paths), overwrite_(overwrite) {
        for (const auto& p : paths) temps_.push_back(temporary_for(p));
    }
    // The whole of file i under its temporary name (mode 0600, fsync); several files may be
    // staged at once from different threads (their fsyncs overlap). Throws Error(io) naming the
    // path; the destructor removes what was written.
    void stage(std::size_t i, const std::vector<std::uint8_t>& bytes) const {
        stage(paths_[i], temps_[i], bytes);
    }
    ~StagedFiles() { remove_temporaries(); }
    StagedFiles(const StagedFiles&) = delete;
    StagedFiles& operator=(const StagedFiles&) = delete;

    // Renames the next file into place (replacing what was there). Throws Error(io).
    void commit_next() {
        const std::size_t i = renamed_;
        if (::rename(temps_[i].c_str(), paths_[i].c_str()) != 0)
            throw Error(Status::io, paths_[i],
                        std::string("cannot rename the temporary file into place: ") +
                            std::strerror(errno));
        ++renamed_;
    }
    std::size_t renamed() const { return renamed_; }
    // Best effort, after the renames: makes them survive a power cut.
    void sync_directories() const {
        std::set<std::string> dirs;
        for (const auto& p : paths_) {
            const auto dir = std::filesystem::path(p).parent_path();
            dirs.insert(dir.empty() ? "." : dir.string());
        }
        for (const auto& d : dirs) {
            const base::UniqueFd fd(::open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            if (fd) (void)::fsync(fd.get());
        }
    }

private:
    // The temporary name of `target`; refuses a target that is there and not a regular file, or
    // there without --overwrite.
    std::string temporary_for(const std::string& target) const {
        const std::filesystem::path path(target);
        struct stat st {};
        if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
            throw Error(Status::refused, target,
                        "exists and is not a regular file; refusing to replace it (nothing of "
                        "the batch was written or stored)");
        if (::lstat(path.c_str(), &st) == 0 && !overwrite_)
            throw Error(Status::refused, target,
                        "already exists; add --overwrite to replace it (nothing of the batch "
                        "was written or stored)");
        std::uint8_t random[8];
        keys::random_bytes(random);
        return (path.parent_path() /
                ("." + path.filename().string() + ".ukpu-" + base::to_hex(random)))
            .string();
    }
    static void stage(const std::string& target, const std::string& temp,
                      const std::vector<std::uint8_t>& bytes) {
        try {
            base::write_file_atomic(temp, bytes, 0600);
        } catch (const base::Error& e) {
            throw Error(Status::io, target,
                        e.message() + " (nothing of the batch was written or stored)");
        }
    }
    void remove_temporaries() {
        for (std::size_t i = renamed_; i < temps_.size(); ++i) ::unlink(temps_[i].c_str());
    }

    std::vector<std::string> paths_;
    bool overwrite_ = false;
    std::vector<std::string> temps_;
    std::size_t renamed_ = 0;
};

// Lays each stick's own setup.bin out in the strict layout, then reads it back and verifies it.
std::vector<KeyOutcome> write_batch_sticks(const Context& ctx, Reporter& reporter,
                                           const KeyBatchJob& job,
                                           const std::vector<devices::DeviceInfo>& sticks,
                                           const std::vector<keys::BuiltKeyFile>& files,
                                           const std::vector<std::string>& labels) {
    std::vector<StickJob> jobs;
    for (std::size_t i = 0; i < sticks.size(); ++i)
        jobs.push_back(StickJob{sticks[i], job.devices[i], files[i].bytes, {}, labels[i]});
    // write_sticks gives each stick its own volume id; the outcomes carry it into the store, where
    // it names a key with no record left (keys sync).
    fat::KeyOptions ko;
    ko.timestamp = key_timestamp();
    try {
        return write_sticks(ctx, reporter, jobs, {}, ko, verify_generations(job.settings.firmware));
    } catch (const Error& e) {
        // One stick: its failure is reported like the outcome of one of several.
        reporter.error(e.location().empty() ? e.message() : e.location() + ": " + e.message());
        KeyOutcome out;
        out.target = job.devices[0];
        out.device = sticks[0];
        out.status = e.code();
        out.message = e.message();
        return {std::move(out)};
    }
}

}  // namespace

CreateSettings KeyBatchJob::psk_defaults() {
    CreateSettings s;
    s.version = "2.1";
    s.firmware = "legacy,uefi";
    return s;
}

keys::StickIdentity stick_identity(const devices::DeviceInfo& d) {
    keys::StickIdentity id;
    id.serial = d.serial;
    id.vendor = d.vendor;
    id.model = d.model;
    id.size = d.size;
    id.bus_path = d.bus_path;
    return id;
}

std::vector<std::string> batch_output_paths(const std::string& output, std::size_t files,
                                            bool numbered) {
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

KeyBatchOutcome make_key_batch(const Context& ctx, Reporter& reporter, KeyBatchJob job) {
    check_job(job);
    const CreateSettings& s = job.settings;
    const sb::BuildOptions bo = build_options(s);
    if (!is_psk_version(bo.version))
        throw Error(Status::bad_argument, "--version",
                    "PID/PPS records belong to setup.bin versions 1, 2 and 2.1; version " +
                        s.version + " keys are read by firmware that rejects them");
    const std::uint32_t files_wanted =
        job.per_key == 0 ? 1 : (job.count + job.per_key - 1) / job.per_key;
    if (!job.devices.empty() && files_wanted != job.devices.size())
        throw Error(Status::bad_argument, "--device",
                    base::counted(job.count, "record") +
                        (job.per_key ? " at " + std::to_string(job.per_key) + " per key" : "") +
                        " make " + base::counted(files_wanted, "setup.bin file") + ", but " +
                        base::counted(job.devices.size(), "stick") +
                        (job.devices.size() == 1 ? " was" : " were") +
                        " given: each stick gets one (use --per-key)");
    // Every stick is checked and confirmed before anything is generated, stored or written.
    const std::vector<devices::DeviceInfo> sticks = checked_sticks(ctx, reporter, job);

    KeyBatchOutcome out;
    out.records = job.count;
    out.written = !job.dry_run;
    // A dry run changes nothing, the store included (not even created or migrated).
    const keys::StoreLocation where = keys::StoreLocation::parse(job.store);
    out.store = where.display();
    // An existing store is opened (and checked) before anything is written; a missing one (no
    // file; no tables in the database, the server reached all the same) is created only when the
    // batch is stored, so that a batch that fails before leaves none.
    std::unique_ptr<keys::KeyStore> store;
    std::error_code ec;
    if (!job.dry_run && where.is_postgresql()) {
        try {
            store = std::make_unique<keys::KeyStore>(where, keys::OpenMode::existing);
        } catch (const keys::Error& e) {
            if (e.code() != keys::ErrorCode::not_found) throw;
        }
    } else if (!job.dry_run && std::filesystem::exists(where.file(), ec)) {
        store = std::make_unique<keys::KeyStore>(where, keys::OpenMode::existing);
    }

    reporter.warning(
        "PID/PPS (PSK) records are for older AMT: a modern MEBx does not know 2/1 and 2/2 and "
        "aborts the record; use PKI keys for current PCs");
    std::vector<std::string> warnings;
    std::vector<sb::Entry> entries = setting_entries(s, reporter, warnings);
    keys::BatchRequest req;
    req.count = job.count;
    req.per_key = job.per_key;
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
    if (req.current_password.empty() || req.current_password.size() > 32)
        throw Error(Status::bad_input,
                    "--current-password-file " + s.secret_files.at("current-password"),
                    "the current MEBx password must be 1 to 32 bytes; the file holds " +
                        base::counted(req.current_password.size(), "byte"));

    // The PIDs first; each file is made whole (PPS, passwords, bytes) on every core further on.
    // PIDs the store already holds are drawn again (asked before the batch's transaction; one
    // another station stores meanwhile still refuses the batch, nothing stored).
    keys::TakenPids taken;
    if (store) taken = [&](const std::vector<std::string>& pids) { return store->pids_held(pids); };
    std::vector<keys::BuiltKeyFile> files = keys::plan_batch(req, taken);
    const auto paths = s.output.empty()
                           ? std::vector<std::string>{}
                           : batch_output_paths(s.output, files.size(), job.per_key > 0);
    // What each file is called in messages: its path, or the stick it goes to.
    std::vector<std::string> names = paths.empty() ? job.devices : paths;

    const sb::CheckOptions co = check_options(s);
    // Said of the checker's findings: the first file's, and those of a file with errors (every
    // file has the same shape: the first one's findings stand for all). One line per kind of
    // finding, with its records (every record with --verbose).
    bool errors = false;
    auto say_findings = [&](std::size_t i, const sb::CheckResult& r) {
        errors = errors || !r.ok();
        for (const auto& g : sb::group_problems(r.problems)) {
            const sb::Severity severity = g.first.severity;
            if (severity == sb::Severity::info && !reporter.verbose()) continue;
            const std::string line = names[i] + ": " + g.str(reporter.verbose());
            if (severity == sb::Severity::error)
                reporter.error(line);
            else if (i == 0)
                reporter.warning(line);
        }
    };
    auto refused_by_checker = [&] {
        reporter.error(
            "nothing written or stored: the checker found errors (listed above); fix "
            "them, choose --firmware, or use --force");
        out.status = Status::problems;
        out.refused_by_checker = true;
        return out;
    };
    // The first file is made and checked before anything is opened or written: a batch whose
    // settings the checker refuses leaves nothing, not even a new store.
    keys::complete_file(req, files[0]);
    say_findings(0, sb::check(files[0].bytes, co));
    if (errors && !s.force) return refused_by_checker();

    keys::NewBatch nb;  // the batch's row: its files go to the store one by one below
    nb.ukpu_version = UKPU_VERSION;
    nb.file_version = std::string(sb::version_info(bo.version).name);
    nb.settings = settings_json(job);
    out.file_version = nb.file_version;
    std::uint32_t first = 1;
    for (std::size_t i = 0; i < files.size(); ++i) {
        BatchFile bf;
        bf.name = names[i];
        if (!paths.empty()) bf.path = paths[i];
        if (!sticks.empty()) bf.stick = sticks[i];
        const auto n = static_cast<std::uint32_t>(files[i].records.size());
        bf.first_record = first;
        bf.last_record = first + n - 1;
        first += n;
        out.files.push_back(std::move(bf));
    }
    auto key_file = [&](std::size_t i) {
        keys::NewKeyFile f;
        if (sticks.empty()) {
            f.target = std::filesystem::absolute(paths[i]).lexically_normal().string();
        } else {
            f.target = job.devices[i];
            f.device = stick_identity(sticks[i]);
        }
        f.sha256 = files[i].sha256;
        f.records = std::move(files[i].records);  // only their number is needed from here on
        return f;
    };
    auto note_files = [&] {
        for (std::size_t i = 0; i < files.size(); ++i) {
            out.files[i].sha256 = files[i].sha256;
            out.files[i].size = files[i].bytes.size();
        }
    };
    // An output file that exists is refused before anything is made, on a dry run too.
    if (sticks.empty())
        for (const auto& p : paths)
            refuse_existing_output(p, job.settings.overwrite,
                                   "nothing of the batch was written or stored");
    // The files after the first: made and checked on every core; a file with errors stops the run
    // unless --force (none does that the first did not: they differ only in their records).
    std::vector<std::optional<sb::CheckResult>> checked(files.size());
    struct CheckerErrors {};
    auto make_and_check = [&](std::size_t i) {
        if (i == 0) return;
        keys::complete_file(req, files[i]);
        sb::CheckResult r = sb::check(files[i].bytes, co);
        if (r.ok()) return;
        checked[i] = std::move(r);
        if (!s.force) throw CheckerErrors{};
    };
    auto say_later_findings = [&] {
        for (std::size_t i = 1; i < files.size(); ++i)
            if (checked[i]) say_findings(i, *checked[i]);
    };
    if (job.dry_run) {
        try {
            base::for_each_in_parallel(files.size(), make_and_check);
        } catch (const CheckerErrors&) {
            say_later_findings();
            return refused_by_checker();
        }
        say_later_findings();
        note_files();
        return out;
    }

    // Files are written under a temporary name first, renamed into place once the batch is
    // stored; a failure before stores nothing and leaves no file.
    std::unique_ptr<StagedFiles> staged;
    if (sticks.empty()) staged = std::make_unique<StagedFiles>(paths, job.settings.overwrite);
    // Stored with its key files `pending` (never exported) until each reaches its file or stick.
    // Each file goes into the store's transaction as soon as it is made, checked, packed and
    // staged, while the next ones are being made. A SQLite store that is not there yet is made
    // under a temporary name and put in place once the batch is stored; a PostgreSQL one gets
    // its tables in the batch's transaction. Either way a batch that fails leaves no store, and
    // whatever fails, nothing of the batch is stored.
    std::unique_ptr<keys::StagedStore> staged_store;
    std::optional<keys::BatchInfo> committed;
    std::vector<std::vector<std::uint8_t>> packed(files.size());
    auto produce = [&](std::size_t i) {
        make_and_check(i);
        packed[i] = keys::pack_setup_bin(files[i].bytes);
        if (staged) staged->stage(i, files[i].bytes);
    };
    try {
        if (!store) staged_store = std::make_unique<keys::StagedStore>(where);
        keys::KeyStore& into = staged_store ? staged_store->store() : *store;
        std::optional<keys::KeyStore::BatchWriter> writer(std::in_place, into, nb, job.count);
        base::in_order_in_parallel(files.size(), produce, [&](std::size_t i) {
            writer->add_file(key_file(i), packed[i]);
            packed[i] = {};
        });
        committed = writer->commit();
        writer.reset();
        if (staged_store) store = staged_store->publish();
    } catch (const CheckerErrors&) {
        say_later_findings();
        return refused_by_checker();
    }
    say_later_findings();
    note_files();
    const keys::BatchInfo& stored = *committed;
    out.batch_id = stored.id;
    for (std::size_t i = 0; i < files.size(); ++i) out.files[i].key_file_id = stored.files[i].id;
    // Whatever ends the run from here, a key file not written is marked failed: shown as such by
    // `keys list`, never exported.
    auto mark_rest_failed = [&](std::size_t from) {
        for (std::size_t i = from; i < stored.files.size(); ++i) {
            try {
                store->mark_file_failed(stored.files[i].id);
            } catch (const keys::Error&) {
                // Left `pending`: never exported either.
            }
        }
    };
    if (sticks.empty()) {
        try {
            for (std::size_t i = 0; i < paths.size(); ++i) staged->commit_next();
        } catch (const Error& e) {
            // The files renamed so far are in place with their records; the others are not.
            for (std::size_t i = 0; i < staged->renamed(); ++i)
                store->mark_file_written(stored.files[i].id);
            mark_rest_failed(staged->renamed());
            throw Error(e.code(), e.location(),
                        e.message() + "; batch " + std::to_string(out.batch_id) + ": " +
                            std::to_string(paths.size() - staged->renamed()) +
                            " key file(s) marked failed (never exported)");
        }
        staged->sync_directories();
        store->mark_written(out.batch_id);
        return out;
    }
    // Each stick is labelled for its key file ("B0042K003"), a name an admin can write on it.
    std::vector<std::string> labels;
    for (std::size_t i = 0; i < stored.files.size(); ++i) {
        labels.push_back(key_label(out.batch_id, stored.files[i].file_index));
        store->set_label(stored.files[i].id, labels.back());
        out.files[i].label = labels.back();
    }
    std::vector<KeyOutcome> outcomes;
    try {
        outcomes = write_batch_sticks(ctx, reporter, job, sticks, files, labels);
    } catch (...) {
        mark_rest_failed(0);
        throw;
    }
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        BatchFile& bf = out.files[i];
        out.status = worse(out.status, outcomes[i].status);
        // Written and read back identical (usable by every generation asked for or not: its
        // records are on the stick, where a PC can take them).
        if (outcomes[i].key) {
            store->mark_file_written(stored.files[i].id, outcomes[i].volume_id);
        } else {
            store->mark_file_failed(stored.files[i].id, outcomes[i].volume_id);
            const std::uint32_t held = bf.last_record - bf.first_record + 1;
            bf.left_generated =
                job.devices[i] + ": its " + base::counted(held, "record") +
                (held == 1 ? " stays" : " stay") + " 'generated' in batch " +
                std::to_string(out.batch_id) + " (key file " + std::to_string(stored.files[i].id) +
                " marked failed): no PC can have them and they are never exported; make that "
                "stick again with a new batch";
        }
        bf.key = std::move(outcomes[i]);
    }
    return out;
}

}  // namespace ukpu::provision
