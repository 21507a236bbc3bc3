// PID/PPS and password generation against Intel's checksum (ASCII sum mod 36), written here.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "keys_test_util.hpp"
#include "ukpu/keys/pidpps_generator.hpp"
#include "ukpu/setupbin/password.hpp"

namespace ukpu::keys {
namespace {

using keystest::spec_checksum;

TEST(KeysGenerator, SpecChecksumMatchesIntelsExample) {
    // Intel's example pair 0000-037M / NKLD-G5DC-RRNQ-E9YZ-ZIJL-7LFL-VJED-69XJ.
    EXPECT_EQ(spec_checksum("0000037"), 'M');
    EXPECT_TRUE(keystest::spec_pid_ok("0000037M"));
    EXPECT_TRUE(keystest::spec_pps_ok("NKLDG5DCRRNQE9YZZIJL7LFLVJED69XJ"));
    EXPECT_FALSE(keystest::spec_pid_ok("0000037N"));
    EXPECT_FALSE(keystest::spec_pps_ok("NKLDG5DCRRNQE9YZZIJL7LFLVJED69XK"));
}

TEST(KeysGenerator, PidsAndPpsHaveTheFormAndChecksums) {
    std::set<std::string> pids;
    for (int i = 0; i < 5000; ++i) {
        const std::string pid = generate_pid();
        const std::string pps = generate_pps();
        ASSERT_TRUE(keystest::spec_pid_ok(pid)) << pid;
        ASSERT_TRUE(keystest::spec_pps_ok(pps)) << pps;
        pids.insert(pid);
    }
    EXPECT_EQ(pids.size(), 5000u);
}

// Pearson's chi-square statistic of `s` against the uniform distribution over the alphabet.
double chi_square(const std::string& s) {
    std::array<double, 36> counts{};
    for (char ch : s) {
        auto at = pidpps_alphabet.find(ch);
        EXPECT_NE(at, std::string_view::npos);
        if (at != std::string_view::npos) counts[at] += 1;
    }
    const double expected = static_cast<double>(s.size()) / 36;
    double chi2 = 0;
    for (double c : counts) chi2 += (c - expected) * (c - expected) / expected;
    return chi2;
}

// Uniform over the 36 characters: a chi-square statistic over 360,000 draws stays near 35 (the
// degrees of freedom); 120 is beyond the 1e-12 quantile of chi-square(35). The control draws the
// same way with the modulo bias (b % 36 over all 256 byte values: the first 4 characters 8/7 as
// likely) and must land far above the threshold (about 700 expected).
TEST(KeysGenerator, CharactersAreUniform) {
    const std::size_t draws = 360000;
    const std::string s = random_string(draws, pidpps_alphabet);
    ASSERT_EQ(s.size(), draws);
    EXPECT_LT(chi_square(s), 120.0);

    std::vector<std::uint8_t> bytes(draws);
    random_bytes(bytes);
    std::string biased;
    for (auto b : bytes) biased.push_back(pidpps_alphabet[b % 36]);
    EXPECT_GT(chi_square(biased), 120.0);
}

TEST(KeysGenerator, AForkedChildNeverDrawsItsParentsBytesAgain) {
    // The parent has drawn from its block; the child starts with a copy of it. What each draws
    // next must differ (drawing the same 64 characters by chance: 1 in 36^64).
    (void)generate_pid();
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        const std::string drawn = random_string(64, pidpps_alphabet);
        const bool ok =
            ::write(fds[1], drawn.data(), drawn.size()) == static_cast<ssize_t>(drawn.size());
        ::_exit(ok ? 0 : 1);
    }
    ::close(fds[1]);
    const std::string mine = random_string(64, pidpps_alphabet);
    std::string theirs(64, '\0');
    std::size_t got = 0;
    while (got < theirs.size()) {
        const ssize_t n = ::read(fds[0], theirs.data() + got, theirs.size() - got);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ASSERT_EQ(got, theirs.size());
    EXPECT_NE(mine, theirs);
}

TEST(KeysGenerator, PasswordsAreStrongAndDistinct) {
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) {
        const std::string pw = generate_password();
        ASSERT_EQ(pw.size(), random_password_length);
        ASSERT_TRUE(setupbin::new_password_problems(pw).empty()) << pw;
        for (char bad : std::string_view("\"',<>:& \\"))
            ASSERT_EQ(pw.find(bad), std::string::npos) << pw;
        seen.insert(pw);
    }
    EXPECT_EQ(seen.size(), 2000u);
}

}  // namespace
}  // namespace ukpu::keys
