// Property: for random well-formed models, serialize -> parse_lenient reports nothing, gives the
// same model back, and writing that model again gives the same bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "spec_example.hpp"
#include "test_support.hpp"
#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/version.hpp"
#include "ukpu/setupbin/write.hpp"

namespace ukpu::setupbin {
namespace {

class ModelGenerator {
public:
    explicit ModelGenerator(std::uint64_t seed) : rng_(seed) {}

    SetupBin next() {
        SetupBin file;
        FileHeader& h = file.header;
        const auto versions = all_versions();
        const VersionInfo& v = versions[pick(0, versions.size() - 1)];
        h.guid = v.guid;
        h.major = v.major;
        h.minor = v.minor;
        // v1 firmware ignores "do not consume", which the parser reports; v2+ may be reusable.
        h.flags = (v.major >= 2 && chance(50)) ? 1 : 0;
        h.record_chunk_count = chance(85) ? 1 : static_cast<std::uint16_t>(pick(2, 3));
        h.chunk_count = chance(90) ? 1 : 2;
        if (h.chunk_count == 2) h.extra_chunks = random_bytes(512);

        const std::size_t count = pick(1, 8);
        for (std::size_t i = 0; i < count; ++i)
            file.records.push_back(record(h.record_chunk_count));

        std::set<std::uint16_t> used;
        bool any_unconsumed = false;
        for (const auto& r : file.records) {
            if (r.consumed) continue;
            any_unconsumed = true;
            for (const auto& e : r.entries) used.insert(e.module);
        }
        if (any_unconsumed)
            h.modules.assign(used.begin(), used.end());
        else
            h.modules = {1, 2};  // the list of a file whose records are all consumed
        h.header_byte_count = static_cast<std::uint16_t>(40 + 2 * (h.modules.size() + 1));
        h.record_count = static_cast<std::uint32_t>(count);
        h.records_consumed = static_cast<std::uint32_t>(pick(0, count));
        return file;
    }

private:
    std::mt19937_64 rng_;

    std::size_t pick(std::size_t lo, std::size_t hi) {
        return std::uniform_int_distribution<std::size_t>(lo, hi)(rng_);
    }
    bool chance(int percent) { return pick(0, 99) < static_cast<std::size_t>(percent); }
    std::vector<std::uint8_t> random_bytes(std::size_t n) {
        std::vector<std::uint8_t> out(n);
        for (auto& b : out) b = static_cast<std::uint8_t>(pick(0, 255));
        return out;
    }

