// Helpers shared by the setup.bin tests: corpus files, text as bytes, entries.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/files.hpp"
#include "ukpu/setupbin/model.hpp"

namespace ukpu::setupbin::test_support {

// The bytes of ../shared/corpus/real/<name>; a failed expectation when it cannot be read.
inline std::vector<std::uint8_t> read_corpus(const std::string& name) {
    const std::string path = std::string(UKPU_CORPUS_DIR) + "/" + name;
    try {
        return ukpu::test::read_bytes(path);
    } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        return {};
    }
}

inline std::vector<std::uint8_t> text(const std::string& s) {
    return std::vector<std::uint8_t>(s.begin(), s.end());
}

inline Entry entry(std::uint16_t m, std::uint16_t v, std::vector<std::uint8_t> value) {
    Entry e;
    e.module = m;
    e.variable = v;
    e.value = std::move(value);
    return e;
}

}  // namespace ukpu::setupbin::test_support
