#include "ukpu/provision/profile.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <string_view>

#include "ukpu/provision/error.hpp"
#include "ukpu/provision/generations.hpp"
#include "ukpu/setupbin/catalog.hpp"

namespace ukpu::provision {

namespace sb = ukpu::setupbin;

namespace {

// A scalar as the text an option would have been given.
bool scalar_text(const toml::node& n, std::string& out) {
    if (const auto* s = n.as_string()) {
        out = s->get();
        return true;
    }
    if (const auto* i = n.as_integer()) {
        out = std::to_string(i->get());
        return true;
    }
    if (const auto* b = n.as_boolean()) {
        out = b->get() ? "true" : "false";
        return true;
    }
    if (const auto* f = n.as_floating_point()) {
        // "2.1" is the one float a profile may hold (a version written without quotes).
        std::string t = std::to_string(f->get());
        while (t.size() > 1 && t.back() == '0' && t[t.size() - 2] != '.') t.pop_back();
        out = t;
        return true;
    }
    return false;
}

const std::vector<std::string>& version_names() {
    static const std::vector<std::string> v = {"1", "1.0", "2", "2.0", "2.1",
                                               "3", "3.0", "4", "4.0"};
    return v;
}

}  // namespace

std::string firmware_list_problem(const std::string& text) {
    try {
        (void)verify_generations(text);
    } catch (const Error& e) {
        return e.message();
    }
    return {};
}

Profile read_profile(const std::string& path) {
    Profile p;
    p.path = path;
    toml::table table;
    try {
        table = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        if (where.line == 0) throw Error(Status::bad_input, path, "cannot read the profile");
        throw Error(Status::bad_input, path + ":" + std::to_string(where.line),
                    std::string(e.description()));
    }
    for (const auto& [key, node] : table) {
        ProfileItem item;
        item.key = std::string(key.str());
        item.line = static_cast<std::uint32_t>(node.source().begin.line);
        if (node.is_table())
            throw Error(Status::bad_argument, path + ": " + item.key,
                        "sections and dotted keys are not used in a profile");
        if (const auto* arr = node.as_array()) {
            item.array = true;
            for (const auto& el : *arr) {
                std::string t;
                if (!scalar_text(el, t))
                    throw Error(Status::bad_argument, path + ": " + item.key,
                                "an array of plain values is expected");
                item.values.push_back(std::move(t));
            }
        } else {
            std::string t;
            if (!scalar_text(node, t))
                throw Error(Status::bad_argument, path + ": " + item.key,
                            "a plain value is expected");
            item.boolean = node.is_boolean();
            item.values.push_back(std::move(t));
        }
        p.items.push_back(std::move(item));
    }
    // toml++ keeps keys sorted; a profile applies in the order it was written.
    std::stable_sort(p.items.begin(), p.items.end(),
                     [](const ProfileItem& a, const ProfileItem& b) { return a.line < b.line; });
    return p;
}

std::vector<std::string> setting_keys() {
    std::vector<std::string> keys = {
        "version",   "reusable",        "scramble",           "records", "firmware", "force",
        "cert-hash", "cert-hash-value", "cert-password-file", "var"};
    for (const auto& info : sb::catalog()) {
        if (info.type == sb::ValueType::cert_hash) continue;
        keys.push_back(std::string(info.key) + (info.secret ? "-file" : ""));
    }
    return keys;
}

std::vector<ProfileItem> apply_profile(const Profile& profile, CreateSettings& s,
                                       const std::set<std::string>& given, bool with_output) {
    std::vector<ProfileItem> rest;
    auto where = [&](const ProfileItem& item) { return profile.path + ": " + item.key; };
    auto one = [&](const ProfileItem& item) -> const std::string& {
        if (item.values.size() != 1)
            throw Error(Status::bad_argument, where(item), "expects one value, not an array");
        return item.values.front();
    };
    auto flag = [&](const ProfileItem& item) {
        const std::string& v = one(item);
        if (v != "true" && v != "false")
            throw Error(Status::bad_argument, where(item), "expects true or false");
        return v == "true";
    };
    const auto keys = setting_keys();
    for (const auto& item : profile.items) {
        const std::string& k = item.key;
        const bool setting =
            std::find(keys.begin(), keys.end(), k) != keys.end() || (with_output && k == "output");
        if (!setting) {
            rest.push_back(item);
            continue;
        }
        if (given.count(k)) continue;  // the command line wins
        if (k == "output") {
            s.output = one(item);
        } else if (k == "version") {
            const std::string& v = one(item);
            if (std::find(version_names().begin(), version_names().end(), v) ==
                version_names().end())
                throw Error(Status::bad_argument, where(item),
                            "'" + v + "' is not a setup.bin version (1, 2, 2.1, 3 or 4)");
            s.version = v;
        } else if (k == "reusable") {
            s.reusable = flag(item);
        } else if (k == "scramble") {
            s.scramble = flag(item);
        } else if (k == "force") {
            s.force = flag(item);
        } else if (k == "records") {
            const std::string& v = one(item);
            char* end = nullptr;
            const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
            if (v.empty() || *end != '\0' || n < 1 || n > 1000000)
                throw Error(Status::bad_argument, where(item),
                            "'" + v + "' is not a number of records from 1 to 1000000");
            s.records = static_cast<std::uint32_t>(n);
        } else if (k == "firmware") {
            const std::string& v = one(item);
            if (const std::string why = firmware_list_problem(v); !why.empty())
                throw Error(Status::bad_argument, where(item), why);
            s.firmware = v;
        } else if (k == "cert-hash") {
            s.cert_hashes = item.values;
        } else if (k == "cert-hash-value") {
            s.cert_hash_values = item.values;
        } else if (k == "cert-password-file") {
            s.cert_password_file = one(item);
        } else if (k == "var") {
            s.vars = item.values;
        } else if (const auto* info = k.size() > 5 && k.compare(k.size() - 5, 5, "-file") == 0
                                          ? sb::find_variable(k.substr(0, k.size() - 5))
                                          : nullptr;
                   info && info->secret) {
            s.secret_files[std::string(info->key)] = one(item);
        } else {
            s.values[k] = one(item);
        }
        s.from_profile.insert(k);
    }
    s.config = profile.path;
    return rest;
}

}  // namespace ukpu::provision
