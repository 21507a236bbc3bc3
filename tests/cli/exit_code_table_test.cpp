// The exit-code table of the README, run: every command that takes an image, a device, a
// setup.bin, a certificate or a key store, against each condition (missing or unreadable input,
// malformed input, a key or file no asked generation can use, refused for safety, an I/O failure,
// interruption, usage). One condition, one code, whichever command meets it; an error names the
// path; a failed run leaves no output behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "support/fake_machine.hpp"
#include "support/files.hpp"
#include "support/oracle.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::test::exit_code_table {
namespace {

namespace fs = std::filesystem;

// One run of the table: the arguments, the code every command must give for the condition, the
// path the error must name (empty: not checked) and an output that must not exist afterwards.
struct Row {
    Row(std::vector<std::string> a, int c, std::string n = {}, std::string o = {})
        : args(std::move(a)), code(c), named(std::move(n)), no_output(std::move(o)) {}
    std::vector<std::string> args;
    int code = 0;
    std::string named;
    std::string no_output;
};

std::string joined(const std::vector<std::string>& args) {
    std::string s = "ukpu";
    for (const auto& a : args) s += " " + a;
    return s;
}

void expect_rows(const std::string& condition, const std::vector<Row>& rows) {
    for (const auto& row : rows) {
        SCOPED_TRACE(condition + ": " + joined(row.args));
        const RunResult r = run_ukpu(row.args);
        EXPECT_EQ(r.exit_code, row.code) << "stdout:\n" << r.out << "stderr:\n" << r.err;
        if (row.code >= 2 && row.code != 130) {
            EXPECT_NE(r.err.find("ukpu: error: "), std::string::npos) << r.err;
            // No doubled severity: "ukpu: error: error [...]".
            EXPECT_EQ(r.err.find("error: error"), std::string::npos) << r.err;
        }
        if (!row.named.empty()) {
            EXPECT_NE(r.err.find(row.named), std::string::npos) << r.err;
        }
        if (!row.no_output.empty()) {
            EXPECT_FALSE(fs::exists(row.no_output)) << row.no_output;
        }
    }
}

// The inputs of every condition, made once for the whole table.
class ExitCodeTable : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir;
        write_text(path("cur.txt"), "admin");
        write_text(path("new.txt"), "Str0ng!Pass");
        fs::permissions(path("cur.txt"), fs::perms::owner_read | fs::perms::owner_write);
        fs::permissions(path("new.txt"), fs::perms::owner_read | fs::perms::owner_write);
        fs::create_directory(path("dir"));
        write_text(path("empty"), "");
        std::mt19937 gen(12);  // the same "random" bytes every run
        std::vector<std::uint8_t> noise(64 * 1024);
        for (auto& b : noise) b = static_cast<std::uint8_t>(gen());
        write_bytes(path("noise"), noise);
        auto bin = read_bytes(corpus("v4-pki-amt-test-ca.bin"));
        bin.resize(700);
        write_bytes(path("truncated.bin"), bin);

        auto ok = [](const RunResult& r) { return r.exit_code; };
        ASSERT_EQ(ok(run_ukpu({"build", "--image", path("good.img"), "--size", "16M", "--setup-bin",
                               corpus("v4-pki-amt-test-ca.bin")})),
                  0);
        // A FAT32 key: UEFI reads it, legacy BIOSes do not.
        ASSERT_EQ(
            ok(run_ukpu({"build", "--image", path("fat32.img"), "--size", "40M", "--fs", "fat32",
                         "--setup-bin", corpus("v4-pki-amt-test-ca.bin"), "--firmware", "uefi"})),
            0);
        // A partition table whose only entry ends far past the end of the image.
        auto img = read_bytes(path("good.img"));
        const std::uint8_t entry[16] = {0x00, 0xfe, 0xff, 0xff, 0x0e, 0xfe, 0xff, 0xff,
                                        0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7f};
        std::copy(std::begin(entry), std::end(entry), img.begin() + 446);
        write_bytes(path("badmbr.img"), img);
        // A PID/PPS batch and its store: a PSK file, which a modern MEBx does not apply.
        ASSERT_EQ(ok(run_ukpu({"keys", "generate", "-n", "2", "--current-password-file",
                               path("cur.txt"), "--random-new-password", "-o", path("psk.bin"),
                               "--store", path("keys.db")})),
                  0);
        fs::copy_file(path("keys.db"), path("newer.db"));
        ASSERT_EQ(
            run_command("sqlite3 " + shell_quote(path("newer.db")) + " 'PRAGMA user_version=99'")
                .exit_code,
            0);
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static std::string path(const std::string& name) { return dir_->path(name); }

