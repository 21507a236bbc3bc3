// Assembling a setup.bin from the create settings (options and profile), shared by every command
// that writes one: `setupbin create`, `build`, `keys generate`.
#pragma once

#include <string>
#include <vector>

#include "ukpu/provision/key_settings.hpp"
#include "ukpu/provision/reporter.hpp"
#include "ukpu/setupbin/check.hpp"
#include "ukpu/setupbin/model.hpp"
#include "ukpu/setupbin/write.hpp"

namespace ukpu::provision {

struct BuiltSetupBin {
    std::vector<std::uint8_t> bytes;
    setupbin::CheckResult check;        // the firmware rules of --firmware
    std::vector<std::string> warnings;  // e.g. a certificate that is not a root CA
    std::string version;                // "4.0"
};

// One record's entries from the settings: catalog options in catalog order, secrets read from
// their files, --cert-hash, --cert-hash-value, then --var. Throws Error.
std::vector<setupbin::Entry> setting_entries(const CreateSettings& s, Reporter& reporter,
                                             std::vector<std::string>& warnings);
setupbin::BuildOptions build_options(const CreateSettings& s);
setupbin::CheckOptions check_options(const CreateSettings& s);

// `s.records` identical records, built canonically and checked.
BuiltSetupBin build_setupbin(const CreateSettings& s, Reporter& reporter);

}  // namespace ukpu::provision
