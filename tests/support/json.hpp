// ukpu's --json output read with a real JSON parser (nlohmann::json). Objects keep their members
// in document order, so that the tests can check the order of the keys too.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ukpu::test {

using Json = nlohmann::ordered_json;

// The one document of `text` (a command's stdout). Throws nlohmann::json::parse_error on
// malformed text or on anything after the document.
Json parse_json(const std::string& text);

// The names of an object's members, in document order (none for anything but an object).
std::vector<std::string> member_names(const Json& object);

}  // namespace ukpu::test
