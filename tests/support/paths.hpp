// Where the tests find their inputs: the real setup.bin corpus and the sample profiles.
#pragma once

#include <string>

namespace ukpu::test {

std::string corpus(const std::string& name);   // UKPU_CORPUS_DIR/name
std::string samples(const std::string& name);  // UKPU_SAMPLES_DIR/name

}  // namespace ukpu::test
