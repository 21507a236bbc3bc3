#include "ukpu/base/counted.hpp"

namespace ukpu::base {

std::string counted(std::uint64_t n, std::string_view singular, std::string_view plural) {
    std::string s = std::to_string(n) + ' ';
    if (n == 1) return s.append(singular);
    if (!plural.empty()) return s.append(plural);
    return s.append(singular).append("s");
}

}  // namespace ukpu::base
