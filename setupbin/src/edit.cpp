// Editing a parsed setup.bin in its model: entries set, added or removed where `build` would
// place them, file and record flags switched, the consumed counter reset. Nothing else of the
// file is touched, so writing the result keeps every field and entry not edited as it was.
#include "ukpu/setupbin/edit.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include "hex_text.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/setupbin/catalog.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/format.hpp"
#include "ukpu/setupbin/values.hpp"

namespace ukpu::setupbin {

namespace {

namespace fh = format::header;

constexpr std::uint16_t cert_module = 2;
constexpr std::uint16_t cert_variable = 8;

[[noreturn]] void fail(const std::string& message, Location where = {}) {
    throw Error(ErrorCode::bad_argument, message, std::move(where));
}

bool is_cert(std::uint16_t module, std::uint16_t variable) {
    return module == cert_module && variable == cert_variable;
}

// "2/11 Hostname", or "2/9" for a variable the catalog does not know.
std::string variable_text(std::uint16_t module, std::uint16_t variable) {
    std::string t = std::to_string(module) + "/" + std::to_string(variable);
    if (const auto* info = find_variable(module, variable)) t += " " + std::string(info->name);
    return t;
}

// Entries sort by (module, variable), as `build` sorts them.
bool sorts_after(const Entry& e, std::uint16_t module, std::uint16_t variable) {
    return e.module != module ? e.module > module : e.variable > variable;
}

std::string version_text(const FileHeader& h) {
    return std::to_string(h.major) + "." + std::to_string(h.minor);
}

std::string modules_text(const std::vector<std::uint16_t>& modules) {
    return modules.empty() ? std::string("(empty)") : message_text::join_ids(modules);
}

std::vector<std::uint16_t> modules_used(const std::vector<Record>& records) {
    std::set<std::uint16_t> used;
    for (const auto& rec : records) {
        if (rec.consumed) continue;
        for (const auto& e : rec.entries)
            if (e.module != 0) used.insert(e.module);
    }
    return {used.begin(), used.end()};
}

// Applies the entry edits to one record, saying each difference in `changes` and marking in
// `matched` each unset or removal that found an entry.
class RecordEditor {
public:
    RecordEditor(Record& rec, std::uint32_t number, std::vector<Change>& changes)
        : rec_(rec), number_(number), changes_(changes) {}

    bool apply(const EntryEdit& edit) {
        switch (edit.kind) {
            case EntryEdit::Kind::set:
                if (is_cert(edit.module, edit.variable)) {
                    add_cert(edit.value);
                    return true;
                }
                set(edit.module, edit.variable, edit.value);
                return true;
            case EntryEdit::Kind::unset:
                return remove_if([&](const Entry& e) {
                    return e.module == edit.module && e.variable == edit.variable;
                });
            case EntryEdit::Kind::add_cert_hash:
                add_cert(edit.value);
                return true;
            case EntryEdit::Kind::remove_cert_hash:
                return remove_cert(edit.match);
        }
        return false;
    }

private:
    Record& rec_;
    std::uint32_t number_;
    std::vector<Change>& changes_;

    void say(std::uint16_t module, std::uint16_t variable,
             std::optional<std::vector<std::uint8_t>> before,
             std::optional<std::vector<std::uint8_t>> after) {
        Change c;
        c.record = number_;
        c.module = module;
        c.variable = variable;
        c.before = std::move(before);
        c.after = std::move(after);
        changes_.push_back(std::move(c));
    }

    // Gives `it` the value `value` where it stands.
    void replace(std::vector<Entry>::iterator it, const std::vector<std::uint8_t>& value) {
        if (it->value == value) return;
        say(it->module, it->variable, it->value, value);
        it->value = value;
    }

    void insert(std::vector<Entry>::iterator at, std::uint16_t module, std::uint16_t variable,
                const std::vector<std::uint8_t>& value) {
        Entry e;
        e.module = module;
        e.variable = variable;
        e.value = value;
        rec_.entries.insert(at, std::move(e));
        say(module, variable, std::nullopt, value);
    }

    // Where `build` puts a new M:V: before the first entry that sorts after it.
    std::vector<Entry>::iterator sorted_place(std::uint16_t module, std::uint16_t variable) {
        return std::find_if(rec_.entries.begin(), rec_.entries.end(),
                            [&](const Entry& e) { return sorts_after(e, module, variable); });
    }

    void set(std::uint16_t module, std::uint16_t variable, const std::vector<std::uint8_t>& value) {
        auto same = [&](const Entry& e) { return e.module == module && e.variable == variable; };
        auto first = std::find_if(rec_.entries.begin(), rec_.entries.end(), same);
        if (first == rec_.entries.end()) {
            insert(sorted_place(module, variable), module, variable, value);
            return;
        }
        replace(first, value);
        const auto keep = static_cast<std::size_t>(first - rec_.entries.begin());
        for (std::size_t i = rec_.entries.size(); i-- > keep + 1;)
            if (same(rec_.entries[i])) {
                say(module, variable, rec_.entries[i].value, std::nullopt);
                rec_.entries.erase(rec_.entries.begin() + static_cast<std::ptrdiff_t>(i));
            }
    }