    // `build --image OUT` from settings, with what is added.
    static std::vector<std::string> build(const std::string& out, std::vector<std::string> more) {
        std::vector<std::string> a = {"build",
                                      "--image",
                                      out,
                                      "--size",
                                      "16M",
                                      "--current-password-file",
                                      path("cur.txt"),
                                      "--new-password-file",
                                      path("new.txt")};
        a.insert(a.end(), more.begin(), more.end());
        return a;
    }
    static std::vector<std::string> create(const std::string& out, std::vector<std::string> more) {
        std::vector<std::string> a = {"setupbin",
                                      "create",
                                      "-o",
                                      out,
                                      "--current-password-file",
                                      path("cur.txt"),
                                      "--new-password-file",
                                      path("new.txt")};
        a.insert(a.end(), more.begin(), more.end());
        return a;
    }
    static std::vector<std::string> generate(std::vector<std::string> more) {
        std::vector<std::string> a = {"keys", "generate", "-n", "2", "--random-new-password"};
        a.insert(a.end(), more.begin(), more.end());
        return a;
    }

    // Every command reading `input` as what it takes, expecting `code`.
    static std::vector<Row> every_reader(const std::string& input, int code) {
        const std::string out = path("out");
        return {
            {{"verify", "--image", input}, code, input},
            {{"repair", "--image", input}, code, input},
            {{"--dry-run", "repair", "--image", input}, code, input},
            {{"setupbin", "show", input}, code, input},
            {{"setupbin", "check", input}, code, input},
            {{"cert-hash", input}, code, input},
            {{"build", "--image", out + ".img", "--setup-bin", input}, code, input, out + ".img"},
            {build(out + "2.img", {"--cert-hash", input}), code, input, out + "2.img"},
            {create(out + ".bin", {"--cert-hash", input}), code, input, out + ".bin"},
            {{"keys", "list", "--store", input}, code, input},
            {{"keys", "export", "--format", "scs-sql", "--store", input, "-o", out + ".sql"},
             code,
             input,
             out + ".sql"},
            {{"keys", "sync", "--store", input, "--image", path("good.img")}, code, input},
            {{"keys", "sync", "--store", path("keys.db"), "--image", input}, code, input},
            {generate({"--current-password-file", input, "-o", out + "-k.bin", "--store",
                       path("k2.db")}),
             code, input, out + "-k.bin"},
        };
    }

    static TempDir* dir_;
};

TempDir* ExitCodeTable::dir_ = nullptr;

TEST_F(ExitCodeTable, MissingInputIs3) {
    expect_rows("missing", every_reader(path("missing"), 3));
    const std::string dev = "/dev/ukpu-missing";
    expect_rows(
        "missing device",
        {
            {{"verify", "--device", dev}, 3, dev},
            {{"repair", "--device", dev}, 3, dev},
            {{"build", "--device", dev, "--setup-bin", corpus("v4-pki-amt-test-ca.bin")}, 3, dev},
            {{"keys", "sync", "--store", path("keys.db"), "--device", dev}, 3, dev},
        });
}

TEST_F(ExitCodeTable, ADirectoryGivenAsInputIs3) {
    expect_rows("a directory", every_reader(path("dir"), 3));
}

TEST_F(ExitCodeTable, AnEmptyFileIs3) {
    // (An empty file is a SQLite database with no tables: not a ukpu store, also 3.)
    expect_rows("empty", every_reader(path("empty"), 3));
}

TEST_F(ExitCodeTable, BytesOfNothingKnownAre3) {
    expect_rows("noise", every_reader(path("noise"), 3));
}

TEST_F(ExitCodeTable, MalformedSetupBinOrKeyIs3) {
    const std::string t = path("truncated.bin");
    expect_rows("truncated setup.bin",
                {
                    {{"setupbin", "show", t}, 3, t},
                    {{"setupbin", "check", t}, 3},
                    {{"build", "--image", path("o.img"), "--setup-bin", t}, 3, t, path("o.img")},
                    {{"keys", "sync", "--store", path("keys.db"), "--setup-bin", t}, 3, t},
                });
    const std::string m = path("badmbr.img");
    expect_rows("bogus partition table",
                {
                    {{"verify", "--image", m}, 3},
                    {{"repair", "--image", m}, 3, m},
                    {{"--dry-run", "repair", "--image", m}, 3, m},
                    {{"keys", "sync", "--store", path("keys.db"), "--image", m}, 3, m},
                });
}

TEST_F(ExitCodeTable, AKeyOrFileNoAskedGenerationCanUseIs1) {
    const std::string k = path("fat32.img");
    const std::string psk = path("psk.bin");
    fs::copy_file(k, path("fat32-r.img"));
    expect_rows("unusable",
                {
                    {{"verify", "--image", k, "--firmware", "legacy"}, 1},
                    {{"verify", "--image", k, "--firmware", "uefi"}, 0},
                    {{"setupbin", "check", psk, "--firmware", "mebx"}, 1},
                    {{"setupbin", "check", psk}, 0},
                    {{"setupbin", "check", psk, "--firmware", "all"}, 1},
                    {{"repair", "--image", path("fat32-r.img"), "--firmware", "legacy"}, 1},
                    {{"verify", "--image", path("good.img")}, 0},
                    {{"build", "--image", path("fat12.img"), "--size", "4M", "--fs", "fat12",
                      "--setup-bin", corpus("v4-pki-amt-test-ca.bin"), "--firmware", "legacy"},
                     1},
                });
}

