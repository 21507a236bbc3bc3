// The window as a desktop user: ukpu-gui run by an unprivileged user (nobody) on a real X server
// (Xvfb) makes a PID/PPS batch onto two loop-device sticks through its privileged path, pkexec
// running ukpu with the shipped polkit action (its exec.path pointed at the built ukpu, a local
// polkit rule saying yes for that user, the system bus and polkitd started when not running).
// Then the sticks are checked with `ukpu verify` and the store with `ukpu keys list --json`, as
// root. And the stick table follows a loop device attached and detached, without Refresh.
//
// The desktop user's part runs in a copy of this program started with setpriv (`--as-desktop-
// user`), so that the window's process never had root. Needs root (loop devices, polkit files),
// pkexec, polkitd, dbus-daemon, setpriv and Xvfb; skips, saying which is missing, otherwise.
// Screenshots go to $UKPU_SCREENSHOT_DIR (default: the build directory's screenshots/).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QApplication>
#include <QDir>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "disk_watcher.hpp"
#include "key_batch_box.hpp"
#include "main_window.hpp"
#include "stick_table.hpp"
#include "store/store_view.hpp"
#include "support/files.hpp"
#include "support/json.hpp"
#include "support/loop_stick.hpp"
#include "support/oracle.hpp"
#include "support/paths.hpp"
#include "support/temp_dir.hpp"
#include "support/xvfb.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/keys/key_sync.hpp"

extern char** environ;

namespace ukpu::test::privileged_xvfb_test {

namespace fs = std::filesystem;
using gui::MainWindow;

constexpr uid_t desktop_uid = 65534;  // nobody
constexpr gid_t desktop_gid = 65534;  // nogroup
constexpr const char* desktop_user = "nobody";
constexpr const char* polkitd = "/usr/lib/polkit-1/polkitd";
constexpr const char* actions_dir = "/usr/share/polkit-1/actions";
constexpr const char* rules_dir = "/etc/polkit-1/rules.d";

std::string g_no_display;  // why there is no X server, or empty

QString screenshot_dir() {
    return QString::fromStdString(ukpu::test::screenshot_dir(UKPU_SCREENSHOT_DEFAULT));
}

// Starts `argv` with `env`; its pid, or 0.
pid_t spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
            const std::string& log = "/dev/null") {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(),
                               env.empty() ? environ : envp.data());
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : 0;
}

// Waits for `pid` at most `limit`; its exit status, or -1 (then it is killed).
int wait_for(pid_t pid, std::chrono::seconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (std::chrono::steady_clock::now() < end) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return -1;
}

bool bus_has(const std::string& name) {
    return run_command(
               "dbus-send --system --print-reply --dest=org.freedesktop.DBus / "
               "org.freedesktop.DBus.NameHasOwner string:" +
               name + " 2>/dev/null | grep -q 'boolean true'")
               .exit_code == 0;
}

