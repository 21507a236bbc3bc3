// `ukpu keys sync (--image FILE | --device DEV | --setup-bin FILE) [--key-file ID]`: reads which
// records the firmware consumed from a key and marks exactly those in the store.
#include <CLI/CLI.hpp>

#include "commands/keys_command.hpp"
#include "exit_codes.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/key_sync.hpp"
#include "ukpu/provision/device_safety.hpp"

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
    std::string source;
    std::vector<std::uint8_t> bytes;
    keys::KeyIdentity identity;
    if (!o.setup_bin.empty()) {
        // A bare setup.bin: its PIDs are all that can name its key file.
        source = o.setup_bin;
        bytes = read_input_file(o.setup_bin);
    } else {
        source = o.image.empty() ? o.device : o.image;
        auto dev = provision::open_for_read(source, o.sector_size, !o.device.empty());
        keys::KeyRead key = keys::read_key(*dev);
        bytes = std::move(key.setup_bin);
        identity.volume_id = key.volume_id;
        identity.label = key.label;
    }
    // A stick: its serial, compared with the one the store recorded.
    std::optional<devices::DeviceInfo> stick;
    if (!o.device.empty()) stick = provision::identify_device(g.context, o.device);
    if (stick) identity.serial = stick->serial;
    std::optional<std::int64_t> named;
    if (o.key_file != 0) named = o.key_file;
    keys::SyncResult r;
    try {
        r = keys::sync_consumed(*store, bytes, named, identity, g.dry_run);
    } catch (const keys::Error& e) {
        // What the key or file holds is named by where it came from.
        if (e.code() != keys::ErrorCode::bad_input) throw;
        throw CliError(exit_code(e), source + (e.where().empty() ? "" : ": " + e.where()),
                       e.message());
    }
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
