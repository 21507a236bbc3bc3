// The window's setup.bin form and inspector, driven on a real X server (Xvfb, started here when
// DISPLAY is unset; the tests skip, saying so, only when there is neither): a profile made by
// typing into the form and saved from it makes, through `ukpu setupbin create --config`, the same
// bytes the window saves; a profile loaded into the form makes the command line's bytes; a
// corpus file opened in the window shows every entry `ukpu setupbin show` prints, secrets masked
// until asked; the key store view is reached and exports by keyboard. Screenshots of the main views
// go to $UKPU_SCREENSHOT_DIR (default: the build directory's screenshots/).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QScreen>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QTreeWidget>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include "key_batch_box.hpp"
#include "main_window.hpp"
#include "presentation/transfer_rate.hpp"
#include "setupbin_form.hpp"
#include "setupbin_view.hpp"
#include "stick_table.hpp"
#include "store/store_view.hpp"
#include "store/void_dialog.hpp"
#include "support/fake_machine.hpp"
#include "support/files.hpp"
#include "support/paths.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"
#include "support/xvfb.hpp"

extern char** environ;

namespace {

using namespace ukpu::test;
using ukpu::gui::MainWindow;

std::string read_text(const std::string& path) {
    const auto b = read_bytes(path);
    return std::string(b.begin(), b.end());
}

// Why the tests do not run (no X server and no Xvfb), or empty.
std::string g_skip;

QString screenshot_dir() {
    return QString::fromStdString(ukpu::test::screenshot_dir(UKPU_SCREENSHOT_DEFAULT));
}

void screenshot(QWidget& w, const QString& name) {
    QApplication::processEvents();
    const QString path = screenshot_dir() + "/" + name + ".png";
    EXPECT_TRUE(w.grab().save(path)) << path.toStdString();
}

ukpu::provision::Context context(const FakeSystem& f) {
    ukpu::provision::Context ctx;
    ctx.machine = f.machine();
    return ctx;
}

struct Window {
    MainWindow w;
    explicit Window(const FakeSystem& f) : w(context(f)) {
        w.set_alert([](QWidget*, const QString&, const QString&) {});
        w.resize(1366, 740);
        w.show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(&w));
    }
};

// Types `text` into the field of `key` as a user does.
void type(ukpu::gui::SetupBinForm& form, const std::string& key, const QString& text) {
    QWidget* field = form.field(key);
    ASSERT_NE(field, nullptr) << key;
    if (auto* combo = qobject_cast<QComboBox*>(field)) {
        combo->setFocus();
        combo->lineEdit()->selectAll();
        QTest::keyClicks(combo->lineEdit(), text);
    } else {
        auto* edit = qobject_cast<QLineEdit*>(field);
        ASSERT_NE(edit, nullptr) << key;
        edit->setFocus();
        edit->selectAll();
        QTest::keyClicks(edit, text);
    }
}

#define SKIP_WITHOUT_X() \
    if (!g_skip.empty()) GTEST_SKIP() << g_skip

TEST(GuiForm, EveryVariableCreateTakesHasAField) {
    SKIP_WITHOUT_X();
    EXPECT_EQ(QGuiApplication::platformName(), "xcb");  // a real X server
    ukpu::gui::SetupBinForm form;
    for (const auto& info : ukpu::setupbin::catalog()) {
        if (info.type == ukpu::setupbin::ValueType::cert_hash) continue;  // added from files
        QWidget* f = form.field(std::string(info.key));
        ASSERT_NE(f, nullptr) << info.key;
        if (info.secret) {
            auto* edit = qobject_cast<QLineEdit*>(f);
            ASSERT_NE(edit, nullptr);
            EXPECT_EQ(edit->echoMode(), QLineEdit::Password) << info.key;
            EXPECT_NE(form.secret_file(std::string(info.key)), nullptr) << info.key;
        }
    }
    // A secret refused as typed: why, without the secret.
    type(form, "pps", "Not-A-Valid-PPS");
    EXPECT_FALSE(form.field_problem("pps").isEmpty());
    EXPECT_FALSE(form.field_problem("pps").contains("Not-A-Valid-PPS"))
        << form.field_problem("pps").toStdString();
}

