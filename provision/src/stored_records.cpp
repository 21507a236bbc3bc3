#include "ukpu/provision/stored_records.hpp"

#include <filesystem>
#include <optional>
#include <system_error>

#include "ukpu/base/counted.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/key_store.hpp"
#include "ukpu/keys/key_sync.hpp"

namespace ukpu::provision {

namespace {

std::string id_list(const std::set<std::int64_t>& ids) {
    std::string out;
    for (const auto id : ids) out += (out.empty() ? "" : ", ") + std::to_string(id);
    return out;
}

// The PIDs of the records a PC could still take from the stick; none when it holds no key that
// can be read (a blank stick, another file system, a damaged key).
std::vector<std::string> remaining_pids(const std::string& path) {
    std::vector<std::string> out;
    try {
        auto dev = open_for_read(path, 512);
        const keys::KeyRead key = keys::read_key(*dev);
        for (auto& [number, pid] : keys::read_consumption(key.setup_bin).remaining)
            out.push_back(std::move(pid));
    } catch (const keys::Error&) {
    } catch (const fat::Error&) {
    } catch (const Error&) {
    }
    return out;
}

}  // namespace

std::string RecordsOnStick::text() const {
    return "a key holding " + base::counted(records.size(), "record") + " of batch" +
           (batches.size() == 1 ? " " : "es ") + id_list(batches) + " (key file" +
           (key_files.size() == 1 ? " " : "s ") + id_list(key_files) +
           ") that no PC took, listed as unconsumed in the key store";
}

std::vector<RecordsOnStick> find_stored_records(const std::vector<devices::DeviceInfo>& sticks,
                                                const std::string& store, DeviceWritePolicy& policy,
                                                Reporter& reporter,
                                                const std::set<std::int64_t>& written_again) {
    std::vector<RecordsOnStick> found;
    std::optional<keys::StoreLocation> where;
    try {
        where = keys::StoreLocation::parse(store);
    } catch (const keys::Error&) {
        return found;  // no default store: nothing known
    }
    std::error_code ec;
    if (!where->is_postgresql() && !std::filesystem::exists(where->file(), ec)) return found;
    std::unique_ptr<keys::KeyStore> opened;
    for (const auto& stick : sticks) {
        const std::vector<std::string> pids = remaining_pids(stick.path);
        if (pids.empty()) continue;
        if (!opened) opened = std::make_unique<keys::KeyStore>(*where, keys::OpenMode::existing);
        RecordsOnStick on;
        on.path = stick.path;
        for (const auto& pid : pids) {
            const auto r = opened->find_pid(pid);
            if (!r || r->voided() || r->state == keys::RecordState::consumed ||
                written_again.count(r->id))
                continue;
            on.records.push_back(r->id);
            on.pids.push_back(pid);
            on.batches.insert(r->batch_id);
            if (r->placed()) on.key_files.insert(r->key_file_id);
        }
        if (on.records.empty()) continue;
        policy.name_needed[stick.path] = on.text();
        reporter.warning(stick.path + " is " + on.text() +
                         ": writing it loses them, so its name must be typed (or given with "
                         "--confirm " +
                         stick.name + "); they are then voided in the key store");
        found.push_back(std::move(on));
    }
    return found;
}

void void_overwritten_records(const std::vector<RecordsOnStick>& found, const std::string& store,
                              const std::string& command, Reporter& reporter) {
    if (found.empty()) return;
    keys::KeyStore opened(keys::StoreLocation::parse(store), keys::OpenMode::existing);
    for (const auto& on : found) {
        const std::string reason = "overwritten by ukpu " + command + " on " + on.path;
        keys::VoidSelection which;
        which.pids = on.pids;
        const std::uint32_t voided = opened.void_records(which, reason).voided;
        reporter.note(on.path + ": " + base::counted(voided, "record") +
                      " voided in the key store (" + reason + ")");
    }
}

}  // namespace ukpu::provision
