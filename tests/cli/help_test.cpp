// Each command's --help lists exactly what it accepts: every option a help shows is taken by the
// command (run with a plausible value, in a dry run or on inputs that make it stop early, never a
// usage error), and the options a command has no use for (keys generate: the PID, the PPS, the
// record count and the versions that cannot carry PID/PPS) are not shown. Also --version,
// setupbin check's list of generations and cert-hash's "ok".
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/fake_machine.hpp"
#include "support/files.hpp"
#include "support/json.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"

namespace ukpu::test::help_text {
namespace {

namespace fs = std::filesystem;

using Args = std::vector<std::string>;

// One option as a help lists it: its names ("-n", "--count") and the type of its value (empty
// for a flag).
struct Listed {
    std::vector<std::string> names;
    std::string type;
};

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string trimmed(const std::string& s) {
    const auto b = s.find_first_not_of(' ');
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

// CLI11 writes an option as "  NAMES TYPE", padded to column 30 and followed by its
// description, or alone on its line when it is 30 columns or wider (the description then on the
// next line, indented by 30).
constexpr std::size_t description_column = 30;

bool is_description_line(const std::string& line) {
    return line.size() > description_column && line.find_first_not_of(' ') == description_column;
}

std::vector<Listed> listed_options(const std::string& help) {
    const std::vector<std::string> lines = lines_of(help);
    std::vector<Listed> out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        if (line.rfind("  -", 0) != 0) continue;
        const bool alone = i + 1 < lines.size() && is_description_line(lines[i + 1]);
        const std::string head = trimmed(alone ? line : line.substr(0, description_column));
        Listed o;
        const std::string names = head.substr(0, head.find(' '));
        std::size_t start = 0;
        while (start <= names.size()) {
            std::size_t end = names.find(',', start);
            if (end == std::string::npos) end = names.size();
            o.names.push_back(names.substr(start, end - start));
            start = end + 1;
        }
        if (head.find(' ') != std::string::npos) o.type = trimmed(head.substr(head.find(' ')));
        out.push_back(o);
    }
    return out;
}

// The subcommands a help lists (its "Subcommands:" section).
std::vector<std::string> listed_subcommands(const std::string& help) {
    std::vector<std::string> out;
    bool in_section = false;
    for (const std::string& line : lines_of(help)) {
        if (line == "Subcommands:") {
            in_section = true;
            continue;
        }
        if (!in_section) continue;
        if (line.rfind("  ", 0) != 0 || line.size() < 3 || line[2] == ' ') break;
        out.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
    return out;
}

std::string joined(const Args& words) {
    std::string s;
    for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
    return s;
}

// A usage error, or a refusal of an option the command does not take.
bool refused_as_usage(const RunResult& r) {
    return r.exit_code == 2 || r.err.find("not expected") != std::string::npos ||
           r.err.find("not accepted") != std::string::npos ||
           r.err.find("always rejected") != std::string::npos;
}

// How to run one command so that it goes as far as it can without changing anything outside the
// temp dir: its arguments (each an option with its values, or a positional); per option, the
// value it takes in this command when the shared table's does not fit (`values`), the arguments
// it must be given with (`with`) and those it must not meet (`drops`: given instead of them).
struct Case {
    std::vector<Args> base;
    std::map<std::string, Args> values = {};
    std::map<std::string, Args> with = {};
    std::map<std::string, std::set<std::string>> drops = {};
};

// The inputs every case shares, made once: secrets, a key batch in a key store, its setup.bin
// and a key image made from it, a profile, the fake machine (so that --device names no real
// disk).
class HelpOptions : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir;
        machine_ = new FakeMachine;
        write_text(path("cur.txt"), "admin");
        write_text(path("new.txt"), "N3w-Passw0rd!");
        write_text(path("pps.txt"), "NKLD-G5DC-RRNQ-E9YZ-ZIJL-7LFL-VJED-69XJ");
        write_text(path("passcode.txt"), "Passcode-123");
        write_text(path("pfx-password.txt"), "unused");
        write_text(path("notes.txt"), "notes");
        write_text(path("profile.toml"), "hostname = \"from-profile\"\n");
        fs::create_directories(path("journal"));
        write_text(path("pairs.csv"),
                   "pid,pps\n0000-037M,NKLD-G5DC-RRNQ-E9YZ-ZIJL-7LFL-VJED-69XJ\n");
        fs::copy_file(corpus("v4-pki-amt-test-ca.bin"), path("edit.bin"));
        RunResult g = run_ukpu({"keys", "generate", "-n", "2", "-o", path("key.bin"),
                                "--current-password-file", path("cur.txt"), "--new-password-file",
                                path("new.txt"), "--store", path("keys.db"), "--quiet"});
        ASSERT_EQ(g.exit_code, 0) << g.err;
        RunResult b = run_ukpu({"build", "--image", path("key.img"), "--size", "8M", "--setup-bin",
                                path("key.bin"), "--firmware", "legacy,uefi", "--quiet"});
        ASSERT_EQ(b.exit_code, 0) << b.err;
    }
    static void TearDownTestSuite() {
        delete machine_;
        machine_ = nullptr;
        delete dir_;
        dir_ = nullptr;
    }

