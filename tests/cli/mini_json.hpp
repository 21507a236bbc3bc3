// A minimal JSON reader for the tests: enough to walk ukpu's --json output by key and index.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ukpu::test {

struct JValue {
    enum class Kind { null, boolean, number, string, array, object } kind = Kind::null;
    bool b = false;
    double n = 0;
    std::string s;
    std::vector<JValue> a;
    // Object members in document order: names and values side by side (a pair holding a JValue
    // would need the type complete here).
    std::vector<std::string> names;
    std::vector<JValue> values;

    bool has(const std::string& key) const;
    const JValue& operator[](const std::string& key) const;  // throws when absent
    const JValue& operator[](std::size_t i) const;           // throws when out of range
    bool is_null() const { return kind == Kind::null; }
    std::size_t size() const { return kind == Kind::array ? a.size() : values.size(); }
    std::vector<std::string> keys() const;
};

// Throws std::runtime_error on malformed text or on anything after the one document.
JValue parse_json(const std::string& text);

}  // namespace ukpu::test
