// ukpu-gui driven offscreen (QT_QPA_PLATFORM=offscreen) on the fake machine of the device tests,
// which the window is given as its provision::Context (faults as its fault plan): the table lists
// the sticks `ukpu devices` lists and nothing else can be selected; a mounted stick and an
// unusable setup.bin are refused with their reason; the confirmation shows every identity and
// wants a name typed for a stick that is not removable; with root, a loop device dressed as a USB
// stick is written from the window only after confirmation, then `ukpu verify` (the command line,
// an independent reader) finds the key; a key batch made from the window is in the key store and
// on the stick.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>

#include "confirm_dialog.hpp"
#include "edit/setupbin_editor.hpp"
#include "key_batch_box.hpp"
#include "main_window.hpp"
#include "setupbin_view.hpp"
#include "stick_table.hpp"
#include "store/store_view.hpp"
#include "support/desktop_key.hpp"
#include "support/fake_machine.hpp"
#include "support/files.hpp"
#include "support/loop_stick.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/keys/key_store.hpp"
#include "ukpu/keys/key_sync.hpp"
#include "ukpu/provision/context.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/status.hpp"

namespace ukpu::provision {
// Statuses by name in the test output.
void PrintTo(Status s, std::ostream* os) {
    *os << to_string(s);
}
}  // namespace ukpu::provision

