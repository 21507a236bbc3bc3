// The setup.bin files of a key batch as `keys generate` and `keys write` report them: the
// summary of the sticks written (and why a stick's records stay on no key), and each file as
// JSON.
#pragma once

#include <vector>

#include "context.hpp"
#include "render/json.hpp"
#include "ukpu/provision/key_batch.hpp"

namespace ukpu::cli {

// "N of M sticks written and verified", naming each failed stick, then for each stick that was
// not written well why its records stay on no key.
void print_batch_sticks(const GlobalOptions& g, const std::vector<provision::BatchFile>& files);

// {"target", "path", "device", "serial", "state", "key_file", "label", "sha256", "size",
// "first_record", "last_record", "key"}: null where a file has no such thing.
Json batch_file_json(const provision::BatchFile& file);

}  // namespace ukpu::cli
