// `ukpu --events`, the stream ukpu-gui reads from its privileged worker: every line of stdout is
// one JSON event (read here with nlohmann::json, not ukpu's code); two sticks written say their
// progress up to the total, their read-back report and one outcome each; a "stop" line on stdin
// stops both at a safe point (exit 130, each stick's outcome "interrupted"); and nothing is
// asked on the terminal: a stick not confirmed by --yes or --confirm is refused (exit 4).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/fake_machine.hpp"
#include "support/files.hpp"
#include "support/json.hpp"
#include "support/loop_stick.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"

extern char** environ;

namespace ukpu::test::events_test {
namespace {

std::vector<Json> events_of(const std::string& out) {
    std::vector<Json> events;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        Json e = parse_json(line);  // throws on a line that is not one JSON document
        EXPECT_TRUE(e.contains("event")) << line;
        events.push_back(std::move(e));
    }
    return events;
}

// ukpu started with pipes: its stdout read line by line as it comes, its stdin written.
class LiveUkpu {
public:
    explicit LiveUkpu(const std::vector<std::string>& args) {
        int in[2];
        int out[2];
        if (::pipe(in) != 0 || ::pipe(out) != 0) return;
        std::vector<std::string> all = {UKPU_BINARY};
        all.insert(all.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : all) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addclose(&fa, in[1]);
        posix_spawn_file_actions_addclose(&fa, out[0]);
        if (posix_spawn(&pid_, UKPU_BINARY, &fa, nullptr, argv.data(), environ) != 0) pid_ = 0;
        posix_spawn_file_actions_destroy(&fa);
        ::close(in[0]);
        ::close(out[1]);
        stdin_ = in[1];
        stdout_ = out[0];
    }
    ~LiveUkpu() {
        if (stdin_ >= 0) ::close(stdin_);
        if (stdout_ >= 0) ::close(stdout_);
        if (pid_ > 0 && !waited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    bool started() const { return pid_ > 0; }
    // The next line of stdout, or nothing at its end (or after 30 s).
    std::optional<std::string> line() {
        for (;;) {
            if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
                std::string l = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return l;
            }
            pollfd p{stdout_, POLLIN, 0};
            if (::poll(&p, 1, 30000) <= 0) return std::nullopt;
            char buf[4096];
            const ssize_t n = ::read(stdout_, buf, sizeof buf);
            if (n <= 0) return std::nullopt;
            buffer_.append(buf, static_cast<std::size_t>(n));
        }
    }
    void say(const std::string& text) {
        ssize_t ignored = ::write(stdin_, text.data(), text.size());
        (void)ignored;
    }
    int wait() {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        waited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

private:
    pid_t pid_ = 0;
    bool waited_ = false;
    int stdin_ = -1;
    int stdout_ = -1;
    std::string buffer_;
};

class Events : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0 || run_shell("command -v losetup >/dev/null 2>&1") != 0)
            GTEST_SKIP() << "loop devices need root";
        for (int i = 0; i < 2; ++i) {
            const std::string name = "sd" + std::string(1, static_cast<char>('v' + i));
            sticks_.push_back(std::make_unique<LoopStick>(t_.path(name + ".img"), 96));
            ASSERT_TRUE(sticks_.back()->ok()) << "losetup failed";
            sticks_.back()->dress_as_usb_stick(m_.f, name, "EVENTS00" + std::to_string(i),
                                               "5-" + std::to_string(i + 1), 30 + i);
        }
    }
    std::vector<std::string> build_args(std::vector<std::string> extra) const {
        std::vector<std::string> args = {"--events", "build", "--config", samples("psk-v2.1.toml")};
        for (const auto& s : sticks_) args.insert(args.end(), {"--device", s->loop()});
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }

    TempDir t_;
    FakeMachine m_;
    std::vector<std::unique_ptr<LoopStick>> sticks_;
};

TEST_F(Events, TwoSticksSayTheirProgressReportAndOutcomeAsJsonLines) {
    const RunResult r = run_ukpu(build_args({"--yes"}));
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const auto events = events_of(r.out);
    for (const auto& s : sticks_) {
        std::uint64_t last = 0;
        std::uint64_t total = 0;
        int reports = 0;
        std::vector<std::string> outcomes;
        for (const auto& e : events) {
            if (e.value("target", "") != s->loop()) continue;
            const std::string kind = e["event"];
            if (kind == "progress") {
                EXPECT_GE(e["done"].get<std::uint64_t>(), last) << e.dump();
                last = e["done"];
                total = e["total"];
            } else if (kind == "key_report") {
                ++reports;
                EXPECT_TRUE(e["ok"].get<bool>()) << e.dump();
                EXPECT_NE(e["text"].get<std::string>().find("legacy: finds root slot 0"),
                          std::string::npos)
                    << e.dump();
            } else if (kind == "stick") {
                outcomes.push_back(e["status"]);
            }
        }
        EXPECT_GT(total, 0u) << s->loop();
        EXPECT_EQ(last, total) << s->loop() << ": the last progress is the whole";
        EXPECT_EQ(reports, 1) << s->loop();
        EXPECT_EQ(outcomes, std::vector<std::string>{"ok"}) << s->loop();
    }
}

TEST_F(Events, AStopLineOnStdinStopsEveryStickAtASafePoint) {
    // A large extra file, so that the writes are still going when the stop arrives.
    const std::string big = t_.path("BIG.DAT");
    ASSERT_EQ(run_shell("head -c 64M /dev/urandom > '" + big + "'"), 0);
    LiveUkpu p(build_args({"--yes", "--add", big}));
    ASSERT_TRUE(p.started());
    std::vector<Json> events;
    bool asked = false;
    while (const auto l = p.line()) {
        events.push_back(parse_json(*l));
        if (!asked && events.back()["event"] == "progress") {
            p.say("stop\n");
            asked = true;
        }
    }
    EXPECT_EQ(p.wait(), 130);
    ASSERT_TRUE(asked) << "no progress before the end";
    std::map<std::string, std::string> outcome;
    for (const auto& e : events)
        if (e["event"] == "stick") outcome[e["target"]] = e["status"];
    for (const auto& s : sticks_) EXPECT_EQ(outcome[s->loop()], "interrupted") << s->loop();
}

TEST_F(Events, NothingIsAskedAStickNotConfirmedIsRefused) {
    // "yes" on stdin is not an answer: with --events stdin carries only stop requests.
    const RunResult r = run_ukpu(build_args({}), "yes\n");
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.err.find("not confirmed"), std::string::npos) << r.err;
    for (const auto& e : events_of(r.out)) EXPECT_NE(e["event"], "stick") << e.dump();
    // Nothing was written: the sticks are still all zeros where the boot sector would go.
    for (const char* image : {"sdv.img", "sdw.img"}) {
        std::ifstream in(t_.path(image), std::ios::binary);
        std::vector<char> head(512);
        ASSERT_TRUE(in.read(head.data(), 512)) << image;
        EXPECT_TRUE(std::all_of(head.begin(), head.end(), [](char b) { return b == 0; })) << image;
    }
}

}  // namespace
}  // namespace ukpu::test::events_test
