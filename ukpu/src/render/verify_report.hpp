// A key's verify report as JSON and as the human lines `verify` and `build` print.
#pragma once

#include <string>

#include "context.hpp"
#include "render/json.hpp"
#include "ukpu/fatwriter/verify.hpp"

namespace ukpu::cli {

// {"ok", "layout": {...}, "generations": {"legacy": {"found", "next_record", "usable", "path"},
// ...}, "problems": [{"firmware", "severity", "defect", "where", "slot", "cluster", "offset",
// "message", "fix"}]}; "fix" is fat::fix_text, the key named in its commands.
Json verify_json(const fat::VerifyReport& r);

// Problems, one per line with their fix (fat::fix_text), then one verdict line per generation,
// on stderr (or stdout for verify in human mode: `out`). `content_said`: the setup.bin's own
// findings were printed already (build and keys generate check the file before writing it), so
// only the key's layout findings and verdicts follow.
void print_verify(std::ostream& out, const fat::VerifyReport& r, const GlobalOptions& g,
                  bool content_said = false);

}  // namespace ukpu::cli
