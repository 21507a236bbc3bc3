#include "render/json.hpp"

#include "ukpu/setupbin/entry_text.hpp"

namespace ukpu::cli {

Json& Json::set(std::string_view key, Json value) {
    if (!std::holds_alternative<Object>(value_)) value_ = Object{};
    auto& obj = std::get<Object>(value_);
    for (auto& [k, v] : obj) {
        if (k == key) {
            v = std::move(value);
            return v;
        }
    }
    obj.emplace_back(std::string(key), std::move(value));
    return obj.back().second;
}

Json& Json::push(Json value) {
    if (!std::holds_alternative<Array>(value_)) value_ = Array{};
    auto& arr = std::get<Array>(value_);
    arr.push_back(std::move(value));
    return arr.back();
}

std::string json_quote(std::string_view s) {
    // One quoting for every JSON ukpu prints: setupbin's, which `setupbin show` and the window
    // use for the values of entries.
    return setupbin::quote_text(s);
}

void Json::write(std::string& out, int indent) const {
    auto newline = [&out, indent](int level) {
        if (indent < 0) return;
        out += '\n';
        out.append(static_cast<std::size_t>(level) * 2, ' ');
    };
    if (std::holds_alternative<std::monostate>(value_)) {
        out += "null";
    } else if (auto b = std::get_if<bool>(&value_)) {
        out += *b ? "true" : "false";
    } else if (auto i = std::get_if<std::int64_t>(&value_)) {
        out += std::to_string(*i);
    } else if (auto u = std::get_if<std::uint64_t>(&value_)) {
        out += std::to_string(*u);
    } else if (auto s = std::get_if<std::string>(&value_)) {
        out += json_quote(*s);
    } else if (auto a = std::get_if<Array>(&value_)) {
        if (a->empty()) {
            out += "[]";
            return;
        }
        out += '[';
        for (std::size_t k = 0; k < a->size(); ++k) {
            if (k) out += ',';
            newline(indent + 1);
            (*a)[k].write(out, indent < 0 ? indent : indent + 1);
        }
        newline(indent);
        out += ']';
    } else if (auto o = std::get_if<Object>(&value_)) {
        if (o->empty()) {
            out += "{}";
            return;
        }
        out += '{';
        for (std::size_t k = 0; k < o->size(); ++k) {
            if (k) out += ',';
            newline(indent + 1);
            out += json_quote((*o)[k].first);
            out += indent < 0 ? ":" : ": ";
            (*o)[k].second.write(out, indent < 0 ? indent : indent + 1);
        }
        newline(indent);
        out += '}';
    }
}

std::string Json::dump() const {
    std::string out;
    write(out, 0);
    return out;
}

std::string Json::dump_line() const {
    std::string out;
    write(out, -1);
    return out;
}

}  // namespace ukpu::cli
