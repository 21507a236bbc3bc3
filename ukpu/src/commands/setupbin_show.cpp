// `ukpu setupbin show FILE [--show-secrets]`: every header field, record and variable, decoded.
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>

#include "commands/commands.hpp"
#include "render/entry_view.hpp"
#include "render/problem_json.hpp"
#include "ukpu/setupbin/format.hpp"
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/values.hpp"
#include "ukpu/setupbin/version.hpp"

namespace ukpu::cli {

namespace sb = ukpu::setupbin;
namespace fmt = ukpu::setupbin::format;

namespace {

struct ShowOptions {
    std::string file;
    bool show_secrets = false;
};

std::string hex_offset(std::uint64_t off) {
    std::ostringstream s;
    s << "0x" << std::hex << off;
    return s.str();
}

std::string version_text(const sb::FileHeader& h) {
    return std::to_string(h.major) + "." + std::to_string(h.minor);
}

Json header_json(const sb::FileHeader& h) {
    Json j = Json::object();
    j.set("guid", h.guid.str());
    j.set("chunk_count", static_cast<int>(h.chunk_count));
    j.set("header_byte_count", static_cast<int>(h.header_byte_count));
    j.set("record_number", h.record_number);
    j.set("major", static_cast<int>(h.major));
    j.set("minor", static_cast<int>(h.minor));
    j.set("flags", static_cast<int>(h.flags));
    j.set("record_count", h.record_count);
    j.set("records_consumed", h.records_consumed);
    j.set("record_chunk_count", static_cast<int>(h.record_chunk_count));
    j.set("reserved", static_cast<int>(h.reserved));
    Json mods = Json::array();
    for (auto m : h.modules) mods.push(static_cast<int>(m));
    j.set("modules", mods);
    if (!h.module_area_tail.empty()) j.set("module_area_tail", sb::to_hex(h.module_area_tail));
    if (!h.extra_chunks.empty())
        j.set("extra_chunk_bytes", static_cast<std::uint64_t>(h.extra_chunks.size()));
    return j;
}

std::string flags_text(const sb::FileHeader& h) {
    std::string t = hex_offset(h.flags);
    if (h.reusable())
        t += h.major >= 2 ? " (reusable: records are not consumed)"
                          : " (bit 0 set, but a v1 file is always consumed)";
    else
        t += " (records are consumed)";
    return t;
}

std::string record_flags_text(const sb::Record& r) {
    std::string t = hex_offset(r.flags) + " (";
    t += r.valid() ? "valid" : "not valid";
    if (r.scrambled()) t += ", scrambled";
    return t + ")";
}

struct ShowReport {
    Json doc = Json::object();
    std::ostringstream text;
    sb::Problems problems;  // parse problems and values that do not decode
};

void describe_records(const sb::ParseResult& pr, const ShowOptions& o, ShowReport& rep) {
    const auto& h = pr.file.header;
    Json records = Json::array();
    std::uint64_t record_slot = std::uint64_t{h.record_chunk_count} * fmt::chunk_size;
    std::uint64_t first = std::uint64_t{h.chunk_count} * fmt::chunk_size;
    for (std::size_t i = 0; i < pr.file.records.size(); ++i) {
        const auto& r = pr.file.records[i];
        std::uint64_t roff = first + i * record_slot;
        Json rj = Json::object();
        rj.set("number", r.number);
        rj.set("type", r.type);
        rj.set("flags", r.flags);
        rj.set("valid", r.valid());
        rj.set("scrambled", r.scrambled());
        rj.set("consumed", r.consumed);
        rj.set("offset", roff);
        rj.set("chunk_count", static_cast<int>(r.chunk_count));
        rj.set("header_byte_count", static_cast<int>(r.header_byte_count));
        rep.text << "record " << r.number << " at " << hex_offset(roff) << ": type " << r.type
                 << ", flags " << record_flags_text(r) << ", chunks " << r.chunk_count
                 << ", header bytes " << r.header_byte_count
                 << (r.consumed ? ", consumed (body zeroed)" : ", not consumed") << '\n';
        Json entries = Json::array();
        std::uint64_t eoff = roff + r.header_byte_count;
        for (const auto& e : r.entries) {
            EntryView v = view_entry(e, o.show_secrets);
            Json ej = Json::object();
            ej.set("module", static_cast<int>(e.module));
            ej.set("variable", static_cast<int>(e.variable));
            ej.set("name", v.name);
            ej.set("key", v.info ? Json(std::string(v.info->key)) : Json());
            ej.set("type", v.info ? Json(sb::to_string(v.info->type)) : Json());
            ej.set("length", static_cast<std::uint64_t>(e.value.size()));
            ej.set("offset", eoff);
            ej.set("raw", v.raw);
            ej.set("value", v.value);
            if (v.value_name) ej.set("value_name", *v.value_name);
            if (e.reserved != 0) ej.set("reserved", static_cast<int>(e.reserved));
            if (v.error) ej.set("error", *v.error);
            entries.push(ej);
            rep.text << "  " << e.module << '/' << e.variable << ' ' << v.name << " (len "
                     << e.value.size() << "): " << v.text << '\n';
            if (v.error) {
                sb::Problem p;
                p.severity = sb::Severity::error;
                p.code = sb::ErrorCode::bad_value;
                p.where.record = r.number;
                p.where.offset = eoff;
                p.where.field =
                    std::to_string(e.module) + "/" + std::to_string(e.variable) + " " + v.name;
                p.message = "value does not decode as " + std::string(sb::to_string(v.info->type)) +
                            ": " + *v.error;
                rep.problems.push_back(p);
            }
            eoff += fmt::entry::header_size + fmt::padded(e.value.size());
        }
        if (!r.trailing.empty()) {
            rj.set("trailing", sb::to_hex(r.trailing));
            rep.text << "  (" << r.trailing.size()
                     << " non-zero bytes after the last entry are kept as they are)\n";
        }
        rj.set("entries", entries);
        records.push(rj);
    }
    rep.doc.set("records", records);
}

ShowReport describe(const sb::ParseResult& pr, const ShowOptions& o) {
    ShowReport rep;
    rep.problems = pr.problems;
    const auto& h = pr.file.header;
    auto family = sb::version_family_from_guid(h.guid);
    auto named = sb::version_from_numbers(h.major, h.minor);
    bool accepted = sb::guid_accepts(h.guid, h.major, h.minor);
    std::uint32_t consumed_records = 0;
    for (const auto& r : pr.file.records)
        if (r.consumed) ++consumed_records;

    rep.doc.set("file", o.file);
    rep.doc.set("file_size", pr.file_size);
    rep.doc.set("version", version_text(h));
    rep.doc.set("version_known", named.has_value());
    rep.doc.set("guid", h.guid.str());
    rep.doc.set("guid_version",
                family ? Json(std::string(sb::version_info(*family).name)) : Json());
    rep.doc.set("guid_matches_version", accepted);
    rep.doc.set("flags", static_cast<int>(h.flags));
    rep.doc.set("reusable", h.reusable());
    rep.doc.set("record_count", h.record_count);
    rep.doc.set("records_consumed", h.records_consumed);
    rep.doc.set("records_marked_consumed", consumed_records);
    rep.doc.set("header", header_json(h));

    rep.text << "file: " << o.file << " (" << pr.file_size << " bytes)\n";
    rep.text << "version: " << version_text(h);
    if (!named) rep.text << " (not a known version)";
    rep.text << "\nguid: " << h.guid.str();
    if (family)
        rep.text << " (v" << sb::version_info(*family).name << " family"
                 << (accepted ? ")" : ", does NOT match the version bytes)");
    else
        rep.text << " (not a setup.bin GUID)";
    rep.text << "\nheader: chunk count " << h.chunk_count << ", header bytes "
             << h.header_byte_count << ", record number " << h.record_number << ", reserved "
             << h.reserved << "\nflags: " << flags_text(h) << "\nrecords: " << h.record_count
             << " declared, " << h.records_consumed << " consumed (next: record "
             << h.records_consumed + 1 << "), " << h.record_chunk_count << " chunk(s) each\n";
    rep.text << "modules:";
    if (h.modules.empty()) rep.text << " (empty list)";
    for (auto m : h.modules) rep.text << ' ' << m;
    rep.text << '\n';
    describe_records(pr, o, rep);
    if (!pr.file.extra.empty()) {
        rep.doc.set("extra_bytes", static_cast<std::uint64_t>(pr.file.extra.size()));
        rep.text << pr.file.extra.size() << " bytes after the last declared record\n";
    }
    rep.doc.set("complete", pr.complete);
    return rep;
}

// Bytes that are not a setup.bin at all: no header fields decoded from them, one error line
// (every finding with --verbose; --json carries them all).
int show_foreign(const ShowOptions& o, const GlobalOptions& g, const sb::ParseResult& pr,
                 const sb::Problem& why) {
    if (g.json) {
        Json doc = Json::object();
        doc.set("file", o.file);
        doc.set("file_size", pr.file_size);
        doc.set("setup_bin", false);
        doc.set("complete", false);
        doc.set("problems", problems_json(pr.problems));
        Json err = Json::object();
        err.set("code", exit_bad_input);
        err.set("message", why.str());
        doc.set("error", err);
        print_json(doc);
    }
    const std::string where = why.where.str();
    print_error(o.file + ": not a setup.bin: " + (where.empty() ? "" : where + ": ") + why.message);
    if (g.verbose)
        for (const auto& p : pr.problems)
            if (&p != &why) print_note(g, o.file + ": " + p.str());
    return exit_bad_input;
}

int run_show(const ShowOptions& o, const GlobalOptions& g) {
    auto data = read_input_file(o.file);
    sb::ParseResult pr = sb::parse_lenient(data);
    if (const sb::Problem* why = sb::not_a_setup_bin(pr)) return show_foreign(o, g, pr, *why);
    ShowReport rep = describe(pr, o);
    rep.doc.set("problems", problems_json(rep.problems));
    bool failed = sb::has_errors(rep.problems) || !pr.complete;
    const sb::Problem* first_error = nullptr;
    for (const auto& p : rep.problems)
        if (p.severity == sb::Severity::error) {
            first_error = &p;
            break;
        }
    if (g.json) {
        if (failed) {
            Json err = Json::object();
            err.set("code", exit_bad_input);
            err.set("message", first_error ? first_error->str() : "the file is incomplete");
            rep.doc.set("error", err);
        }
        print_json(rep.doc);
    } else {
        std::cout << rep.text.str() << std::flush;
    }
    for (const auto& grp : sb::group_problems(rep.problems)) {
        const sb::Severity severity = grp.first.severity;
        if (severity == sb::Severity::error) continue;
        if (severity == sb::Severity::info && !g.verbose) continue;
        print_warning(g, o.file + ": " + grp.str(g.verbose, false));
    }
    if (failed) {
        for (const auto& p : rep.problems)
            if (p.severity == sb::Severity::error) {
                std::string where = p.where.str();
                print_error(o.file + (where.empty() ? "" : ": " + where) + ": " + p.message);
            }
        if (!first_error) print_error(o.file + ": the file could not be read completely");
        return exit_bad_input;
    }
    return exit_ok;
}

}  // namespace

Command add_setupbin_show(CLI::App& setupbin, const GlobalOptions& g) {
    auto o = std::make_shared<ShowOptions>();
    CLI::App* sub = setupbin.add_subcommand(
        "show", "Decode every header field, record and variable of a setup.bin file");
    sub->fallthrough();
    sub->add_option("FILE", o->file, "The setup.bin file")->required();
    sub->add_flag("--show-secrets", o->show_secrets,
                  "Show passwords and other secrets instead of ***");
    sub->footer(
        "Exit codes: 0 shown; 3 the file is unreadable or malformed (what could be decoded is\n"
        "still shown, then each error with its field and offset).");
    return {sub, [o, &g] { return run_show(*o, g); }};
}

}  // namespace ukpu::cli
