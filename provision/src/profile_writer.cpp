// CreateSettings as a TOML profile that apply_profile reads back to the same settings.
#include "ukpu/provision/profile_writer.hpp"

#include <cstdio>
#include <filesystem>
#include <string_view>

#include "ukpu/provision/secret_file.hpp"
#include "ukpu/setupbin/catalog.hpp"

namespace ukpu::provision {

namespace sb = ukpu::setupbin;

std::string toml_string(const std::string& text) {
    std::string out = "\"";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (ch) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
                    out += buf;
                } else {
                    out += ch;
                }
        }
    }
    return out + "\"";
}

namespace {

void line(std::string& out, std::string_view key, const std::string& value) {
    out += std::string(key) + " = " + value + "\n";
}

void array(std::string& out, std::string_view key, const std::vector<std::string>& values) {
    if (values.empty()) return;
    out += std::string(key) + " = [\n";
    for (const auto& v : values) out += "    " + toml_string(v) + ",\n";
    out += "]\n";
}

const char* boolean(bool b) {
    return b ? "true" : "false";
}

}  // namespace

CreateSettings with_absolute_paths(const CreateSettings& s) {
    auto absolute = [&](const std::string& path) {
        if (path.empty() || path == "-") return path;
        std::error_code ec;
        const auto p = std::filesystem::absolute(resolve_profile_path(path, s.config), ec);
        return ec ? path : p.lexically_normal().string();
    };
    CreateSettings out = s;
    for (auto& [key, path] : out.secret_files) path = absolute(path);
    for (auto& spec : out.cert_hashes) {
        const auto colon = spec.find(':');
        spec = absolute(spec.substr(0, colon)) +
               (colon == std::string::npos ? std::string() : spec.substr(colon));
    }
    out.cert_password_file = absolute(out.cert_password_file);
    return out;
}

ProfileText profile_text(const CreateSettings& s) {
    ProfileText p;
    std::string& out = p.text;
    out += "# ukpu profile: ukpu setupbin create --config FILE -o setup.bin\n";
    line(out, "version", toml_string(s.version));
    line(out, "firmware", toml_string(s.firmware));
    line(out, "records", std::to_string(s.records));
    line(out, "reusable", boolean(s.reusable));
    line(out, "scramble", boolean(s.scramble));
    if (s.force) line(out, "force", "true");
    for (const auto& info : sb::catalog()) {
        if (info.type == sb::ValueType::cert_hash) continue;
        const std::string key(info.key);
        if (info.secret) {
            const auto f = s.secret_files.find(key);
            if (f != s.secret_files.end() && !f->second.empty()) {
                line(out, key + "-file", toml_string(f->second));
                continue;
            }
            const auto v = s.secret_values.find(key);
            if (v != s.secret_values.end() && !v->second.empty()) p.left_out.push_back(key);
            continue;
        }
        const auto v = s.values.find(key);
        if (v != s.values.end() && !v->second.empty()) line(out, key, toml_string(v->second));
    }
    array(out, "cert-hash", s.cert_hashes);
    if (!s.cert_password_file.empty())
        line(out, "cert-password-file", toml_string(s.cert_password_file));
    array(out, "cert-hash-value", s.cert_hash_values);
    array(out, "var", s.vars);
    return p;
}

std::vector<std::string> write_profile(const std::string& path, const CreateSettings& s,
                                       bool overwrite) {
    ProfileText p = profile_text(s);
    const auto* data = reinterpret_cast<const std::uint8_t*>(p.text.data());
    write_file_atomic(path, std::span<const std::uint8_t>(data, p.text.size()), overwrite);
    return p.left_out;
}

}  // namespace ukpu::provision
