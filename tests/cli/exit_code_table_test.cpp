// The exit-code table (docs/reference.md, "Exit codes"), run: every command that takes an image, a device, a
// setup.bin, a certificate or a key store, against each condition (missing or unreadable input,
// malformed input, a key or file no asked generation can use, refused for safety, an I/O failure,
// interruption, usage). One condition, one code, whichever command meets it; an error names the
// path; a failed run leaves no output behind, creates no key store and changes none (sqlite3 .dump
// before and after).
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
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
        // keys write's store (a failed write must leave it as it was); one whose key file's bytes
        // do not match the sha256 stored with them; an existing output of setupbin edit.
        fs::copy_file(path("keys.db"), path("write.db"));
        fs::copy_file(path("keys.db"), path("damaged.db"));
        ASSERT_EQ(run_command("sqlite3 " + shell_quote(path("damaged.db")) +
                              " \"UPDATE key_files SET sha256='00' WHERE id=1\"")
                      .exit_code,
                  0);
        fs::copy_file(path("psk.bin"), path("exists.bin"));
        // keys import's input: Intel's example pair; the same with its last PPS checksum wrong.
        write_text(path("pairs.csv"),
                   "pid,pps\n0000-037M,NKLD-G5DC-RRNQ-E9YZ-ZIJL-7LFL-VJED-69XJ\n");
        write_text(path("badsum.csv"),
                   "pid,pps\n0000-037M,NKLD-G5DC-RRNQ-E9YZ-ZIJL-7LFL-VJED-69XX\n");
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

    // `keys import FILE` into `store` with the passwords for every pair.
    static std::vector<std::string> import(const std::string& file, const std::string& store,
                                           std::vector<std::string> more = {}) {
        std::vector<std::string> a = {"keys",
                                      "import",
                                      file,
                                      "--current-password-file",
                                      path("cur.txt"),
                                      "--new-password-file",
                                      path("new.txt"),
                                      "--store",
                                      store};
        a.insert(a.end(), more.begin(), more.end());
        return a;
    }
    // The key store as sqlite3 reads it: its key files (their stored bytes by length) and
    // records row by row, then the whole of it as sqlite3 dumps it; equal when nothing changed.
    static std::vector<std::string> dump(const std::string& db) {
        const std::string q =
            "SELECT id, file_index, target, sha256, device_serial, volume_id, state, label, "
            "replaces, length(setup_bin) FROM key_files; SELECT * FROM records;";
        const CommandResult rows = run_command("sqlite3 " + shell_quote(db) + " " + shell_quote(q));
        const CommandResult all = run_command("sqlite3 " + shell_quote(db) + " .dump");
        EXPECT_EQ(rows.exit_code, 0) << db << ": " << rows.output;
        EXPECT_EQ(all.exit_code, 0) << db << ": " << all.output;
        std::vector<std::string> out;
        std::size_t at = 0;
        while (at < rows.output.size()) {
            const auto end = rows.output.find('\n', at);
            out.push_back(rows.output.substr(at, end - at));
            at = end == std::string::npos ? rows.output.size() : end + 1;
        }
        // Anything else in the store: the dump's size and hash.
        out.push_back(".dump: " + std::to_string(all.output.size()) + " bytes, hash " +
                      std::to_string(std::hash<std::string>{}(all.output)));
        return out;
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
            {{"setupbin", "edit", input, "-o", out + "-e.bin", "--hostname", "pc01"},
             code,
             input,
             out + "-e.bin"},
            {{"setupbin", "edit", input, "--hostname", "pc01"}, code, input},
            // A pairs file that cannot be read creates no store.
            {import(input, path("k4.db")), code, input, path("k4.db")},
            {{"keys", "void", "--batch", "1", "--reason", "lost", "--store", input}, code, input},
            {{"keys", "write", "--key-file", "1", "--store", input, "-o", out + "-w.bin"},
             code,
             input,
             out + "-w.bin"},
            {{"keys", "write", "--key-file", "1", "--store", input, "--image", out + "-w.img"},
             code,
             input,
             out + "-w.img"},
        };
    }
    // The commands given `input`, a file that exists, as their key store: it is none.
    static std::vector<Row> not_a_store(const std::string& input) {
        return {
            {import(path("pairs.csv"), input), 3, input},
            {generate({"--current-password-file", path("cur.txt"), "-o", path("nas-k.bin"),
                       "--store", input}),
             3, input, path("nas-k.bin")},
        };
    }

    static TempDir* dir_;
};

TempDir* ExitCodeTable::dir_ = nullptr;

