// Editing an existing setup.bin: change, add or remove entries, switch scrambling, the reusable
// flag or the format version, reset the consumed counter, and keep every other field and entry
// as it is. An entry added goes where `build` would have put it (entries sorted by module and
// variable, several 2/8 entries in the order given), so that editing a canonical file gives the
// file `build` makes from the same settings plus the edit.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ukpu/setupbin/model.hpp"
#include "ukpu/setupbin/version.hpp"

namespace ukpu::setupbin {

struct EntryEdit {
    enum class Kind {
        // Each edited record holds M:V once, with `value`: the first M:V entry is given the new
        // value where it stands (any further M:V entries go), or one is inserted before the
        // first entry that sorts after it. A 2/8 value is added instead (add_cert_hash), as the
        // variable may appear several times.
        set,
        // Every M:V entry goes.
        unset,
        // A 2/8 entry with `value`: one with the same algorithm and hash takes the new value (a
        // new name) where it stands, else it is inserted after the last 2/8 entry (or where
        // `set` would insert it).
        add_cert_hash,
        // Every 2/8 entry whose hash (hex, ':' or ' ' separators allowed, any case) or name is
        // `match`.
        remove_cert_hash,
    };
    Kind kind = Kind::set;
    std::uint16_t module = 0;
    std::uint16_t variable = 0;
    std::vector<std::uint8_t> value;  // set, add_cert_hash
    std::string match;                // remove_cert_hash
};

// An EntryEdit of `kind` for M:V: set (add_cert_hash for 2/8) or unset.
EntryEdit set_entry(std::uint16_t module, std::uint16_t variable, std::vector<std::uint8_t> value);
EntryEdit unset_entry(std::uint16_t module, std::uint16_t variable);

struct EditPlan {
    std::vector<EntryEdit> entries;        // applied in this order to each edited record
    std::optional<FormatVersion> version;  // the file type GUID and Major/Minor of this version
    std::optional<bool> reusable;          // FileFlags bit 0
    std::optional<bool> scramble;          // RecordFlags bit 1 of each edited record
    bool reset_consumed = false;           // DataRecordsConsumed 0, Valid set on each record
    std::set<std::uint32_t> records;       // the records edited (1-based); empty: every one
};

// One difference between the file before and after: a header or record field (`field` set,
// its old and new value as text), or an entry (`field` empty; `before` / `after` absent when
// the entry was added / removed).
struct Change {
    std::optional<std::uint32_t> record;  // 1-based; none for the file header
    std::string field;                    // "version", "FileFlags", "DataRecordsConsumed",
                                          // "ModuleList", "RecordFlags"; empty for an entry
    std::string before_text, after_text;  // a field's values
    std::uint16_t module = 0;
    std::uint16_t variable = 0;
    std::optional<std::vector<std::uint8_t>> before, after;  // an entry's values

    bool is_entry() const { return field.empty(); }
};

struct EditResult {
    SetupBin file;
    std::vector<Change> changes;  // header fields first, then each record's, in record order
    // The unset and remove_cert_hash edits that found no entry in any edited record.
    std::vector<EntryEdit> unmatched;
};

// Applies `plan` to `file`. Consumed records (their body zeroed by the BIOS) are left as they
// are, and only the records of `plan.records` are edited. The module list (with the header byte
// count) is written again only when the modules the records use change; every other header
// field, record field and entry not edited is kept as it is. Throws Error (bad_argument): a
// record of `plan.records` the file does not have, or one that is consumed; entry edits or
// scrambling with no record left to take them; a PID or PPS (2/1, 2/2) set in more than one
// record (each record of a batch has its own); reset_consumed with a consumed record, whose
// settings are gone.
EditResult apply_edits(const SetupBin& file, const EditPlan& plan);

// "2:11", "2/11" or a catalog key ("hostname") as module and variable. Throws Error
// (bad_argument) for anything else, or a module or variable id of 0.
struct VariableRef {
    std::uint16_t module = 0;
    std::uint16_t variable = 0;
};
VariableRef parse_variable_ref(std::string_view text);

}  // namespace ukpu::setupbin
