// Editing an existing setup.bin, for `ukpu setupbin edit` and the window's editor alike: each
// setting of `setupbin create` sets its variable, variables and certificate hashes removed, the
// version, scrambling and the reusable flag switched, the consumed counter reset, in every record
// or the ones named; every other byte kept (setupbin::apply_edits). The edited file is judged by
// the checker for the generations named, else those its content is for. Nothing is written here.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "ukpu/provision/generations.hpp"
#include "ukpu/provision/setupbin_builder.hpp"
#include "ukpu/setupbin/check.hpp"
#include "ukpu/setupbin/edit.hpp"

namespace ukpu::provision {

class Reporter;

struct SetupBinEdit {
    // What to set, as `setupbin create` takes it: catalog values, secrets (their files),
    // certificate hashes, raw entries. Its version only with `set_version`.
    CreateSettings settings;
    bool set_version = false;
    std::vector<std::string> unset;               // variables removed: "2:11", "2/11" or a name
    std::vector<std::string> remove_cert_hashes;  // 2/8 certificate hashes by hash (hex) or name
    std::optional<bool> scramble;
    std::optional<bool> reusable;
    bool reset_consumed = false;
    std::set<std::uint32_t> records;      // the records edited (1 = the first); empty: every one
    std::optional<std::string> firmware;  // judged for these generations, else the content's
};

struct SetupBinEditOutcome {
    std::vector<std::uint8_t> bytes;  // the edited file
    std::vector<setupbin::Change> changes;
    // The settings' warnings and each removal that found nothing to remove, also said through
    // the reporter: "--unset hostname: no edited record holds 2/11 Hostname".
    std::vector<std::string> warnings;
    Judgement judged;
    setupbin::CheckResult checked;
    bool usable() const { return checked.ok(); }
};

// `original` (the whole file, called `name` in messages) with `edit` applied. Throws Error:
// bad_input naming `name` for bytes that are no setup.bin, a malformed one (with the offset of
// its first error) or one not read completely; bad_argument for an --unset or --version the
// catalog does not know, or a file the edit cannot serialize; what setting_entries throws; and
// setupbin::Error(bad_argument) for an edit the file cannot take (a record it does not have).
SetupBinEditOutcome edit_setup_bin(std::span<const std::uint8_t> original, const std::string& name,
                                   const SetupBinEdit& edit, Reporter& reporter);

}  // namespace ukpu::provision