TEST_F(ExitCodeTable, MissingInputIs3) {
    expect_rows("missing", every_reader(path("missing"), 3));
    // Only keys generate and keys import create a store; the others name the missing one and
    // create nothing.
    const std::string none = path("none.db");
    expect_rows(
        "missing store",
        {
            {{"keys", "void", "--batch", "1", "--reason", "lost", "--store", none}, 3, none, none},
            {{"keys", "write", "--key-file", "1", "--store", none, "-o", path("nw.bin")},
             3,
             none,
             none},
            {{"keys", "write", "--batch", "1", "--store", none, "--image", path("nw.img")},
             3,
             none,
             path("nw.img")},
            {{"keys", "list", "--store", none}, 3, none, none},
            {{"keys", "list", "--store", none},
             3,
             "only `ukpu keys generate` and `ukpu keys import` create a store",
             none},
            {{"keys", "export", "--format", "csv", "--store", none, "-o", path("nw.csv")},
             3,
             none,
             none},
        });
    // A key file, batch or PID the store does not hold.
    const std::string w = path("write.db");
    const auto before = dump(w);
    expect_rows(
        "unknown in the store",
        {
            {{"keys", "void", "--batch", "99", "--reason", "lost", "--store", w}, 3, "no batch 99"},
            {{"keys", "void", "--key-file", "9", "--reason", "lost", "--store", w},
             3,
             "no key file 9"},
            {{"keys", "void", "--pid", "0000-037M", "--reason", "lost", "--store", w},
             3,
             "0000037M"},
            {{"keys", "write", "--key-file", "9", "--store", w, "-o", path("u.bin")},
             3,
             "key file 9",
             path("u.bin")},
            {{"keys", "write", "--batch", "99", "--store", w, "-o", path("u.bin")},
             3,
             "batch 99",
             path("u.bin")},
        });
    EXPECT_EQ(dump(w), before);
    const std::string dev = "/dev/ukpu-missing";
    const std::string no_such = dev + ": no such device";  // said so by every command
    expect_rows("missing device",
                {
                    {{"verify", "--device", dev}, 3, no_such},
                    {{"repair", "--device", dev}, 3, no_such},
                    {{"build", "--device", dev, "--setup-bin", corpus("v4-pki-amt-test-ca.bin")},
                     3,
                     no_such},
                    {{"keys", "sync", "--store", path("keys.db"), "--device", dev}, 3, no_such},
                });
}

TEST_F(ExitCodeTable, ADirectoryGivenAsInputIs3) {
    expect_rows("a directory", every_reader(path("dir"), 3));
    expect_rows("a directory as the store", not_a_store(path("dir")));
}

TEST_F(ExitCodeTable, AnEmptyFileIs3) {
    // (An empty file is a SQLite database with no tables: not a ukpu store, also 3.)
    expect_rows("empty", every_reader(path("empty"), 3));
    expect_rows("empty as the store", not_a_store(path("empty")));
    EXPECT_EQ(fs::file_size(path("empty")), 0u);
}

TEST_F(ExitCodeTable, BytesOfNothingKnownAre3) {
    const auto noise = read_bytes(path("noise"));
    expect_rows("noise", every_reader(path("noise"), 3));
    expect_rows("noise as the store", not_a_store(path("noise")));
    EXPECT_EQ(read_bytes(path("noise")), noise);
}