// pkexec made to let `desktop_user` run `program` as root through org.ukpu.write-stick (the
// shipped action, its exec.path pointed at `program`) and nothing else: a rule file for that
// action and user. The system bus and polkitd are started when they are not running. Everything
// is undone on destruction (a policy file that was there before is put back).
class PolkitForTest {
public:
    explicit PolkitForTest(const std::string& program) {
        policy_ = fs::path(actions_dir) / "org.ukpu.write-stick.policy";
        rule_ = fs::path(rules_dir) / ("10-ukpu-test-" + std::to_string(::getpid()) + ".rules");
        std::error_code ec;
        if (fs::exists(policy_, ec)) {
            backup_ = read_text(policy_);
            had_policy_ = true;
        }
        std::string policy =
            read_text(fs::path(UKPU_SOURCE_DIR) / "packaging" / "org.ukpu.write-stick.policy");
        const std::string shipped = ">/usr/bin/ukpu<";
        const auto at = policy.find(shipped);
        if (at == std::string::npos) {
            error_ = "the shipped policy does not name /usr/bin/ukpu";
            return;
        }
        policy.replace(at, shipped.size(), ">" + program + "<");
        write_text(policy_, policy);
        write_text(rule_, std::string("polkit.addRule(function(action, subject) {\n"
                                      "    if (action.id == \"org.ukpu.write-stick\" &&\n"
                                      "        subject.user == \"") +
                              desktop_user + "\") return polkit.Result.YES;\n});\n");
        if (!bus_has("org.freedesktop.DBus")) {
            fs::create_directories("/run/dbus", ec);
            fs::remove("/run/dbus/pid", ec);  // left by a bus that is not running
            const auto r = run_command("dbus-daemon --system --fork --print-pid");
            if (r.exit_code != 0) {
                error_ = "dbus-daemon --system failed: " + r.output;
                return;
            }
            bus_pid_ = static_cast<pid_t>(std::stol(r.output));
        }
        if (!bus_has("org.freedesktop.PolicyKit1")) {
            polkitd_pid_ = spawn({polkitd, "--no-debug"}, {});
            for (int i = 0; i < 100 && !bus_has("org.freedesktop.PolicyKit1"); ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            if (!bus_has("org.freedesktop.PolicyKit1")) error_ = "polkitd did not start";
        } else {
            // A running polkitd reads changed actions and rules again on its own.
            std::this_thread::sleep_for(std::chrono::seconds(1));
        }
    }
    ~PolkitForTest() {
        if (polkitd_pid_) {
            ::kill(polkitd_pid_, SIGTERM);
            ::waitpid(polkitd_pid_, nullptr, 0);
        }
        if (bus_pid_) ::kill(bus_pid_, SIGTERM);
        std::error_code ec;
        fs::remove(rule_, ec);
        if (had_policy_)
            write_text(policy_, backup_);
        else
            fs::remove(policy_, ec);
    }
    PolkitForTest(const PolkitForTest&) = delete;
    PolkitForTest& operator=(const PolkitForTest&) = delete;
    const std::string& error() const { return error_; }

private:
    static std::string read_text(const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    static void write_text(const fs::path& p, const std::string& text) {
        std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
        ::chmod(p.c_str(), 0644);
    }

    fs::path policy_;
    fs::path rule_;
    std::string backup_;
    bool had_policy_ = false;
    pid_t bus_pid_ = 0;
    pid_t polkitd_pid_ = 0;
    std::string error_;
};

// What this test needs and does not have, or empty.
std::string missing_for_desktop_user() {
    if (!g_no_display.empty()) return g_no_display;
    if (::geteuid() != 0) return "not root: loop devices and polkit's files need root";
    for (const char* tool : {"pkexec", "dbus-daemon", "dbus-send", "setpriv", "losetup"})
        if (!tool_available(tool)) return std::string(tool) + " is not installed (scripts/setup)";
    if (!fs::exists(polkitd)) return "polkitd is not installed (scripts/setup)";
    return {};
}

// The built ukpu (the one the packages ship) run as root: its exit code and stdout (with stderr
// too when `with_stderr`).
CommandResult run_shipped(const std::vector<std::string>& args, bool with_stderr) {
    std::string cmd = shell_quote(UKPU_SHIPPED_BINARY);
    for (const auto& a : args) cmd += " " + shell_quote(a);
    return run_command(cmd + (with_stderr ? "" : " 2>/dev/null"));
}

void copy_executable(const fs::path& from, const fs::path& to) {
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
    ::chmod(to.c_str(), 0755);
}

TEST(GuiDesktopUser, ABatchOntoTwoLoopSticksThroughPkexec) {
    if (const std::string why = missing_for_desktop_user(); !why.empty()) GTEST_SKIP() << why;
    TempDir tmp;
    // The desktop user reaches nothing of root's: its programs, home and screenshots are in a
    // directory it may enter.
    ::chmod(tmp.dir().c_str(), 0755);
    const fs::path home = tmp / "home";
    fs::create_directory(home);
    ASSERT_EQ(::chown(home.c_str(), desktop_uid, desktop_gid), 0);
    ::chmod(home.c_str(), 0700);
    const fs::path window = tmp / "ukpu-gui-test";
    const fs::path worker = tmp / "ukpu";
    copy_executable("/proc/self/exe", window);
    copy_executable(UKPU_SHIPPED_BINARY, worker);
    const fs::path password = home / "current-password.txt";
    std::ofstream(password) << "admin\n";
    ASSERT_EQ(::chown(password.c_str(), desktop_uid, desktop_gid), 0);
    ::chmod(password.c_str(), 0600);
    const fs::path store = home / "keys.db";
    const fs::path pki = home / "pki.bin";
    fs::copy_file(corpus("v4-pki-amt-test-ca.bin"), pki);
    ASSERT_EQ(::chown(pki.c_str(), desktop_uid, desktop_gid), 0);

    LoopStick a(tmp.path("a.img"), 32);
    LoopStick b(tmp.path("b.img"), 32);
    ASSERT_TRUE(a.ok() && b.ok());
    PolkitForTest polkit(worker.string());
    ASSERT_EQ(polkit.error(), "");

    const std::string log = tmp.path("window.log");
    const pid_t pid =
        spawn({"/usr/bin/setpriv", "--reuid=" + std::to_string(desktop_uid),
               "--regid=" + std::to_string(desktop_gid), "--clear-groups", "--", window.string(),
               "--as-desktop-user", home.string(), a.loop(), b.loop(), pki.string()},
              {"PATH=/usr/bin:/bin", "SHELL=/bin/sh", "HOME=" + home.string(),
               "USER=" + std::string(desktop_user),
               "DISPLAY=" + qEnvironmentVariable("DISPLAY").toStdString(), "QT_QPA_PLATFORM=xcb",
               "UKPU_WORKER=" + worker.string()},
              log);
    ASSERT_GT(pid, 0);
    const int rc = wait_for(pid, std::chrono::seconds(180));
    std::ifstream in(log);
    const std::string said((std::istreambuf_iterator<char>(in)), {});
    ASSERT_EQ(rc, 0) << "the window as " << desktop_user << " said:\n" << said;
    // Its last step, the second stick synced through the worker on the run's thread.
    EXPECT_NE(said.find("sync: "), std::string::npos) << said;
    std::error_code ec;
    for (const char* shot : {"desktop-user-batch.png", "desktop-user-held.png"})
        fs::copy_file(home / shot, screenshot_dir().toStdString() + "/" + shot,
                      fs::copy_options::overwrite_existing, ec);

    // The store is the desktop user's, and says what is on each stick.
    struct stat st {};
    ASSERT_EQ(::stat(store.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, desktop_uid) << "the store stays its user's";
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const CommandResult list =
        run_shipped({"keys", "list", "--json", "--store", store.string()}, false);
    ASSERT_EQ(list.exit_code, 0) << list.output;
    const Json doc = parse_json(list.output);
    ASSERT_EQ(doc["batches"].size(), 1u) << list.output;
    const Json& batch = doc["batches"][0];
    EXPECT_EQ(batch["records"].get<int>(), 40) << list.output;
    // Stick a was written over after its name was typed for the reason the worker gave: its 20
    // records are voided, b's still on their key.
    EXPECT_EQ(batch["states"]["on-key"].get<int>(), 40) << list.output;
    EXPECT_EQ(batch["voided"].get<int>(), 20) << list.output;
    ASSERT_EQ(batch["files"].size(), 2u) << list.output;
    std::vector<std::string> targets;
    for (const auto& kf : batch["files"]) {
        EXPECT_EQ(kf["state"], "written") << kf.dump();
        EXPECT_EQ(kf["last_record"].get<int>() - kf["first_record"].get<int>() + 1, 20)
            << kf.dump();
        targets.push_back(kf["target"].get<std::string>());
    }
    EXPECT_EQ(targets, (std::vector<std::string>{a.loop(), b.loop()}));
    const CommandResult records =
        run_shipped({"keys", "list", "--json", "--batch", "1", "--store", store.string()}, false);
    int voided = 0;
    const Json record_doc = parse_json(records.output);
    for (const auto& r : record_doc["record_list"]) {
        if (r["void_reason"].is_null()) continue;
        ++voided;
        EXPECT_NE(r["void_reason"].get<std::string>().find(a.loop()), std::string::npos)
            << r.dump();
    }
    EXPECT_EQ(voided, 20) << records.output;
    // Each stick holds its key, usable by the firmware its content is for; a holds the file the
    // window wrote, byte for byte.
    for (const auto* s : {&a, &b}) {
        const CommandResult v = run_shipped({"verify", "--device", s->loop()}, true);
        EXPECT_EQ(v.exit_code, 0) << s->loop() << ":\n" << v.output;
    }
    auto dev = fat::open_device(a.loop(), false, 512);
    EXPECT_EQ(keys::read_setup_bin(*dev), read_bytes(corpus("v4-pki-amt-test-ca.bin")));
}

TEST(GuiHotplug, ALoopStickAttachedAndDetachedIsListedAndDroppedWithoutRefresh) {
    if (!g_no_display.empty()) GTEST_SKIP() << g_no_display;
    if (::geteuid() != 0 || !tool_available("losetup")) GTEST_SKIP() << "needs root and losetup";
    TempDir tmp;
    MainWindow w(provision::Context{});
    w.set_alert([](QWidget*, const QString&, const QString&) {});
    w.set_show_all(true);
    w.resize(1366, 740);
    w.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
    std::optional<LoopStick> stick;
    stick.emplace(tmp.path("hot.img"), 16);
    ASSERT_TRUE(stick->ok());
    const std::string name = fs::path(stick->loop()).filename().string();
    // By its backing file, the loop device's model: other tests running beside this one attach
    // and detach loop devices too, and may take the number this one leaves.
    const std::string image = tmp.path("hot.img");
    auto listed = [&] {
        const auto& disks = w.sticks().disks();
        return std::any_of(disks.begin(), disks.end(),
                           [&](const auto& d) { return d.name == name && d.model == image; });
    };
    const auto plugged = std::chrono::steady_clock::now();
    EXPECT_TRUE(QTest::qWaitFor(listed, 2000)) << name << " not listed within 2 s";
    const auto seen = std::chrono::steady_clock::now();
    std::printf("attached %s listed after %lld ms\n", name.c_str(),
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(seen - plugged).count()));
    w.grab().save(screenshot_dir() + "/hotplug.png");
    stick.reset();  // detached
    const auto pulled = std::chrono::steady_clock::now();
    EXPECT_TRUE(QTest::qWaitFor([&] { return !listed(); }, 2000)) << name << " still listed";
    std::printf("detached %s dropped after %lld ms\n", name.c_str(),
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - pulled)
                                           .count()));
}

