// `ukpu setupbin edit`: on each real corpus file a sample profile reproduces, every option of
// `create` (as its --help lists them) applied by `edit` gives the bytes `create` writes from the
// profile plus that option; on the other real file, and on all three, the entries not edited keep
// their bytes. A dry run lists the changes and writes nothing; the file is replaced atomically
// with mode 0600; a checker refusal, a usage error or malformed input leaves it untouched.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <sys/stat.h>

#include "support/files.hpp"
#include "support/json.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/setupbin/parse.hpp"

namespace ukpu::test::setupbin_edit_test {
namespace {

namespace fs = std::filesystem;
namespace sb = ukpu::setupbin;

using Args = std::vector<std::string>;
using Bytes = std::vector<std::uint8_t>;

std::string joined(const Args& words) {
    std::string s;
    for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
    return s;
}

// An option as `--help` lists it: its names and the type of its value (empty for a flag).
struct HelpOption {
    std::vector<std::string> names;
    std::string type;
    const std::string& long_name() const { return names.back(); }
};

// CLI11 writes "  NAMES TYPE" padded to column 30, then the description; a head of 30 columns
// or more stands alone, its description on the next line.
std::vector<HelpOption> help_options(const std::string& help) {
    std::vector<std::string> lines;
    std::istringstream in(help);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    auto trimmed = [](const std::string& s) {
        const auto b = s.find_first_not_of(' ');
        return b == std::string::npos ? std::string()
                                      : s.substr(b, s.find_last_not_of(' ') - b + 1);
    };
    std::vector<HelpOption> out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        if (line.rfind("  -", 0) != 0) continue;
        const bool alone = i + 1 < lines.size() && lines[i + 1].size() > 30 &&
                           lines[i + 1].find_first_not_of(' ') == 30;
        const std::string head = trimmed(alone ? line : line.substr(0, 30));
        HelpOption o;
        std::istringstream names(head.substr(0, head.find(' ')));
        for (std::string n; std::getline(names, n, ',');) o.names.push_back(n);
        if (head.find(' ') != std::string::npos) o.type = trimmed(head.substr(head.find(' ')));
        out.push_back(o);
    }
    return out;
}

// The options of `create` that are no edit: where the output goes (edit writes FILE, or -o
// like create), how many records (edit keeps the file's), the profile (what is compared).
const std::set<std::string> not_edits = {"--help", "--output", "--overwrite", "--records",
                                         "--config"};

class EditVsCreate : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir;
        write_text(path("current.txt"), "0ld-Passw0rd!");
        write_text(path("new.txt"), "N3w-Passw0rd!");
        write_text(path("pps.txt"), "NKLD-G5DC-RRNQ-E9YZ-ZIJL-7LFL-VJED-69XJ");
        write_text(path("passcode.txt"), "Passcode-123");
        write_text(path("pfx-password.txt"), "unused");
        for (const char* f :
             {"current.txt", "new.txt", "pps.txt", "passcode.txt", "pfx-password.txt"})
            fs::permissions(path(f), fs::perms::owner_read | fs::perms::owner_write);
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static std::string path(const std::string& name) { return dir_->path(name); }