TEST_F(ExitCodeTable, MalformedSetupBinOrKeyIs3) {
    const std::string t = path("truncated.bin");
    expect_rows("truncated setup.bin",
                {
                    {{"setupbin", "show", t}, 3, t},
                    {{"setupbin", "check", t}, 3},
                    {{"build", "--image", path("o.img"), "--setup-bin", t}, 3, t, path("o.img")},
                    {{"keys", "sync", "--store", path("keys.db"), "--setup-bin", t}, 3, t},
                    {{"setupbin", "edit", t, "-o", path("o-e.bin"), "--hostname", "pc01"},
                     3,
                     t,
                     path("o-e.bin")},
                    {{"setupbin", "edit", t, "--hostname", "pc01"}, 3, t},
                });
    EXPECT_EQ(fs::file_size(t), 700u);
    // A pairs file with a wrong checksum character, or not the format named: refused, naming
    // the file (and the line), no store created.
    const std::string k = path("k5.db");
    expect_rows("malformed pairs",
                {
                    {import(path("badsum.csv"), k), 3, path("badsum.csv") + ": line 2, pps", k},
                    {import(path("pairs.csv"), k, {"--format", "json"}), 3, path("pairs.csv"), k},
                    {import(path("psk.bin"), k), 3, path("psk.bin"), k},
                });
    // A store whose key file's bytes are not the ones its sha256 names.
    expect_rows("damaged store", {
                                     {{"keys", "write", "--key-file", "1", "--store",
                                       path("damaged.db"), "-o", path("d.bin")},
                                      3,
                                      "the store is damaged",
                                      path("d.bin")},
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
    expect_rows(
        "refused",
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
            {generate({"--current-password-file", path("cur.txt"), "-o", path("n-k.bin"), "--store",
                       path("newer.db")}),
             4, path("newer.db"), path("n-k.bin")},
            {import(path("pairs.csv"), path("newer.db")), 4, path("newer.db")},
            {{"keys", "void", "--batch", "1", "--reason", "lost", "--store", path("newer.db")},
             4,
             path("newer.db")},
            {{"keys", "write", "--key-file", "1", "--store", path("newer.db"), "-o",
              path("n-w.bin")},
             4,
             path("newer.db"),
             path("n-w.bin")},
        });
    // setupbin edit and keys write: an existing output other than the input needs
    // --overwrite, a directory is never replaced; nothing written, nothing stored.
    const auto exists = read_bytes(path("exists.bin"));
    const std::string w = path("write.db");
    const auto before = dump(w);
    expect_rows(
        "refused output",
        {
            {{"setupbin", "edit", path("psk.bin"), "-o", path("exists.bin"), "--hostname", "pc01"},
             4,
             path("exists.bin")},
            {{"setupbin", "edit", path("psk.bin"), "-o", path("dir"), "--overwrite", "--hostname",
              "pc01"},
             4,
             path("dir")},
            {{"keys", "write", "--key-file", "1", "--store", w, "-o", path("exists.bin")},
             4,
             path("exists.bin")},
            {{"keys", "write", "--key-file", "1", "--store", w, "--image", path("exists.bin")},
             4,
             path("exists.bin")},
            {{"keys", "write", "--key-file", "1", "--store", w, "-o", path("dir"), "--overwrite"},
             4,
             path("dir")},
            // Every record of batch 1 is on its key file already.
            {{"keys", "write", "--batch", "1", "--store", w, "-o", path("b1.bin")},
             4,
             "batch 1",
             path("b1.bin")},
        });
    EXPECT_EQ(read_bytes(path("exists.bin")), exists);
    EXPECT_EQ(dump(w), before);
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
    // keys write's failure leaves its store as it was: the key file is still on the key it was
    // written to before (exported as such), not retargeted at an output that never came to be.
    const std::string w = path("write.db");
    const auto before = dump(w);
    expect_rows(
        "cannot create",
        {
            {{"setupbin", "edit", path("psk.bin"), "-o", nowhere + "-e.bin", "--hostname", "pc01"},
             5,
             nowhere + "-e.bin"},
            {{"keys", "write", "--key-file", "1", "--store", w, "-o", nowhere + "-w.bin"},
             5,
             nowhere + "-w.bin"},
            {{"keys", "write", "--key-file", "1", "--store", w, "--image", nowhere + "-w.img"},
             5,
             nowhere + "-w.img"},
        });
    EXPECT_EQ(dump(w), before);
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
                                                            {"keys", "sync"},
                                                            {"setupbin", "edit"},
                                                            {"keys", "import"},
                                                            {"keys", "void"},
                                                            {"keys", "write"}};
    for (auto c : commands) {
        c.push_back("--no-such-option");
        rows.push_back({c, 2});
    }
    rows.push_back({{"verify", "--image", path("good.img"), "--firmware", "bogus"}, 2, "bogus"});
    rows.push_back({{"setupbin", "check", path("psk.bin"), "--firmware", "bogus"}, 2, "bogus"});
    rows.push_back({{"verify", "--image", path("good.img"), "--device", "/dev/sdz"}, 2});
    rows.push_back({{"nonsense"}, 2});
    // The new commands: a missing argument, a missing, conflicting or bogus option; no store
    // created, no output written.
    const std::string k = path("k6.db");
    const std::vector<Row> keys_rows = {
        {{"setupbin", "edit"}, 2, "FILE"},
        {{"setupbin", "edit", path("psk.bin"), "--version", "7", "-o", path("u-e.bin")},
         2,
         "--version",
         path("u-e.bin")},
        {{"setupbin", "edit", path("psk.bin"), "--unset", "9:99:9", "-o", path("u-e.bin")},
         2,
         "--unset",
         path("u-e.bin")},
        {{"keys", "import", "--store", k}, 2, "FILE", k},
        {import(path("pairs.csv"), k, {"--format", "xml"}), 2, "--format", k},
        {{"keys", "import", path("pairs.csv"), "--store", k}, 2, "--current-password-file", k},
        {{"keys", "void", "--reason", "lost", "--store", path("keys.db")}, 2, "--key-file"},
        {{"keys", "void", "--batch", "1", "--store", path("keys.db")}, 2, "--reason"},
        {{"keys", "void", "--batch", "1", "--pid", "0000-037M", "--reason", "lost", "--store",
          path("keys.db")},
         2},
        {{"keys", "void", "--pid", "0000-0000", "--reason", "lost", "--store", path("keys.db")},
         2,
         "--pid"},
        {{"keys", "write", "--key-file", "1", "--store", path("keys.db")},
         2,
         "-o/--image/--device"},
        {{"keys", "write", "--store", path("keys.db"), "-o", path("u-w.bin")},
         2,
         "--batch/--key-file",
         path("u-w.bin")},
        {{"keys", "write", "--batch", "1", "--key-file", "1", "--store", path("keys.db"), "-o",
          path("u-w.bin")},
         2,
         "",
         path("u-w.bin")},
        {{"keys", "write", "--key-file", "1", "--per-key", "2", "--store", path("keys.db"), "-o",
          path("u-w.bin")},
         2,
         "--per-key",
         path("u-w.bin")},
    };
    rows.insert(rows.end(), keys_rows.begin(), keys_rows.end());
    const auto before = dump(path("keys.db"));
    expect_rows("usage", rows);
    EXPECT_EQ(dump(path("keys.db")), before);
}

}  // namespace
}  // namespace ukpu::test::exit_code_table
