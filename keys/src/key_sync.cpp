#include "ukpu/keys/key_sync.hpp"

#include <cstdio>

#include "ukpu/base/counted.hpp"
#include "ukpu/fatwriter/directory.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/fatwriter/volume.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/parse.hpp"

namespace ukpu::keys {

namespace sb = ukpu::setupbin;

KeyConsumption read_consumption(std::span<const std::uint8_t> setup_bin) {
    sb::SetupBin file;
    try {
        file = sb::parse(setup_bin);
    } catch (const sb::Error& e) {
        throw Error(ErrorCode::bad_input, "setup.bin does not parse: " + e.message(),
                    e.where().str());
    }
    KeyConsumption k;
    k.record_count = file.header.record_count;
    k.records_consumed = file.header.records_consumed;
    k.reusable = file.header.reusable();
    for (std::size_t i = 0; i < file.records.size(); ++i) {
        const sb::Record& r = file.records[i];
        const auto number = r.number != 0 ? r.number : static_cast<std::uint32_t>(i + 1);
        if (r.consumed) {
            k.consumed.insert(number);
            continue;
        }
        std::string pid;
        for (const auto& e : r.entries)
            if (e.module == 2 && e.variable == 1) pid.assign(e.value.begin(), e.value.end());
        if (pid.empty())
            throw Error(ErrorCode::bad_input, "holds no PID (2/1): not a key of a PID/PPS batch",
                        "record " + std::to_string(number));
        k.remaining.emplace_back(number, pid);
    }
    return k;
}

KeyRead read_key(ukpu::fat::BlockDevice& device) {
    try {
        auto where = fat::locate_volume(device);
        auto view = fat::open_volume_view(device, where);
        fat::Volume volume(*view);
        auto slot = fat::lookup(volume, "\\setup.bin");
        if (!slot || slot->kind != fat::SlotKind::file)
            throw Error(ErrorCode::bad_input, "no \\setup.bin on the key", device.describe());
        return KeyRead{volume.read_file(slot->first_cluster, slot->size), volume.volume_id(),
                       volume.label()};
    } catch (const fat::Error& e) {
        throw Error(e.code() == fat::ErrorCode::io ? ErrorCode::io : ErrorCode::bad_input,
                    e.message(), device.describe());
    }
}

std::vector<std::uint8_t> read_setup_bin(ukpu::fat::BlockDevice& device) {
    return read_key(device).setup_bin;
}

std::string volume_id_text(std::uint32_t volume_id) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04X-%04X", volume_id >> 16, volume_id & 0xffffu);
    return buf;
}

namespace {

std::string file_name(std::int64_t id) {
    return "key file " + std::to_string(id);
}

// Why the identity of a key with no record left does not prove that it is key file `f`; empty
// when it does: the volume id ukpu recorded when it wrote the key, and the stick's serial when
// both are known.
std::string unproven(const KeyFileInfo& f, const KeyIdentity& id) {
    if (!id.volume_id)
        return "this key has no volume id to compare (a setup.bin file, or a boot sector "
               "without one)";
    if (!f.volume_id)
        return f.device
                   ? file_name(f.id) + " was written before ukpu recorded the volume id of each key"
                   : file_name(f.id) + " was written to a file (" + f.target +
                         "), so ukpu recorded no volume id for it";
    if (*f.volume_id != *id.volume_id)
        return "this key's volume id is " + volume_id_text(*id.volume_id) + ", " + file_name(f.id) +
               " was written with " + volume_id_text(*f.volume_id);
    if (f.device && !f.device->serial.empty() && id.serial && *id.serial != f.device->serial)
        return "this stick's serial is " + (id.serial->empty() ? "unknown" : *id.serial) + ", " +
               file_name(f.id) + " was written to the stick with serial " + f.device->serial;
    return {};
}

std::string identity_text(const KeyFileInfo& f, const KeyIdentity& id) {
    std::string out = "its volume id " + volume_id_text(*f.volume_id);
    if (f.device && !f.device->serial.empty())
        out += id.serial ? " and serial " + f.device->serial
                         : " (no stick serial to compare: read from an image)";
    return out;
}

Error mismatch(std::int64_t named, const std::string& why) {
    return Error(ErrorCode::key_mismatch, "this key does not match " + file_name(named) + ": " +
                                              why + "; nothing was marked");
}

}  // namespace

