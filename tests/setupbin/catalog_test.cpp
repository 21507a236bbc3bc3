// The variable catalog against the known identifiers: module 1 (ME Kernel) variables 1-6 and
// module 2 (AMT Configuration Manager) variables 1-35 except 2/9, which does not exist.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "ukpu/setupbin/catalog.hpp"

namespace ukpu::setupbin {
namespace {

TEST(Catalog, HoldsEveryVariableOfSection4ExceptTwoNine) {
    std::set<std::pair<int, int>> ids;
    for (const auto& v : catalog()) ids.insert({v.module, v.variable});
    std::set<std::pair<int, int>> expected;
    for (int v = 1; v <= 6; ++v) expected.insert({1, v});
    for (int v = 1; v <= 35; ++v)
        if (v != 9) expected.insert({2, v});
    EXPECT_EQ(ids, expected);
    EXPECT_EQ(catalog().size(), expected.size());  // no duplicates
    EXPECT_EQ(find_variable(2, 9), nullptr);
    EXPECT_EQ(find_variable(0, 0), nullptr);
    EXPECT_EQ(find_variable(3, 1), nullptr);
}

TEST(Catalog, KeysAreUniqueAndFindable) {
    std::set<std::string_view> keys;
    for (const auto& v : catalog()) {
        EXPECT_TRUE(keys.insert(v.key).second) << v.key;
        const VariableInfo* found = find_variable(v.key);
        ASSERT_NE(found, nullptr) << v.key;
        EXPECT_EQ(found->module, v.module);
        EXPECT_EQ(found->variable, v.variable);
        EXPECT_FALSE(v.name.empty());
        EXPECT_FALSE(v.note.empty());
        EXPECT_LE(v.min_length, v.max_length) << v.key;
    }
    EXPECT_EQ(find_variable("no-such-key"), nullptr);
}

TEST(Catalog, KeysNamedByTheCommandLine) {
    const std::pair<const char*, std::pair<int, int>> keys[] = {
        {"current-password", {1, 1}},
        {"new-password", {1, 2}},
        {"manageability", {1, 3}},
        {"power-package", {1, 6}},
        {"pid", {2, 1}},
        {"pps", {2, 2}},
        {"pki-dns-suffix", {2, 3}},
        {"cert-hash", {2, 8}},
        {"sol-ider", {2, 10}},
        {"dhcp", {2, 13}},
        {"provisioning-server", {2, 17}},
        {"static-ipv4", {2, 19}},
        {"ipv6", {2, 22}},
        {"provisioning-action", {2, 28}},
        {"manual-setup", {2, 29}},
        {"service-provider-id", {2, 35}},
    };
    for (const auto& [key, id] : keys) {
        const VariableInfo* v = find_variable(key);
        ASSERT_NE(v, nullptr) << key;
        EXPECT_EQ(v->module, id.first) << key;
        EXPECT_EQ(v->variable, id.second) << key;
    }
}

TEST(Catalog, TypesAndLimitsFollowTheSpec) {
    const VariableInfo* cur = find_variable(1, 1);
    EXPECT_EQ(cur->type, ValueType::string);
    EXPECT_EQ(cur->min_length, 1);
    EXPECT_EQ(cur->max_length, 32);
    EXPECT_TRUE(cur->secret);
    EXPECT_TRUE(find_variable(1, 2)->secret);
    EXPECT_TRUE(find_variable(2, 2)->secret);
    EXPECT_FALSE(find_variable(2, 1)->secret);

    const VariableInfo* host = find_variable(2, 11);
    EXPECT_EQ(host->max_length, 63);
    EXPECT_EQ(host->mebx_max_length, 64);
    EXPECT_EQ(find_variable(2, 3)->mebx_max_length, 256);
    EXPECT_EQ(find_variable(2, 12)->max_length, 255);

    const VariableInfo* cert = find_variable(2, 8);
    EXPECT_EQ(cert->type, ValueType::cert_hash);
    EXPECT_EQ(cert->min_length, 22);
    EXPECT_EQ(cert->max_length, 81);

    EXPECT_EQ(find_variable(2, 15)->type, ValueType::u32);
    EXPECT_EQ(find_variable(2, 18)->type, ValueType::u16);
    EXPECT_EQ(find_variable(2, 17)->type, ValueType::ip_address);
    EXPECT_EQ(find_variable(2, 19)->min_length, 20);
    EXPECT_EQ(find_variable(2, 22)->min_length, 84);
    EXPECT_EQ(find_variable(1, 6)->type, ValueType::guid);
    EXPECT_TRUE(find_variable(2, 10)->bitmask);
}

TEST(Catalog, ValueNames) {
    auto value_of = [](std::uint16_t m, std::uint16_t v, std::string_view name) -> long {
        for (const auto& n : find_variable(m, v)->values)
            if (n.name == name) return n.value;
        return -1;
    };
    EXPECT_EQ(value_of(2, 13, "disabled"), 1);
    EXPECT_EQ(value_of(2, 13, "enabled"), 2);
    EXPECT_EQ(value_of(2, 26, "all"), 255);
    EXPECT_EQ(value_of(2, 27, "all"), 255);
    EXPECT_EQ(value_of(2, 34, "one-time-session"), 4);
    EXPECT_EQ(value_of(2, 10, "legacy-auth"), 4);
    EXPECT_EQ(value_of(1, 4, "password-protected"), 2);
    EXPECT_EQ(value_of(2, 16, "small-business"), 1);
    EXPECT_TRUE(find_variable(2, 15)->values.empty());
}

TEST(Catalog, SinceAndModernMebxHandling) {
    EXPECT_EQ(find_variable(1, 1)->since, FormatVersion::v1_0);
    EXPECT_EQ(find_variable(2, 3)->since, FormatVersion::v2_0);
    EXPECT_EQ(find_variable(2, 11)->since, FormatVersion::v2_1);
    EXPECT_EQ(find_variable(2, 22)->since, FormatVersion::v3_0);
    EXPECT_EQ(find_variable(2, 30)->since, FormatVersion::v4_0);

    // The modern MEBx does not handle PID/PPS, 1/5, 2/14, 2/16, 2/20, 2/30+; each aborts a record.
    std::set<std::pair<int, int>> aborts;
    for (const auto& v : catalog())
        if (v.mebx == MebxHandling::aborts) aborts.insert({v.module, v.variable});
    const std::set<std::pair<int, int>> expected = {{1, 5},  {2, 1},  {2, 2},  {2, 14},
                                                    {2, 16}, {2, 20}, {2, 30}, {2, 31},
                                                    {2, 32}, {2, 33}, {2, 34}, {2, 35}};
    EXPECT_EQ(aborts, expected);
    EXPECT_EQ(find_variable(2, 24)->mebx, MebxHandling::skipped);
}

TEST(Catalog, Names) {
    EXPECT_STREQ(to_string(ValueType::cert_hash), "cert-hash");
    EXPECT_EQ(module_name(1), "ME Kernel");
    EXPECT_EQ(module_name(2), "Intel AMT Configuration Manager");
    EXPECT_EQ(find_variable(1, 1)->name, "Current MEBx Password");
}

}  // namespace
}  // namespace ukpu::setupbin
