// The strong-password rules for a new MEBx password: 8-32 characters with a digit, a lower- and
// an upper-case letter and a non-alphanumeric ASCII character ('_' not counting as one).
#include <gtest/gtest.h>

#include <string>

#include "ukpu/setupbin/password.hpp"

namespace ukpu::setupbin {
namespace {

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
    for (const auto& p : problems)
        if (p.find(text) != std::string::npos) return true;
    return false;
}

TEST(Password, StrongPasswordsPass) {
    EXPECT_TRUE(new_password_problems("P@ssw0rd").empty());        // MeshCentral v2.0 example
    EXPECT_TRUE(new_password_problems("HeyH0Password!").empty());  // ACU default file
    EXPECT_TRUE(new_password_problems(std::string(29, 'a') + "A1!").empty());  // 32 characters
}

TEST(Password, Length) {
    EXPECT_TRUE(mentions(new_password_problems("P@ssw0r"), "7 characters long"));
    EXPECT_TRUE(mentions(new_password_problems(std::string(30, 'a') + "A1!"), "33 characters"));
    EXPECT_EQ(new_password_problems("admin").size(), 4u);  // length, digit, upper, special
}

TEST(Password, EachMissingClassIsNamed) {
    EXPECT_TRUE(mentions(new_password_problems("P@ssword"), "no digit"));
    EXPECT_TRUE(mentions(new_password_problems("P@SSW0RD"), "no lower-case"));
    EXPECT_TRUE(mentions(new_password_problems("p@ssw0rd"), "no upper-case"));
    EXPECT_TRUE(mentions(new_password_problems("Passw0rdX"), "no special"));
    EXPECT_EQ(new_password_problems("P@ssword").size(), 1u);
}

TEST(Password, UnderscoreDoesNotCountAsSpecial) {
    const auto p = new_password_problems("Pass_w0rd");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_TRUE(mentions(p, "no special"));
}

TEST(Password, ForbiddenCharactersArePositioned) {
    for (char c : std::string("\"',<>:& ")) {
        std::string pw = "P@ssw0rd";
        pw[3] = c;
        const auto p = new_password_problems(pw);
        EXPECT_TRUE(mentions(p, "character 4")) << pw;
        EXPECT_TRUE(mentions(p, "not allowed")) << pw;
    }
    EXPECT_TRUE(mentions(new_password_problems(std::string("P@ssw0rd\x7f", 9)), "7-bit"));
    EXPECT_TRUE(mentions(new_password_problems("P@ssw0rd\xc3\xa9"), "character 9"));
}

}  // namespace
}  // namespace ukpu::setupbin
