// `ukpu keys sync (--image FILE | --device DEV | --setup-bin FILE) [--key-file ID]`: reads which
// records the firmware consumed from a key and marks exactly those in the store.
#include <CLI/CLI.hpp>

#include "commands/keys_command.hpp"
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
    std::uint32_t sector_size = 512;
};

int run_sync(const SyncOptions& o, const GlobalOptions& g) {
    std::string source;
    std::vector<std::uint8_t> bytes;
    if (!o.setup_bin.empty()) {
        source = o.setup_bin;
        bytes = read_input_file(o.setup_bin);
    }
    {
        if (o.setup_bin.empty()) {
            source = o.image.empty() ? o.device : o.image;
            auto dev = provision::open_for_read(source, o.sector_size);
            bytes = keys::read_setup_bin(*dev);
        }
        auto store = open_store(o.store);
        std::optional<std::int64_t> hint;
        if (o.key_file != 0) hint = o.key_file;
        const keys::SyncResult r = keys::sync_consumed(*store, bytes, hint);
        // A key file written straight to a stick: is this the stick the store recorded?
        std::optional<devices::DeviceInfo> stick;
        if (!o.device.empty()) stick = provision::identify_device(g.context, o.device);
        if (stick && r.file.device && !r.file.device->serial.empty() &&
            stick->serial != r.file.device->serial)
            print_warning(source + ": the store recorded key file " + std::to_string(r.file.id) +
                          " on the stick with serial " + r.file.device->serial +
                          ", but this stick's serial is " +
                          (stick->serial.empty() ? "unknown" : stick->serial) +
                          " (a copy of the key?); its consumed records were marked all the same");
        if (g.json) {
            Json doc = Json::object();
            doc.set("ok", true);
            doc.set("source", source);
            doc.set("batch", r.file.batch_id);
            doc.set("key_file_id", r.file.id);
            doc.set("key_file", r.file.target);
            doc.set("consumed_on_key", r.consumed_on_key);
            doc.set("newly_marked", r.newly_marked);
            doc.set("device_serial", stick ? Json(stick->serial) : Json());
            doc.set("recorded_serial", r.file.device ? Json(r.file.device->serial) : Json());
            print_json(doc);
        }
        print_note(g, source + ": key file " + std::to_string(r.file.id) + " of batch " +
                          std::to_string(r.file.batch_id) + " (" + r.file.target +
                          "): " + std::to_string(r.consumed_on_key) + " record(s) consumed, " +
                          std::to_string(r.newly_marked) + " newly marked in the store");
        return exit_ok;
    }
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
                    "The key file id (keys list --batch ID) for a key whose records are all "
                    "consumed")
        ->check(CLI::PositiveNumber);
    sub->add_option("--sector-size", o->sector_size, "Logical sector size of an image file")
        ->check(CLI::IsMember({512u, 1024u, 2048u, 4096u}))
        ->default_str("512");
    sub->callback([image, device, file] {
        if (image->count() + device->count() + file->count() != 1)
            throw CLI::ValidationError("--image/--device/--setup-bin", "give exactly one of them");
    });
    sub->footer(
        "The key is matched to its key file by the PIDs still on it; with --device, a key file\n"
        "written straight to a stick (keys generate --device) is checked against the stick's\n"
        "serial, with a warning when they differ. Exit codes: 0 synced;\n"
        "3 unreadable key, PIDs not in the store or not matching it, no key store at that\n"
        "path (nothing is created), not a ukpu key store;\n"
        "4 a newer key store schema; 5 I/O error.");
    return {sub, [o, &g] { return run_sync(*o, g); }};
}

}  // namespace ukpu::cli