    static std::string path(const std::string& name) { return dir_->path(name); }

    // A plausible value for each option that takes one, by name: given so, the option is taken
    // and the command does what it would do with it.
    static std::map<std::string, Args> values() {
        return {
            {"--output", {path("out.bin")}},
            {"-o", {path("out.bin")}},
            {"--records", {"2"}},
            {"--firmware", {"legacy,uefi"}},
            {"--config", {path("profile.toml")}},
            {"--current-password-file", {path("cur.txt")}},
            {"--new-password-file", {path("new.txt")}},
            {"--pps-file", {path("pps.txt")}},
            {"--enrollment-passcode-file", {path("passcode.txt")}},
            {"--cert-password-file", {path("pfx-password.txt")}},
            {"--password-file", {path("pfx-password.txt")}},
            {"--power-package", {"46732273-DC23-2F43-A98A-13D37982D855"}},
            {"--service-provider-id", {"46732273-DC23-2F43-A98A-13D37982D855"}},
            {"--pid", {"0000-037M"}},
            {"--pki-dns-suffix", {"example.com"}},
            {"--config-server-fqdn", {"server.example.com"}},
            {"--hostname", {"host-a"}},
            {"--domain", {"example.com"}},
            {"--idle-timeout", {"1"}},
            {"--provisioning-server", {"192.168.1.10"}},
            {"--provisioning-server-port", {"9971"}},
            {"--static-ipv4", {"192.168.1.20,255.255.255.0,192.168.1.1,192.168.1.2"}},
            {"--vlan", {"0001"}},
            {"--ipv6", {"interface=wired,enabled=1,address=2001:db8::10"}},
            {"--support-channel-id", {"1"}},
            {"--support-channel-description", {"support"}},
            {"--service-account-number", {"1234"}},
            {"--cert-hash", {corpus("amt-test-ca.crt")}},
            {"--cert-hash-value",
             {"sha256:e835a8bd48e6b7f8e21b1b1ac9a4ea9ad6b84f98fa2b5b1a2c3d4e5f60718293"}},
            {"--var", {"2:11:str:host-b"}},
            {"--store", {path("keys.db")}},
            {"--batch", {"1"}},
            {"--key-file", {"1"}},
            {"--per-key", {"1"}},
            {"--count", {"1"}},
            {"-n", {"1"}},
            {"--size", {"8M"}},
            {"--label", {"KEY"}},
            {"--cluster-size", {"2K"}},
            {"--volume-id", {"1234ABCD"}},
            {"--add", {path("notes.txt")}},
            {"--setup-bin-name", {"SETUP.BIN"}},
            {"--journal", {path("journal")}},
            // No disk of the fake machine: refused for safety or unreadable, never written.
            {"--device", {path("no-such-disk")}},
            {"--confirm", {path("no-such-disk")}},
        };
    }

