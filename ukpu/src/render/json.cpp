#include "render/json.hpp"

#include <cstdio>

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

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        auto d = static_cast<unsigned char>(s[i + k]);
        if ((d & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void escape_byte(std::string& out, unsigned char c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04x", c);
    out += buf;
}

}  // namespace

std::string json_quote(std::string_view s) {
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        switch (c) {
            case '"':
                out += "\\\"";
                continue;
            case '\\':
                out += "\\\\";
                continue;
            case '\n':
                out += "\\n";
                continue;
            case '\r':
                out += "\\r";
                continue;
            case '\t':
                out += "\\t";
                continue;
            case '\b':
                out += "\\b";
                continue;
            case '\f':
                out += "\\f";
                continue;
            default:
                break;
        }
        if (c < 0x20 || c == 0x7F) {
            escape_byte(out, c);
        } else if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (std::size_t n = utf8_sequence(s, i); n > 0) {
            out.append(s.substr(i, n));
            i += n - 1;
        } else {
            escape_byte(out, c);  // a lone byte shown as the Latin-1 code point it would be
        }
    }
    out += '"';
    return out;
}

void Json::write(std::string& out, int indent) const {
    auto newline = [&out](int level) {
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
            (*a)[k].write(out, indent + 1);
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
            out += ": ";
            (*o)[k].second.write(out, indent + 1);
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

}  // namespace ukpu::cli
