#include "ukpu/keys/key_sync.hpp"

#include "ukpu/keys/error.hpp"
#include "ukpu/fatwriter/directory.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/fatwriter/volume.hpp"
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

std::vector<std::uint8_t> read_setup_bin(ukpu::fat::BlockDevice& device) {
    try {
        auto where = fat::locate_volume(device);
        auto view = fat::open_volume_view(device, where);
        fat::Volume volume(*view);
        auto slot = fat::lookup(volume, "\\setup.bin");
        if (!slot || slot->kind != fat::SlotKind::file)
            throw Error(ErrorCode::bad_input, "no \\setup.bin on the key", device.describe());
        return volume.read_file(slot->first_cluster, slot->size);
    } catch (const fat::Error& e) {
        throw Error(e.code() == fat::ErrorCode::io ? ErrorCode::io : ErrorCode::bad_input,
                    e.message(), device.describe());
    }
}

SyncResult sync_consumed(KeyStore& store, std::span<const std::uint8_t> setup_bin,
                         std::optional<std::int64_t> key_file_id) {
    const KeyConsumption k = read_consumption(setup_bin);
    std::optional<std::int64_t> found = key_file_id;
    for (const auto& [number, pid] : k.remaining) {
        auto rec = store.find_pid(pid);
        if (!rec)
            throw Error(ErrorCode::bad_input, "its PID is not in the key store",
                        "record " + std::to_string(number));
        if (found && *found != rec->key_file_id)
            throw Error(ErrorCode::bad_input,
                        "its PID belongs to key file " + std::to_string(rec->key_file_id) +
                            ", not to key file " + std::to_string(*found),
                        "record " + std::to_string(number));
        if (rec->record_number != number)
            throw Error(ErrorCode::bad_input,
                        "its PID was stored as record " + std::to_string(rec->record_number) +
                            " of its key file",
                        "record " + std::to_string(number));
        found = rec->key_file_id;
    }
    if (!found)
        throw Error(ErrorCode::bad_input,
                    "every record of this key is consumed, so no PID names its key file; give "
                    "the key file id (see `ukpu keys list --batch ID`)");
    SyncResult result;
    result.file = store.key_file(*found);
    const std::uint32_t stored = result.file.last_record - result.file.first_record + 1;
    if (k.record_count != stored)
        throw Error(ErrorCode::bad_input,
                    "the key holds " + std::to_string(k.record_count) + " records but key file " +
                        std::to_string(*found) + " has " + std::to_string(stored),
                    result.file.target);
    result.consumed_on_key = static_cast<std::uint32_t>(k.consumed.size());
    result.newly_marked = store.mark_consumed(*found, k.consumed);
    return result;
}

}  // namespace ukpu::keys