    template <typename Pred>
    bool remove_if(Pred pred) {
        bool removed = false;
        for (std::size_t i = 0; i < rec_.entries.size();) {
            if (!pred(rec_.entries[i])) {
                ++i;
                continue;
            }
            const Entry& e = rec_.entries[i];
            say(e.module, e.variable, e.value, std::nullopt);
            rec_.entries.erase(rec_.entries.begin() + static_cast<std::ptrdiff_t>(i));
            removed = true;
        }
        return removed;
    }

    static std::optional<CertHash> cert_of(const std::vector<std::uint8_t>& value) {
        try {
            return decode_cert_hash(value);
        } catch (const Error&) {
            return std::nullopt;
        }
    }

    void add_cert(const std::vector<std::uint8_t>& value) {
        const auto wanted = cert_of(value);
        auto last = rec_.entries.end();
        for (auto it = rec_.entries.begin(); it != rec_.entries.end(); ++it) {
            if (!is_cert(it->module, it->variable)) continue;
            last = it;
            const auto have = cert_of(it->value);
            if (wanted && have && have->algorithm == wanted->algorithm &&
                have->hash == wanted->hash) {
                replace(it, value);
                return;
            }
        }
        const auto at =
            last != rec_.entries.end() ? std::next(last) : sorted_place(cert_module, cert_variable);
        insert(at, cert_module, cert_variable, value);
    }