    // The values each option of create is tried with. An enumerated option is tried with each
    // named value its help lists, a number with 7.
    static std::vector<Args> values_of(const HelpOption& o) {
        static const std::map<std::string, std::vector<Args>> table = {
            {"--version", {{"1"}, {"2"}, {"2.1"}, {"3"}, {"4"}}},
            {"--firmware", {{"legacy,uefi"}, {"all"}}},
            {"--current-password-file", {{path("current.txt")}}},
            {"--new-password-file", {{path("new.txt")}}},
            {"--pps-file", {{path("pps.txt")}}},
            {"--enrollment-passcode-file", {{path("passcode.txt")}}},
            {"--cert-password-file", {{path("pfx-password.txt")}}},
            {"--power-package", {{"11111111-2222-3333-4444-555555555555"}}},
            {"--service-provider-id", {{"46732273-DC23-2F43-A98A-13D37982D855"}}},
            {"--pid", {{"1234-5674"}}},
            {"--pki-dns-suffix", {{"amt.example.com"}}},
            {"--config-server-fqdn", {{"server.example.com"}}},
            {"--hostname", {{"host-a"}}},
            {"--domain", {{"example.com"}}},
            {"--provisioning-server", {{"192.168.1.10"}, {"2001:db8::1"}}},
            {"--static-ipv4", {{"192.168.1.20,255.255.255.0,192.168.1.1,192.168.1.2"}}},
            {"--vlan", {{"0001"}}},
            {"--ipv6", {{"interface=wired,enabled=1,address=2001:db8::10"}}},
            {"--support-channel-description", {{"support desk"}}},
            {"--service-account-number", {{"1234"}}},
            // The profiles' certificate: a new name for the hash a PKI profile already holds,
            // an added hash for the others. (create's command line replaces the profile's list
            // of --cert-hash files, while edit adds to what the file holds: the two agree
            // for the hash the profile names, and for a profile that names none.)
            {"--cert-hash", {{corpus("amt-test-ca.crt")}, {corpus("amt-test-ca.crt") + ":Root"}}},
            {"--cert-hash-value",
             {{"sha256:e835a8bd48e6b7f8e21b1b1ac9a4ea9ad6b84f98fa2b5b1a2c3d4e5f60718293:Other"},
              {"sha1:00112233445566778899aabbccddeeff00112233"}}},
            // A variable the profiles do not set (a raw entry beside one a named option set is
            // a second entry for create, the one entry's new value for edit).
            {"--var", {{"2:11:str:host-b"}, {"2:40:hex:0102"}}},
        };
        if (auto it = table.find(o.long_name()); it != table.end()) return it->second;
        if (o.type.empty()) return {{}};  // a flag
        if (o.type.find('|') != std::string::npos) {
            std::vector<Args> named;
            std::istringstream words(o.type.substr(0, o.type.find('[')));
            for (std::string w; std::getline(words, w, '|');)
                if (w != "N" && !w.empty()) named.push_back({w});
            return named;
        }
        if (o.type == "N") return {{"7"}};
        return {};
    }

    // Every option of create with the values it is tried with; a failure for one the table
    // does not know.
    static std::vector<std::pair<std::string, std::vector<Args>>> create_options() {
        const RunResult help = run_ukpu({"setupbin", "create", "--help"});
        EXPECT_EQ(help.exit_code, 0) << help.err;
        std::vector<std::pair<std::string, std::vector<Args>>> out;
        for (const HelpOption& o : help_options(help.out)) {
            if (not_edits.count(o.long_name())) continue;
            const auto values = values_of(o);
            if (values.empty()) {
                ADD_FAILURE() << o.long_name() << " (" << o.type
                              << "): no value to try in setupbin_edit_test.cpp";
                continue;
            }
            out.emplace_back(o.long_name(), values);
        }
        EXPECT_GE(out.size(), 40u);
        return out;
    }

    static Bytes created(const std::string& profile, const Args& option) {
        Args args = {"setupbin",          "create",      "--config", samples(profile), "-o",
                     path("created.bin"), "--overwrite", "--quiet"};
        args.insert(args.end(), option.begin(), option.end());
        if (std::find(option.begin(), option.end(), "--force") == option.end())
            args.push_back("--force");
        const RunResult r = run_ukpu(args);
        EXPECT_EQ(r.exit_code, 0) << joined(args) << "\n" << r.err;
        return read_bytes(path("created.bin"));
    }

    // `option` applied to a copy of `original` by edit (--force, as the profiles' creates are
    // compared with --force too); the JSON document it printed in `doc`.
    static Bytes edited(const Bytes& original, const Args& option, Json* doc = nullptr) {
        write_bytes(path("edited.bin"), original);
        Args args = {"setupbin", "edit", path("edited.bin"), "--quiet", "--json"};
        args.insert(args.end(), option.begin(), option.end());
        if (std::find(option.begin(), option.end(), "--force") == option.end())
            args.push_back("--force");
        const RunResult r = run_ukpu(args);
        EXPECT_EQ(r.exit_code, 0) << joined(args) << "\n" << r.err;
        if (doc) *doc = parse_json(r.out);
        return read_bytes(path("edited.bin"));
    }

    // For each option of create: edit(file, option) == create(profile + option).
    static void expect_edit_is_create(const std::string& profile, const Bytes& file) {
        for (const auto& [option, values] : create_options())
            for (const Args& value : values) {
                Args given = {option};
                given.insert(given.end(), value.begin(), value.end());
                SCOPED_TRACE(profile + " + " + joined(given));
                EXPECT_EQ(edited(file, given), created(profile, given));
            }
    }

    static TempDir* dir_;
};

TempDir* EditVsCreate::dir_ = nullptr;