namespace {

using namespace ukpu::test;
using ukpu::gui::MainWindow;
using ukpu::provision::FaultPlan;
using ukpu::provision::Status;
using ukpu::provision::StickAction;

// The window's context: the fake machine, and the faults to inject.
ukpu::provision::Context context(const FakeSystem& f, const FaultPlan& faults) {
    ukpu::provision::Context ctx;
    ctx.machine = f.machine();
    ctx.faults = faults;
    return ctx;
}

// A window on the fake machine whose message boxes are recorded instead of shown.
struct Window {
    MainWindow w;
    std::vector<std::pair<QString, QString>> alerts;
    explicit Window(const FakeSystem& f, const FaultPlan& faults = {}) : w(context(f, faults)) {
        w.set_alert([this](QWidget*, const QString& title, const QString& text) {
            alerts.emplace_back(title, text);
        });
    }
    std::vector<std::string> listed() {
        std::vector<std::string> names;
        for (const auto& d : w.sticks().disks()) names.push_back(d.name);
        return names;
    }
};

TEST(GuiSticks, OnlyTheSticksUkpuWritesCanBeSelected) {
    FakeMachine m;
    Window win(m.f);
    // The USB sticks: sdb, and the mounted sdc (its mount shown); no system disk, no SATA disk,
    // no empty card reader.
    EXPECT_EQ(win.listed(), (std::vector<std::string>{"sdb", "sdc"}));
    const int sdc = *win.w.sticks().row_of("sdc");
    EXPECT_EQ(win.w.sticks().item(sdc, ukpu::gui::StickTable::col_mounts)->text(),
              "/media/user/KEY DISK");
    EXPECT_EQ(win.w.sticks().item(sdc, ukpu::gui::StickTable::col_usb_port)->text(), "2-2");
    // Every disk, the others greyed with their reason and not selectable.
    win.w.set_show_all(true);
    const auto all = win.listed();
    EXPECT_NE(std::find(all.begin(), all.end(), "nvme0n1"), all.end());
    const int nvme = *win.w.sticks().row_of("nvme0n1");
    EXPECT_TRUE(win.w.sticks().state(nvme).startsWith("hidden: system disk"))
        << win.w.sticks().state(nvme).toStdString();
    EXPECT_FALSE(win.w.sticks().select("nvme0n1", true));
    EXPECT_FALSE(win.w.sticks().select("sda", true));
    EXPECT_TRUE(win.w.sticks().select("sdb", true));
    EXPECT_TRUE(win.alerts.empty());
}

TEST(GuiSticks, NothingIsWrittenWithoutAUsableSetupBinOrAStick) {
    FakeMachine m;
    TempDir t;
    Window win(m.f);
    bool asked = false;
    win.w.set_confirm([&](QWidget*, const auto&, const auto&, auto) { return asked = true; });
    win.w.write_selected();  // no setup.bin
    ASSERT_EQ(win.alerts.size(), 1u);
    EXPECT_TRUE(win.alerts[0].second.contains("Choose the setup.bin"));
    // Not a setup.bin: refused with the field and offset the parser names.
    write_text(t.path("junk.bin"), std::string(600, 'x'));
    EXPECT_FALSE(win.w.load_setup_bin(QString::fromStdString(t.path("junk.bin"))));
    ASSERT_EQ(win.alerts.size(), 2u);
    EXPECT_TRUE(win.alerts[1].second.contains("junk.bin")) << win.alerts[1].second.toStdString();
    ASSERT_TRUE(win.w.load_setup_bin(QString::fromStdString(corpus("v4-pki-amt-test-ca.bin"))));
    win.w.write_selected();  // no stick ticked
    ASSERT_EQ(win.alerts.size(), 3u);
    EXPECT_TRUE(win.alerts[2].second.contains("Tick the sticks"));
    // A mounted stick without "unmount first": refused before the confirmation.
    ASSERT_TRUE(win.w.sticks().select("sdc", true));
    win.w.write_selected();
    ASSERT_EQ(win.alerts.size(), 4u);
    EXPECT_TRUE(win.alerts[3].second.contains("mounted at /media/user/KEY DISK"))
        << win.alerts[3].second.toStdString();
    EXPECT_FALSE(asked);
    EXPECT_FALSE(win.w.busy());
}

TEST(GuiSticks, AProfileMakesTheSameSetupBinAsTheCommandLine) {
    FakeMachine m;
    TempDir t;
    Window win(m.f);
    ASSERT_TRUE(win.w.load_setup_bin(QString::fromStdString(samples("pki-amt14.toml"))))
        << (win.alerts.empty() ? "" : win.alerts[0].second.toStdString());
    ASSERT_TRUE(win.w.source().has_value());
    EXPECT_TRUE(win.w.source()->from_profile);
    const auto r = run_ukpu(
        {"setupbin", "create", "--config", samples("pki-amt14.toml"), "-o", t.path("cli.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(win.w.source()->bytes, read_bytes(t.path("cli.bin")));
    // A profile naming a setting that does not exist is refused with its name.
    write_text(t.path("bad.toml"), "no-such-setting = 1\n");
    EXPECT_FALSE(win.w.load_setup_bin(QString::fromStdString(t.path("bad.toml"))));
    ASSERT_EQ(win.alerts.size(), 1u);
    EXPECT_TRUE(win.alerts[0].second.contains("no-such-setting"))
        << win.alerts[0].second.toStdString();
}

TEST(GuiKeyBatch, NoBatchWithoutTheCurrentPasswordOrWithSticksLeftEmpty) {
    FakeMachine m;
    TempDir t;
    Window win(m.f);
    bool asked = false;
    win.w.set_confirm([&](QWidget*, const auto&, const auto&, auto) { return asked = true; });
    auto& batch = win.w.key_batch();
    batch.make_button()->click();  // no stick ticked
    ASSERT_EQ(win.alerts.size(), 1u);
    EXPECT_TRUE(win.alerts[0].second.contains("Tick the sticks"));
    ASSERT_TRUE(win.w.sticks().select("sdb", true));
    batch.make_button()->click();  // no current password
    ASSERT_EQ(win.alerts.size(), 2u);
    EXPECT_TRUE(win.alerts[1].second.contains("MEBx password the PCs have now"))
        << win.alerts[1].second.toStdString();
    write_text(t.path("current.txt"), "admin\n");
    batch.set_current_password_file(QString::fromStdString(t.path("current.txt")));
    batch.set_store(QString::fromStdString(t.path("keys.db")));
    // One record cannot be split over two sticks.
    ASSERT_TRUE(win.w.sticks().select("sdc", true));
    batch.set_records(1);
    batch.make_button()->click();
    ASSERT_EQ(win.alerts.size(), 3u);
    EXPECT_TRUE(
        win.alerts[2].second.contains("1 record at 1 per stick fill 1 stick, not the 2 ticked"))
        << win.alerts[2].second.toStdString();
    // Enough records, but the mounted stick is refused before the confirmation.
    batch.set_records(4);
    EXPECT_EQ(batch.per_stick(2), 2u);
    batch.make_button()->click();
    ASSERT_EQ(win.alerts.size(), 4u);
    EXPECT_TRUE(win.alerts[3].second.contains("mounted at /media/user/KEY DISK"))
        << win.alerts[3].second.toStdString();
    EXPECT_FALSE(asked);
    EXPECT_FALSE(win.w.busy());
    EXPECT_FALSE(std::filesystem::exists(t.path("keys.db")));
}

TEST(GuiConfirm, ShowsEveryIdentityAndWantsTheNameOfANonRemovableStick) {
    FakeMachine m;
    const auto found = ukpu::devices::discover_machine(m.f.machine());
    auto sdb = *found.find("sdb");
    const ukpu::provision::DeviceWritePolicy plain;
    ukpu::gui::ConfirmDialog removable({sdb}, plain);
    EXPECT_EQ(removable.write_button()->text(), "Erase and write");
    ukpu::gui::ConfirmDialog repair({sdb}, plain, StickAction::repair);
    EXPECT_EQ(repair.write_button()->text(), "Repair");
    EXPECT_TRUE(repair.windowTitle().startsWith("Repair"));
    EXPECT_TRUE(removable.names_to_type().isEmpty());
    EXPECT_EQ(removable.name_field(), nullptr);
    EXPECT_TRUE(removable.write_button()->isEnabled());
    EXPECT_FALSE(removable.write_button()->isDefault());  // Cancel is the default

    // A removable stick holding records no PC took: its name too, and why.
    ukpu::provision::DeviceWritePolicy held;
    held.name_needed[sdb.path] = "a key holding 5 records of batch 1 that no PC took";
    ukpu::gui::ConfirmDialog holding({sdb}, held);
    EXPECT_EQ(holding.names_to_type(), "sdb");
    EXPECT_FALSE(holding.write_button()->isEnabled());
    bool said = false;
    for (const auto* label : holding.findChildren<QLabel*>())
        said = said || label->text().contains("holding 5 records of batch 1");
    EXPECT_TRUE(said);

    sdb.removable = false;
    ukpu::provision::DeviceWritePolicy unmount;
    unmount.unmount = true;
    ukpu::gui::ConfirmDialog fixed({sdb, *found.find("sdc")}, unmount);
    EXPECT_EQ(fixed.names_to_type(), "sdb");
    ASSERT_NE(fixed.name_field(), nullptr);
    EXPECT_FALSE(fixed.write_button()->isEnabled());
    fixed.name_field()->setText("sdc");
    EXPECT_FALSE(fixed.write_button()->isEnabled());
    fixed.name_field()->setText("sdb");
    EXPECT_TRUE(fixed.write_button()->isEnabled());
}

// The window edits a setup.bin as `ukpu setupbin edit` does: the same bytes, the same list of
// changes (secrets masked), the file saved 0600; the original untouched, the edited one shown.
TEST(GuiSetupBinEdit, EditsAsTheCommandLineDoes) {
    TempDir t;
    const std::string original = corpus("acu-12.1-default.bin");
    const auto before = read_bytes(original);
    ukpu::gui::SetupBinView view;
    ASSERT_TRUE(view.open(QString::fromStdString(original)));
    auto& editor = view.editor();
    ASSERT_TRUE(editor.isEnabled());
    editor.add_set("domain", "corp.example.com");
    editor.add_set("kvm", "disabled");
    editor.add_set("new-password", "Xy9!Secr3t-P4ss");
    editor.add_unset("user-consent");
    editor.set_reusable(false);
    ASSERT_TRUE(editor.preview()) << editor.changes_text().toStdString();
    const std::string out = t.path("edited.bin");
    editor.set_ask_path([&](QWidget*) { return QString::fromStdString(out); });
    ASSERT_TRUE(editor.save()) << editor.changes_text().toStdString();

    write_text(t.path("new.txt"), "Xy9!Secr3t-P4ss\n");
    ::chmod(t.path("new.txt").c_str(), 0600);
    const auto cli = run_ukpu({"setupbin", "edit", original, "-o", t.path("cli.bin"), "--domain",
                               "corp.example.com", "--kvm", "disabled", "--new-password-file",
                               t.path("new.txt"), "--unset", "user-consent", "--no-reusable"});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    EXPECT_EQ(read_bytes(out), read_bytes(t.path("cli.bin")));
    struct stat st {};
    ASSERT_EQ(::stat(out.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(read_bytes(original), before);
    // Every change line the command lists, in the window too; the password masked.
    for (const auto& line : QString::fromStdString(cli.out).split('\n', Qt::SkipEmptyParts))
        EXPECT_TRUE(editor.changes_text().contains(line)) << line.toStdString();
    EXPECT_FALSE(editor.changes_text().contains("Secr3t"));
    // The view now shows the edited file.
    EXPECT_TRUE(view.entry_lines().join('\n').contains("corp.example.com"));
    // A value the catalog refuses is said, and nothing is saved.
    editor.add_set("kvm", "sometimes");
    EXPECT_FALSE(editor.preview());
    EXPECT_TRUE(editor.changes_text().contains("kvm")) << editor.changes_text().toStdString();
}

// A file the command refuses to edit, the window refuses with the same words: both run one
// service (provision::edit_setup_bin). Here a setup.bin cut short.
TEST(GuiSetupBinEdit, RefusesWhatTheCommandLineRefuses) {
    TempDir t;
    auto bytes = read_bytes(corpus("acu-12.1-default.bin"));
    bytes.resize(bytes.size() - 700);
    const std::string cut = t.path("cut.bin");
    write_bytes(cut, bytes);
    const auto cli = run_ukpu({"setupbin", "edit", cut, "--kvm", "disabled"});
    EXPECT_EQ(cli.exit_code, 3) << cli.err;  // bad input
    try {
        ukpu::gui::SetupBinEdits edits;
        edits.set = {{"kvm", "disabled"}};
        (void)ukpu::gui::edit_setup_bin(bytes, edits, cut);
        ADD_FAILURE() << "the window edited a file the command refused";
    } catch (const ukpu::provision::Error& e) {
        EXPECT_EQ(e.code(), ukpu::provision::Status::bad_input);
        EXPECT_NE(cli.err.find(e.location() + ": " + e.message()), std::string::npos)
            << cli.err << "\n"
            << e.what();
    }
    EXPECT_EQ(read_bytes(cut), bytes);
}

// A loop device dressed as a USB stick in the fake tree (as in tests/cli/devices_test.cpp).
class GuiOnLoop : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0 || run_shell("command -v losetup >/dev/null 2>&1") != 0)
            GTEST_SKIP() << "loop devices need root";
        img_ = t_.path("stick.img");
        // The window writes the node discovery names, /dev/<name>: a node of that name for the
        // loop device's number, unique to this test.
        stick_ = std::make_unique<LoopStick>(img_, 64);
        ASSERT_TRUE(stick_->ok()) << "losetup failed";
        loop_ = stick_->loop();
        name_ = "ukpugui" + loop_.substr(9);
        stick_->dress_as_usb_stick(m_.f, name_, "STICK0001", "3-2", 9);
        node_ = "/dev/" + name_;
        const std::string dev = stick_->dev();
        const auto colon = dev.find(':');
        if (run_shell("mknod " + node_ + " b " + dev.substr(0, colon) + " " +
                      dev.substr(colon + 1)) != 0) {
            node_.clear();
            GTEST_SKIP() << "cannot make a device node";
        }
    }
    void TearDown() override {
        if (!node_.empty()) std::filesystem::remove(node_);
    }
    // The window with the corpus key chosen and this stick ticked; confirmations answered yes.
    void prepare(Window& win) {
        win.w.refresh();
        ASSERT_TRUE(win.w.load_setup_bin(QString::fromStdString(corpus("v4-pki-amt-test-ca.bin"))));
        ASSERT_TRUE(win.w.sticks().select(name_, true));
        win.w.set_confirm([](QWidget*, const auto&, const auto&, auto) { return true; });
    }
    // Presses Write and waits for the outcome (none when it never came).
    static std::optional<Status> write_and_wait(Window& win) {
        QSignalSpy done(&win.w, &MainWindow::writeFinished);
        win.w.write_selected();
        if (!done.wait(20000)) return std::nullopt;
        return done.at(0).at(0).value<Status>();
    }
    QString state(Window& win) const { return win.w.sticks().state(*win.w.sticks().row_of(name_)); }
    TempDir t_;
    FakeMachine m_;
    std::unique_ptr<LoopStick> stick_;  // detached before t_ goes
    std::string img_;
    std::string loop_;
    std::string name_;
    std::string node_;
};

TEST_F(GuiOnLoop, WrittenOnlyAfterConfirmationThenVerifiedByTheCommandLine) {
    Window win(m_.f);
    win.w.refresh();
    ASSERT_TRUE(win.w.load_setup_bin(QString::fromStdString(corpus("v4-pki-amt-test-ca.bin"))));
    ASSERT_TRUE(win.w.sticks().select(name_, true));
    std::vector<ukpu::devices::DeviceInfo> shown;
    bool answer = false;
    win.w.set_confirm([&](QWidget*, const auto& disks, const auto&, auto) {
        shown = disks;
        return answer;
    });
    // Declined: nothing written.
    win.w.write_selected();
    ASSERT_EQ(shown.size(), 1u);
    EXPECT_EQ(shown[0].serial, "STICK0001");
    EXPECT_EQ(shown[0].path, node_);
    EXPECT_FALSE(win.w.busy());
    EXPECT_TRUE(win.w.log_text().contains("Not confirmed: nothing written"));
    const auto blank = read_bytes(img_);
    EXPECT_TRUE(std::all_of(blank.begin(), blank.end(), [](std::uint8_t b) { return b == 0; }));

    // Confirmed: written in the background, then read back and verified.
    answer = true;
    QSignalSpy done(&win.w, &MainWindow::writeFinished);
    win.w.write_selected();
    EXPECT_TRUE(win.w.busy());
    ASSERT_TRUE(done.wait(20000));
    EXPECT_EQ(done.at(0).at(0).value<Status>(), Status::ok) << win.w.log_text().toStdString();
    EXPECT_FALSE(win.w.busy());
    const int row = *win.w.sticks().row_of(name_);
    EXPECT_EQ(win.w.sticks().state(row), "written and verified");
    EXPECT_TRUE(win.alerts.empty()) << win.alerts[0].second.toStdString();
    const auto v = run_ukpu({"verify", "--device", loop_});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
    // Verify from the window says the same.
    win.w.verify_selected();
    EXPECT_EQ(win.w.sticks().state(row), "usable");
}

TEST_F(GuiOnLoop, AFailingWriteIsReportedWithWhatToDoNext) {
    FaultPlan fail;
    fail.fail_after_writes = 1;
    Window win(m_.f, fail);
    prepare(win);
    EXPECT_EQ(write_and_wait(win), Status::io);
    EXPECT_TRUE(state(win).startsWith("FAILED (I/O error): ")) << state(win).toStdString();
    EXPECT_TRUE(state(win).contains("holds no usable key")) << state(win).toStdString();
    EXPECT_TRUE(win.w.log_text().contains("holds no usable key")) << win.w.log_text().toStdString();
    EXPECT_TRUE(win.w.log_text().contains("ukpu verify --device " + QString::fromStdString(node_)));
    ASSERT_EQ(win.alerts.size(), 1u);
}

TEST_F(GuiOnLoop, StoppedWritesSayWhatStateTheStickIsIn) {
    // The interruption arrives as Stop or Ctrl-C would: after the first write request.
    FaultPlan stop;
    stop.interrupt_after_writes = 1;
    Window win(m_.f, stop);
    prepare(win);
    EXPECT_EQ(write_and_wait(win), Status::interrupted);
    EXPECT_TRUE(state(win).startsWith("FAILED (interrupted): ")) << state(win).toStdString();
    EXPECT_TRUE(win.w.log_text().contains("interrupted; stopped after 1 write request "))
        << win.w.log_text().toStdString();
    // Written again without the interruption: the key is made.
    win.w.set_fault_plan({});
    EXPECT_EQ(write_and_wait(win), Status::ok) << win.w.log_text().toStdString();
    EXPECT_EQ(run_ukpu({"verify", "--device", node_}).exit_code, 0);
}

TEST_F(GuiOnLoop, RepairKeepsTheFilesAndMakesTheKeyFindable) {
    if (run_shell("command -v mkfs.fat >/dev/null && command -v mcopy >/dev/null && command -v "
                  "fsck.fat >/dev/null") != 0)
        GTEST_SKIP() << "dosfstools/mtools missing";
    // As desktop tools leave a stick: no partition table, a file first, setup.bin after it.
    ASSERT_TRUE(make_desktop_key(img_, corpus("v4-pki-amt-test-ca.bin")));
    EXPECT_EQ(run_ukpu({"verify", "--device", node_, "--firmware", "legacy"}).exit_code, 1);
    ScopedEnv state("XDG_STATE_HOME", t_.path("state"));
    // Slowed writes: the window is busy long enough to be asked to close, which it refuses.
    FaultPlan slow;
    slow.repair_write_delay_ms = 100;
    Window win(m_.f, slow);
    win.w.refresh();
    ASSERT_TRUE(win.w.sticks().select(name_, true));
    StickAction asked = StickAction::write;
    win.w.set_confirm([&](QWidget*, const auto&, const auto&, StickAction action) {
        asked = action;
        return true;
    });
    QSignalSpy done(&win.w, &MainWindow::writeFinished);
    {
        win.w.show();
        win.w.repair_selected();
        ASSERT_TRUE(win.w.busy());
        EXPECT_FALSE(win.w.close());
        EXPECT_TRUE(win.w.isVisible());
        ASSERT_EQ(win.alerts.size(), 1u);
        EXPECT_TRUE(win.alerts[0].second.contains("Press Stop"));
        ASSERT_TRUE(done.wait(20000));
    }
    EXPECT_EQ(done.at(0).at(0).value<Status>(), Status::ok) << win.w.log_text().toStdString();
    EXPECT_EQ(asked, StickAction::repair);
    EXPECT_EQ(win.w.sticks().state(*win.w.sticks().row_of(name_)), "repaired and verified");
    const auto v = run_ukpu({"verify", "--device", node_, "--firmware", "legacy,uefi"});
    EXPECT_EQ(v.exit_code, 0) << v.out;
    EXPECT_EQ(run_shell("fsck.fat -n " + img_ + " >/dev/null"), 0);
    EXPECT_TRUE(desktop_key_notes_kept(img_));
    // The journal was used and removed.
    EXPECT_TRUE(std::filesystem::is_empty(t_.path("state") + "/ukpu/journal"));
}

TEST_F(GuiOnLoop, AKeyBatchIsStoredAndWrittenThroughTheSameServiceAsKeysGenerate) {
    Window win(m_.f);
    win.w.refresh();
    ASSERT_TRUE(win.w.sticks().select(name_, true));
    std::vector<ukpu::devices::DeviceInfo> shown;
    std::map<std::string, std::string> name_needed;
    bool answer = true;
    win.w.set_confirm([&](QWidget*, const auto& disks, const auto& policy, StickAction action) {
        shown = disks;
        name_needed = policy.name_needed;
        return answer && action == StickAction::write;
    });
    write_text(t_.path("current.txt"), "admin\n");
    const std::string store_path = t_.path("keys.db");
    auto& batch = win.w.key_batch();
    batch.set_records(5);
    batch.set_current_password_file(QString::fromStdString(t_.path("current.txt")));
    batch.set_random_new_password(true);
    batch.set_store(QString::fromStdString(store_path));
    QSignalSpy done(&win.w, &MainWindow::writeFinished);
    batch.make_button()->click();
    ASSERT_TRUE(win.w.busy());
    ASSERT_TRUE(done.wait(30000));
    EXPECT_EQ(done.at(0).at(0).value<Status>(), Status::ok) << win.w.log_text().toStdString();
    ASSERT_EQ(shown.size(), 1u);
    EXPECT_EQ(shown[0].serial, "STICK0001");
    EXPECT_EQ(state(win), "written and verified");
    EXPECT_TRUE(win.alerts.empty()) << win.alerts[0].second.toStdString();
    EXPECT_TRUE(
        win.w.log_text().contains("batch 1 stored in " + QString::fromStdString(store_path)))
        << win.w.log_text().toStdString();

    // The store: one batch, its key file names the stick, every record on the key.
    std::vector<std::string> stored;
    {
        ukpu::keys::KeyStore store(store_path);
        const auto batches = store.batches();
        ASSERT_EQ(batches.size(), 1u);
        EXPECT_EQ(batches[0].record_count, 5u);
        EXPECT_EQ(batches[0].file_version, "2.1");
        EXPECT_EQ(batches[0].on_key, 5u);
        EXPECT_EQ(batches[0].generated, 0u);
        ASSERT_EQ(batches[0].files.size(), 1u);
        const auto& file = batches[0].files[0];
        EXPECT_EQ(file.target, node_);
        ASSERT_TRUE(file.device.has_value());
        EXPECT_EQ(file.device->serial, "STICK0001");
        EXPECT_EQ(file.device->bus_path, "3-2");
        const auto records = store.records(batches[0].id);
        ASSERT_EQ(records.size(), 5u);
        for (const auto& r : records) {
            EXPECT_EQ(r.state, ukpu::keys::RecordState::on_key);
            EXPECT_EQ(r.key_file_id, file.id);
            stored.push_back(r.pid);
        }
    }
    // The stick: its setup.bin, read back through the FAT volume, holds exactly those PIDs.
    auto dev = ukpu::fat::open_device(node_, false, 512);
    const auto setup = ukpu::keys::read_setup_bin(*dev);
    const auto on_stick = ukpu::keys::read_consumption(setup);
    EXPECT_EQ(on_stick.record_count, 5u);
    std::vector<std::string> pids;
    for (const auto& [number, pid] : on_stick.remaining) pids.push_back(pid);
    EXPECT_EQ(pids, stored);
    // And the command line, an independent reader, finds the key.
    const auto v = run_ukpu({"verify", "--device", node_, "--firmware", "legacy,uefi"});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;

    // The key store tab shows the batch and the stick it went to; the stick read back from the
    // window matches its key file by its PIDs, and no PC took a record yet.
    win.w.views().setCurrentIndex(MainWindow::view_store);
    auto& view = win.w.store_view();
    ASSERT_EQ(view.batches()->rowCount(), 1);
    ASSERT_EQ(view.key_files()->rowCount(), 1);
    EXPECT_EQ(view.key_files()->item(0, ukpu::gui::StoreView::file_serial)->text(), "STICK0001");
    ASSERT_TRUE(win.w.sticks().select(name_, true));
    {
        // Read on the run's thread: the window stays live meanwhile.
        QSignalSpy synced(&win.w, &MainWindow::writeFinished);
        win.w.sync_selected();
        EXPECT_TRUE(win.w.busy());
        ASSERT_TRUE(synced.wait(20000));
        EXPECT_EQ(synced.takeFirst().at(0).value<Status>(), Status::ok);
    }
    EXPECT_TRUE(
        view.outcome().contains("matched by its PIDs: 0 records consumed on the key, 0 "
                                "newly marked"))
        << view.outcome().toStdString();

    // The stick comes back blank (lost, replaced by a new one): its key file is written to it
    // again from the store view, byte for byte, as `ukpu keys write --key-file` writes it.
    ASSERT_EQ(run_shell("dd if=/dev/zero of=" + node_ + " bs=1M count=4 conv=notrunc,fsync " +
                        "status=none"),
              0);
    {
        auto blank = ukpu::fat::open_device(node_, false, 512);
        EXPECT_THROW((void)ukpu::keys::read_setup_bin(*blank), std::exception);
    }
    ASSERT_TRUE(view.select_key_file(1));
    ASSERT_TRUE(view.write_again_button()->isEnabled());
    {
        QSignalSpy again(&win.w, &MainWindow::writeFinished);
        view.write_again_button()->click();
        ASSERT_TRUE(again.wait(30000)) << win.w.log_text().toStdString();
        EXPECT_EQ(again.at(0).at(0).value<Status>(), Status::ok) << win.w.log_text().toStdString();
    }
    EXPECT_EQ(state(win), "written and verified");
    {
        auto rewritten = ukpu::fat::open_device(node_, false, 512);
        EXPECT_EQ(ukpu::keys::read_setup_bin(*rewritten), setup);
        ukpu::keys::KeyStore store(store_path);
        const auto batches = store.batches();
        ASSERT_EQ(batches.size(), 1u);
        EXPECT_EQ(batches[0].on_key, 5u);
        ASSERT_EQ(batches[0].files.size(), 1u);
        EXPECT_EQ(batches[0].files[0].state, ukpu::keys::KeyFileState::written);
    }
    const auto again = run_ukpu({"verify", "--device", node_, "--firmware", "legacy,uefi"});
    EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
    win.w.views().setCurrentIndex(MainWindow::view_write);

    // The stick now holds five records no PC took: writing a setup.bin over it needs its name
    // typed, the dialog saying why; cancelled, nothing is written or voided.
    ASSERT_TRUE(win.w.load_setup_bin(QString::fromStdString(corpus("v4-pki-amt-test-ca.bin"))));
    ASSERT_TRUE(win.w.sticks().select(name_, true));
    shown.clear();
    win.alerts.clear();
    answer = false;
    win.w.write_selected();
    EXPECT_FALSE(win.w.busy());
    ASSERT_EQ(shown.size(), 1u);
    ASSERT_EQ(name_needed.count(node_), 1u);
    EXPECT_NE(name_needed[node_].find("holding 5 records of batch 1"), std::string::npos)
        << name_needed[node_];
    {
        auto again = ukpu::fat::open_device(node_, false, 512);
        EXPECT_EQ(ukpu::keys::read_setup_bin(*again), setup);
        ukpu::keys::KeyStore store(store_path);
        for (const auto& r : store.records()) EXPECT_FALSE(r.voided()) << r.pid;
    }
    // Confirmed (the name typed): written, and the five records voided with the reason, so that
    // no export offers them to a server.
    answer = true;
    QSignalSpy rewritten(&win.w, &MainWindow::writeFinished);
    win.w.write_selected();
    ASSERT_TRUE(rewritten.wait(30000));
    EXPECT_EQ(rewritten.at(0).at(0).value<Status>(), Status::ok) << win.w.log_text().toStdString();
    auto now = ukpu::fat::open_device(node_, false, 512);
    EXPECT_EQ(ukpu::keys::read_setup_bin(*now), read_bytes(corpus("v4-pki-amt-test-ca.bin")));
    ukpu::keys::KeyStore store(store_path);
    for (const auto& r : store.records()) {
        EXPECT_TRUE(r.voided()) << r.pid;
        EXPECT_NE(r.void_reason.find("overwritten"), std::string::npos) << r.void_reason;
    }
}

}  // namespace

int main(int argc, char** argv) {
    // No display is needed: the tests (and test discovery) run offscreen.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
