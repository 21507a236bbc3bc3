// One change of an edit (setupbin::apply_edits) as `ukpu setupbin edit` and the window list it:
// "record 1: 2/13 DHCP: 2 (enabled) -> 1 (disabled)", "header: version 4.0 -> 3.0", secrets
// masked unless asked.
#pragma once

#include <string>

#include "ukpu/setupbin/edit.hpp"

namespace ukpu::setupbin {

// "2/13 DHCP" for an entry (its catalog name, or "unknown variable"), the field's name otherwise.
std::string change_field(const Change& c);
// "added", "removed" or "changed".
const char* change_action(const Change& c);
// The whole line.
std::string change_text(const Change& c, bool show_secrets);

}  // namespace ukpu::setupbin
