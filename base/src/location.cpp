#include "ukpu/base/location.hpp"

#include "ukpu/base/hex.hpp"

namespace ukpu::base {

std::string Location::str() const {
    std::string out;
    auto add = [&out](const std::string& part) {
        if (!out.empty()) out += ", ";
        out += part;
    };
    if (record) add("record " + std::to_string(*record));
    if (!field.empty()) add(field);
    if (cluster) add("cluster " + std::to_string(*cluster));
    if (offset) add("offset " + hex_number(*offset));
    return out;
}

std::string with_location(const Location& where, const std::string& message) {
    const std::string w = where.str();
    return w.empty() ? message : w + ": " + message;
}

}  // namespace ukpu::base