SyncResult sync_consumed(KeyStore& store, std::span<const std::uint8_t> setup_bin,
                         std::optional<std::int64_t> key_file_id, const KeyIdentity& identity,
                         bool dry_run) {
    const KeyConsumption k = read_consumption(setup_bin);
    if (key_file_id) (void)store.key_file(*key_file_id);  // Error(not_found) for an unknown id
    SyncResult result;
    std::optional<std::int64_t> found;
    // The PIDs still on the key name its key file.
    for (const auto& [number, pid] : k.remaining) {
        const std::string where = "record " + std::to_string(number);
        auto rec = store.find_pid(pid);
        if (!rec) {
            if (key_file_id) throw mismatch(*key_file_id, where + "'s PID is not in the key store");
            throw Error(ErrorCode::bad_input, "its PID is not in the key store", where);
        }
        if (found && *found != rec->key_file_id)
            throw Error(ErrorCode::bad_input,
                        "its PID belongs to " + file_name(rec->key_file_id) +
                            ", another record's to " + file_name(*found) + ": not a key ukpu wrote",
                        where);
        if (key_file_id && *key_file_id != rec->key_file_id)
            throw mismatch(*key_file_id, "its PIDs belong to " + file_name(rec->key_file_id));
        if (rec->record_number != number) {
            const std::string why = "its PID was stored as record " +
                                    std::to_string(rec->record_number) + " of its key file";
            if (key_file_id) throw mismatch(*key_file_id, where + ": " + why);
            throw Error(ErrorCode::bad_input, why, where);
        }
        found = rec->key_file_id;
    }
    if (found) {
        result.matched_by = "its PIDs";
    } else {
        // No PID left: only the identity ukpu recorded when it wrote the key names it.
        std::vector<KeyFileInfo> candidates;
        if (identity.volume_id)
            for (auto& f : store.key_files_with_volume_id(*identity.volume_id))
                if (unproven(f, identity).empty()) candidates.push_back(std::move(f));
        if (key_file_id) {
            const KeyFileInfo named = store.key_file(*key_file_id);
            const std::string why = unproven(named, identity);
            if (!why.empty())
                throw mismatch(*key_file_id,
                               "every record of this key is consumed, so only the identity ukpu "
                               "recorded when it wrote the key can name it, and " +
                                   why);
            // Proven only when nothing else the store holds bears the same identity.
            if (candidates.size() > 1)
                throw mismatch(*key_file_id,
                               "every record of this key is consumed and its identity is that "
                               "of " +
                                   std::to_string(candidates.size()) +
                                   " key files alike (the same volume id, no serial to tell "
                                   "them apart)");
            found = *key_file_id;
        } else if (candidates.size() == 1) {
            found = candidates[0].id;
        } else if (candidates.empty()) {
            throw Error(ErrorCode::bad_input,
                        identity.volume_id
                            ? "every record of this key is consumed and no key file of the store "
                              "was written to a key with its volume id " +
                                  volume_id_text(*identity.volume_id) +
                                  (identity.serial ? " on this stick" : std::string()) +
                                  ": nothing names it, nothing was marked"
                            : "every record of this key is consumed and it has no volume id (a "
                              "setup.bin file): nothing names its key file, nothing was marked");
        } else {
            std::string ids;
            for (const auto& c : candidates)
                ids += (ids.empty() ? "" : ", ") + std::to_string(c.id);
            throw Error(ErrorCode::bad_input,
                        "every record of this key is consumed and key files " + ids +
                            " were written with its volume id, with no serial to tell them "
                            "apart: nothing names one, nothing was marked");
        }
        result.matched_by = identity_text(store.key_file(*found), identity);
    }
    result.file = store.key_file(*found);
    const std::uint32_t stored = result.file.last_record - result.file.first_record + 1;
    if (k.record_count != stored) {
        const std::string why = "the key holds " + base::counted(k.record_count, "record") +
                                " but " + file_name(*found) + " has " + std::to_string(stored);
        if (key_file_id) throw mismatch(*key_file_id, why);
        throw Error(ErrorCode::bad_input, why, result.file.target);
    }
    // A key matched by its PIDs that is not where ukpu wrote it: a copy, its records all the same.
    const KeyFileInfo& f = result.file;
    if (!k.remaining.empty() && f.volume_id && identity.volume_id &&
        *f.volume_id != *identity.volume_id)
        result.warnings.push_back("the store recorded " + file_name(f.id) +
                                  " on a key with volume id " + volume_id_text(*f.volume_id) +
                                  ", but this key's is " + volume_id_text(*identity.volume_id) +
                                  " (a copy of the key?); its consumed records were marked all "
                                  "the same");
    if (!k.remaining.empty() && f.device && !f.device->serial.empty() && identity.serial &&
        *identity.serial != f.device->serial)
        result.warnings.push_back("the store recorded " + file_name(f.id) +
                                  " on the stick with serial " + f.device->serial +
                                  ", but this stick's serial is " +
                                  (identity.serial->empty() ? "unknown" : *identity.serial) +
                                  " (a copy of the key?); its consumed records were marked all "
                                  "the same");
    // The label ukpu wrote names the key file an admin expects: another one on the key is said.
    if (identity.label && !f.label.empty() && *identity.label != f.label)
        result.warnings.push_back("the store recorded " + file_name(f.id) + " with the label " +
                                  f.label + ", but this key's label is " +
                                  (identity.label->empty() ? "empty" : *identity.label) +
                                  " (relabelled, or a copy of the key?)");
    if (f.state != KeyFileState::written) {
        result.warnings.push_back(
            "the store had " + file_name(f.id) + " as " + to_string(f.state) +
            " (never written), but this key holds it: it " +
            (dry_run ? std::string("would be marked written") : std::string("is marked written")));
        if (!dry_run) {
            store.mark_file_written(f.id);
            result.file = store.key_file(f.id);
        }
    }
    result.consumed_on_key = static_cast<std::uint32_t>(k.consumed.size());
    // A record voided (a stick given up as lost, then found) that a PC took all the same: the
    // store marks it consumed, and the admin should know the server may not have had it.
    std::uint32_t voided_taken = 0;
    std::string reason;
    for (const auto& rec : store.records_of_file(*found))
        if (k.consumed.count(rec.record_number) && rec.voided() &&
            rec.state != RecordState::consumed) {
            ++voided_taken;
            if (reason.empty()) reason = rec.void_reason;
        }
    if (voided_taken)
        result.warnings.push_back(
            base::counted(voided_taken, "record") + " of " + file_name(*found) +
            (voided_taken == 1 ? " was" : " were") + " voided ('" + reason + "') but a PC took " +
            (voided_taken == 1 ? "it" : "them") +
            " all the same: " + (voided_taken == 1 ? "it is" : "they are") +
            " marked consumed; a server whose rows were deleted (--upsert) refused " +
            (voided_taken == 1 ? "that PC" : "those PCs"));
    if (dry_run) {
        for (const auto& rec : store.records_of_file(*found))
            if (k.consumed.count(rec.record_number) && rec.state != RecordState::consumed)
                ++result.newly_marked;
        return result;
    }
    result.newly_marked = store.mark_consumed(*found, k.consumed);
    return result;
}

}  // namespace ukpu::keys
