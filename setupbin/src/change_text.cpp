#include "ukpu/setupbin/change_text.hpp"

#include "ukpu/setupbin/catalog.hpp"
#include "ukpu/setupbin/entry_text.hpp"

namespace ukpu::setupbin {

namespace {

std::string value_text(const Change& c, const std::vector<std::uint8_t>& value, bool show_secrets) {
    Entry e;
    e.module = c.module;
    e.variable = c.variable;
    e.value = value;
    return entry_text(e, show_secrets).text;
}

}  // namespace

std::string change_field(const Change& c) {
    if (!c.is_entry()) return c.field;
    const auto* info = find_variable(c.module, c.variable);
    return std::to_string(c.module) + "/" + std::to_string(c.variable) + " " +
           (info ? std::string(info->name) : std::string("unknown variable"));
}

const char* change_action(const Change& c) {
    if (!c.is_entry()) return "changed";
    return !c.before ? "added" : !c.after ? "removed" : "changed";
}

std::string change_text(const Change& c, bool show_secrets) {
    const std::string where =
        (c.record ? "record " + std::to_string(*c.record) : std::string("header")) + ": ";
    if (!c.is_entry()) return where + c.field + " " + c.before_text + " -> " + c.after_text;
    std::string line = where + change_field(c) + ": ";
    if (!c.before) return line + "added " + value_text(c, *c.after, show_secrets);
    if (!c.after) return line + "removed " + value_text(c, *c.before, show_secrets);
    const std::string before = value_text(c, *c.before, show_secrets);
    const std::string after = value_text(c, *c.after, show_secrets);
    line += before + " -> " + after;
    if (before == after) line += " (changed)";  // a masked secret
    return line;
}

}  // namespace ukpu::setupbin
