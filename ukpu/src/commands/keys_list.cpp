// `ukpu keys list [--batch ID] [--show-secrets]`: the batches of the store, or one batch's key
// files and records. PPS and passwords are shown as *** unless --show-secrets.
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "commands/keys_command.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/devices/discovery.hpp"
#include "ukpu/keys/key_sync.hpp"
#include "ukpu/setupbin/pidpps.hpp"

namespace ukpu::cli {

namespace {

constexpr const char* masked = "***";

struct ListOptions {
    std::string store;
    std::int64_t batch = 0;
    bool show_secrets = false;
};

Json file_json(const keys::KeyFileInfo& f) {
    Json j = Json::object();
    j.set("id", f.id);
    j.set("index", f.file_index);
    j.set("target", f.target);
    j.set("sha256", f.sha256);
    j.set("first_record", f.first_record);
    j.set("last_record", f.last_record);
    if (f.device) {
        Json d = Json::object();
        d.set("serial", f.device->serial);
        d.set("vendor", f.device->vendor);
        d.set("model", f.device->model);
        d.set("size", f.device->size);
        d.set("bus_path", f.device->bus_path);
        j.set("device", d);
    } else {
        j.set("device", Json());
    }
    j.set("volume_id", f.volume_id ? Json(keys::volume_id_text(*f.volume_id)) : Json());
    j.set("state", keys::to_string(f.state));
    j.set("label", f.label.empty() ? Json() : Json(f.label));
    j.set("replaces", f.replaces ? Json(*f.replaces) : Json());
    return j;
}

Json batch_json(const keys::BatchInfo& b) {
    Json j = Json::object();
    j.set("id", b.id);
    j.set("created_at", b.created_at);
    j.set("ukpu_version", b.ukpu_version);
    j.set("version", b.file_version);
    j.set("records", b.record_count);
    j.set("state", keys::batch_state(b));
    Json states = Json::object();
    states.set("generated", b.generated);
    states.set("on-key", b.on_key);
    states.set("consumed", b.consumed);
    states.set("exported", b.exported);
    j.set("states", states);
    j.set("voided", b.voided);
    j.set("on_no_key", b.unplaced);
    Json files = Json::array();
    for (const auto& f : b.files) files.push(file_json(f));
    j.set("files", files);
    return j;
}

std::string secret(const std::string& value, bool show) {
    return show ? value : masked;
}

int run_list(const ListOptions& o, const GlobalOptions& g) {
    {
        auto store = open_store(o.store);
        if (o.batch == 0) {
            const auto batches = store->batches();
            if (g.json) {
                Json doc = Json::object();
                doc.set("store", store->where());
                Json arr = Json::array();
                for (const auto& b : batches) arr.push(batch_json(b));
                doc.set("batches", arr);
                print_json(doc);
                return exit_ok;
            }
            std::printf("%-6s %-20s %-7s %8s %8s %8s %8s %8s %6s  %s\n", "BATCH", "CREATED",
                        "VERSION", "RECORDS", "ON-KEY", "CONSUMED", "EXPORTED", "VOIDED", "FILES",
                        "STATE");
            std::size_t not_written = 0;
            for (const auto& b : batches) {
                const std::string state = keys::batch_state(b);
                if (state != "written" && state != "on no key") ++not_written;
                std::printf("%-6lld %-20s %-7s %8u %8u %8u %8u %8u %6zu  %s\n",
                            static_cast<long long>(b.id), b.created_at.c_str(),
                            b.file_version.empty() ? "-" : b.file_version.c_str(), b.record_count,
                            b.on_key, b.consumed, b.exported, b.voided, b.files.size(),
                            state.c_str());
            }
            if (not_written > 0)
                print_note(g, base::counted(not_written, "batch", "batches") +
                                  " not written in full: the records of a failed (or "
                                  "pending) key file are on no key and never exported; keys list "
                                  "--batch ID shows which");
            print_note(g,
                       base::counted(batches.size(), "batch", "batches") + " in " + store->where());
            return exit_ok;
        }
        const keys::BatchInfo b = store->batch(o.batch);
        const auto records = store->records(o.batch);
        if (g.json) {
            Json doc = batch_json(b);
            Json arr = Json::array();
            for (const auto& r : records) {
                Json j = Json::object();
                j.set("id", r.id);
                j.set("key_file_id", r.key_file_id);
                j.set("key_file_index", r.file_index);
                j.set("record_number", r.record_number);
                j.set("pid", r.pid);
                j.set("pps", secret(r.pps, o.show_secrets));
                j.set("current_password", secret(r.current_password, o.show_secrets));
                j.set("new_password", secret(r.new_password, o.show_secrets));
                j.set("state", keys::to_string(r.state));
                j.set("void_reason", r.voided() ? Json(r.void_reason) : Json());
                j.set("voided_at", r.voided() ? Json(r.voided_at) : Json());
                j.set("updated_at", r.updated_at);
                arr.push(j);
            }
            doc.set("record_list", arr);
            print_json(doc);
            return exit_ok;
        }
        std::printf("batch %lld, created %s, version %s, %u records, %s%s%s\n",
                    static_cast<long long>(b.id), b.created_at.c_str(),
                    b.file_version.empty() ? "-" : b.file_version.c_str(), b.record_count,
                    keys::batch_state(b).c_str(),
                    b.voided ? (", " + std::to_string(b.voided) + " voided").c_str() : "",
                    b.unplaced && !b.files.empty()
                        ? (", " + std::to_string(b.unplaced) + " on no key").c_str()
                        : "");
        for (const auto& f : b.files) {
            std::string where = f.target;
            if (f.device) {
                // Only what the stick told: no empty serial, model or port.
                const auto& d = *f.device;
                std::string model = d.vendor;
                if (!d.model.empty()) model += (model.empty() ? "" : " ") + d.model;
                where = "stick " + (d.serial.empty() ? "without serial" : "serial " + d.serial) +
                        " (" + (model.empty() ? "" : model + ", ") + devices::size_text(d.size) +
                        ", was " + f.target +
                        (d.bus_path.empty() ? std::string() : " at USB " + d.bus_path) + ")";
            }
            std::string state = keys::to_string(f.state);
            if (f.state == keys::KeyFileState::failed)
                state = "FAILED: never written, its records are on no key and never exported";
            else if (f.state == keys::KeyFileState::pending)
                state = "PENDING: not written (a run that stopped); never exported";
            std::printf(
                "key file %lld (#%u): %s records %u-%u sha256 %s%s%s%s, %s\n",
                static_cast<long long>(f.id), f.file_index, where.c_str(), f.first_record,
                f.last_record, f.sha256.c_str(),
                f.volume_id ? (" volume id " + keys::volume_id_text(*f.volume_id)).c_str() : "",
                f.label.empty() ? "" : (" label " + f.label).c_str(),
                f.replaces ? (" (replaces key file " + std::to_string(*f.replaces) + ")").c_str()
                           : "",
                state.c_str());
        }
        std::printf("%-8s %-5s %-6s %-9s %-39s %-9s\n", "ID", "FILE", "RECORD", "PID", "PPS",
                    "STATE");
        for (const auto& r : records) {
            const std::string pps =
                o.show_secrets ? setupbin::format_pps(r.pps) : std::string(masked);
            std::printf("%-8lld %-5u %-6u %-9s %-39s %-9s", static_cast<long long>(r.id),
                        r.file_index, r.record_number, setupbin::format_pid(r.pid).c_str(),
                        pps.c_str(), keys::to_string(r.state));
            if (r.voided()) std::printf(" VOIDED (%s)", r.void_reason.c_str());
            if (o.show_secrets)
                std::printf(" current=%s new=%s", r.current_password.c_str(),
                            r.new_password.c_str());
            std::printf("\n");
        }
        return exit_ok;
    }
}

}  // namespace

Command add_keys_list(CLI::App& keys, const GlobalOptions& g) {
    auto o = std::make_shared<ListOptions>();
    CLI::App* sub = keys.add_subcommand("list", "The batches of the key store, or one batch");
    sub->fallthrough();
    add_store_option(*sub, o->store);
    sub->add_option("--batch", o->batch, "One batch: its key files and records")
        ->check(CLI::PositiveNumber);
    sub->add_flag("--show-secrets", o->show_secrets, "Show PPS and passwords (masked as ***)");
    sub->footer(
        "The store must exist: listing never creates one (only keys generate does).\n"
        "Exit codes: 0 listed; 3 no such batch, no key store at that path (nothing is\n"
        "created), or not a ukpu key store; 4 a newer key store schema; 5 I/O error.");
    return {sub, [o, &g] { return run_list(*o, g); }};
}

}  // namespace ukpu::cli
