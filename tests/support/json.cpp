#include "support/json.hpp"

namespace ukpu::test {

Json parse_json(const std::string& text) {
    return Json::parse(text);
}

std::vector<std::string> member_names(const Json& object) {
    std::vector<std::string> out;
    if (!object.is_object()) return out;
    for (const auto& member : object.items()) out.push_back(member.key());
    return out;
}

}  // namespace ukpu::test