TEST_F(ExitCodeTable, RefusedForSafetyIs4) {
    const std::string good = path("good.img");
    expect_rows("refused",
                {
                    // An existing output is never replaced without --overwrite; a directory never.
                    {build(good, {}), 4, good},
                    {build(path("dir"), {"--overwrite"}), 4, path("dir")},
                    {create(path("dir"), {}), 4, path("dir")},
                    {create(path("psk.bin"), {}), 4, path("psk.bin")},
                    {{"keys", "export", "--format", "scs-sql", "--store", path("keys.db"), "-o",
                      path("psk.bin")},
                     4,
                     path("psk.bin")},
                    // A store of a newer ukpu is neither read nor written.
                    {{"keys", "list", "--store", path("newer.db")}, 4, path("newer.db")},
                    {generate({"--current-password-file", path("cur.txt"), "-o", path("n-k.bin"),
                               "--store", path("newer.db")}),
                     4, path("newer.db"), path("n-k.bin")},
                });
    // A system disk, and a disk that is not USB without --allow-non-usb.
    FakeMachine m;
    expect_rows("refused device",
                {
                    {{"--yes", "build", "--device", "/dev/nvme0n1", "--setup-bin",
                      corpus("v4-pki-amt-test-ca.bin")},
                     4,
                     "/dev/nvme0n1"},
                    {{"--yes", "repair", "--device", "/dev/nvme0n1"}, 4, "/dev/nvme0n1"},
                    {{"--yes", "build", "--device", "/dev/sda", "--setup-bin",
                      corpus("v4-pki-amt-test-ca.bin")},
                     4,
                     "/dev/sda"},
                    {{"--yes", "repair", "--device", "/dev/sda"}, 4, "/dev/sda"},
                });
}

TEST_F(ExitCodeTable, AnOutputThatCannotBeWrittenOrAFailedWriteIs5) {
    const std::string nowhere = path("missing-dir") + "/x";
    expect_rows("cannot create", {
                                     {build(nowhere + ".img", {}), 5, nowhere + ".img"},
                                     {create(nowhere + ".bin", {}), 5, nowhere + ".bin"},
                                     {{"keys", "export", "--format", "scs-sql", "--store",
                                       path("keys.db"), "-o", nowhere + ".sql"},
                                      5,
                                      nowhere + ".sql"},
                                     {generate({"--current-password-file", path("cur.txt"), "-o",
                                                nowhere + ".bin", "--store", path("k3.db")}),
                                      5, nowhere + ".bin"},
                                 });
    fs::copy_file(path("fat32.img"), path("fat32-w.img"));
    ScopedEnv fail("UKPU_FAIL_AFTER_WRITES", "2");
    expect_rows(
        "a write fails",
        {
            {build(path("w.img"), {}), 5, path("w.img"), path("w.img")},
            {{"repair", "--strict", "--image", path("fat32-w.img"), "--journal", path("journal")},
             5,
             path("fat32-w.img")},
        });
}

TEST_F(ExitCodeTable, InterruptedIs130) {
    fs::copy_file(path("fat32.img"), path("fat32-i.img"));
    ScopedEnv stop("UKPU_INTERRUPT_AFTER_WRITES", "1");
    expect_rows(
        "interrupted",
        {
            {build(path("i.img"), {}), 130, "", path("i.img")},
            {{"repair", "--strict", "--image", path("fat32-i.img"), "--journal", path("journal-i")},
             130},
        });
}

TEST_F(ExitCodeTable, UsageIs2) {
    std::vector<Row> rows;
    const std::vector<std::vector<std::string>> commands = {{"setupbin", "show"},
                                                            {"setupbin", "check"},
                                                            {"setupbin", "create"},
                                                            {"cert-hash"},
                                                            {"build"},
                                                            {"verify"},
                                                            {"repair"},
                                                            {"devices"},
                                                            {"keys", "generate"},
                                                            {"keys", "list"},
                                                            {"keys", "export"},
                                                            {"keys", "sync"}};
    for (auto c : commands) {
        c.push_back("--no-such-option");
        rows.push_back({c, 2});
    }
    rows.push_back({{"verify", "--image", path("good.img"), "--firmware", "bogus"}, 2, "bogus"});
    rows.push_back({{"setupbin", "check", path("psk.bin"), "--firmware", "bogus"}, 2, "bogus"});
    rows.push_back({{"verify", "--image", path("good.img"), "--device", "/dev/sdz"}, 2});
    rows.push_back({{"nonsense"}, 2});
    expect_rows("usage", rows);
}

}  // namespace
}  // namespace ukpu::test::exit_code_table
