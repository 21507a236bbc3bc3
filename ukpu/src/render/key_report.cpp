#include "render/key_report.hpp"

#include "exit_codes.hpp"
#include "render/verify_report.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/keys/key_sync.hpp"

namespace ukpu::cli {

namespace {

Json runs_json(const std::vector<fat::ClusterRun>& runs) {
    Json a = Json::array();
    for (const auto& r : runs) {
        Json j = Json::object();
        j.set("first", r.first);
        j.set("last", r.last);
        a.push(j);
    }
    return a;
}

Json io_json(const fat::IoStats& io) {
    Json j = Json::object();
    j.set("write_calls", io.write_calls);
    j.set("bytes_written", io.bytes_written);
    j.set("flushes", io.flushes);
    return j;
}

}  // namespace

Json layout_json(const fat::KeyLayout& k) {
    Json j = Json::object();
    j.set("scheme", fat::to_string(k.scheme));
    j.set("fs", fat::to_string(k.geometry.type));
    j.set("volume_first_sector", k.volume_first_sector);
    j.set("volume_sectors", k.volume_sectors);
    j.set("sector_size", k.geometry.bytes_per_sector);
    j.set("cluster_size", k.geometry.bytes_per_cluster());
    j.set("clusters", k.geometry.cluster_count);
    j.set("partition_type", k.partition_type);
    j.set("setup_first_cluster", k.setup_first_cluster);
    j.set("setup_clusters", k.setup_clusters);
    j.set("setup_offset", k.setup_offset);
    return j;
}

Json stick_json(const devices::DeviceInfo& d) {
    Json id = Json::object();
    id.set("name", d.name);
    id.set("vendor", d.vendor);
    id.set("model", d.model);
    id.set("serial", d.serial);
    id.set("size", d.size);
    id.set("bus_path", d.bus_path);
    id.set("usb_id", d.usb_id);
    return id;
}

Json plan_json(const fat::RepairPlan& p) {
    Json j = Json::object();
    j.set("nothing_to_do", p.nothing_to_do);
    j.set("strict_conversion", p.strict_conversion);
    j.set("fs", fat::to_string(p.fat_type));
    j.set("scheme", fat::to_string(p.scheme));
    j.set("setup_path", p.setup_path);
    j.set("setup_size", p.setup_size);
    j.set("setup_runs_before", runs_json(p.setup_runs));
    j.set("target_first_cluster", p.target_first);
    j.set("target_clusters", p.target_clusters);
    j.set("cluster_size", p.cluster_bytes);
    Json moves = Json::array();
    for (const auto& m : p.moves) {
        Json mj = Json::object();
        mj.set("owner", m.owner);
        mj.set("from", runs_json(m.from));
        mj.set("to", runs_json(m.to));
        moves.push(mj);
    }
    j.set("moves", moves);
    j.set("clusters_moved", p.clusters_moved);
    j.set("bytes_to_move", p.bytes_to_move);
    j.set("sectors_to_write", p.sectors_to_write);
    j.set("deleted_slots_dropped", p.deleted_slots_dropped);
    j.set("root_entries_after", p.root_entries_after);
    j.set("files_kept", p.files_kept);
    Json steps = Json::array();
    for (const auto& s : p.steps) steps.push(s);
    j.set("steps", steps);
    Json notes = Json::array();
    for (const auto& s : p.notes) notes.push(s);
    j.set("notes", notes);
    Json cands = Json::array();
    for (const auto& c : p.candidates) {
        Json cj = Json::object();
        cj.set("path", c.path);
        cj.set("size", c.size);
        cj.set("named", c.named);
        cj.set("header_ok", c.header_ok);
        cands.push(cj);
    }
    j.set("candidates", cands);
    return j;
}

void add_failure(Json& doc, const std::string& target, int code, const std::string& message) {
    Json err = Json::object();
    err.set("exit_code", code);
    err.set("message", message);
    doc.set("target", target);
    doc.set("ok", false);
    doc.set("error", err);
}

void add_key_outcome(Json& doc, const provision::KeyOutcome& out) {
    doc.set("target", out.target);
    if (out.device) doc.set("device", stick_json(*out.device));
    if (out.key) {
        doc.set("layout", layout_json(out.key->layout));
        doc.set("io", io_json(out.key->io));
        doc.set("written", true);
        doc.set("read_back_identical", out.key->read_back_identical);
        doc.set("verify", verify_json(out.key->verify));
        Json unusable = Json::array();
        for (const auto& u : out.key->unusable) unusable.push(Json(u));
        doc.set("unusable", unusable);
        doc.set("ok", out.key->usable());
    }
    if (out.volume_id) doc.set("volume_id", keys::volume_id_text(*out.volume_id));
    if (out.status != provision::Status::ok && out.status != provision::Status::problems)
        add_failure(doc, out.target, exit_code(out.status), out.message);
}

void add_repair_outcome(Json& doc, const provision::RepairOutcome& out) {
    if (out.device) doc.set("device", stick_json(*out.device));
    doc.set("target", out.target);
    doc.set("journal_dir", out.journal_dir.string());
    if (out.repaired) {
        Json rec = Json::object();
        rec.set("action", fat::to_string(out.recovery.action));
        rec.set("journal", out.recovery.path.string());
        rec.set("sectors_written", out.recovery.sectors_written);
        doc.set("recovery", rec);
        if (out.roll_back) {
            doc.set("written", out.written);
        } else {
            if (out.plan) doc.set("plan", plan_json(*out.plan));
            doc.set("written", out.written);
            doc.set("io", io_json(out.io));
            if (out.verify) doc.set("verify", verify_json(*out.verify));
            doc.set("ok", out.found);
        }
    }
    if (out.status != provision::Status::ok && out.status != provision::Status::problems)
        add_failure(doc, out.target, exit_code(out.status), out.message);
}

void print_sticks_summary(const GlobalOptions& g, const std::string& done,
                          const std::vector<StickLine>& sticks) {
    if (sticks.size() < 2) return;
    std::size_t good = 0;
    std::string failed;
    for (const auto& s : sticks) {
        if (s.code == exit_ok) {
            ++good;
            continue;
        }
        std::string who = s.target;
        who += " (serial " + (s.disk.serial.empty() ? std::string("unknown") : s.disk.serial);
        if (!s.disk.bus_path.empty()) who += ", USB port " + s.disk.bus_path;
        who += ")";
        failed += (failed.empty() ? "" : "; ") + who + ": exit " + std::to_string(s.code);
    }
    const std::string line =
        std::to_string(good) + " of " + base::counted(sticks.size(), "stick") + " " + done;
    if (failed.empty())
        print_note(g, line);
    else
        print_warning(g, line + "; not: " + failed);
}

}  // namespace ukpu::cli
