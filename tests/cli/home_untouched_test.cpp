// Paths given are the only paths used: with --journal and --store given, nothing is created
// under the home directory (no ~/.local/state/ukpu, no ~/.local/share/ukpu), whatever the command.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/files.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::test::home_untouched {
namespace {

std::vector<std::string> everything_under(const std::string& dir) {
    std::vector<std::string> found;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
        found.push_back(e.path().string());
    return found;
}

TEST(HomeUntouched, GivenPathsAreTheOnlyPathsUsed) {
    TempDir work;
    TempDir home;
    ScopedEnv h("HOME", home.dir());
    ScopedEnv x("XDG_STATE_HOME", "");
    ScopedEnv d("XDG_DATA_HOME", "");
    const std::string img = work.path("k.img"), journal = work.path("journal");
    const std::string store = work.path("keys.db");
    write_text(work.path("cur.txt"), "admin\n");
    write_text(work.path("new.txt"), "N3w-Passw0rd!\n");
    const std::vector<std::vector<std::string>> runs = {
        {"build", "--image", img, "--size", "16M", "--setup-bin", corpus("v4-pki-amt-test-ca.bin")},
        {"verify", "--image", img},
        {"repair", "--image", img, "--journal", journal, "--dry-run"},
        {"repair", "--image", img, "--journal", journal},
        {"repair", "--image", img, "--journal", journal, "--strict"},
        {"repair", "--image", img, "--journal", journal, "--rollback"},
        {"keys", "generate", "-n", "3", "--current-password-file", work.path("cur.txt"),
         "--new-password-file", work.path("new.txt"), "-o", work.path("s.bin"), "--store", store},
        {"keys", "list", "--store", store},
        {"keys", "export", "--format", "scs-csv", "-o", work.path("x.csv"), "--store", store},
    };
    for (const auto& args : runs) {
        const auto r = run_ukpu(args);
        EXPECT_EQ(r.exit_code, 0) << args[0] << " " << args[1] << ": " << r.err;
        EXPECT_TRUE(everything_under(home.dir()).empty())
            << args[0] << " " << args[1] << " made " << everything_under(home.dir())[0];
    }
}

}  // namespace
}  // namespace ukpu::test::home_untouched
