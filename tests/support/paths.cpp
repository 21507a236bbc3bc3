#include "support/paths.hpp"

namespace ukpu::test {

std::string corpus(const std::string& name) {
    return std::string(UKPU_CORPUS_DIR) + "/" + name;
}
std::string samples(const std::string& name) {
    return std::string(UKPU_SAMPLES_DIR) + "/" + name;
}

}  // namespace ukpu::test