    // The values to try for `o` (an option taking one): each of the choices its help lists,
    // else the table's, else a number for a number. Empty when none is known.
    static std::vector<Args> values_for(const Listed& o) {
        const std::string& t = o.type;
        if (auto b = t.find('{'); b != std::string::npos) {
            std::vector<Args> choices;
            const std::string list = t.substr(b + 1, t.find('}', b) - b - 1);
            std::size_t start = 0;
            while (start <= list.size()) {
                std::size_t end = list.find(',', start);
                if (end == std::string::npos) end = list.size();
                choices.push_back({list.substr(start, end - start)});
                start = end + 1;
            }
            return choices;
        }
        const auto table = values();
        for (const auto& n : o.names)
            if (auto it = table.find(n); it != table.end()) return {it->second};
        if (t.rfind("UINT", 0) == 0 || t.rfind("INT", 0) == 0) return {{"1"}};
        if (auto bar = t.find('|'); bar != std::string::npos) return {{t.substr(0, bar)}};
        return {};
    }

    static std::map<std::string, Case> cases() {
        const std::string nodisk = path("no-such-disk");
        std::map<std::string, Case> c;
        c["setupbin show"] = {{{corpus("acu-12.1-default.bin")}}};
        c["setupbin check"] = {{{corpus("acu-12.1-default.bin")}}};
        c["setupbin create"] = {{{"-o", path("create.bin")},
                                 {"--current-password-file", path("cur.txt")},
                                 {"--dry-run"}}};
        c["setupbin edit"] = {{{path("edit.bin")}, {"--dry-run"}},
                              {{"--unset", {"2:5"}}, {"--remove-cert-hash", {"AMT Test CA"}}}};
        c["cert-hash"] = {{{corpus("amt-test-ca.crt")}}};
        c["keys generate"] = {{{"-n", "1"},
                               {"-o", path("gen.bin")},
                               {"--current-password-file", path("cur.txt")},
                               {"--new-password-file", path("new.txt")},
                               {"--store", path("gen.db")},
                               {"--dry-run"}},
                              {},
                              {{"--confirm", {"--device", nodisk}}},
                              {{"--random-new-password", {"--new-password-file"}},
                               {"--device", {"-o"}},
                               {"--confirm", {"-o"}}}};
        c["keys list"] = {{{"--store", path("keys.db")}}};
        c["keys export"] = {{{"--store", path("keys.db")},
                             {"--format", "csv"},
                             {"-o", path("export.csv")},
                             {"--dry-run"}},
                            {},
                            {{"--upsert", {"--format", "scs-sql"}}},
                            {{"--upsert", {"--format"}}}};
        c["keys import"] = {{{path("pairs.csv")},
                             {"--store", path("import.db")},
                             {"--current-password-file", path("cur.txt")},
                             {"--new-password-file", path("new.txt")},
                             {"--dry-run"}}};
        c["keys void"] = {
            {{"--store", path("keys.db")}, {"--batch", "1"}, {"--reason", "test"}, {"--dry-run"}},
            {},
            {},
            {{"--key-file", {"--batch"}}, {"--pid", {"--batch"}}}};
        c["keys write"] = {{{"--store", path("keys.db")},
                            {"--batch", "1"},
                            {"-o", path("write.bin")},
                            {"--dry-run"}},
                           {{"--image", {path("write.img")}}},
                           {{"--unconsumed", {"--key-file", "1"}},
                            {"--size", {"--image", path("write.img")}},
                            {"--confirm", {"--device", nodisk}}},
                           {{"--key-file", {"--batch"}},
                            {"--unconsumed", {"--batch"}},
                            {"--image", {"-o"}},
                            {"--size", {"-o"}},
                            {"--device", {"-o"}},
                            {"--confirm", {"-o"}}}};
        c["keys store copy"] = {{{path("keys.db")}, {path("copy.db")}, {"--dry-run"}}};
        c["keys sync"] = {{{"--store", path("keys.db")}, {"--setup-bin", path("key.bin")}},
                          {{"--image", {path("key.img")}}},
                          {},
                          {{"--image", {"--setup-bin"}}, {"--device", {"--setup-bin"}}}};
        c["build"] = {{{"--image", path("build.img")},
                       {"--size", "8M"},
                       {"--current-password-file", path("cur.txt")},
                       {"--firmware", "legacy,uefi"},
                       {"--dry-run"}},
                      {{"--setup-bin", {path("key.bin")}}},
                      {{"--confirm", {"--device", nodisk}}},
                      {{"--setup-bin", {"--current-password-file"}},
                       {"--device", {"--image", "--size"}},
                       {"--confirm", {"--image", "--size"}}}};
        c["verify"] = {{{"--image", path("key.img")}}, {}, {}, {{"--device", {"--image"}}}};
        c["repair"] = {{{"--image", path("repair.img")}, {"--dry-run"}},
                       {},
                       {{"--confirm", {"--device", nodisk}}},
                       {{"--device", {"--image"}}, {"--confirm", {"--image"}}}};
        c["devices"] = {{}};
        return c;
    }

