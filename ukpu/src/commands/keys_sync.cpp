// `ukpu keys sync (--image FILE | --device DEV | --setup-bin FILE) [--key-file ID]`: reads which
// records the firmware consumed from a key and marks exactly those in the store.
#include <CLI/CLI.hpp>

#include "commands/keys_command.hpp"
#include "exit_codes.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/key_sync.hpp"
#include "ukpu/provision/key_sync_source.hpp"

namespace ukpu::cli {

namespace {

struct SyncOptions {
    std::string store;
    std::string image;
    std::string device;
    std::string setup_bin;
    std::int64_t key_file = 0;
    std::uint32_t sector_size = 0;  // an image: read from it unless given
};

int run_sync(const SyncOptions& o, const GlobalOptions& g) {
    // The store first: a mistyped --store is refused before the key is read.
    auto store = open_store(o.store);
    provision::SyncSource kind = provision::SyncSource::image;
    std::string path = o.image;
    if (!o.setup_bin.empty()) {
        kind = provision::SyncSource::setup_bin;
        path = o.setup_bin;
    } else if (!o.device.empty()) {
        kind = provision::SyncSource::device;
        path = o.device;
    }
    const provision::KeyToSync key =
        provision::read_key_to_sync(g.context, kind, path, o.sector_size);
    const std::string& source = key.source;
    const keys::KeyIdentity& identity = key.identity;
    const auto& stick = key.stick;
    std::optional<std::int64_t> named;
    if (o.key_file != 0) named = o.key_file;
    const keys::SyncResult r = provision::sync_read_key(*store, key, named, g.dry_run);
    for (const auto& w : r.warnings) print_warning(g, source + ": " + w);
    if (g.json) {
        Json doc = Json::object();
        doc.set("ok", true);
        doc.set("source", source);
        doc.set("batch", r.file.batch_id);
        doc.set("key_file_id", r.file.id);
        doc.set("key_file", r.file.target);
        doc.set("matched_by", r.matched_by);
        doc.set("consumed_on_key", r.consumed_on_key);
        doc.set("newly_marked", r.newly_marked);
        doc.set("dry_run", g.dry_run);
        doc.set("volume_id",
                identity.volume_id ? Json(keys::volume_id_text(*identity.volume_id)) : Json());
        doc.set("device_serial", stick ? Json(stick->serial) : Json());
        doc.set("recorded_serial", r.file.device ? Json(r.file.device->serial) : Json());
        doc.set("label", identity.label ? Json(*identity.label) : Json());
        doc.set("recorded_label", r.file.label.empty() ? Json() : Json(r.file.label));
        print_json(doc);
    }
    print_note(g, source + ": key file " + std::to_string(r.file.id) + " of batch " +
                      std::to_string(r.file.batch_id) + " (" + r.file.target +
                      (identity.label && !identity.label->empty() ? ", label " + *identity.label
                                                                  : std::string()) +
                      "), matched by " + r.matched_by + ": " +
                      base::counted(r.consumed_on_key, "record") + " consumed, " +
                      std::to_string(r.newly_marked) +
                      (g.dry_run ? " would be newly marked in the store (dry run: nothing changed)"
                                 : " newly marked in the store"));
    return exit_ok;
}

}  // namespace

Command add_keys_sync(CLI::App& keys, const GlobalOptions& g) {
    auto o = std::make_shared<SyncOptions>();
    CLI::App* sub =
        keys.add_subcommand("sync", "Mark in the store the records that PCs consumed from a key");
    sub->fallthrough();
    add_store_option(*sub, o->store);
    auto* image = sub->add_option("--image", o->image, "A key image file");
    auto* device = sub->add_option("--device", o->device, "A block device (read only)");
    auto* file = sub->add_option("--setup-bin", o->setup_bin, "A setup.bin file");
    sub->add_option("--key-file", o->key_file,
                    "The key file id (keys list --batch ID) this key must be; refused when the "
                    "key does not prove it")
        ->check(CLI::PositiveNumber);
    sub->add_option("--sector-size", o->sector_size,
                    "Logical sector size of an image file, overriding what its boot sector and "
                    "partition table say")
        ->check(CLI::IsMember({512u, 1024u, 2048u, 4096u}))
        ->default_str("from the image");
    sub->callback([image, device, file] {
        if (image->count() + device->count() + file->count() != 1)
            throw CLI::ValidationError("--image/--device/--setup-bin", "give exactly one of them");
    });
    sub->footer(
        "A key is matched to its key file by what survives on it: the PIDs still on it, and for\n"
        "a key whose records are all consumed the identity ukpu recorded when it wrote the key:\n"
        "its volume id (--device, --image) and, for a key written straight to a stick (keys\n"
        "generate --device), the stick's serial (--device). A setup.bin file, or a key written\n"
        "from a file, with no record left cannot be matched. --key-file names the key file the\n"
        "key must be: one it does not prove is refused, nothing marked. A key matched by its\n"
        "PIDs whose volume id or serial differs from the recorded one (a copy) is warned about.\n"
        "Exit codes: 0 synced; 3 unreadable key, PIDs not in the store or not matching it, a\n"
        "consumed key nothing names, no key store at that path (nothing is created), not a ukpu\n"
        "key store; 4 the key does not match --key-file (nothing marked), a newer key store\n"
        "schema; 5 I/O error.");
    return {sub, [o, &g] { return run_sync(*o, g); }};
}

}  // namespace ukpu::cli
