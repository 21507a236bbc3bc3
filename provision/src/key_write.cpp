#include "ukpu/provision/key_write.hpp"

#include <filesystem>
#include <memory>
#include <set>

#include "ukpu/base/counted.hpp"
#include "ukpu/keys/batch_builder.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/key_store.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/generations.hpp"
#include "ukpu/provision/secret_file.hpp"
#include "ukpu/provision/setupbin_builder.hpp"
#include "ukpu/provision/stick_writer.hpp"
#include "ukpu/provision/stored_records.hpp"
#include "ukpu/setupbin/check.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/write.hpp"

namespace ukpu::provision {

namespace sb = ukpu::setupbin;

namespace {

// One setup.bin to put on a key: its bytes and the stored records it holds, in record order.
struct PlannedFile {
    std::vector<std::uint8_t> bytes;
    std::string sha256;
    std::vector<std::int64_t> record_ids;
};

void check_write_job(const KeyWriteJob& job) {
    if (job.batch_id.has_value() == job.key_file_id.has_value())
        throw Error(Status::bad_argument, "--batch/--key-file", "give exactly one of them");
    if (job.unconsumed && !job.key_file_id)
        throw Error(Status::bad_argument, "--unconsumed", "goes with --key-file ID");
    const int outputs = (job.settings.output.empty() ? 0 : 1) + (job.image.empty() ? 0 : 1) +
                        (job.devices.empty() ? 0 : 1);
    if (outputs != 1)
        throw Error(Status::bad_argument, "-o/--image/--device",
                    "give exactly one of them: the setup.bin file, a key image or sticks");
    if (!job.image.empty() && job.image_size == 0)
        throw Error(Status::bad_argument, "--size", "a key image needs its size");
    if (job.key_file_id && (has_variables(job.settings) || !job.settings.config.empty() ||
                            job.settings.scramble || job.settings.reusable))
        throw Error(Status::bad_argument, "--key-file",
                    "writes the key file's own setup.bin: settings go with --batch");
    if (job.key_file_id && job.per_key)
        throw Error(Status::bad_argument, "--per-key", "goes with --batch: a key file is one key");
}

std::string file_name(const keys::KeyFileInfo& f) {
    return "key file " + std::to_string(f.id) + " (batch " + std::to_string(f.batch_id) + ", " +
           f.target + ")";
}

// The key file's setup.bin as first written, checked against the sha256 stored with it.
std::vector<std::uint8_t> stored_bytes(const keys::KeyStore& store, const keys::KeyFileInfo& f) {
    const auto bytes = store.setup_bin(f.id);
    if (!bytes)
        throw Error(Status::bad_input, file_name(f),
                    "was stored by an older ukpu that kept only its sha256, not its bytes; write "
                    "its records again with a new batch");
    if (keys::sha256_hex(*bytes) != f.sha256)
        throw Error(Status::bad_input, file_name(f),
                    "its stored bytes do not match the sha256 stored with them (" + f.sha256 +
                        "); the store is damaged, nothing was written");
    return *bytes;
}

// --key-file ID: the same bytes again. Every record of it must still be usable.
PlannedFile same_key_file(const keys::KeyStore& store, const keys::KeyFileInfo& f) {
    PlannedFile p;
    p.bytes = stored_bytes(store, f);
    p.sha256 = f.sha256;
    std::uint32_t consumed = 0, voided = 0;
    for (const auto& r : store.records_of_file(f.id)) {
        if (r.state == keys::RecordState::consumed) ++consumed;
        if (r.voided()) ++voided;
    }
    if (voided)
        throw Error(Status::refused, file_name(f),
                    base::counted(voided, "record") + " of it " + (voided == 1 ? "was" : "were") +
                        " voided; a key must not offer them again (nothing was written)");
    if (consumed)
        throw Error(Status::refused, file_name(f),
                    base::counted(consumed, "record") + " of it " +
                        (consumed == 1 ? "was" : "were") +
                        " consumed by PCs, and its bytes offer them again (the server refuses a "
                        "PID twice): add --unconsumed to write only the others (nothing was "
                        "written)");
    return p;
}

// --key-file ID --unconsumed: the key file's setup.bin with only the records no PC took and
// none voided, numbered from 1, none consumed; every other byte of each record as first written.
PlannedFile unconsumed_of(const keys::KeyStore& store, const keys::KeyFileInfo& f) {
    const std::vector<std::uint8_t> original = stored_bytes(store, f);
    sb::SetupBin file = sb::parse(original);
    std::set<std::uint32_t> keep;
    PlannedFile p;
    for (const auto& r : store.records_of_file(f.id))
        if (r.state != keys::RecordState::consumed && !r.voided()) {
            keep.insert(r.record_number);
            p.record_ids.push_back(r.id);
        }
    if (keep.empty())
        throw Error(Status::refused, file_name(f),
                    "has no record left that no PC took and none voided: nothing to write");
    std::vector<sb::Record> records;
    for (std::size_t i = 0; i < file.records.size(); ++i)
        if (keep.count(static_cast<std::uint32_t>(i + 1))) records.push_back(file.records[i]);
    if (records.size() != keep.size())
        throw Error(Status::bad_input, file_name(f),
                    "its stored setup.bin holds fewer records than the store lists for it");
    for (std::size_t i = 0; i < records.size(); ++i)
        records[i].number = static_cast<std::uint32_t>(i + 1);
    file.records = std::move(records);
    file.header.record_count = static_cast<std::uint32_t>(file.records.size());
    file.header.records_consumed = 0;
    p.bytes = sb::serialize(file);
    p.sha256 = keys::sha256_hex(p.bytes);
    return p;
}

// --batch ID: its records on no key yet, never voided, into setup.bin files of `per_key`.
std::vector<PlannedFile> batch_files(const keys::KeyStore& store, const KeyWriteJob& job,
                                     Reporter& reporter) {
    std::vector<keys::KeyRecord> records;
    std::uint32_t voided = 0;
    for (auto& r : store.records(*job.batch_id)) {
        if (r.placed()) continue;
        if (r.voided()) {
            ++voided;
            continue;
        }
        records.push_back(std::move(r));
    }
    if (voided)
        reporter.note(base::counted(voided, "voided record") + " of batch " +
                      std::to_string(*job.batch_id) + " left out");
    if (records.empty())
        throw Error(Status::refused, "batch " + std::to_string(*job.batch_id),
                    "has no record on no key: every one is on a key file already (write one "
                    "again with --key-file ID) or voided");
    const CreateSettings& s = job.settings;
    std::vector<std::string> warnings;
    std::vector<sb::Entry> entries = setting_entries(s, reporter, warnings);
    keys::BatchRequest req;
    req.count = static_cast<std::uint32_t>(records.size());
    req.per_key = job.per_key;
    req.build = build_options(s);
    for (auto& e : entries) {
        if (e.module == 1 && e.variable == 1)
            req.current_password.assign(e.value.begin(), e.value.end());
        else if (e.module == 1 && e.variable == 2)
            req.new_password = std::string(e.value.begin(), e.value.end());
        else
            req.common_entries.push_back(std::move(e));
    }
    for (const auto& r : records)
        if (r.new_password.empty() && !req.new_password)
            throw Error(
                Status::bad_argument, "--new-password-file",
                "PID " + r.pid + " has no new MEBx password stored: give the one the PCs get");
    req.given = std::move(records);
    std::vector<PlannedFile> out;
    for (auto& built : keys::build_batch(req)) {
        PlannedFile p;
        p.bytes = std::move(built.bytes);
        p.sha256 = std::move(built.sha256);
        for (const auto& r : built.records) p.record_ids.push_back(r.id);
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace

std::string key_label(std::int64_t batch_id, std::uint32_t file_index) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "B%04lldK%03u", static_cast<long long>(batch_id), file_index);
    std::string label = buf;
    if (label.size() > 11) {
        std::snprintf(buf, sizeof buf, "B%lldK%u", static_cast<long long>(batch_id), file_index);
        label = buf;
    }
    return label.size() > 11 ? std::string() : label;
}

KeyWriteOutcome write_stored_keys(const Context& ctx, Reporter& reporter, KeyWriteJob job) {
    check_write_job(job);
    const keys::StoreLocation where = keys::StoreLocation::parse(job.store);
    keys::KeyStore store(where, keys::OpenMode::existing);

    // What goes on the keys, before any stick is touched.
    std::optional<keys::KeyFileInfo> source;
    std::vector<PlannedFile> planned;
    KeyWriteOutcome out;
    if (job.key_file_id) {
        source = store.key_file(*job.key_file_id);
        out.batch_id = source->batch_id;
        planned.push_back(job.unconsumed ? unconsumed_of(store, *source)
                                         : same_key_file(store, *source));
    } else {
        out.batch_id = store.batch(*job.batch_id).id;
        planned = batch_files(store, job, reporter);
    }
    const bool rewrite = source && !job.unconsumed;  // the key file itself, no new one

    // Where they go: one output per setup.bin.
    std::vector<std::string> paths;
    if (!job.settings.output.empty())
        paths = batch_output_paths(job.settings.output, planned.size(), planned.size() > 1);
    if (!job.image.empty() && planned.size() != 1)
        throw Error(Status::bad_argument, "--image",
                    "one key image holds one setup.bin; the records make " +
                        base::counted(planned.size(), "setup.bin file") +
                        " (use -o or --device sticks)");
    if (!job.devices.empty() && job.devices.size() != planned.size())
        throw Error(Status::bad_argument, "--device",
                    "the records make " + base::counted(planned.size(), "setup.bin file") +
                        ", but " + base::counted(job.devices.size(), "stick") +
                        (job.devices.size() == 1 ? " was" : " were") +
                        " given: each stick gets one (use --per-key)");
    for (const auto& p : paths)
        refuse_existing_output(p, job.settings.overwrite, "nothing was written or stored");
    if (!job.image.empty())
        refuse_existing_output(job.image, job.settings.overwrite, "nothing was written or stored");

    // The sticks: checked against the safety rules, the store and the outputs not on them.
    std::vector<devices::DeviceInfo> sticks;
    if (!job.devices.empty()) {
        if (!where.is_postgresql()) job.policy.in_use.push_back({"the key store", where.display()});
        for (auto& [what, path] : settings_files(job.settings))
            job.policy.in_use.push_back({what, path});
        sticks = check_sticks(ctx, job.devices, job.policy, job.dry_run);
        // Records a stick holds that this run writes again (a key file rewritten over its own
        // stick) are not lost; any others are.
        std::set<std::int64_t> written_again;
        if (rewrite)
            for (const auto& r : store.records_of_file(source->id)) written_again.insert(r.id);
        for (const auto& p : planned)
            written_again.insert(p.record_ids.begin(), p.record_ids.end());
        const std::vector<RecordsOnStick> held =
            find_stored_records(sticks, job.store, job.policy, reporter, written_again);
        if (!job.dry_run) {
            reporter.confirm_sticks(sticks, StickAction::write, job.policy);
            void_overwritten_records(held, job.store, "keys write", reporter);
        }
    }

    const fat::VerifyOptions generations =
        judge_generations(std::nullopt, planned.front().bytes).generations;
    for (std::size_t i = 0; i < planned.size(); ++i) {
        BatchFile bf;
        bf.name = !paths.empty() ? paths[i] : !job.image.empty() ? job.image : job.devices[i];
        if (!paths.empty()) bf.path = paths[i];
        if (!sticks.empty()) bf.stick = sticks[i];
        bf.sha256 = planned[i].sha256;
        bf.size = planned[i].bytes.size();
        out.records += static_cast<std::uint32_t>(rewrite ? store.records_of_file(source->id).size()
                                                          : planned[i].record_ids.size());
        out.files.push_back(std::move(bf));
    }
    if (job.dry_run) return out;

    // A key whose write fails: a new key file is marked failed (its records on no key). A key
    // file written again onto another key is put back as it was (target, stick, label, volume
    // id, state): its records are still on the key it was written to before, where a PC can take
    // them. Written again over its own stick, that key may be gone: marked failed.
    const bool own_stick = rewrite && !sticks.empty() &&
                           (source->target == job.devices.front() ||
                            (source->device && !source->device->serial.empty() &&
                             source->device->serial == sticks.front().serial));
    const bool keeps_source = rewrite && !own_stick;
    const auto failed = [&](std::int64_t key_file_id, std::optional<std::uint32_t> volume_id) {
        if (!keeps_source) {
            store.mark_file_failed(key_file_id, volume_id);
            return;
        }
        store.retarget_key_file(key_file_id, source->target, source->device, source->label);
        if (source->state == keys::KeyFileState::written)
            store.mark_file_written(key_file_id, source->volume_id);
        else if (source->state == keys::KeyFileState::failed)
            store.mark_file_failed(key_file_id, source->volume_id);
    };

    fat::KeyOptions ko;
    ko.timestamp = key_timestamp();
    std::vector<StickJob> stick_jobs;
    for (std::size_t i = 0; i < planned.size(); ++i) {
        BatchFile& bf = out.files[i];
        keys::NewKeyFile nf;
        nf.target = bf.path ? std::filesystem::absolute(*bf.path).lexically_normal().string()
                    : !job.image.empty()
                        ? std::filesystem::absolute(job.image).lexically_normal().string()
                        : job.devices[i];
        nf.sha256 = planned[i].sha256;
        nf.bytes = planned[i].bytes;
        if (bf.stick) nf.device = stick_identity(*bf.stick);
        // Stored `pending` first: the store never shows a record on a key it did not reach.
        keys::KeyFileInfo kf;
        if (rewrite) {
            kf = *source;
            store.retarget_key_file(kf.id, nf.target, nf.device, {});
        } else {
            kf =
                store.add_key_file(out.batch_id, nf, planned[i].record_ids,
                                   source ? std::optional<std::int64_t>(source->id) : std::nullopt);
        }
        bf.key_file_id = kf.id;
        bf.first_record = kf.first_record;
        bf.last_record = kf.last_record;
        // A key (an image or a stick) is labelled for its key file; a setup.bin file has none.
        if (!bf.path) {
            bf.label = key_label(out.batch_id, kf.file_index);
            store.set_label(kf.id, bf.label);
            out.labels.push_back(bf.label);
        }
        if (bf.path) {
            try {
                write_file_atomic(*bf.path, planned[i].bytes, job.settings.overwrite);
            } catch (...) {
                failed(kf.id, std::nullopt);
                throw;
            }
            store.mark_file_written(kf.id);
        } else if (!job.image.empty()) {
            fat::KeyOptions iko = ko;
            iko.label = out.labels.back().empty() ? iko.label : out.labels.back();
            const ImageTarget image{job.image, job.image_size, 512, job.settings.overwrite};
            KeyOutcome k;
            try {
                k = make_key_image(ctx, reporter, image, planned[i].bytes, {}, iko, generations);
            } catch (...) {
                failed(kf.id, std::nullopt);
                throw;
            }
            out.status = worse(out.status, k.status);
            if (k.key)
                store.mark_file_written(kf.id, k.volume_id);
            else
                failed(kf.id, k.volume_id);
            bf.key = std::move(k);
        } else {
            StickJob sj{sticks[i], job.devices[i], planned[i].bytes, {}, {}};
            sj.label = out.labels.back();
            stick_jobs.push_back(std::move(sj));
        }
    }
    if (!stick_jobs.empty()) {
        std::vector<KeyOutcome> outcomes;
        try {
            outcomes = write_sticks(ctx, reporter, std::move(stick_jobs), {}, ko, generations);
        } catch (...) {
            for (const auto& bf : out.files) failed(bf.key_file_id, std::nullopt);
            throw;
        }
        for (std::size_t i = 0; i < outcomes.size(); ++i) {
            BatchFile& bf = out.files[i];
            out.status = worse(out.status, outcomes[i].status);
            if (outcomes[i].key) {
                store.mark_file_written(bf.key_file_id, outcomes[i].volume_id);
            } else {
                failed(bf.key_file_id, outcomes[i].volume_id);
                if (keeps_source && source->state == keys::KeyFileState::written)
                    bf.left_generated = job.devices[i] + ": not written; key file " +
                                        std::to_string(bf.key_file_id) + " stays as it was, on " +
                                        source->target;
                else
                    bf.left_generated = job.devices[i] + ": not written; key file " +
                                        std::to_string(bf.key_file_id) +
                                        " marked failed (never exported): write it again with "
                                        "`ukpu keys write --key-file " +
                                        std::to_string(bf.key_file_id) + " --device DEV`";
            }
            bf.key = std::move(outcomes[i]);
        }
    }
    out.written = true;
    return out;
}

}  // namespace ukpu::provision