    static TempDir* dir_;
    static FakeMachine* machine_;
};

TempDir* HelpOptions::dir_ = nullptr;
FakeMachine* HelpOptions::machine_ = nullptr;

// The command lines of every command a help lists, from the top: "setupbin show", "build", ...
std::vector<std::string> every_command() {
    std::vector<std::string> leaves;
    std::vector<Args> todo = {{}};
    while (!todo.empty()) {
        Args words = todo.back();
        todo.pop_back();
        Args help_args = words;
        help_args.push_back("--help");
        const RunResult r = run_ukpu(help_args);
        EXPECT_EQ(r.exit_code, 0) << joined(help_args) << ": " << r.err;
        const auto subs = listed_subcommands(r.out);
        if (subs.empty() && !words.empty()) leaves.push_back(joined(words));
        for (const auto& s : subs) {
            Args next = words;
            next.push_back(s);
            todo.push_back(next);
        }
    }
    std::sort(leaves.begin(), leaves.end());
    return leaves;
}

// The arguments of `command` (its words) with `c`'s base, less the options in `left_out`.
Args command_line(const Args& words, const Case& c, const std::set<std::string>& left_out = {}) {
    Args args = words;
    for (const auto& g : c.base)
        if (!left_out.count(g.front())) args.insert(args.end(), g.begin(), g.end());
    return args;
}

TEST_F(HelpOptions, EveryListedOptionIsAccepted) {
    fs::copy_file(path("key.img"), path("repair.img"), fs::copy_options::overwrite_existing);
    const std::map<std::string, Case> all = cases();
    const std::vector<std::string> commands = every_command();
    ASSERT_GE(commands.size(), 12u);
    std::set<std::string> reached;
    for (const std::string& command : commands) {
        const auto it = all.find(command);
        if (it == all.end()) {
            ADD_FAILURE() << "`" << command << "` has no case in help_test.cpp: add how to run it";
            continue;
        }
        reached.insert(command);
        const Case& c = it->second;
        Args words;
        std::istringstream in(command);
        for (std::string w; in >> w;) words.push_back(w);
        Args help_args = words;
        help_args.push_back("--help");
        const RunResult help = run_ukpu(help_args);
        ASSERT_EQ(help.exit_code, 0) << command << ": " << help.err;
        const std::vector<Listed> options = listed_options(help.out);
        EXPECT_FALSE(options.empty()) << command;

        // The base alone runs: the options it gives are taken.
        const Args plain = command_line(words, c);
        const RunResult base_run = run_ukpu(plain);
        EXPECT_FALSE(refused_as_usage(base_run))
            << joined(plain) << "\nexit " << base_run.exit_code << "\n"
            << base_run.err;
        std::set<std::string> in_base;
        for (const auto& g : c.base) in_base.insert(g.front());

        // One trial per name of each option and per value tried (each choice its help lists):
        // the option with its value, what it leaves out of the base and what it needs beside
        // it. Those that need nothing (and only the first name of each option) are run a few at
        // a time (a record holds only so many settings), never two of one option together; only
        // when such a run does not go through is each of its trials run alone.
        struct Trial {
            std::string option;  // its first name
            std::string name;
            Args value;
            Args given;
            std::set<std::string> left_out;
            bool alone = false;
        };
        std::vector<Trial> trials;
        for (const Listed& o : options) {
            for (const std::string& name : o.names) {
                if (name == "-h" || name == "--help") continue;
                const std::set<std::string> names(o.names.begin(), o.names.end());
                Args in_base_value;
                bool given_by_base = false;
                for (const auto& g : c.base)
                    if (names.count(g.front())) {
                        given_by_base = given_by_base || g.front() == name;
                        in_base_value.assign(g.begin() + 1, g.end());
                    }
                std::vector<Args> tried = {Args{}};
                if (!o.type.empty()) {
                    if (auto cv = c.values.find(name); cv != c.values.end())
                        tried = {cv->second};
                    else if (o.type.find('{') == std::string::npos && !in_base_value.empty())
                        tried = {in_base_value};
                    else
                        tried = values_for(o);
                    if (tried.empty()) {
                        ADD_FAILURE() << command << " " << name << " (" << o.type
                                      << "): no plausible value in help_test.cpp";
                        continue;
                    }
                }
                for (const Args& v : tried) {
                    if (given_by_base && v == in_base_value) continue;  // the base run did
                    Trial t{o.names.front(), name, v, {name}, names, name != o.names.front()};
                    t.given.insert(t.given.end(), v.begin(), v.end());
                    if (auto d = c.drops.find(name); d != c.drops.end())
                        t.left_out.insert(d->second.begin(), d->second.end());
                    if (auto w = c.with.find(name); w != c.with.end())
                        t.given.insert(t.given.begin(), w->second.begin(), w->second.end());
                    t.alone = t.alone || !in_base_value.empty() || given_by_base ||
                              c.drops.count(name) > 0 || c.with.count(name) > 0;
                    trials.push_back(std::move(t));
                }
            }
        }
        auto try_alone = [&](const Trial& t) {
            Args args = command_line(words, c, t.left_out);
            args.insert(args.end(), t.given.begin(), t.given.end());
            const RunResult r = run_ukpu(args);
            EXPECT_FALSE(refused_as_usage(r)) << command << ": " << t.name << " " << joined(t.value)
                                              << " is listed by its help but not taken:\n"
                                              << joined(args) << "\nexit " << r.exit_code << "\n"
                                              << r.err;
        };
        constexpr std::size_t at_a_time = 8;
        std::vector<std::vector<const Trial*>> batches;
        for (const Trial& t : trials) {
            if (t.alone) {
                try_alone(t);
                continue;
            }
            auto fits = [&](const std::vector<const Trial*>& b) {
                return b.size() < at_a_time &&
                       std::none_of(b.begin(), b.end(),
                                    [&](const Trial* x) { return x->option == t.option; });
            };
            auto b = std::find_if(batches.begin(), batches.end(), fits);
            if (b == batches.end()) {
                batches.emplace_back();
                b = std::prev(batches.end());
            }
            b->push_back(&t);
        }
        for (const auto& batch : batches) {
            Args together = plain;
            for (const Trial* t : batch)
                together.insert(together.end(), t->given.begin(), t->given.end());
            const RunResult r = run_ukpu(together);
            if ((r.exit_code != 0 && r.exit_code != 1) || refused_as_usage(r))
                for (const Trial* t : batch) try_alone(*t);
        }
    }
    for (const auto& [command, c] : all)
        EXPECT_TRUE(reached.count(command)) << command << " is not listed by any help";
}

TEST_F(HelpOptions, GlobalOptionsAreAcceptedBeforeTheCommand) {
    const RunResult help = run_ukpu({"--help"});
    ASSERT_EQ(help.exit_code, 0);
    for (const Listed& o : listed_options(help.out)) {
        for (const std::string& name : o.names) {
            if (name == "-h" || name == "--help") continue;
            EXPECT_TRUE(o.type.empty()) << name << " takes a value: give it one here";
            const RunResult r =
                run_ukpu({name, "setupbin", "show", corpus("acu-12.1-default.bin")});
            EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
        }
    }
}

// keys generate makes every PID and PPS and one record per PID, and PID/PPS records belong to
// versions 1 to 2.1: its help lists none of --pid, --pps-file, --records, nor a version it
// refuses, and the command line refuses them as unknown options or values.
TEST_F(HelpOptions, KeysGenerateListsNothingItRefuses) {
    const RunResult help = run_ukpu({"keys", "generate", "--help"});
    ASSERT_EQ(help.exit_code, 0);
    std::map<std::string, Listed> by_name;
    for (const Listed& o : listed_options(help.out))
        for (const auto& n : o.names) by_name[n] = o;
    EXPECT_FALSE(by_name.count("--pid"));
    EXPECT_FALSE(by_name.count("--pps-file"));
    EXPECT_FALSE(by_name.count("--records"));
    ASSERT_TRUE(by_name.count("--version"));
    EXPECT_EQ(by_name["--version"].type, "TEXT:{1,1.0,2,2.0,2.1}=2.1");
    EXPECT_NE(help.out.find("File format version: 1, 2 or 2.1"), std::string::npos) << help.out;
    // setupbin create and build still take them all.
    for (const Args& words : {Args{"setupbin", "create"}, Args{"build"}}) {
        Args a = words;
        a.push_back("--help");
        const RunResult other = run_ukpu(a);
        EXPECT_NE(other.out.find("--pid XXXX-XXXX"), std::string::npos) << joined(words);
        EXPECT_NE(other.out.find("--pps-file"), std::string::npos) << joined(words);
        EXPECT_NE(other.out.find("--records"), std::string::npos) << joined(words);
        EXPECT_NE(other.out.find("File format version: 1, 2, 2.1, 3 or 4"), std::string::npos)
            << joined(words);
    }

    const Args base = {"keys",
                       "generate",
                       "-n",
                       "1",
                       "-o",
                       path("refused.bin"),
                       "--current-password-file",
                       path("cur.txt"),
                       "--new-password-file",
                       path("new.txt"),
                       "--store",
                       path("refused.db"),
                       "--dry-run"};
    for (const Args& extra : {Args{"--pid", "0000-037M"}, Args{"--pps-file", path("pps.txt")},
                              Args{"--records", "2"}}) {
        Args a = base;
        a.insert(a.end(), extra.begin(), extra.end());
        const RunResult r = run_ukpu(a);
        EXPECT_EQ(r.exit_code, 2) << joined(extra) << ": " << r.err;
        EXPECT_NE(r.err.find("not expected"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(extra.front()), std::string::npos) << r.err;
    }
    for (const std::string v : {"3", "3.0", "4", "4.0"}) {
        Args a = base;
        a.insert(a.end(), {"--version", v});
        const RunResult r = run_ukpu(a);
        EXPECT_EQ(r.exit_code, 2) << v << ": " << r.err;
        EXPECT_NE(r.err.find("--version: " + v + " not in {1,1.0,2,2.0,2.1}"), std::string::npos)
            << r.err;
    }
    for (const std::string v : {"1", "2", "2.0", "2.1"}) {
        Args a = base;
        a.insert(a.end(), {"--version", v, "--quiet"});
        const RunResult r = run_ukpu(a);
        EXPECT_EQ(r.exit_code, 0) << v << ": " << r.err;
    }
    // A profile may still name them: refused, naming the profile's key.
    write_text(path("records.toml"), "records = 2\n");
    Args a = base;
    a.insert(a.end(), {"--config", path("records.toml")});
    RunResult r = run_ukpu(a);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("records.toml: records"), std::string::npos) << r.err;
    write_text(path("v4.toml"), "version = 4\n");
    a = base;
    a.insert(a.end(), {"--config", path("v4.toml")});
    r = run_ukpu(a);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("versions 1, 2 and 2.1"), std::string::npos) << r.err;
}