    bool remove_cert(const std::string& match) {
        std::optional<std::vector<std::uint8_t>> hash;
        try {
            hash = from_hex(match);
        } catch (const Error&) {
        }
        return remove_if([&](const Entry& e) {
            if (!is_cert(e.module, e.variable)) return false;
            const auto c = cert_of(e.value);
            return c && ((hash && !hash->empty() && c->hash == *hash) || c->name == match);
        });
    }
};

// The records `plan` edits, as indexes; throws for a record the file does not have or one that
// is consumed.
std::vector<std::size_t> edited_records(const SetupBin& file, const EditPlan& plan) {
    std::vector<std::size_t> out;
    if (plan.records.empty()) {
        for (std::size_t i = 0; i < file.records.size(); ++i)
            if (!file.records[i].consumed) out.push_back(i);
        return out;
    }
    for (const std::uint32_t n : plan.records) {
        if (n == 0 || n > file.records.size())
            fail("record " + std::to_string(n) + " is not in the file, which has " +
                     base::counted(file.records.size(), "record"),
                 Location{.field = "record"});
        if (file.records[n - 1].consumed)
            fail("record " + std::to_string(n) +
                     " is consumed (the BIOS zeroed its body); there is nothing left to edit",
                 Location{.record = n});
        out.push_back(n - 1);
    }
    return out;
}

std::string flags_text(std::uint32_t flags) {
    return message_text::hex(flags);
}

}  // namespace

EntryEdit set_entry(std::uint16_t module, std::uint16_t variable, std::vector<std::uint8_t> value) {
    EntryEdit e;
    e.kind = is_cert(module, variable) ? EntryEdit::Kind::add_cert_hash : EntryEdit::Kind::set;
    e.module = module;
    e.variable = variable;
    e.value = std::move(value);
    return e;
}

EntryEdit unset_entry(std::uint16_t module, std::uint16_t variable) {
    EntryEdit e;
    e.kind = EntryEdit::Kind::unset;
    e.module = module;
    e.variable = variable;
    return e;
}

EditResult apply_edits(const SetupBin& file, const EditPlan& plan) {
    EditResult result;
    result.file = file;
    SetupBin& out = result.file;
    FileHeader& h = out.header;
    std::vector<Change> header_changes;
    auto say_header = [&](std::string field, std::string before, std::string after) {
        Change c;
        c.field = std::move(field);
        c.before_text = std::move(before);
        c.after_text = std::move(after);
        header_changes.push_back(std::move(c));
    };

    const std::vector<std::size_t> edited = edited_records(file, plan);
    const bool record_edits = !plan.entries.empty() || plan.scramble.has_value();
    if (record_edits && edited.empty())
        fail(file.records.empty() ? std::string("the file has no record to edit")
                                  : "every record of the file is consumed (the BIOS zeroed its "
                                    "body); there is nothing left to edit",
             Location{.offset = fh::records_consumed, .field = "DataRecordsConsumed"});
    if (edited.size() > 1)
        for (const auto& e : plan.entries)
            if (e.kind == EntryEdit::Kind::set && e.module == 2 &&
                (e.variable == 1 || e.variable == 2))
                fail("the file has " + std::to_string(edited.size()) +
                         " records and each holds its own PID/PPS pair; set it in one record "
                         "at a time",
                     Location{.field = variable_text(e.module, e.variable)});
    if (plan.reset_consumed)
        for (std::size_t i = 0; i < file.records.size(); ++i)
            if (file.records[i].consumed)
                fail("record " + std::to_string(i + 1) +
                         " was consumed: the BIOS zeroed its body, so its settings are gone and "
                         "the counter cannot be reset; make the file again",
                     Location{.record = static_cast<std::uint32_t>(i + 1)});

    if (plan.version) {
        const VersionInfo& v = version_info(*plan.version);
        if (h.guid != v.guid || h.major != v.major || h.minor != v.minor) {
            const std::string before = version_text(h);
            h.guid = v.guid;
            h.major = v.major;
            h.minor = v.minor;
            say_header("version", before, version_text(h));
        }
    }
    if (plan.reusable) {
        const std::uint16_t flags =
            *plan.reusable ? static_cast<std::uint16_t>(h.flags | format::flag_dont_consume)
                           : static_cast<std::uint16_t>(h.flags & ~format::flag_dont_consume);
        if (flags != h.flags) {
            say_header("FileFlags", flags_text(h.flags), flags_text(flags));
            h.flags = flags;
        }
    }
    if (plan.reset_consumed && h.records_consumed != 0) {
        say_header("DataRecordsConsumed", std::to_string(h.records_consumed), "0");
        h.records_consumed = 0;
    }

    std::vector<Change> record_changes;
    std::vector<bool> matched(plan.entries.size(), false);
    for (const std::size_t i : edited) {
        Record& rec = out.records[i];
        const auto number = static_cast<std::uint32_t>(i + 1);
        std::uint32_t flags = rec.flags;
        if (plan.scramble)
            flags = *plan.scramble ? flags | format::record_flag_scrambled
                                   : flags & ~format::record_flag_scrambled;
        if (flags != rec.flags) {
            Change c;
            c.record = number;
            c.field = "RecordFlags";
            c.before_text = flags_text(rec.flags);
            c.after_text = flags_text(flags);
            record_changes.push_back(std::move(c));
            rec.flags = flags;
        }
        RecordEditor editor(rec, number, record_changes);
        for (std::size_t k = 0; k < plan.entries.size(); ++k)
            if (editor.apply(plan.entries[k])) matched[k] = true;
    }
    if (plan.reset_consumed)
        for (std::size_t i = 0; i < out.records.size(); ++i) {
            Record& rec = out.records[i];
            if (rec.valid()) continue;
            Change c;
            c.record = static_cast<std::uint32_t>(i + 1);
            c.field = "RecordFlags";
            c.before_text = flags_text(rec.flags);
            rec.flags |= format::record_flag_valid;
            c.after_text = flags_text(rec.flags);
            record_changes.push_back(std::move(c));
        }
    std::stable_sort(record_changes.begin(), record_changes.end(),
                     [](const Change& a, const Change& b) { return *a.record < *b.record; });
    for (std::size_t k = 0; k < plan.entries.size(); ++k)
        if (!matched[k]) result.unmatched.push_back(plan.entries[k]);

    // The module list follows the modules the records use only when those change: a list that
    // was wrong before (MeshCommander's empty one) is kept as it is otherwise.
    const auto used_before = modules_used(file.records);
    const auto used_after = modules_used(out.records);
    if (used_before != used_after && h.modules != used_after) {
        say_header("ModuleList", modules_text(h.modules), modules_text(used_after));
        if (used_after.size() > fh::module_list_slots)
            fail("the records use " + std::to_string(used_after.size()) +
                     " distinct modules but the module list holds at most " +
                     std::to_string(fh::module_list_slots),
                 Location{.offset = fh::module_list, .field = "ModuleList"});
        h.modules = used_after;
        h.module_area_tail.clear();
        h.header_byte_count =
            static_cast<std::uint16_t>(fh::fixed_bytes + 2 * (h.modules.size() + 1));
    }

    result.changes = std::move(header_changes);
    result.changes.insert(result.changes.end(), record_changes.begin(), record_changes.end());
    return result;
}

VariableRef parse_variable_ref(std::string_view text) {
    const std::string quoted = "'" + std::string(text) + "'";
    const auto sep = text.find_first_of(":/");
    if (sep == std::string_view::npos) {
        const auto* info = find_variable(text);
        if (!info)
            fail(quoted +
                 " is not MODULE:VARIABLE nor the name of a variable (hostname, dhcp, ...)");
        return {info->module, info->variable};
    }
    auto number = [&](std::string_view part) -> std::uint16_t {
        std::uint32_t v = 0;
        const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
        if (part.empty() || ec != std::errc() || end != part.data() + part.size() || v == 0 ||
            v > 0xFFFF)
            fail(quoted + " is not MODULE:VARIABLE with numbers from 1 to 65535");
        return static_cast<std::uint16_t>(v);
    };
    return {number(text.substr(0, sep)), number(text.substr(sep + 1))};
}

}  // namespace ukpu::setupbin
