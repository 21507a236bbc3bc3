#include "ukpu/provision/setupbin_edit.hpp"

#include <map>
#include <utility>

#include "ukpu/provision/error.hpp"
#include "ukpu/provision/reporter.hpp"
#include "ukpu/setupbin/catalog.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/version.hpp"
#include "ukpu/setupbin/write.hpp"

namespace ukpu::provision {

namespace sb = ukpu::setupbin;

namespace {

// The file to edit, parsed; bytes that are no setup.bin or a malformed one are bad input, named
// with the offset of the first error.
sb::SetupBin parse_for_edit(std::span<const std::uint8_t> data, const std::string& name) {
    const sb::ParseResult parsed = sb::parse_lenient(data);
    if (const sb::Problem* foreign = sb::not_a_setup_bin(parsed)) {
        const std::string where = foreign->where.str();
        throw Error(Status::bad_input, name,
                    "not a setup.bin: " + (where.empty() ? "" : where + ": ") + foreign->message);
    }
    for (const auto& p : parsed.problems)
        if (p.severity == sb::Severity::error) {
            const std::string where = p.where.str();
            throw Error(Status::bad_input, name,
                        "malformed setup.bin: " + (where.empty() ? "" : where + ": ") + p.message +
                            "; nothing was written");
        }
    if (!parsed.complete)
        throw Error(Status::bad_input, name, "the file could not be read completely");
    return parsed.file;
}

// What is said of a removal that found nothing, in the words it was asked with.
std::string unmatched_text(
    const sb::EntryEdit& e,
    const std::map<std::pair<std::uint16_t, std::uint16_t>, std::string>& unset_given) {
    if (e.kind == sb::EntryEdit::Kind::remove_cert_hash)
        return "--remove-cert-hash " + e.match +
               ": no certificate hash (2/8) of an edited record has that hash or name";
    const auto given = unset_given.find({e.module, e.variable});
    const auto* info = sb::find_variable(e.module, e.variable);
    return "--unset " +
           (given != unset_given.end()
                ? given->second
                : std::to_string(e.module) + ":" + std::to_string(e.variable)) +
           ": no edited record holds " + std::to_string(e.module) + "/" +
           std::to_string(e.variable) + (info ? " " + std::string(info->name) : std::string());
}

}  // namespace

SetupBinEditOutcome edit_setup_bin(std::span<const std::uint8_t> original, const std::string& name,
                                   const SetupBinEdit& edit, Reporter& reporter) {
    const sb::SetupBin file = parse_for_edit(original, name);
    SetupBinEditOutcome out;
    sb::EditPlan plan;
    // The settings as `create` encodes them (catalog options, secrets, certificate hashes, raw
    // entries, in that order): each one set, a certificate hash added.
    for (auto& e : setting_entries(edit.settings, reporter, out.warnings))
        plan.entries.push_back(sb::set_entry(e.module, e.variable, std::move(e.value)));
    // Each --unset as given ("dhcp", "2:13"), by module and variable, for what is said of it.
    std::map<std::pair<std::uint16_t, std::uint16_t>, std::string> unset_given;
    for (const auto& text : edit.unset) {
        sb::VariableRef ref;
        try {
            ref = sb::parse_variable_ref(text);
        } catch (const sb::Error& e) {
            throw Error(Status::bad_argument, "--unset", e.message());
        }
        plan.entries.push_back(sb::unset_entry(ref.module, ref.variable));
        unset_given.emplace(std::make_pair(ref.module, ref.variable), text);
    }
    for (const auto& match : edit.remove_cert_hashes) {
        sb::EntryEdit e;
        e.kind = sb::EntryEdit::Kind::remove_cert_hash;
        e.module = 2;
        e.variable = 8;
        e.match = match;
        plan.entries.push_back(std::move(e));
    }
    if (edit.set_version) {
        try {
            plan.version = sb::parse_version(edit.settings.version);
        } catch (const sb::Error& e) {
            throw Error(Status::bad_argument, "--version", e.message());
        }
    }
    plan.scramble = edit.scramble;
    plan.reusable = edit.reusable;
    plan.reset_consumed = edit.reset_consumed;
    plan.records = edit.records;

    sb::EditResult edited = sb::apply_edits(file, plan);
    try {
        out.bytes = sb::serialize(edited.file);
    } catch (const sb::Error& e) {
        throw Error(Status::bad_argument, e.where().str(), e.message());
    }
    out.changes = std::move(edited.changes);
    for (const auto& u : edited.unmatched) {
        out.warnings.push_back(unmatched_text(u, unset_given));
        reporter.warning(out.warnings.back());
    }
    // Judged as `check` and `build` judge: by the generations named, else by those the edited
    // content is for.
    out.judged = judge_generations(edit.firmware, out.bytes);
    sb::CheckOptions co;
    co.firmware = check_generations(out.judged.generations);
    out.checked = sb::check(out.bytes, co);
    return out;
}

}  // namespace ukpu::provision
