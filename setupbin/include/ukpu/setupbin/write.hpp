// Writing the model to bytes, and building canonical models for new files.
#pragma once

#include <cstdint>
#include <vector>

#include "ukpu/setupbin/model.hpp"
#include "ukpu/setupbin/version.hpp"

namespace ukpu::setupbin {

// Encodes the model field for field as it stands: header values as given, records in order,
// entries in order with zero padding to 4 bytes, scrambling (+0x11) over the whole body of every
// scrambled record that is not consumed, consumed records with an all-zero body. Throws Error
// (bad_argument) when the model cannot be encoded (entries overflow a record, a value over
// 65535 bytes, more modules than the list holds, record slot and record sizes that disagree).
std::vector<std::uint8_t> serialize(const SetupBin& file);

struct BuildOptions {
    FormatVersion version = FormatVersion::v4_0;
    bool reusable = false;  // FileFlags bit0
    bool scramble = false;  // RecordFlags bit1 on every record
};

// A canonical file: header chunk count 1, header byte count 40+2*(modules+1), sorted distinct
// module list, record chunk count 1, record header 24, records numbered from 1, entries in each
// record stable-sorted by (module, variable) so several 2/8 entries keep their given order.
// Each element of `records` is one record's entries.
SetupBin build(const BuildOptions& options, const std::vector<std::vector<Entry>>& records);

// Recomputes the derived header fields of an existing model in place (module list and header
// byte count from the entries, record count, record numbering left as is).
void normalize_header(SetupBin& file);

}  // namespace ukpu::setupbin
