// Reading back which records PCs consumed from a key, as `ukpu keys sync` and the window's Sync
// do: the key is read from a stick, an image file or a bare setup.bin (read_key_to_sync), then
// matched to its key file and its consumed records marked in the store (sync_read_key, over
// keys::sync_consumed).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ukpu/devices/discovery.hpp"
#include "ukpu/keys/key_store.hpp"
#include "ukpu/keys/key_sync.hpp"
#include "ukpu/provision/context.hpp"

namespace ukpu::provision {

// What the key to sync is read from.
enum class SyncSource {
    setup_bin,  // a setup.bin file: its PIDs are all that can name its key file
    image,      // a key image file: its FAT volume's \setup.bin and volume id
    device,     // a stick (read only): the same, and the stick's serial
};

// A key as read for sync.
struct KeyToSync {
    std::string source;  // the path it was read from
    std::vector<std::uint8_t> setup_bin;
    keys::KeyIdentity identity;
    std::optional<devices::DeviceInfo> stick;  // SyncSource::device, when the machine knows it
};

// Reads the key at `path`. `image_sector_size`: an image's logical sector size (0: from the
// image). Throws Error (bad_input naming the path: unreadable, no such device; io),
// keys::Error(bad_input) for a volume without a readable \setup.bin.
KeyToSync read_key_to_sync(const Context& ctx, SyncSource kind, const std::string& path,
                           std::uint32_t image_sector_size = 0);

// keys::sync_consumed for the key read: its records that PCs consumed marked in `store` (with
// `dry_run`, only counted). A keys::Error(bad_input) about what the key holds is named by where
// it was read from ("/dev/sdb: ..."); the other keys::Errors pass as they are (key_mismatch when
// `key_file_id` is not the key file the key proves).
keys::SyncResult sync_read_key(keys::KeyStore& store, const KeyToSync& key,
                               std::optional<std::int64_t> key_file_id = {}, bool dry_run = false);

}  // namespace ukpu::provision
