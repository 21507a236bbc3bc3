// `ukpu devices [--all]`: the USB sticks ukpu can write, with what identifies them (model, size,
// serial, bus path, mounts); with --all every other disk and the reason it is hidden.
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "commands/commands.hpp"
#include "exit_codes.hpp"
#include "ukpu/devices/discovery.hpp"
#include "ukpu/devices/error.hpp"

namespace ukpu::cli {

namespace dv = ukpu::devices;

namespace {

Json text_or_null(const std::string& s) {
    return s.empty() ? Json() : Json(s);
}

Json device_json(const dv::DeviceInfo& d) {
    Json j = Json::object();
    j.set("path", d.path);
    j.set("usb", d.usb);
    j.set("removable", d.removable);
    j.set("size", d.size);
    j.set("logical_sector_size", d.logical_sector_size);
    j.set("vendor", text_or_null(d.vendor));
    j.set("model", text_or_null(d.model));
    j.set("serial", text_or_null(d.serial));
    j.set("bus_path", text_or_null(d.bus_path));
    j.set("usb_id", text_or_null(d.usb_id));
    Json mounts = Json::array();
    for (const auto& m : d.mounts) mounts.push(m.mount_point);
    j.set("mounts", mounts);
    j.set("system", d.system);
    j.set("writable", d.writable);
    j.set("hidden_reason", text_or_null(d.hidden_reason));
    j.set("name", d.name);
    j.set("transport", dv::to_string(d.transport));
    j.set("read_only", d.read_only);
    j.set("speed", text_or_null(d.speed));
    Json notes = Json::array();
    for (const auto& n : d.notes) notes.push(n);
    j.set("notes", notes);
    return j;
}

void print_device(std::ostream& out, const dv::DeviceInfo& d) {
    out << d.path << ": " << d.identity();
    if (!d.speed.empty()) out << ", " << d.speed;
    out << '\n';
    if (!d.mounts.empty()) {
        out << "    mounted:";
        for (std::size_t i = 0; i < d.mounts.size(); ++i)
            out << (i ? ", " : " ") << d.mounts[i].mount_point << " (" << d.mounts[i].device << ")";
        if (d.writable) out << "; build and repair need --unmount";
        out << '\n';
    }
    if (!d.writable) out << "    hidden: " << d.hidden_reason << '\n';
    for (const auto& n : d.notes) out << "    note: " << n << '\n';
}

int run_devices(bool all, const GlobalOptions& g) {
    dv::Discovery found;
    try {
        found = dv::discover_machine(g.context.machine);
    } catch (const dv::Error& e) {
        throw CliError(exit_code(e), e.location(), e.message());
    }
    std::size_t shown = 0, hidden = 0;
    if (g.json) {
        Json list = Json::array();
        for (const auto& d : found.devices) {
            if (!d.writable && !all) continue;
            list.push(device_json(d));
        }
        Json bus = Json::object();
        bus.set("libusb", found.usb.consulted);
        bus.set("devices", static_cast<std::uint64_t>(found.usb.devices.size()));
        bus.set("note", text_or_null(found.usb.note));
        Json doc = Json::object();
        doc.set("devices", list);
        doc.set("usb_bus", bus);
        print_json(doc);
        return exit_ok;
    }
    for (const auto& d : found.devices) {
        if (!d.writable) continue;
        print_device(std::cout, d);
        ++shown;
    }
    if (shown == 0) std::cout << "No USB stick that ukpu can write was found.\n";
    for (const auto& d : found.devices) {
        if (d.writable) continue;
        ++hidden;
        if (!all) continue;
        if (hidden == 1) std::cout << "\nHidden:\n";
        print_device(std::cout, d);
    }
    if (!all && hidden)
        print_note(g, std::to_string(hidden) +
                          (hidden == 1 ? " other disk is" : " other disks are") +
                          " hidden; `ukpu devices --all` lists them with the reason");
    if (!found.usb.consulted && g.verbose) print_note(g, "USB bus: " + found.usb.note);
    return exit_ok;
}

}  // namespace

Command add_devices(CLI::App& app, const GlobalOptions& g) {
    auto all = std::make_shared<bool>(false);
    CLI::App* sub = app.add_subcommand(
        "devices", "List the USB sticks that can be written, and why other disks are hidden");
    sub->fallthrough();
    sub->add_flag("--all", *all, "Also list every other disk, with the reason it is hidden");
    sub->footer(
        "Only USB mass storage is written by default. A disk is hidden when it holds a mounted\n"
        "/, /boot, EFI, /usr, /var, /home, live media or swap (traced through partitions,\n"
        "device-mapper and md), has no medium, is read-only, or is not on USB.\n"
        "Exit codes: 0 listed; 3 a malformed mount table; 5 sysfs or the mount table unreadable.");
    return {sub, [all, &g] { return run_devices(*all, g); }};
}

}  // namespace ukpu::cli
