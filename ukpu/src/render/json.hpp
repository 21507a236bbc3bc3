// A small JSON value with ordered object keys and a writer, for the --json output of every command.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ukpu::cli {

class Json {
public:
    using Array = std::vector<Json>;
    using Object = std::vector<std::pair<std::string, Json>>;  // keys kept in insertion order

    Json() = default;  // null
    Json(std::nullptr_t) {}
    Json(bool b) : value_(b) {}
    Json(int v) : value_(static_cast<std::int64_t>(v)) {}
    Json(std::int64_t v) : value_(v) {}
    Json(std::uint32_t v) : value_(static_cast<std::int64_t>(v)) {}
    Json(std::uint64_t v) : value_(v) {}
    Json(const char* s) : value_(std::string(s)) {}
    Json(std::string s) : value_(std::move(s)) {}
    Json(std::string_view s) : value_(std::string(s)) {}
    Json(Array a) : value_(std::move(a)) {}

    static Json object() {
        Json j;
        j.value_ = Object{};
        return j;
    }
    static Json array() {
        Json j;
        j.value_ = Array{};
        return j;
    }

    // Object access: sets (or replaces) a key, keeping the first insertion position.
    Json& set(std::string_view key, Json value);
    // Array append.
    Json& push(Json value);

    bool is_null() const { return std::holds_alternative<std::monostate>(value_); }

    // Two-space indented text, ending without a newline.
    std::string dump() const;
    // The same on one line, without spaces (a line of a stream of events).
    std::string dump_line() const;

private:
    // `indent` < 0: on one line.
    void write(std::string& out, int indent) const;

    std::variant<std::monostate, bool, std::int64_t, std::uint64_t, std::string, Array, Object>
        value_;
};

// A JSON string literal for `s`, quotes included; control characters and non-ASCII bytes that
// are not valid UTF-8 are escaped as \u00XX.
std::string json_quote(std::string_view s);

}  // namespace ukpu::cli
