#include "ukpu/provision/key_sync_source.hpp"

#include "ukpu/keys/error.hpp"
#include "ukpu/provision/device_safety.hpp"
#include "ukpu/provision/secret_file.hpp"

namespace ukpu::provision {

KeyToSync read_key_to_sync(const Context& ctx, SyncSource kind, const std::string& path,
                           std::uint32_t image_sector_size) {
    KeyToSync key;
    key.source = path;
    if (kind == SyncSource::setup_bin) {
        key.setup_bin = read_input_file(path);
        return key;
    }
    auto dev = open_for_read(path, image_sector_size, kind == SyncSource::device);
    keys::KeyRead read = keys::read_key(*dev);
    key.setup_bin = std::move(read.setup_bin);
    key.identity.volume_id = read.volume_id;
    key.identity.label = read.label;
    // A stick: its serial, compared with the one the store recorded.
    if (kind == SyncSource::device) {
        key.stick = identify_device(ctx, path);
        if (key.stick) key.identity.serial = key.stick->serial;
    }
    return key;
}

keys::SyncResult sync_read_key(keys::KeyStore& store, const KeyToSync& key,
                               std::optional<std::int64_t> key_file_id, bool dry_run) {
    try {
        return keys::sync_consumed(store, key.setup_bin, key_file_id, key.identity, dry_run);
    } catch (const keys::Error& e) {
        // What the key or file holds is named by where it came from.
        if (e.code() != keys::ErrorCode::bad_input) throw;
        throw keys::Error(e.code(), e.message(),
                          key.source + (e.where().empty() ? "" : ": " + e.where()));
    }
}

}  // namespace ukpu::provision
