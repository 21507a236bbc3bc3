// The typed view of one setup.bin entry for `setupbin show`: catalog name, raw hex, the value
// decoded for its catalog type (JSON and text), secrets masked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "render/json.hpp"
#include "ukpu/setupbin/catalog.hpp"
#include "ukpu/setupbin/model.hpp"

namespace ukpu::cli {

struct EntryView {
    const setupbin::VariableInfo* info = nullptr;  // nullptr for an unknown variable
    std::string name;                              // catalog name, or "unknown"
    std::string raw;                               // hex of the unscrambled value, or "***"
    Json value;                                    // typed value, "***", or null
    std::optional<std::string> value_name;         // name of an enumerated value
    std::string text;                              // the value as one line of text
    std::optional<std::string> error;              // why the value does not decode for its type
};

EntryView view_entry(const setupbin::Entry& entry, bool show_secrets);

}  // namespace ukpu::cli
