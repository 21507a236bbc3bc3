#include "mini_json.hpp"

#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace ukpu::test {

bool JValue::has(const std::string& key) const {
    for (const auto& k : names)
        if (k == key) return true;
    return false;
}

const JValue& JValue::operator[](const std::string& key) const {
    if (kind != Kind::object) throw std::runtime_error("not an object, looking for " + key);
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == key) return values[i];
    throw std::runtime_error("no key " + key);
}

const JValue& JValue::operator[](std::size_t i) const {
    if (kind != Kind::array || i >= a.size()) throw std::runtime_error("bad array index");
    return a[i];
}

std::vector<std::string> JValue::keys() const {
    return names;
}

namespace {

struct Parser {
    const std::string& t;
    std::size_t i = 0;

    [[noreturn]] void fail(const std::string& why) {
        throw std::runtime_error("JSON: " + why + " at " + std::to_string(i));
    }
    void ws() {
        while (i < t.size() && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t')) ++i;
    }
    bool lit(const char* word) {
        std::string w(word);
        if (t.compare(i, w.size(), w) == 0) {
            i += w.size();
            return true;
        }
        return false;
    }
    static void utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    std::string str() {
        if (t[i] != '"') fail("expected string");
        ++i;
        std::string out;
        while (i < t.size() && t[i] != '"') {
            char c = t[i++];
            if (static_cast<unsigned char>(c) < 0x20) fail("raw control character in string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i >= t.size()) fail("bad escape");
            char e = t[i++];
            switch (e) {
                case '"':
                    out += '"';
                    break;
                case '\\':
                    out += '\\';
                    break;
                case '/':
                    out += '/';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u': {
                    if (i + 4 > t.size()) fail("bad \\u");
                    unsigned cp = static_cast<unsigned>(std::stoul(t.substr(i, 4), nullptr, 16));
                    i += 4;
                    utf8(out, cp);
                    break;
                }
                default:
                    fail("bad escape");
            }
        }
        if (i >= t.size()) fail("unterminated string");
        ++i;
        return out;
    }
    JValue value() {
        ws();
        if (i >= t.size()) fail("unexpected end");
        JValue v;
        char c = t[i];
        if (c == '{') {
            v.kind = JValue::Kind::object;
            ++i;
            ws();
            if (t[i] == '}') {
                ++i;
                return v;
            }
            for (;;) {
                ws();
                std::string k = str();
                ws();
                if (t[i++] != ':') fail("expected :");
                v.names.push_back(k);
                v.values.push_back(value());
                ws();
                if (t[i] == ',') {
                    ++i;
                    continue;
                }
                if (t[i] == '}') {
                    ++i;
                    return v;
                }
                fail("expected , or }");
            }
        }
        if (c == '[') {
            v.kind = JValue::Kind::array;
            ++i;
            ws();
            if (t[i] == ']') {
                ++i;
                return v;
            }
            for (;;) {
                v.a.push_back(value());
                ws();
                if (t[i] == ',') {
                    ++i;
                    continue;
                }
                if (t[i] == ']') {
                    ++i;
                    return v;
                }
                fail("expected , or ]");
            }
        }
        if (c == '"') {
            v.kind = JValue::Kind::string;
            v.s = str();
            return v;
        }
        if (lit("true")) {
            v.kind = JValue::Kind::boolean;
            v.b = true;
            return v;
        }
        if (lit("false")) {
            v.kind = JValue::Kind::boolean;
            return v;
        }
        if (lit("null")) return v;
        std::size_t start = i;
        while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '-' ||
                                t[i] == '+' || t[i] == '.' || t[i] == 'e' || t[i] == 'E'))
            ++i;
        if (start == i) fail("unexpected character");
        v.kind = JValue::Kind::number;
        v.n = std::strtod(t.substr(start, i - start).c_str(), nullptr);
        return v;
    }
};

}  // namespace

JValue parse_json(const std::string& text) {
    Parser p{text};
    JValue v = p.value();
    p.ws();
    if (p.i != text.size()) p.fail("trailing text after the document");
    return v;
}

}  // namespace ukpu::test
