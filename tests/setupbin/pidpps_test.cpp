// PID/PPS validation against Intel's example pair, whose checksum characters are valid: each is
// the sum of the ASCII codes it covers mod 36, written 0-9 then A-Z.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "ukpu/setupbin/error.hpp"
#include "ukpu/setupbin/pidpps.hpp"

namespace ukpu::setupbin {
namespace {

const std::string intel_pid = "0000037M";
const std::string intel_pps = "NKLDG5DCRRNQE9YZZIJL7LFLVJED69XJ";

TEST(PidPps, ChecksumOfIntelExample) {
    // 5 * '0' + '3' + '7' = 346, 346 mod 36 = 22 -> 'M' (the PID's last character).
    EXPECT_EQ(pid_pps_checksum("0000037"), 'M');
    EXPECT_EQ(pid_pps_checksum("NKL"), 'D');  // 78+75+76 = 229, 229 mod 36 = 13 -> 'D'
    EXPECT_EQ(pid_pps_checksum("69X"), 'J');  // 54+57+88 = 199, 199 mod 36 = 19 -> 'J'
    EXPECT_EQ(pid_pps_checksum(""), '0');
    EXPECT_EQ(pid_pps_checksum("9"), 'L');  // 57 mod 36 = 21 -> 'A' + 11
}

TEST(PidPps, IntelExampleIsValid) {
    EXPECT_EQ(pid_problem(intel_pid), "");
    EXPECT_EQ(pps_problem(intel_pps), "");
    EXPECT_EQ(normalize_pid("0000-037M"), intel_pid);
    EXPECT_EQ(normalize_pps("NKLD-G5DC-RRNQ-E9YZ-ZIJL-7LFL-VJED-69XJ"), intel_pps);
    EXPECT_EQ(format_pid(intel_pid), "0000-037M");
    EXPECT_EQ(format_pps(intel_pps), "NKLD-G5DC-RRNQ-E9YZ-ZIJL-7LFL-VJED-69XJ");
    EXPECT_EQ(format_pps(intel_pps).size(), 39u);
}

// Changing any one character of a valid PID or PPS to another allowed character is caught, and
// the message names the group's checksum position -- except a change of exactly 36 in the ASCII
// code of a covered character ('0' <-> 'T', ...), which a sum modulo 36 cannot see.
bool invisible(char from, char to) {
    return std::abs(from - to) == 36;
}

TEST(PidPps, EverySingleCharacterCorruptionIsDetected) {
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (std::size_t i = 0; i < intel_pid.size(); ++i) {
        for (char c : alphabet) {
            if (c == intel_pid[i]) continue;
            std::string s = intel_pid;
            s[i] = c;
            const std::string p = pid_problem(s);
            if (i < 7 && invisible(intel_pid[i], c)) {
                EXPECT_EQ(p, "") << s;
                continue;
            }
            EXPECT_NE(p.find("position 8"), std::string::npos) << s << ": " << p;
        }
    }
    for (std::size_t i = 0; i < intel_pps.size(); ++i) {
        const std::string pos = "position " + std::to_string(i / 4 * 4 + 4);
        for (char c : alphabet) {
            if (c == intel_pps[i]) continue;
            std::string s = intel_pps;
            s[i] = c;
            const std::string p = pps_problem(s);
            if (i % 4 != 3 && invisible(intel_pps[i], c)) {
                EXPECT_EQ(p, "") << s;
                continue;
            }
            EXPECT_NE(p.find(pos), std::string::npos) << s << ": " << p;
        }
    }
}

TEST(PidPps, BadCharactersAndLengths) {
    EXPECT_NE(pid_problem("0000037").find("8 characters, found 7"), std::string::npos);
    EXPECT_NE(pps_problem(intel_pps + "A").find("32 characters, found 33"), std::string::npos);
    EXPECT_NE(pid_problem("0000-37M").find("position 5"), std::string::npos);
    EXPECT_NE(pid_problem("0000037m").find("position 8"), std::string::npos);
    EXPECT_NE(pid_problem("0000037m").find("only A-Z and 0-9"), std::string::npos);
}

TEST(PidPps, NormalizeThrowsBadValueNamingThePosition) {
    try {
        normalize_pid("0000-038M");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::bad_value);
        EXPECT_NE(e.message().find("position 8"), std::string::npos) << e.message();
    }
    try {
        normalize_pps("NKLD-G5DC-RRNQ-E9YZ-ZIJL-7LFL-VJED-69XK");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::bad_value);
        EXPECT_NE(e.message().find("position 32"), std::string::npos) << e.message();
    }
    EXPECT_THROW(normalize_pps("NKLD-G5DC"), Error);
}

}  // namespace
}  // namespace ukpu::setupbin