TEST(GuiForm, AProfileMadeInTheFormMakesTheWindowsBytesOnTheCommandLine) {
    SKIP_WITHOUT_X();
    FakeMachine m;
    TempDir t;
    Window win(m.f);
    auto& form = win.w.form();
    // Keyboard: Alt+M opens the form, Alt+S its server page, Alt+O the inspector.
    // (Xvfb runs no window manager: the window is made the active one here.)
    QApplication::setActiveWindow(&win.w);
    win.w.activateWindow();
    QApplication::processEvents();
    QTest::keyClick(&win.w, Qt::Key_M, Qt::AltModifier);
    EXPECT_EQ(win.w.views().currentIndex(), MainWindow::view_make);
    QTest::keyClick(&win.w, Qt::Key_S, Qt::AltModifier);
    EXPECT_EQ(form.tabs()->currentIndex(), 2);
    QTest::keyClick(&win.w, Qt::Key_O, Qt::AltModifier);
    EXPECT_EQ(win.w.views().currentIndex(), MainWindow::view_open);
    win.w.views().setCurrentIndex(MainWindow::view_make);
    // It fits a 1366x768 screen (with room for a panel and the title bar).
    EXPECT_LE(win.w.minimumSizeHint().width(), 1366);
    EXPECT_LE(win.w.minimumSizeHint().height(), 700);
    // A field refuses what its variable cannot hold, as typed, with the library's words.
    type(form, "provisioning-server-port", "99999");
    EXPECT_FALSE(form.field_problem("provisioning-server-port").isEmpty());
    type(form, "provisioning-server-port", "9971");
    EXPECT_TRUE(form.field_problem("provisioning-server-port").isEmpty())
        << form.field_problem("provisioning-server-port").toStdString();
    type(form, "hostname", "bad name!");
    EXPECT_FALSE(form.field_problem("hostname").isEmpty());
    type(form, "hostname", "amt-pc-01");
    type(form, "domain", "corp.example.com");
    type(form, "dhcp", "enabled");
    type(form, "pki-dns-suffix", "amt.example.com");
    type(form, "remote-config", "on");
    type(form, "user-certs", "enable");
    type(form, "kvm", "enabled");
    type(form, "user-consent", "none");
    // Passwords from files (a profile names only files).
    write_text(t.path("current.txt"), "admin\n");
    write_text(t.path("new.txt"), "N3w-Passw0rd!\n");
    ::chmod(t.path("current.txt").c_str(), 0600);
    ::chmod(t.path("new.txt").c_str(), 0600);
    QTest::keyClicks(form.secret_file("current-password"),
                     QString::fromStdString(t.path("current.txt")));
    QTest::keyClicks(form.secret_file("new-password"), QString::fromStdString(t.path("new.txt")));
    QString error;
    ASSERT_TRUE(form.add_cert_file(QString::fromStdString(samples("certs/amt-test-ca.crt")), error))
        << error.toStdString();
    form.check_now();
    ASSERT_TRUE(form.verdict("mebx").contains("applies record 1"))
        << form.verdict("mebx").toStdString();
    // The verdict follows the form a moment after the last change: manual setup is refused by
    // a modern MEBx alone.
    type(form, "manual-setup", "manual");
    QTRY_VERIFY_WITH_TIMEOUT(form.verdict("mebx").contains("NOT usable"), 3000);
    EXPECT_TRUE(form.verdict("uefi").contains("applies record 1"))
        << form.verdict("uefi").toStdString();
    screenshot(win.w, "make-verdict");
    auto* manual = qobject_cast<QComboBox*>(form.field("manual-setup"));
    manual->lineEdit()->selectAll();
    QTest::keyClick(manual->lineEdit(), Qt::Key_Backspace);
    form.check_now();
    for (const char* gen : {"legacy", "uefi", "mebx"})
        EXPECT_TRUE(form.verdict(gen).contains("applies record 1"))
            << form.verdict(gen).toStdString();
    for (int i = 0; i < form.tabs()->count(); ++i) {
        form.tabs()->setCurrentIndex(i);
        screenshot(win.w, QString("make-%1").arg(i));
    }
    QStringList left_out;
    ASSERT_TRUE(form.save_profile(QString::fromStdString(t.path("p.toml")), left_out, error))
        << error.toStdString();
    EXPECT_TRUE(left_out.isEmpty());
    ASSERT_TRUE(form.save_setup_bin(QString::fromStdString(t.path("window.bin")), error))
        << error.toStdString();
    struct stat st {};
    ASSERT_EQ(::stat(t.path("window.bin").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const auto r =
        run_ukpu({"setupbin", "create", "--config", t.path("p.toml"), "-o", t.path("cli.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err << read_text(t.path("p.toml"));
    EXPECT_EQ(read_bytes(t.path("window.bin")), read_bytes(t.path("cli.bin")));
    // A password typed (masked) makes the same bytes, and is never written to a profile.
    form.secret_file("current-password")->clear();
    type(form, "current-password", "admin");
    ASSERT_TRUE(form.save_setup_bin(QString::fromStdString(t.path("typed.bin")), error))
        << error.toStdString();
    EXPECT_EQ(read_bytes(t.path("typed.bin")), read_bytes(t.path("cli.bin")));
    ASSERT_TRUE(form.save_profile(QString::fromStdString(t.path("typed.toml")), left_out, error));
    EXPECT_EQ(left_out, QStringList{"current-password"});
    EXPECT_EQ(read_text(t.path("typed.toml")).find("admin"), std::string::npos);
    // "Write to sticks" takes the saved file as the window's setup.bin.
    ASSERT_TRUE(win.w.load_setup_bin(QString::fromStdString(t.path("window.bin"))));
    win.w.views().setCurrentIndex(MainWindow::view_write);
    screenshot(win.w, "write");
}

TEST(GuiForm, AProfileLoadedIntoTheFormMakesTheCommandLinesBytes) {
    SKIP_WITHOUT_X();
    TempDir t;
    ukpu::gui::SetupBinForm form;
    QString error;
    ASSERT_TRUE(form.load_profile(QString::fromStdString(samples("pki-amt14.toml")), error))
        << error.toStdString();
    EXPECT_EQ(qobject_cast<QComboBox*>(form.field("remote-config"))->currentText(), "on");
    const auto built = form.build(error);
    ASSERT_TRUE(built.has_value()) << error.toStdString();
    const auto r = run_ukpu(
        {"setupbin", "create", "--config", samples("pki-amt14.toml"), "-o", t.path("cli.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(built->bytes, read_bytes(t.path("cli.bin")));
    // Saved again from the form (paths made absolute): the same bytes still.
    QStringList left_out;
    ASSERT_TRUE(form.save_profile(QString::fromStdString(t.path("again.toml")), left_out, error));
    const auto r2 = run_ukpu(
        {"setupbin", "create", "--config", t.path("again.toml"), "-o", t.path("again.bin")});
    ASSERT_EQ(r2.exit_code, 0) << r2.err;
    EXPECT_EQ(read_bytes(t.path("again.bin")), read_bytes(t.path("cli.bin")));
}

TEST(GuiForm, ARootCaHashFromAPfxFileIsTheCommandLines) {
    SKIP_WITHOUT_X();
    TempDir t;
    write_text(t.path("pfx-password.txt"), "pfx-pw\n");
    write_text(t.path("current.txt"), "Old-P4ssw0rd!\n");
    ::chmod(t.path("pfx-password.txt").c_str(), 0600);
    ::chmod(t.path("current.txt").c_str(), 0600);
    ASSERT_EQ(run_shell("openssl pkcs12 -export -nokeys -in '" + samples("certs/amt-test-ca.crt") +
                        "' -out '" + t.path("ca.pfx") + "' -passout pass:pfx-pw"),
              0);
    ukpu::gui::SetupBinForm form;
    form.show();
    type(form, "pki-dns-suffix", "amt.example.com");
    QTest::keyClicks(form.secret_file("current-password"),
                     QString::fromStdString(t.path("current.txt")));
    auto* password = form.findChild<QLineEdit*>("cert-password-file");
    ASSERT_NE(password, nullptr);
    QTest::keyClicks(password, QString::fromStdString(t.path("pfx-password.txt")));
    QString error;
    ASSERT_TRUE(form.add_cert_file(QString::fromStdString(t.path("ca.pfx")), error))
        << error.toStdString();
    QStringList left_out;
    ASSERT_TRUE(form.save_profile(QString::fromStdString(t.path("p.toml")), left_out, error));
    {
        const auto built = form.build(error);
        ASSERT_TRUE(built) << error.toStdString();
        EXPECT_TRUE(built->check.ok());
    }
    ASSERT_TRUE(form.save_setup_bin(QString::fromStdString(t.path("window.bin")), error))
        << error.toStdString();
    const auto r =
        run_ukpu({"setupbin", "create", "--config", t.path("p.toml"), "-o", t.path("cli.bin")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_bytes(t.path("window.bin")), read_bytes(t.path("cli.bin")));
    // The hash is the root CA's, as from its certificate file.
    const auto crt = run_ukpu({"setupbin", "create", "--pki-dns-suffix", "amt.example.com",
                               "--current-password-file", t.path("current.txt"), "--cert-hash",
                               samples("certs/amt-test-ca.crt"), "-o", t.path("crt.bin")});
    ASSERT_EQ(crt.exit_code, 0) << crt.err;
    EXPECT_EQ(read_bytes(t.path("window.bin")), read_bytes(t.path("crt.bin")));
}

// "  2/3 PKI DNS Suffix (len 15): \"amt.example.com\"" -> "2/3 PKI DNS Suffix: \"amt...\"".
QStringList show_entry_lines(const std::string& out) {
    QStringList lines;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("  ", 0) != 0 || line.rfind("  (", 0) == 0) continue;
        const auto len = line.find(" (len ");
        const auto colon = line.find("): ", len);
        if (len == std::string::npos || colon == std::string::npos) continue;
        lines << QString::fromStdString(line.substr(2, len - 2) + ": " + line.substr(colon + 3));
    }
    return lines;
}

TEST(GuiInspector, ACorpusFileShowsEveryEntryAsSetupbinShowDoes) {
    SKIP_WITHOUT_X();
    FakeMachine m;
    Window win(m.f);
    win.w.views().setCurrentIndex(MainWindow::view_open);
    auto& view = win.w.inspector();
    for (const char* name :
         {"v4-pki-amt-test-ca.bin", "acu-12.1-default.bin", "acu-12.1-edited-meshcommander.bin"}) {
        SCOPED_TRACE(name);
        ASSERT_TRUE(view.open(QString::fromStdString(corpus(name))));
        view.set_show_secrets(false);
        const auto masked = run_ukpu({"setupbin", "show", corpus(name)});
        ASSERT_EQ(masked.exit_code, 0) << masked.err;
        EXPECT_EQ(view.entry_lines(), show_entry_lines(masked.out));
        EXPECT_FALSE(view.entry_lines().isEmpty());
        EXPECT_TRUE(view.entry_lines().join('\n').contains("1/1 Current MEBx Password: ***"));
        screenshot(win.w, QString("open-%1").arg(name));
        view.set_show_secrets(true);
        const auto shown = run_ukpu({"setupbin", "show", "--show-secrets", corpus(name)});
        EXPECT_EQ(view.entry_lines(), show_entry_lines(shown.out));
        EXPECT_FALSE(view.entry_lines().join('\n').contains("***"));
    }
    // Not a setup.bin: said, nothing listed.
    TempDir t;
    write_text(t.path("junk.bin"), std::string(600, 'x'));
    EXPECT_FALSE(view.open(QString::fromStdString(t.path("junk.bin"))));
    EXPECT_TRUE(view.summary().startsWith("Not a setup.bin")) << view.summary().toStdString();
    EXPECT_EQ(view.tree()->topLevelItemCount(), 0);
}

TEST(GuiStoreScreens, TheKeyStoreViewByKeyboard) {
    SKIP_WITHOUT_X();
    FakeMachine m;
    TempDir t;
    // A store made by the command line: 12 records on three setup.bin files, the third lost.
    write_text(t.path("cur.txt"), "admin\n");
    ::chmod(t.path("cur.txt").c_str(), 0600);
    const std::string db = t.path("keys.db");
    auto r = run_ukpu({"keys", "generate", "-n", "12", "--per-key", "5", "--current-password-file",
                       t.path("cur.txt"), "--random-new-password", "-o", t.path("setup.bin"),
                       "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_ukpu({"keys", "void", "--key-file", "3", "--reason", "lost in transit", "--store", db});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Window win(m.f);
    win.w.key_batch().set_store(QString::fromStdString(db));
    QApplication::setActiveWindow(&win.w);
    win.w.activateWindow();
    QApplication::processEvents();
    // Alt+Y opens the key store, which shows the window's store.
    QTest::keyClick(&win.w, Qt::Key_Y, Qt::AltModifier);
    ASSERT_EQ(win.w.views().currentIndex(), MainWindow::view_store);
    auto& view = win.w.store_view();
    EXPECT_EQ(view.store_text(), QString::fromStdString(db));
    ASSERT_EQ(view.batches()->rowCount(), 1);
    EXPECT_EQ(view.key_files()->rowCount(), 3);
    EXPECT_LE(win.w.minimumSizeHint().width(), 1366);
    EXPECT_LE(win.w.minimumSizeHint().height(), 700);
    ASSERT_TRUE(view.select_key_file(3));
    screenshot(win.w, "store");
    // Alt+X exports (the file dialog answered here): the server's file, mode 0600.
    const QString out = QString::fromStdString(t.path("server.csv"));
    view.set_ask_path([&](QWidget*, const QString&, const QString&, bool save) {
        return save ? out : QString();
    });
    QTest::keyClick(&win.w, Qt::Key_X, Qt::AltModifier);
    // (A button's mnemonic clicks it a moment later, as a click is shown.)
    QTRY_VERIFY_WITH_TIMEOUT(std::filesystem::exists(t.path("server.csv")), 3000);
    struct stat st {};
    ASSERT_EQ(::stat(t.path("server.csv").c_str(), &st), 0) << view.outcome().toStdString();
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_TRUE(view.outcome().contains("10 records")) << view.outcome().toStdString();
    screenshot(win.w, "store-exported");
    // The confirmation before a lost stick's records are voided.
    ukpu::gui::VoidDialog ask(
        "Void 5 records of key file 2 of batch 1 (" +
        QString::fromStdString(t.path("setup-2.bin")) +
        ") that no PC took? They are never exported as usable again and never written to a key.");
    ask.show();
    EXPECT_TRUE(QTest::qWaitForWindowExposed(&ask));
    EXPECT_FALSE(ask.void_button()->isEnabled());
    QTest::keyClicks(ask.reason_field(), "lost");
    EXPECT_TRUE(ask.void_button()->isEnabled());
    screenshot(ask, "void-dialog");
    // A write in progress and the outcome of a failed stick, as the sticks table shows them.
    win.w.views().setCurrentIndex(MainWindow::view_write);
    auto& sticks = win.w.sticks();
    ukpu::gui::TransferRate rate;
    const auto t0 = ukpu::gui::TransferRate::Clock::now();
    rate.update("writing", 0, 64'000'000, t0);
    rate.update("writing", 24'000'000, 64'000'000, t0 + std::chrono::seconds(2));
    sticks.set_state(*sticks.row_of("sdb"), rate.text());
    sticks.set_outcome(*sticks.row_of("sdc"), false, "FAILED (I/O error)",
                       "the stick stopped answering; it holds no usable key: write it again or "
                       "replace it");
    screenshot(win.w, "write-progress");
}

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    const bool listing = ::testing::GTEST_FLAG(list_tests);
    pid_t xvfb = 0;
    if (listing) {
        qputenv("QT_QPA_PLATFORM", "offscreen");  // test discovery needs no display
    } else {
        if (qEnvironmentVariableIsEmpty("DISPLAY")) {
            std::string display;
            xvfb = start_xvfb(display);
            if (xvfb) qputenv("DISPLAY", QByteArray::fromStdString(display));
        }
        if (qEnvironmentVariableIsEmpty("DISPLAY")) {
            g_skip =
                "no X server: DISPLAY is unset and Xvfb is not installed (scripts/setup "
                "installs xvfb); the window was not driven";
            qputenv("QT_QPA_PLATFORM", "offscreen");
        } else {
            qputenv("QT_QPA_PLATFORM", "xcb");  // a real X server, not offscreen
        }
    }
    int rc = 0;
    {
        QApplication app(argc, argv);
        rc = RUN_ALL_TESTS();
    }
    stop_xvfb(xvfb);
    return rc;
}
