// `ukpu build (--image FILE [--size N] | --device DEV...) (--setup-bin FILE | settings)`: lays a
// key out (the strict layout unless told otherwise), reads it back and verifies it.
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>

#include <CLI/CLI.hpp>

#include "commands/commands.hpp"
#include "commands/keys_command.hpp"
#include "create_options.hpp"
#include "device_options.hpp"
#include "exit_codes.hpp"
#include "render/key_report.hpp"
#include "render/problem_json.hpp"
#include "render/text_reporter.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/fatwriter/key_writer.hpp"
#include "ukpu/fatwriter/partition.hpp"
#include "ukpu/provision/cert_hash.hpp"
#include "ukpu/provision/device_safety.hpp"
#include "ukpu/provision/generations.hpp"
#include "ukpu/provision/setupbin_builder.hpp"
#include "ukpu/provision/stick_writer.hpp"
#include "ukpu/provision/stored_records.hpp"
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/values.hpp"

namespace ukpu::cli {

namespace sb = ukpu::setupbin;
namespace pv = ukpu::provision;

namespace {

struct BuildCliOptions {
    pv::CreateSettings settings;
    CLI::App* sub = nullptr;
    std::string image;
    std::string size = "64M";
    bool overwrite = false;
    std::vector<std::string> devices;
    pv::DeviceWritePolicy policy;
    std::string setup_bin;
    std::string fs;
    std::string layout = "mbr";
    std::string label = "NO NAME";
    bool label_entry = false;
    std::uint32_t sector_size = 512;
    std::string volume_id;
    std::string cluster_size;
    std::vector<std::string> add;
    std::string store;  // the key store asked which records a stick still holds
};

// The setup.bin to lay out: a given file (format errors refused as bad input) or one built from
// the settings; firmware errors refuse the build unless --force.
std::vector<std::uint8_t> setup_bin_bytes(const BuildCliOptions& o, const GlobalOptions& g,
                                          sb::CheckResult& checked) {
    std::vector<std::uint8_t> bytes;
    if (!o.setup_bin.empty()) {
        if (pv::has_variables(o.settings))
            throw CliError(exit_usage, "--setup-bin",
                           "give either a setup.bin file or the settings to make one, not both");
        bytes = read_input_file(o.setup_bin);
        const sb::ParseResult parsed = sb::parse_lenient(bytes);
        for (const auto& p : parsed.problems)
            if (p.severity == sb::Severity::error)
                throw CliError(exit_bad_input, o.setup_bin + ": " + p.where.str(), p.message);
        checked = sb::check(bytes, pv::check_options(o.settings));
    } else {
        if (!pv::has_variables(o.settings))
            throw CliError(exit_usage, "build",
                           "give --setup-bin FILE, a profile (--config FILE) or the settings of "
                           "`setupbin create`");
        TextReporter reporter(g);
        pv::BuiltSetupBin built = pv::build_setupbin(o.settings, reporter);
        bytes = std::move(built.bytes);
        checked = std::move(built.check);
    }
    return bytes;
}

fat::KeyOptions key_options(const BuildCliOptions& o, const std::vector<std::uint8_t>& setup) {
    fat::KeyOptions k;
    try {
        if (!o.fs.empty()) k.fs = fat::parse_fat_type(o.fs);
        k.scheme = fat::parse_partition_scheme(o.layout);
    } catch (const fat::Error& e) {
        throw CliError(exit_usage, o.fs.empty() ? "--layout" : "--fs/--layout", e.message());
    }
    if (!o.cluster_size.empty())
        k.cluster_bytes = static_cast<std::uint32_t>(parse_size(o.cluster_size, "--cluster-size"));
    k.label = o.label;
    k.label_entry = o.label_entry;
    k.timestamp = pv::key_timestamp();
    k.volume_id = pv::volume_id_for(o.volume_id, setup);
    return k;
}

std::vector<fat::KeyFile> extra_files(const BuildCliOptions& o) {
    std::vector<fat::KeyFile> files;
    for (const auto& path : o.add) {
        fat::KeyFile f;
        f.name = std::filesystem::path(path).filename().string();
        f.data = read_input_file(path);
        files.push_back(std::move(f));
    }
    return files;
}

// Plans a key on one target without writing anything (--dry-run): the image to be made, or a
// device checked against the safety rules (mounted partitions only noted).
int plan_one(const BuildCliOptions& o, const GlobalOptions& g, const std::string& target,
             bool is_image, const std::vector<std::uint8_t>& setup,
             const std::vector<fat::KeyFile>& extras, const fat::KeyOptions& ko, Json& doc) {
    doc.set("target", target);
    std::uint64_t sectors;
    std::uint32_t ss;
    if (is_image) {
        ss = o.sector_size;
        sectors = parse_size(o.size, "--size") / ss;
    } else {
        const auto disk = pv::check_device_for_write(g.context, target, o.policy, true);
        doc.set("device", stick_json(disk));
        if (!disk.mounts.empty())
            print_note(g, target + ": would unmount " + std::to_string(disk.mounts.size()) +
                              " file system(s) first" +
                              (o.policy.unmount ? "" : " (needs --unmount)"));
        auto d = pv::open_for_read(target, o.sector_size);
        ss = d->sector_size();
        sectors = d->sector_count();
    }
    fat::KeyLayout k;
    try {
        k = fat::plan_key(sectors, ss, setup.size(), extras, ko);
    } catch (const fat::Error& e) {
        throw CliError(exit_code(e), target, e.message());
    }
    doc.set("layout", layout_json(k));
    doc.set("written", false);
    print_note(g, target + ": would write (dry run): " + pv::layout_text(k));
    return exit_ok;
}

// Builds an image file, then reads it back and verifies it.
int build_image(const BuildCliOptions& o, const GlobalOptions& g,
                const std::vector<std::uint8_t>& setup, const std::vector<fat::KeyFile>& extras,
                const fat::KeyOptions& ko, const fat::VerifyOptions& generations, Json& doc) {
    TextReporter reporter(g);
    reporter.content_said();  // run_build printed the file's findings
    const pv::ImageTarget image{o.image, parse_size(o.size, "--size"), o.sector_size, o.overwrite};
    const pv::KeyOutcome out =
        pv::make_key_image(g.context, reporter, image, setup, extras, ko, generations);
    add_key_outcome(doc, out);
    return exit_code(out.status);
}

int run_build(BuildCliOptions& o, const GlobalOptions& g) {
    if (!o.settings.config.empty()) apply_profile(*o.sub, o.settings);
    if (o.image.empty() == o.devices.empty())
        throw CliError(exit_usage, "build", "give --image FILE or --device DEV (not both)");
    if (!o.volume_id.empty() && o.devices.size() > 1)
        throw CliError(exit_usage, "--volume-id",
                       "names the volume serial of one key; " +
                           base::counted(o.devices.size(), "stick") +
                           " each get their own (leave --volume-id out)");
    // A stick must not hold what the build reads.
    for (auto& [what, path] : pv::settings_files(o.settings))
        o.policy.in_use.push_back({what, path});
    if (!o.setup_bin.empty()) o.policy.in_use.push_back({"--setup-bin", o.setup_bin});
    for (const auto& a : o.add) o.policy.in_use.push_back({"--add", a});

    sb::CheckResult checked;
    const std::vector<std::uint8_t> setup = setup_bin_bytes(o, g, checked);
    // Judged by the generations named with --firmware, else by those the content is for (said
    // once); the checker then asks the same generations.
    const bool firmware_given =
        o.sub->get_option("--firmware")->count() > 0 || o.settings.from_profile.count("firmware");
    const pv::Judgement judged = pv::judge_generations(
        firmware_given ? std::optional<std::string>(o.settings.firmware) : std::nullopt, setup);
    if (judged.by_content && !judged.left_out.empty()) {
        o.settings.firmware = pv::firmware_list(judged.generations);
        checked = sb::check(setup, pv::check_options(o.settings));
        print_note(g, judged.note());
    }
    const fat::VerifyOptions generations = judged.generations;
    const bool refused = !checked.ok() && !o.settings.force;
    // One line per kind of finding, with its records (every record with --verbose; --json
    // carries every problem).
    for (const auto& grp : sb::group_problems(checked.problems)) {
        const sb::Severity severity = grp.first.severity;
        if (severity == sb::Severity::info && !g.verbose) continue;
        if (severity == sb::Severity::error && refused)
            print_error(grp.str(g.verbose, false));
        else
            print_warning(g, grp.str(g.verbose, false));
    }
    Json doc = Json::object();
    Json sbj = Json::object();
    sbj.set("size", static_cast<std::uint64_t>(setup.size()));
    sbj.set("sha256", sb::to_hex(pv::digest("sha256", setup)));
    sbj.set("problems", problems_json(checked.problems));
    doc.set("setup_bin", sbj);
    if (refused) {
        doc.set("ok", false);
        doc.set("written", false);
        if (g.json) print_json(doc);
        print_error(
            "nothing written: the setup.bin has errors (listed above); fix them, choose "
            "--firmware, or use --force");
        return refused_exit_code(checked.problems);
    }

    const std::vector<fat::KeyFile> extras = extra_files(o);
    const fat::KeyOptions ko = key_options(o, setup);
    if (!o.image.empty()) {
        const int code = g.dry_run ? plan_one(o, g, o.image, true, setup, extras, ko, doc)
                                   : build_image(o, g, setup, extras, ko, generations, doc);
        if (g.json) print_json(doc);
        return code;
    }
    int code = exit_ok;
    Json keys = Json::array();
    if (g.dry_run) {
        for (const auto& d : o.devices) {
            Json one = Json::object();
            code = worse_exit(code, plan_one(o, g, d, false, setup, extras, ko, one));
            keys.push(std::move(one));
        }
    } else {
        // Every stick is checked, then every one confirmed, before the first is written: a
        // refusal of the third stick must not come after the first two were erased.
        const std::vector<devices::DeviceInfo> disks =
            pv::check_sticks(g.context, o.devices, o.policy, false);
        TextReporter reporter(g);
        reporter.content_said();
        // A stick still holding records no PC took needs its name typed; they are voided once
        // it is.
        const std::vector<pv::RecordsOnStick> held =
            pv::find_stored_records(disks, o.store, o.policy, reporter);
        reporter.confirm_sticks(disks, pv::StickAction::write, o.policy);
        pv::void_overwritten_records(held, o.store, "build", reporter);
        std::vector<pv::StickJob> jobs;
        for (std::size_t i = 0; i < disks.size(); ++i)
            jobs.push_back(pv::StickJob{disks[i], o.devices[i], setup, {}, {}});
        // One key: its volume id is ko's (--volume-id, or derived); several each get their own.
        if (jobs.size() == 1) jobs[0].volume_id = ko.volume_id;
        std::vector<StickLine> lines;
        for (const auto& out :
             pv::write_sticks(g.context, reporter, std::move(jobs), extras, ko, generations)) {
            const int c = exit_code(out.status);
            code = worse_exit(code, c);
            lines.push_back({out.target, out.device.value_or(devices::DeviceInfo{}), c});
            Json one = Json::object();
            add_key_outcome(one, out);
            keys.push(std::move(one));
        }
        print_sticks_summary(g, "written and verified", lines);
    }
    doc.set("keys", keys);
    if (g.json) print_json(doc);
    return code;
}

}  // namespace

Command add_build(CLI::App& app, const GlobalOptions& g) {
    auto o = std::make_shared<BuildCliOptions>();
    CLI::App* sub = app.add_subcommand(
        "build", "Lay a key out on an image file or a stick, then read it back and verify it");
    sub->fallthrough();
    o->sub = sub;
    const std::string tgroup = "Target";
    const std::string lgroup = "Layout (the strict layout unless changed)";
    sub->add_option("--image", o->image, "Write a key image file")->group(tgroup);
    sub->add_option("--size", o->size, "Size of the image file (64M, 2G, ...)")
        ->default_str("64M")
        ->group(tgroup);
    sub->add_flag("--overwrite", o->overwrite, "Replace an existing image file")->group(tgroup);
    sub->add_option("--device", o->devices, "Write a block device (repeatable)")->group(tgroup);
    sub->add_option("--setup-bin", o->setup_bin,
                    "The setup.bin to lay out (any name; written as SETUP.BIN)")
        ->group(tgroup);
    sub->add_option(
           "--fs", o->fs,
           "fat12, fat16 or fat32 (default: FAT16; FAT32 above 2 GiB; FAT12 only when asked)")
        ->check(CLI::IsMember({"fat12", "fat16", "fat32", "12", "16", "32"}))
        ->group(lgroup);
    sub->add_option("--layout", o->layout, "mbr (a partition at 1 MiB) or superfloppy")
        ->check(CLI::IsMember({"mbr", "superfloppy"}))
        ->default_str("mbr")
        ->group(lgroup);
    sub->add_option("--label", o->label, "Volume label in the boot sector (11 characters)")
        ->default_str("NO NAME")
        ->group(lgroup);
    sub->add_flag("--label-entry", o->label_entry,
                  "Also write the label as a root entry (after SETUP.BIN)")
        ->group(lgroup);
    sub->add_option("--sector-size", o->sector_size, "Logical sector size of an image file")
        ->check(CLI::IsMember({512u, 1024u, 2048u, 4096u}))
        ->default_str("512")
        ->group(lgroup);
    sub->add_option("--cluster-size", o->cluster_size,
                    "Cluster size (default: the smallest that fits)")
        ->group(lgroup);
    sub->add_option("--volume-id", o->volume_id,
                    "Volume serial number, 8 hex digits (default: derived from the file and "
                    "SOURCE_DATE_EPOCH when set, else random)")
        ->group(lgroup);
    sub->add_option("--add", o->add, "Another file to put on the key after SETUP.BIN (8.3 name)")
        ->group(lgroup);
    add_device_safety_options(*sub, o->policy);
    add_store_option(*sub, o->store);
    sub->get_option("--store")->group("Sticks");
    add_create_options(*sub, o->settings, false);
    sub->footer(
        "The setup.bin comes from --setup-bin FILE, or is made from the options of\n"
        "`ukpu setupbin create` (or a profile, --config), and must pass the firmware checker\n"
        "unless --force. Timestamps come from SOURCE_DATE_EPOCH when set: the same inputs, volume\n"
        "id and SOURCE_DATE_EPOCH give the same image byte for byte.\n"
        "Each stick gets its own volume serial number (--volume-id names one key's).\n"
        "The key is judged by the generations of --firmware (all by default): exit 1 when one\n"
        "of them cannot use the key written, saying which and why; --force and --fs change\n"
        "what is written, never that verdict. An image is made under a temporary name and\n"
        "renamed into place once it reads back identical: a failure leaves no file.\n"
        "Exit codes: 0 written and verified; 1 refused by the checker or not usable by a\n"
        "generation asked for; 2 usage;\n"
        "3 bad input; 4 refused for safety (a system disk, not USB, mounted, not confirmed,\n"
        "changed since confirmed, image exists); 5 I/O error; 130 interrupted (Ctrl-C stops\n"
        "after the current write request and says what state the stick is in).\n"
        "Devices: USB sticks (see `ukpu devices`) are written after --yes or a typed yes; any\n"
        "other disk, loop devices included, needs --allow-non-usb and its name typed (or\n"
        "--confirm NAME, once per device); system disks never.");
    return {sub, [o, &g] { return run_build(*o, g); }};
}

}  // namespace ukpu::cli