TEST_F(EditVsCreate, EveryCreateOptionOnTheCorpusFilesTheProfilesReproduce) {
    for (const auto& [file, profile] :
         {std::pair<std::string, std::string>{"acu-12.1-default.bin", "acu-12.1-default.toml"},
          {"v4-pki-amt-test-ca.bin", "v4-pki-amt-test-ca.toml"}}) {
        const Bytes original = read_bytes(corpus(file));
        ASSERT_EQ(created(profile, {}), original) << profile << " no longer reproduces " << file;
        expect_edit_is_create(profile, original);
    }
}

TEST_F(EditVsCreate, EveryCreateOptionOnTheFilesTheOtherProfilesMake) {
    for (const char* profile : {"pki-amt14.toml", "psk-v2.1.toml"})
        expect_edit_is_create(profile, created(profile, {}));
}

// The entries of `f`'s records, without those of the variables in `edited`.
std::vector<std::vector<sb::Entry>> kept_entries(const sb::SetupBin& f,
                                                 const std::set<std::pair<int, int>>& edited) {
    std::vector<std::vector<sb::Entry>> out;
    for (const auto& r : f.records) {
        out.emplace_back();
        for (const auto& e : r.entries)
            if (!edited.count({e.module, e.variable})) out.back().push_back(e);
    }
    return out;
}

// On every real file, each option of create edits only its variables: the other entries keep
// their values and order, the header and record fields not named in the change list keep
// theirs. The MeshCommander file, which no profile reproduces (its module list is empty), is
// edited exactly as create writes the corrected file plus the option, but for that list.
TEST_F(EditVsCreate, TheEntriesNotEditedKeepTheirBytesOnEveryRealFile) {
    const auto options = create_options();
    for (const char* file :
         {"acu-12.1-edited-meshcommander.bin", "acu-12.1-default.bin", "v4-pki-amt-test-ca.bin"}) {
        const Bytes original = read_bytes(corpus(file));
        const sb::SetupBin before = sb::parse(original);
        for (const auto& [option, values] : options)
            for (const Args& value : values) {
                Args given = {option};
                given.insert(given.end(), value.begin(), value.end());
                SCOPED_TRACE(std::string(file) + " + " + joined(given));
                Json doc;
                const Bytes out = edited(original, given, &doc);
                const sb::SetupBin after = sb::parse(out);
                std::set<std::pair<int, int>> variables;
                std::set<std::string> fields;
                for (const auto& c : doc.at("changes")) {
                    if (c.contains("module"))
                        variables.insert({c.at("module").get<int>(), c.at("variable").get<int>()});
                    else
                        fields.insert(c.at("field").get<std::string>());
                }
                EXPECT_EQ(kept_entries(after, variables), kept_entries(before, variables));
                if (!fields.count("version")) {
                    EXPECT_EQ(after.header.guid, before.header.guid);
                    EXPECT_EQ(after.header.major, before.header.major);
                    EXPECT_EQ(after.header.minor, before.header.minor);
                }
                if (!fields.count("FileFlags")) {
                    EXPECT_EQ(after.header.flags, before.header.flags);
                }
                if (!fields.count("RecordFlags")) {
                    EXPECT_EQ(after.records.at(0).flags, before.records.at(0).flags);
                }
                EXPECT_EQ(after.header.modules, before.header.modules);
                EXPECT_EQ(after.header.header_byte_count, before.header.header_byte_count);
                if (doc.at("changes").empty()) {
                    EXPECT_EQ(out, original);
                }
                if (std::string(file) != "acu-12.1-edited-meshcommander.bin") continue;
                Bytes want = created("acu-12.1-edited-meshcommander.toml", given);
                ASSERT_EQ(want.size(), out.size());
                std::fill(want.begin() + 0x28, want.begin() + 0x2c, 0);  // the list it keeps
                EXPECT_EQ(out, want);
            }
    }
}

struct EditRun : ::testing::Test {
    TempDir dir;
    std::string file = dir.path("setup.bin");

    void SetUp() override {
        write_bytes(file, read_bytes(corpus("acu-12.1-default.bin")));
        fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write |
                                  fs::perms::group_read | fs::perms::others_read);
        write_text(dir.path("new.txt"), "N3w-Passw0rd!");
        fs::permissions(dir.path("new.txt"), fs::perms::owner_read | fs::perms::owner_write);
    }
    Bytes original() const { return read_bytes(corpus("acu-12.1-default.bin")); }
    static unsigned mode_of(const std::string& p) {
        struct stat st {};
        EXPECT_EQ(stat(p.c_str(), &st), 0) << p;
        return st.st_mode & 0777;
    }
    int entries_in_dir() const {
        return static_cast<int>(std::distance(fs::directory_iterator(dir.dir()), {}));
    }
};