    Record record(std::uint16_t chunks) {
        Record r;
        r.chunk_count = chunks;
        r.number = static_cast<std::uint32_t>(pick(0, 0xFFFFFFFFu));
        const bool scrambled = chance(50);
        if (chance(15)) {
            r.consumed = true;
            r.flags = scrambled ? 2 : 0;
            return r;
        }
        // Mostly valid records; some deliberately invalid ones that still hold entries.
        const bool valid = chance(90);
        r.flags = (valid ? 1u : 0u) | (scrambled ? 2u : 0u);

        const std::size_t capacity = std::size_t{chunks} * 512 - 24;
        std::size_t used = 0;
        const std::size_t wanted = pick(0, 12);
        for (std::size_t i = 0; i < wanted && capacity - used >= 8; ++i) {
            Entry e;
            e.module = chance(80) ? static_cast<std::uint16_t>(pick(1, 2))
                                  : static_cast<std::uint16_t>(pick(1, 0xFFFF));
            e.variable = static_cast<std::uint16_t>(chance(80) ? pick(1, 31) : pick(0, 0xFFFF));
            const std::size_t room = capacity - used - 8;
            const std::size_t max_len = chance(90) ? std::min<std::size_t>(room, 40) : room;
            e.value = random_bytes(pick(0, max_len));
            used += 8 + (e.value.size() + 3) / 4 * 4;
            r.entries.push_back(std::move(e));
        }
        // A record that is neither valid nor scrambled and holds nothing would read as consumed.
        if (!valid && !scrambled && r.entries.empty()) r.flags = 1;

        const std::size_t left = capacity - used;
        if (left > 0 && chance(20)) {
            // Garbage after the terminator: an all-zero entry header (when 8 bytes are left),
            // then bytes that are not all zero.
            r.trailing = random_bytes(left);
            const std::size_t zero_head = left >= 8 ? 6 : 0;
            std::fill(r.trailing.begin(),
                      r.trailing.begin() + static_cast<std::ptrdiff_t>(zero_head), 0);
            r.trailing[pick(zero_head, left - 1)] = static_cast<std::uint8_t>(pick(1, 255));
        }
        return r;
    }
};

TEST(RoundTripProperty, SerializeParseSerializeIsIdentity) {
    std::uint64_t seed = 0x75b0c0de5e7b1ULL;
    if (const char* env = std::getenv("UKPU_PROPERTY_SEED")) seed = std::strtoull(env, nullptr, 0);
    ModelGenerator gen(seed);
    constexpr int iterations = 6000;
    int records = 0;
    int consumed = 0;
    int with_trailing = 0;
    for (int i = 0; i < iterations; ++i) {
        SCOPED_TRACE("seed " + std::to_string(seed) + ", iteration " + std::to_string(i));
        const SetupBin model = gen.next();
        const std::vector<std::uint8_t> bytes = serialize(model);
        const ParseResult parsed = parse_lenient(bytes);
        // The only finding allowed is the warning about kept trailing bytes, once per record
        // that has them.
        std::size_t trailing_records = 0;
        for (const auto& r : model.records) trailing_records += r.trailing.empty() ? 0 : 1;
        ASSERT_EQ(parsed.problems.size(), trailing_records)
            << (parsed.problems.empty() ? std::string() : parsed.problems.front().str());
        for (const auto& p : parsed.problems) {
            ASSERT_EQ(p.severity, Severity::warning) << p.str();
            ASSERT_EQ(p.where.field, "record tail") << p.str();
        }
        ASSERT_TRUE(parsed.complete);
        ASSERT_EQ(parsed.file, model);
        ASSERT_EQ(serialize(parsed.file), bytes);
        for (const auto& r : model.records) {
            ++records;
            consumed += r.consumed ? 1 : 0;
            with_trailing += r.trailing.empty() ? 0 : 1;
        }
    }
    // The generator must have exercised the interesting cases.
    EXPECT_GT(consumed, 100);
    EXPECT_GT(with_trailing, 100);
    EXPECT_GT(records, iterations);
}

// Property over damaged files: parse_lenient never throws; when it reports no error the model
// can be written, and when it reports nothing at all the bytes come back unchanged.
TEST(RoundTripProperty, MutatedFilesKeepTheWriteBackInvariant) {
    std::vector<std::vector<std::uint8_t>> bases = {testing::spec_example_11_1()};
    for (const char* name :
         {"acu-12.1-default.bin", "acu-12.1-edited-meshcommander.bin", "v4-pki-amt-test-ca.bin"}) {
        bases.push_back(test_support::read_corpus(name));
        ASSERT_FALSE(bases.back().empty()) << name;
    }
    const std::uint64_t seed = 0x6d757461746531ULL;
    std::mt19937_64 rng(seed);
    auto pick = [&rng](std::size_t lo, std::size_t hi) {
        return std::uniform_int_distribution<std::size_t>(lo, hi)(rng);
    };
    int clean = 0;
    int errors = 0;
    for (int i = 0; i < 6000; ++i) {
        SCOPED_TRACE("seed " + std::to_string(seed) + ", iteration " + std::to_string(i));
        std::vector<std::uint8_t> data = bases[pick(0, bases.size() - 1)];
        const std::size_t edits = pick(1, 4);
        for (std::size_t k = 0; k < edits && !data.empty(); ++k) {
            switch (pick(0, 3)) {
                case 0:  // a random byte anywhere
                    data[pick(0, data.size() - 1)] = static_cast<std::uint8_t>(pick(0, 255));
                    break;
                case 1:  // a header count field
                    data[std::vector<std::size_t>{0x10, 0x12, 0x1c, 0x20, 0x24}[pick(0, 4)]] =
                        static_cast<std::uint8_t>(pick(0, 4));
                    break;
                case 2:  // a record header or entry header byte
                    data[std::min(data.size() - 1, 0x200 + pick(0, 0x60))] =
                        static_cast<std::uint8_t>(pick(0, 255));
                    break;
                default:  // cut or extend
                    data.resize(pick(0, data.size() + 600));
                    break;
            }
        }
        ParseResult r;
        ASSERT_NO_THROW(r = parse_lenient(data));
        if (has_errors(r.problems)) {
            ++errors;
            EXPECT_THROW(parse(data), Error);
            continue;
        }
        std::vector<std::uint8_t> out;
        ASSERT_NO_THROW(out = serialize(r.file));
        ASSERT_EQ(parse_lenient(out).file, r.file);
        if (r.problems.empty()) {
            ++clean;
            ASSERT_EQ(out, data);
        }
    }
    EXPECT_GT(clean, 100);
    EXPECT_GT(errors, 100);
}

}  // namespace
}  // namespace ukpu::setupbin