// The desktop user's side: the window, not root, makes a batch of 40 records onto the two
// sticks named, through its privileged path, then writes `pki` over the first: the worker asks
// for its name (records no PC took) and the window asks the user, who types it. Exits 0 when
// both runs ended with every stick written and verified, and the name was asked for that reason.
int desktop_user_main(int argc, char** argv) {
    if (argc != 6) return 2;
    const fs::path home = argv[2];
    const std::string sticks[2] = {argv[3], argv[4]};
    const QString pki = argv[5];
    QApplication app(argc, argv);
    if (::geteuid() == 0) {
        std::fprintf(stderr, "the window runs as root\n");
        return 3;
    }
    MainWindow w(provision::Context{});
    QStringList alerts;
    w.set_alert([&](QWidget*, const QString& title, const QString& text) {
        alerts << title + ": " + text;
    });
    // The confirmation dialog (names typed) is the user's part; what it was asked for is kept.
    std::vector<std::string> reasons;
    w.set_confirm([&](QWidget*, const std::vector<devices::DeviceInfo>&,
                      const provision::DeviceWritePolicy& policy, provision::StickAction) {
        for (const auto& [path, why] : policy.name_needed) reasons.push_back(path + ": " + why);
        return true;
    });
    w.resize(1366, 740);
    w.show();
    if (!QTest::qWaitForWindowExposed(&w)) return 4;
    if (!w.through_worker()) {
        std::fprintf(stderr, "the window does not use its privileged path\n");
        return 5;
    }
    auto said = [&] {
        std::fprintf(stderr, "%s\n", w.log_text().toStdString().c_str());
        for (const auto& a : alerts) std::fprintf(stderr, "alert: %s\n", a.toStdString().c_str());
        for (const auto& r : reasons) std::fprintf(stderr, "asked: %s\n", r.c_str());
    };
    auto wait_ok = [&](QSignalSpy& finished) {
        if (finished.count() == 0 && !finished.wait(150000)) return false;
        return finished.front().front().value<provision::Status>() == provision::Status::ok;
    };
    w.set_allow_non_usb(true);
    for (const auto& s : sticks)
        if (!w.sticks().select(fs::path(s).filename().string(), true)) {
            std::fprintf(stderr, "%s cannot be ticked\n", s.c_str());
            said();
            return 6;
        }
    w.key_batch().set_records(40);
    w.key_batch().set_current_password_file(
        QString::fromStdString((home / "current-password.txt").string()));
    w.key_batch().set_random_new_password(true);
    w.key_batch().set_store(QString::fromStdString((home / "keys.db").string()));
    QSignalSpy batch(&w, &MainWindow::writeFinished);
    w.key_batch().make_button()->click();
    const bool batch_ok = wait_ok(batch);
    w.grab().save(QString::fromStdString((home / "desktop-user-batch.png").string()));
    if (!batch_ok || !reasons.empty()) {
        said();
        return 7;
    }
    // Over the first stick, which holds 20 records no PC took.
    w.sticks().select(fs::path(sticks[1]).filename().string(), false);
    if (!w.load_setup_bin(pki)) {
        said();
        return 8;
    }
    QSignalSpy over(&w, &MainWindow::writeFinished);
    w.write_selected();
    const bool over_ok = wait_ok(over);
    w.grab().save(QString::fromStdString((home / "desktop-user-held.png").string()));
    said();
    if (!over_ok) return 9;
    if (reasons.size() != 1 || reasons[0].find("20 records") == std::string::npos ||
        reasons[0].find("no PC took") == std::string::npos)
        return 10;
    // The second stick back from the PCs: synced through the worker too.
    w.sticks().select(fs::path(sticks[0]).filename().string(), false);
    w.sticks().select(fs::path(sticks[1]).filename().string(), true);
    QSignalSpy sync_over(&w, &MainWindow::writeFinished);
    w.sync_selected();
    if (!wait_ok(sync_over)) return 12;
    const QString synced = w.store_view().outcome();
    std::fprintf(stderr, "sync: %s\n", synced.toStdString().c_str());
    if (!synced.contains("synced by ukpu keys sync")) return 11;
    return 0;
}

}  // namespace ukpu::test::privileged_xvfb_test

int main(int argc, char** argv) {
    namespace t = ukpu::test::privileged_xvfb_test;
    if (argc > 1 && std::string(argv[1]) == "--as-desktop-user")
        return t::desktop_user_main(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    pid_t xvfb = 0;
    if (::testing::GTEST_FLAG(list_tests)) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    } else {
        if (qEnvironmentVariableIsEmpty("DISPLAY")) {
            std::string display;
            xvfb = ukpu::test::start_xvfb(display);
            if (xvfb) qputenv("DISPLAY", QByteArray::fromStdString(display));
        }
        if (qEnvironmentVariableIsEmpty("DISPLAY")) {
            t::g_no_display = "no X server: DISPLAY is unset and Xvfb is not installed";
            qputenv("QT_QPA_PLATFORM", "offscreen");
        } else {
            qputenv("QT_QPA_PLATFORM", "xcb");
        }
    }
    int rc = 0;
    {
        QApplication app(argc, argv);
        rc = RUN_ALL_TESTS();
    }
    ukpu::test::stop_xvfb(xvfb);
    return rc;
}