TEST_F(EditRun, DryRunListsEachChangeAndWritesNothing) {
    const Args args = {"setupbin",          "edit",    file,
                       "--dry-run",         "--dhcp",  "disabled",
                       "--hostname",        "host-a",  "--new-password-file",
                       dir.path("new.txt"), "--unset", "shared-fqdn",
                       "--version",         "3"};
    const RunResult r = run_ukpu(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_bytes(file), original());
    EXPECT_EQ(mode_of(file), 0644u);
    EXPECT_NE(r.out.find("header: version 4.0 -> 3.0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("record 1: 2/13 DHCP: 2 (enabled) -> 1 (disabled)"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("record 1: 2/11 Hostname: added \"host-a\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("record 1: 2/23 Shared/Dedicated FQDN: removed 1 (shared)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("record 1: 1/2 New MEBx Password: *** -> *** (changed)"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(r.out.find("N3w-Passw0rd!"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("HeyH0Password!"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("would write (dry run)"), std::string::npos) << r.err;

    Args shown = args;
    shown.push_back("--show-secrets");
    const RunResult s = run_ukpu(shown);
    EXPECT_NE(s.out.find("1/2 New MEBx Password: \"HeyH0Password!\" -> \"N3w-Passw0rd!\""),
              std::string::npos)
        << s.out;

    Args json = args;
    json.push_back("--json");
    const RunResult j = run_ukpu(json);
    ASSERT_EQ(j.exit_code, 0) << j.err;
    const Json doc = parse_json(j.out);
    EXPECT_EQ(member_names(doc).front(), "ok");
    EXPECT_TRUE(doc.at("ok").get<bool>());
    EXPECT_FALSE(doc.at("written").get<bool>());
    ASSERT_EQ(doc.at("changes").size(), 5u);
    const Json& pw = doc.at("changes").at(1);
    EXPECT_EQ(pw.at("record"), 1);
    EXPECT_EQ(pw.at("key"), "new-password");
    EXPECT_EQ(pw.at("before").at("raw"), "***");
    EXPECT_EQ(pw.at("after").at("value"), "***");
    EXPECT_EQ(read_bytes(file), original());
}

TEST_F(EditRun, TheFileIsReplacedAtomicallyWithMode0600) {
    const RunResult r = run_ukpu({"setupbin", "edit", file, "--hostname", "host-a", "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(mode_of(file), 0600u);
    EXPECT_EQ(entries_in_dir(), 2);  // setup.bin and new.txt: no temporary file left
    const RunResult s = run_ukpu({"setupbin", "check", file});
    EXPECT_EQ(s.exit_code, 0) << s.out << s.err;
    const RunResult show = run_ukpu({"--json", "setupbin", "show", file});
    const Json e = parse_json(show.out).at("records").at(0).at("entries");
    ASSERT_EQ(e.size(), 10u);
    EXPECT_EQ(e.at(3).at("value"), "host-a");
}

TEST_F(EditRun, NothingToChangeLeavesTheFileAlone) {
    struct stat before {};
    ASSERT_EQ(stat(file.c_str(), &before), 0);
    const RunResult r = run_ukpu({"setupbin", "edit", file, "--dhcp", "enabled", "--scramble"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("nothing to change"), std::string::npos) << r.err;
    struct stat after {};
    ASSERT_EQ(stat(file.c_str(), &after), 0);
    EXPECT_EQ(after.st_ino, before.st_ino);
    EXPECT_EQ(mode_of(file), 0644u);
    // An unset that finds nothing says so.
    const RunResult u = run_ukpu({"setupbin", "edit", file, "--unset", "hostname"});
    EXPECT_EQ(u.exit_code, 0) << u.err;
    EXPECT_NE(u.err.find("--unset hostname: no edited record holds 2/11 Hostname"),
              std::string::npos)
        << u.err;
    EXPECT_EQ(read_bytes(file), original());
}

TEST_F(EditRun, OutputElsewhereNeedsOverwriteToReplaceAFile) {
    const std::string out = dir.path("out.bin");
    RunResult r = run_ukpu({"setupbin", "edit", file, "-o", out, "--kvm", "disabled", "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_bytes(file), original());
    EXPECT_EQ(mode_of(out), 0600u);
    const Bytes first = read_bytes(out);
    EXPECT_NE(first, original());

    r = run_ukpu({"setupbin", "edit", file, "-o", out, "--kvm", "enabled"});
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("--overwrite"), std::string::npos) << r.err;
    EXPECT_EQ(read_bytes(out), first);
    r = run_ukpu(
        {"setupbin", "edit", file, "-o", out, "--kvm", "enabled", "--overwrite", "--quiet"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_bytes(out), original());  // KVM enabled is what the file holds
    // FILE is replaced only when it is a regular file, not through a link (4, on a dry run too).
    fs::create_symlink(file, dir.path("link.bin"));
    for (const std::string& dry : {std::string("--dry-run"), std::string("--quiet")}) {
        r = run_ukpu({"setupbin", "edit", dir.path("link.bin"), "--kvm", "disabled", dry});
        EXPECT_EQ(r.exit_code, 4) << r.err;
        EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << r.err;
    }
    EXPECT_TRUE(fs::is_symlink(dir.path("link.bin")));
    EXPECT_EQ(read_bytes(file), original());
    // -o naming FILE itself is an edit in place.
    r = run_ukpu({"setupbin", "edit", file, "-o", file, "--kvm", "disabled", "--quiet"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_bytes(file), first);
}

TEST_F(EditRun, CheckerRefusalLeavesTheFileUntouchedUnlessForced) {
    write_bytes(file, read_bytes(corpus("v4-pki-amt-test-ca.bin")));
    const Bytes pki = read_bytes(file);
    // Manual setup aborts the record on a modern MEBx, which --firmware all asks for.
    RunResult r =
        run_ukpu({"setupbin", "edit", file, "--manual-setup", "manual", "--firmware", "all"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("2/29"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("not written"), std::string::npos) << r.err;
    EXPECT_EQ(read_bytes(file), pki);
    EXPECT_EQ(mode_of(file), 0644u);
    // A weak new password: the ME's policy (bad input, as create says it).
    write_text(dir.path("weak.txt"), "password");
    fs::permissions(dir.path("weak.txt"), fs::perms::owner_read | fs::perms::owner_write);
    r = run_ukpu({"setupbin", "edit", file, "--new-password-file", dir.path("weak.txt")});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(read_bytes(file), pki);
    // --force writes it, with a warning.
    r = run_ukpu(
        {"setupbin", "edit", file, "--manual-setup", "manual", "--firmware", "all", "--force"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("written despite an error (--force)"), std::string::npos) << r.err;
    EXPECT_NE(read_bytes(file), pki);
    // Without --firmware the edited content is judged by the generations it is for: a manual
    // setup key is for older AMT, which takes it.
    write_bytes(file, pki);
    r = run_ukpu({"setupbin", "edit", file, "--manual-setup", "manual"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("left out modern MEBx"), std::string::npos) << r.err;
}

TEST_F(EditRun, MalformedInputIsBadInputNamingTheOffset) {
    const Bytes good = original();
    write_bytes(file, Bytes(good.begin(), good.begin() + 700));
    RunResult r = run_ukpu({"setupbin", "edit", file, "--hostname", "host-a"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("offset 0x1c"), std::string::npos) << r.err;
    EXPECT_EQ(read_bytes(file).size(), 700u);

    write_bytes(file, Bytes(1024, 0x5a));
    r = run_ukpu({"setupbin", "edit", file, "--hostname", "host-a"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("not a setup.bin"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("offset 0x0"), std::string::npos) << r.err;

    Bytes overrun = good;
    overrun[0x21c] = 0xff;  // 1/1's length byte: the entry runs past its record
    overrun[0x21d] = 0x13;  // scrambled (+0x11): 0x2ee bytes, past the 488 of the record
    write_bytes(file, overrun);
    r = run_ukpu({"--json", "setupbin", "edit", file, "--hostname", "host-a"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("offset 0x218"), std::string::npos) << r.err;
    EXPECT_EQ(member_names(parse_json(r.out)).front(), "ok");
    EXPECT_EQ(read_bytes(file), overrun);

    r = run_ukpu({"setupbin", "edit", dir.path("missing.bin"), "--hostname", "host-a"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_FALSE(fs::exists(dir.path("missing.bin")));
}

TEST_F(EditRun, UsageErrorsAreExit2AndWriteNothing) {
    const std::vector<Args> bad = {
        {"--unset", "no-such-variable"},
        {"--unset", "2:0"},
        {"--scramble", "--no-scramble"},
        {"--reusable", "--no-reusable"},
        {"--record", "2", "--hostname", "host-a"},
        {"--record", "0"},
        {"--hostname", "pc_01"},
        {"--version", "5"},
        {"--var", "2:11:str"},
        {"--bogus"},
    };
    for (const Args& extra : bad) {
        Args args = {"setupbin", "edit", file};
        args.insert(args.end(), extra.begin(), extra.end());
        const RunResult r = run_ukpu(args);
        EXPECT_EQ(r.exit_code, 2) << joined(extra) << ": " << r.err;
        EXPECT_EQ(read_bytes(file), original()) << joined(extra);
    }
    // A profile's records or output are create's.
    write_text(dir.path("records.toml"), "records = 2\n");
    RunResult r = run_ukpu({"setupbin", "edit", file, "--config", dir.path("records.toml")});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("records.toml: records"), std::string::npos) << r.err;
    // More entries than a record holds.
    r = run_ukpu({"setupbin", "edit", file, "--vlan", std::string(900, 'a')});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(read_bytes(file), original());
}

TEST_F(EditRun, BatchesAreEditedRecordByRecord) {
    RunResult c = run_ukpu({"setupbin", "create", "--config", samples("psk-v2.1.toml"), "-o",
                            dir.path("psk.bin"), "--records", "3", "--quiet"});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    const Bytes psk = read_bytes(dir.path("psk.bin"));
    // One PID for every record of a batch is refused.
    RunResult r = run_ukpu({"setupbin", "edit", dir.path("psk.bin"), "--pid", "1234-5674"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("3 records"), std::string::npos) << r.err;
    r = run_ukpu({"setupbin", "edit", dir.path("psk.bin"), "--pid", "1234-5674", "--record", "2",
                  "--quiet"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const Bytes out = read_bytes(dir.path("psk.bin"));
    ASSERT_EQ(out.size(), psk.size());
    EXPECT_TRUE(std::equal(out.begin(), out.begin() + 1024, psk.begin()));
    EXPECT_TRUE(std::equal(out.begin() + 1536, out.end(), psk.begin() + 1536));
    const sb::SetupBin f = sb::parse(out);
    EXPECT_EQ(f.records[1].entries.at(3).value, (Bytes{'1', '2', '3', '4', '5', '6', '7', '4'}));
    // A setting for every record.
    r = run_ukpu({"setupbin", "edit", dir.path("psk.bin"), "--hostname", "host-a", "--quiet"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const auto& rec : sb::parse(read_bytes(dir.path("psk.bin"))).records)
        EXPECT_EQ(rec.entries.size(), sb::parse(psk).records[0].entries.size() + 1);
}

TEST_F(EditRun, ResetConsumedGivesATestKeyItsRecordsBack) {
    RunResult c = run_ukpu({"setupbin", "create", "--config", samples("pki-amt14.toml"), "-o",
                            dir.path("key.bin"), "--records", "2", "--quiet"});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    const Bytes fresh = read_bytes(dir.path("key.bin"));
    // Marked used by a tool that kept the record's settings: counter 1, record 1 not valid.
    Bytes used = fresh;
    used[0x20] = 1;
    used[0x204] = 0;
    write_bytes(dir.path("key.bin"), used);
    RunResult r = run_ukpu({"setupbin", "edit", dir.path("key.bin"), "--reset-consumed"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("header: DataRecordsConsumed 1 -> 0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("record 1: RecordFlags 0x0 -> 0x1"), std::string::npos) << r.out;
    EXPECT_EQ(read_bytes(dir.path("key.bin")), fresh);

    // A record the BIOS consumed (its body zeroed) cannot be given back.
    Bytes consumed = fresh;
    consumed[0x20] = 1;
    consumed[0x204] = 0;
    std::fill(consumed.begin() + 0x218, consumed.begin() + 0x400, 0);
    write_bytes(dir.path("key.bin"), consumed);
    r = run_ukpu({"setupbin", "edit", dir.path("key.bin"), "--reset-consumed"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("zeroed"), std::string::npos) << r.err;
    EXPECT_EQ(read_bytes(dir.path("key.bin")), consumed);
}

}  // namespace
}  // namespace ukpu::test::setupbin_edit_test
