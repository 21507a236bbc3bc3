#include "counted_text.hpp"

#include "ukpu/base/counted.hpp"

namespace ukpu::gui {

QString counted(std::uint64_t n, std::string_view singular, std::string_view plural) {
    return QString::fromStdString(base::counted(n, singular, plural));
}

}  // namespace ukpu::gui