TEST(HelpVersion, PrintsTheProjectVersionAndExits0) {
    const RunResult r = run_ukpu({"--version"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, std::string("ukpu ") + UKPU_PROJECT_VERSION + "\n");
    EXPECT_EQ(r.err, "");
    // The shipped program says the same.
    TempDir dir;
    ASSERT_EQ(run_shell(std::string("'") + UKPU_SHIPPED_BINARY + "' --version > '" +
                        dir.path("shipped.txt") + "'"),
              0);
    const auto shipped = read_bytes(dir.path("shipped.txt"));
    EXPECT_EQ(std::string(shipped.begin(), shipped.end()), r.out);
    const RunResult help = run_ukpu({"--help"});
    EXPECT_NE(help.out.find("--version"), std::string::npos) << help.out;
    // After the command words of a command with a --version of its own, that one wins.
    const RunResult create =
        run_ukpu({"setupbin", "create", "-o", dir.path("v.bin"), "--version", "9", "--dry-run"});
    EXPECT_EQ(create.exit_code, 2) << create.err;
    EXPECT_NE(create.err.find("--version: 9 not in"), std::string::npos) << create.err;
}

TEST(HelpCheckFirmware, TakesTheListsTheOtherCommandsTake) {
    const std::string file = corpus("acu-12.1-default.bin");
    const RunResult all = run_ukpu({"--json", "setupbin", "check", file, "--firmware", "all"});
    ASSERT_EQ(all.exit_code, 1) << all.err;  // its 2/29 = 1 is aborted by a modern MEBx
    const RunResult every =
        run_ukpu({"--json", "setupbin", "check", file, "--firmware", "legacy,uefi,mebx"});
    EXPECT_EQ(every.exit_code, all.exit_code) << every.err;
    EXPECT_EQ(every.out, all.out);

    const RunResult two =
        run_ukpu({"--json", "setupbin", "check", file, "--firmware", "legacy,uefi"});
    EXPECT_EQ(two.exit_code, 0) << two.err;
    const Json doc = parse_json(two.out);
    EXPECT_EQ(member_names(doc).front(), "ok");
    EXPECT_TRUE(doc.at("ok").get<bool>());
    EXPECT_TRUE(doc.at("generations").contains("legacy"));
    EXPECT_TRUE(doc.at("generations").contains("uefi"));
    EXPECT_FALSE(doc.at("generations").contains("mebx"));

    const RunResult one = run_ukpu({"setupbin", "check", file, "--firmware", "mebx"});
    EXPECT_EQ(one.exit_code, 1) << one.err;

    const RunResult bad = run_ukpu({"setupbin", "check", file, "--firmware", "legacy,bios"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("'bios' is not legacy, uefi, mebx or all"), std::string::npos)
        << bad.err;
    const RunResult help = run_ukpu({"setupbin", "check", "--help"});
    EXPECT_NE(help.out.find("comma-separated list of legacy, uefi, mebx"), std::string::npos)
        << help.out;
}

TEST(HelpCertHashJson, OkIsTheFirstMember) {
    const RunResult r = run_ukpu({"cert-hash", "--json", corpus("amt-test-ca.crt")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Json doc = parse_json(r.out);
    ASSERT_FALSE(member_names(doc).empty());
    EXPECT_EQ(member_names(doc).front(), "ok");
    EXPECT_TRUE(doc.at("ok").get<bool>());
    EXPECT_EQ(doc.at("files").size(), 1u);
}

}  // namespace
}  // namespace ukpu::test::help_text
