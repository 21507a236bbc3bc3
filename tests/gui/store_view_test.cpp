// The window's key store view, offscreen, against stores made by the command line (`ukpu keys
// generate`, `keys write --image`, `keys void`) and read back with the sqlite3 tool and `ukpu
// keys list --json` (the oracles): the batches, key files and record counts are what they say,
// secrets masked until asked; an export is byte for byte `ukpu keys export` of the same store
// with the same options, mode 0600, and marks the same records exported; sync from a key image
// whose PCs took records marks exactly those; a lost stick's records are voided only after the
// confirmation, with the reason. Also the speed and time-left text of a stick's progress and the
// plural forms of the window's messages.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <QAbstractButton>
#include <QApplication>
#include <QKeySequence>
#include <QLabel>
#include <QPushButton>
#include <QTabBar>
#include <QTableView>
#include <QTableWidget>

#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "key_batch_box.hpp"
#include "main_window.hpp"
#include "presentation/counted_text.hpp"
#include "presentation/transfer_rate.hpp"
#include "store/record_model.hpp"
#include "store/store_view.hpp"
#include "support/fake_machine.hpp"
#include "support/files.hpp"
#include "support/json.hpp"
#include "support/run_ukpu.hpp"
#include "support/temp_dir.hpp"
#include "ukpu/fatwriter/block_device.hpp"
#include "ukpu/keys/key_sync.hpp"
#include "ukpu/setupbin/consume.hpp"
#include "ukpu/setupbin/pidpps.hpp"

namespace ukpu::test::store_view_test {

using gui::RecordModel;
using gui::StoreView;

// The standard output of a shell command line (the sqlite3 tool).
std::string shell_output(const std::string& command) {
    std::string out;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    if (!pipe) return out;
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
    return out;
}

// One value of a query, read by the sqlite3 tool.
std::string sqlite(const std::string& db, const std::string& query) {
    std::string out = shell_output("sqlite3 '" + db + "' \"" + query + "\"");
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 0777) : 0;
}

// A store made by the command line: 12 records on three setup.bin files (5, 5, 2), and the
// third key file voided as a lost stick.
class GuiStore : public ::testing::Test {
protected:
    void SetUp() override {
        if (run_shell("command -v sqlite3 >/dev/null 2>&1") != 0)
            GTEST_SKIP() << "the sqlite3 tool is missing (scripts/setup test installs it)";
        db_ = t_.path("keys.db");
        write_text(t_.path("cur.txt"), "admin\n");
        ::chmod(t_.path("cur.txt").c_str(), 0600);
        const auto g =
            run_ukpu({"keys", "generate", "-n", "12", "--per-key", "5", "--current-password-file",
                      t_.path("cur.txt"), "--random-new-password", "-o", t_.path("setup.bin"),
                      "--store", db_});
        ASSERT_EQ(g.exit_code, 0) << g.err;
    }
    void void_third() {
        const auto v =
            run_ukpu({"keys", "void", "--key-file", "3", "--reason", "lost", "--store", db_});
        ASSERT_EQ(v.exit_code, 0) << v.err;
    }
    // A copy of the store as it is (the sqlite3 tool's backup: the WAL included).
    std::string copy_store(const std::string& name) {
        const std::string to = t_.path(name);
        std::filesystem::remove(to);
        EXPECT_EQ(run_shell("sqlite3 '" + db_ + "' \".backup '" + to + "'\""), 0);
        return to;
    }
    TempDir t_;
    std::string db_;
};

TEST_F(GuiStore, ShowsWhatKeysListSays) {
    void_third();
    StoreView view;
    view.show_store(QString::fromStdString(db_));
    EXPECT_EQ(view.store_text(), QString::fromStdString(db_));
    const auto list = run_ukpu({"--json", "keys", "list", "--store", db_});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    const Json doc = parse_json(list.out);
    const auto& batches = doc["batches"];
    ASSERT_EQ(view.batches()->rowCount(), static_cast<int>(batches.size()));
    for (int row = 0; row < view.batches()->rowCount(); ++row) {
        const auto& b = batches[static_cast<std::size_t>(row)];
        auto text = [&](int col) { return view.batches()->item(row, col)->text().toStdString(); };
        EXPECT_EQ(text(StoreView::batch_id), std::to_string(b["id"].get<int>()));
        EXPECT_EQ(text(StoreView::batch_created), b["created_at"].get<std::string>());
        EXPECT_EQ(text(StoreView::batch_version), b["version"].get<std::string>());
        EXPECT_EQ(text(StoreView::batch_records), std::to_string(b["records"].get<int>()));
        EXPECT_EQ(text(StoreView::batch_on_key), std::to_string(b["states"]["on-key"].get<int>()));
        EXPECT_EQ(text(StoreView::batch_voided), std::to_string(b["voided"].get<int>()));
        EXPECT_EQ(text(StoreView::batch_files), std::to_string(b["files"].size()));
        EXPECT_EQ(text(StoreView::batch_state), b["state"].get<std::string>());
    }
    // The newest batch is selected: its key files as `keys list --batch` has them.
    ASSERT_EQ(view.selected_batch(), 1);
    const auto& files = batches[0]["files"];
    ASSERT_EQ(view.key_files()->rowCount(), static_cast<int>(files.size()));
    for (int row = 0; row < view.key_files()->rowCount(); ++row) {
        const auto& f = files[static_cast<std::size_t>(row)];
        auto text = [&](int col) { return view.key_files()->item(row, col)->text().toStdString(); };
        EXPECT_EQ(text(StoreView::file_id), std::to_string(f["id"].get<int>()));
        EXPECT_EQ(text(StoreView::file_target), f["target"].get<std::string>());
        EXPECT_EQ(text(StoreView::file_state).rfind(f["state"].get<std::string>(), 0), 0u)
            << text(StoreView::file_state);
        EXPECT_EQ(text(StoreView::file_records), std::to_string(f["first_record"].get<int>()) +
                                                     "-" +
                                                     std::to_string(f["last_record"].get<int>()));
    }
    // The lost stick's records are voided, the others' not.
    for (int row = 0; row < view.key_files()->rowCount(); ++row) {
        const std::string id =
            view.key_files()->item(row, StoreView::file_id)->text().toStdString();
        EXPECT_EQ(view.key_files()->item(row, StoreView::file_voided)->text().toStdString(),
                  sqlite(db_,
                         "SELECT count(*) FROM records WHERE voided_at IS NOT NULL AND "
                         "key_file_id=" +
                             id));
    }
    // The counts by state, as the sqlite3 tool counts them.
    const std::string on_key = sqlite(db_, "SELECT count(*) FROM records WHERE state='on-key'");
    const std::string voided =
        sqlite(db_, "SELECT count(*) FROM records WHERE voided_at IS NOT NULL");
    EXPECT_EQ(on_key, "12");
    EXPECT_EQ(voided, "2");
    EXPECT_TRUE(view.counts_text().contains(QString::fromStdString(on_key + " on a key")))
        << view.counts_text().toStdString();
    EXPECT_TRUE(view.counts_text().contains(QString::fromStdString(voided + " voided")))
        << view.counts_text().toStdString();
    // Every record, PPS and passwords masked until asked.
    const RecordModel& records = view.records();
    ASSERT_EQ(records.rowCount(), 12);
    const QModelIndex first_pps = records.index(0, RecordModel::col_pps);
    EXPECT_EQ(records.data(first_pps).toString(), "***");
    EXPECT_EQ(records.data(records.index(0, RecordModel::col_current_password)).toString(), "***");
    view.set_show_secrets(true);
    const std::string pps = sqlite(db_, "SELECT pps FROM records ORDER BY id LIMIT 1");
    EXPECT_EQ(records.data(first_pps).toString().toStdString(), setupbin::format_pps(pps));
    EXPECT_EQ(records.data(records.index(0, RecordModel::col_current_password)).toString(),
              "admin");
    const std::string pid = sqlite(db_, "SELECT pid FROM records ORDER BY id LIMIT 1");
    EXPECT_EQ(records.data(records.index(0, RecordModel::col_pid)).toString().toStdString(),
              setupbin::format_pid(pid));
    // The voided records say why.
    EXPECT_TRUE(
        records.data(records.index(11, RecordModel::col_voided)).toString().endsWith("lost"));
}

TEST_F(GuiStore, AStoreThatIsNotThereIsSaidAndNotCreated) {
    StoreView view;
    const std::string missing = t_.path("none/keys.db");
    view.show_store(QString::fromStdString(missing));
    EXPECT_EQ(view.batches()->rowCount(), 0);
    EXPECT_FALSE(std::filesystem::exists(t_.path("none")));
    EXPECT_FALSE(view.export_button()->isEnabled());
}

TEST_F(GuiStore, AnExportIsTheCommandLinesBytesInMode0600) {
    void_third();
    const std::string pristine = copy_store("pristine.db");
    struct Case {
        keys::ExportFormat format;
        const char* name;
        bool upsert, plain, all;
    };
    const Case cases[] = {
        {keys::ExportFormat::scs_csv, "scs-csv", false, false, false},
        {keys::ExportFormat::scs_csv, "scs-csv", false, true, true},
        {keys::ExportFormat::scs_sql, "scs-sql", false, false, true},
        {keys::ExportFormat::scs_sql, "scs-sql", true, false, false},
        {keys::ExportFormat::csv, "csv", false, false, true},
        {keys::ExportFormat::json, "json", false, false, false},
    };
    int n = 0;
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.name) + (c.upsert ? " --upsert" : "") +
                     (c.plain ? " --plain-pid-pps" : "") + (c.all ? "" : " --batch 1"));
        ++n;
        // The same store twice: one for the window, one for the command line.
        const std::string window_db = t_.path("w" + std::to_string(n) + ".db");
        const std::string cli_db = t_.path("c" + std::to_string(n) + ".db");
        std::filesystem::copy_file(pristine, window_db);
        std::filesystem::copy_file(pristine, cli_db);
        StoreView view;
        view.show_store(QString::fromStdString(window_db));
        view.set_export_format(c.format);
        view.set_export_upsert(c.upsert);
        view.set_export_plain(c.plain);
        view.set_export_all_batches(c.all);
        const std::string window_out = t_.path("w" + std::to_string(n) + ".out");
        ASSERT_TRUE(view.export_to(QString::fromStdString(window_out)))
            << view.outcome().toStdString();
        EXPECT_TRUE(view.outcome().contains("mode 0600")) << view.outcome().toStdString();
        std::vector<std::string> args = {
            "keys",     "export", "--store", cli_db,
            "--format", c.name,   "-o",      t_.path("c" + std::to_string(n) + ".out")};
        if (c.upsert) args.push_back("--upsert");
        if (c.plain) args.push_back("--plain-pid-pps");
        if (!c.all) args.insert(args.end(), {"--batch", "1"});
        const auto r = run_ukpu(args);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(read_bytes(window_out), read_bytes(t_.path("c" + std::to_string(n) + ".out")));
        EXPECT_EQ(mode_of(window_out), 0600u);
        // The same records marked exported in both stores.
        const std::string states = "SELECT id, state FROM records ORDER BY id";
        EXPECT_EQ(sqlite(window_db, states), sqlite(cli_db, states));
        EXPECT_EQ(sqlite(window_db, "SELECT count(*) FROM records WHERE state='exported'"), "10");
        // And the view shows them so.
        EXPECT_TRUE(view.counts_text().contains("10 exported")) << view.counts_text().toStdString();
    }
}

// The bytes of `image` with the setup.bin on it replaced by `setup_bin` (the same size), as the
// firmware leaves a key whose records it consumed.
void replace_setup_bin(const std::string& image, const std::vector<std::uint8_t>& before,
                       const std::vector<std::uint8_t>& after) {
    auto bytes = read_bytes(image);
    const auto at = std::search(bytes.begin(), bytes.end(), before.begin(), before.end());
    ASSERT_NE(at, bytes.end());
    std::copy(after.begin(), after.end(), at);
    write_bytes(image, bytes);
}

TEST_F(GuiStore, SyncFromAKeyImageMarksExactlyTheRecordsPcsTook) {
    // Key file 2 put on a key image by the command line, then two PCs took a record each.
    const std::string img = t_.path("key2.img");
    const auto w = run_ukpu(
        {"keys", "write", "--key-file", "2", "--image", img, "--size", "8M", "--store", db_});
    ASSERT_EQ(w.exit_code, 0) << w.err;
    std::vector<std::uint8_t> setup;
    {
        auto dev = fat::open_device(img, false, 0);
        setup = keys::read_setup_bin(*dev);
    }
    auto consumed = setup;
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(setupbin::consume_next(consumed).consumed);
    replace_setup_bin(img, setup, consumed);

    StoreView view;
    view.show_store(QString::fromStdString(db_));
    EXPECT_TRUE(view.sync_file(QString::fromStdString(img))) << view.outcome().toStdString();
    EXPECT_TRUE(view.outcome().contains("key file 2 of batch 1")) << view.outcome().toStdString();
    EXPECT_TRUE(view.outcome().contains("2 records consumed on the key, 2 newly marked"))
        << view.outcome().toStdString();
    // The sqlite3 tool: records 1 and 2 of key file 2, nothing else.
    EXPECT_EQ(sqlite(db_,
                     "SELECT group_concat(record_number) FROM records WHERE "
                     "state='consumed' AND key_file_id=2 ORDER BY record_number"),
              "1,2");
    EXPECT_EQ(sqlite(db_, "SELECT count(*) FROM records WHERE state='consumed'"), "2");
    EXPECT_TRUE(view.counts_text().contains("2 consumed")) << view.counts_text().toStdString();
    // Again: nothing new. A bare setup.bin file is told apart from an image and synced too.
    write_bytes(t_.path("consumed.bin"), consumed);
    EXPECT_TRUE(view.sync_file(QString::fromStdString(t_.path("consumed.bin"))));
    EXPECT_TRUE(view.outcome().contains("0 newly marked")) << view.outcome().toStdString();
    // A key the store does not know: said, nothing marked.
    TempDir other;
    write_text(other.path("cur.txt"), "admin\n");
    ASSERT_EQ(run_ukpu({"keys", "generate", "-n", "2", "--current-password-file",
                        other.path("cur.txt"), "--random-new-password", "-o", other.path("x.bin"),
                        "--store", other.path("other.db")})
                  .exit_code,
              0);
    EXPECT_FALSE(view.sync_file(QString::fromStdString(other.path("x.bin"))));
    EXPECT_TRUE(
        view.outcome().startsWith("Not synced: " + QString::fromStdString(other.path("x.bin"))))
        << view.outcome().toStdString();
    EXPECT_EQ(sqlite(db_, "SELECT count(*) FROM records WHERE state='consumed'"), "2");
}

TEST_F(GuiStore, ALostSticksRecordsAreVoidedOnlyAfterConfirmingWithAReason) {
    StoreView view;
    view.show_store(QString::fromStdString(db_));
    EXPECT_FALSE(view.void_button()->isEnabled());  // no key file selected
    ASSERT_TRUE(view.select_key_file(2));
    ASSERT_TRUE(view.void_button()->isEnabled());
    QString shown;
    std::optional<QString> answer;
    view.set_ask_void([&](QWidget*, const QString& what) {
        shown = what;
        return answer;
    });
    const std::string voided = "SELECT count(*) FROM records WHERE voided_at IS NOT NULL";
    view.void_button()->click();  // cancelled
    EXPECT_TRUE(shown.contains("Void 5 records of key file 2 of batch 1")) << shown.toStdString();
    EXPECT_EQ(sqlite(db_, voided), "0");
    answer = QString("stick lost in building B");
    view.void_button()->click();
    EXPECT_EQ(sqlite(db_, voided), "5");
    EXPECT_EQ(sqlite(db_,
                     "SELECT DISTINCT key_file_id || ':' || void_reason FROM records WHERE "
                     "voided_at IS NOT NULL"),
              "2:stick lost in building B");
    EXPECT_TRUE(view.outcome().contains("Key file 2: 5 records voided"))
        << view.outcome().toStdString();
    EXPECT_TRUE(view.counts_text().contains("5 voided")) << view.counts_text().toStdString();
    // Nothing left to void: said without asking.
    shown.clear();
    view.void_button()->click();
    EXPECT_TRUE(shown.isEmpty());
    EXPECT_TRUE(view.outcome().startsWith("Nothing to void")) << view.outcome().toStdString();
}

TEST(GuiProgress, SpeedAndTimeLeftFollowTheBytesWritten) {
    using gui::TransferRate;
    TransferRate rate;
    const auto t0 = TransferRate::Clock::now();
    rate.update("writing", 0, 100'000'000, t0);
    EXPECT_FALSE(rate.bytes_per_second().has_value());
    EXPECT_EQ(rate.text(), "writing 0%");
    // 20 MB in 2 s: 10 MB/s, 80 MB left: 8 s.
    rate.update("writing", 20'000'000, 100'000'000, t0 + std::chrono::seconds(2));
    ASSERT_TRUE(rate.bytes_per_second().has_value());
    EXPECT_DOUBLE_EQ(*rate.bytes_per_second(), 10e6);
    EXPECT_DOUBLE_EQ(*rate.seconds_left(), 8.0);
    EXPECT_EQ(rate.text(), "writing 20%, 10.0 MB/s, 8 s left");
    // A new phase measures again.
    rate.update("verifying", 0, 100'000'000, t0 + std::chrono::seconds(3));
    EXPECT_EQ(rate.text(), "verifying 0%");
    EXPECT_EQ(gui::duration_text(125), "2 min 05 s");
    EXPECT_EQ(gui::duration_text(3725), "1 h 02 min");
    EXPECT_EQ(gui::speed_text(850'000), "850 kB/s");
}

TEST(GuiPlurals, OneStickTwoSticks) {
    EXPECT_EQ(gui::counted(1, "stick"), "1 stick");
    EXPECT_EQ(gui::counted(2, "stick"), "2 sticks");
    EXPECT_EQ(gui::counted(0, "record"), "0 records");
}

TEST(GuiWindow, TheKeyStoreIsATabAndTheWindowHasATitleAndAnIcon) {
    FakeMachine m;
    TempDir t;
    provision::Context ctx;
    ctx.machine = m.f.machine();
    gui::MainWindow w(ctx);
    EXPECT_EQ(w.views().tabText(gui::MainWindow::view_store), "Ke&y store");
    EXPECT_FALSE(w.windowTitle().isEmpty());
    EXPECT_FALSE(w.windowIcon().isNull());
    // The view shows the store the window's key batches go to.
    w.key_batch().set_store(QString::fromStdString(t.path("keys.db")));
    w.views().setCurrentIndex(gui::MainWindow::view_store);
    EXPECT_EQ(w.store_view().store_text(), QString::fromStdString(t.path("keys.db")));
    // Another store opened in the view: the window's key batches go there too.
    const QString other = QString::fromStdString(t.path("other.db"));
    w.store_view().set_ask_path([&](QWidget*, const QString&, const QString& filter, bool save) {
        EXPECT_TRUE(filter.startsWith("Key stores")) << filter.toStdString();
        return save ? QString() : other;
    });
    for (auto* b : w.store_view().findChildren<QPushButton*>())
        if (b->text() == "Open another s&tore...") b->click();
    EXPECT_EQ(w.store_view().store_text(), other);
    EXPECT_EQ(w.key_batch().store(), t.path("other.db"));
    EXPECT_FALSE(std::filesystem::exists(t.path("other.db")));  // looking creates nothing
    // Sync with no stick ticked: said where to tick them.
    w.store_view().sync_sticks_button()->click();
    EXPECT_TRUE(w.store_view().outcome().contains("tick the sticks"))
        << w.store_view().outcome().toStdString();
    // Keyboard: on every view, each Alt+letter (tabs, buttons, labelled fields) names one thing.
    w.show();
    for (int view = 0; view < w.views().count(); ++view) {
        w.views().setCurrentIndex(view);
        QApplication::processEvents();
        std::map<QString, QStringList> owners;
        auto add = [&](const QString& text) {
            const QKeySequence key = QKeySequence::mnemonic(text);
            if (!key.isEmpty()) owners[key.toString()] << text;
        };
        for (auto* b : w.findChildren<QAbstractButton*>())
            if (b->isVisible()) add(b->text());
        for (auto* l : w.findChildren<QLabel*>())
            if (l->isVisible() && l->buddy()) add(l->text());
        for (auto* bar : w.findChildren<QTabBar*>())
            if (bar->isVisible())
                for (int i = 0; i < bar->count(); ++i) add(bar->tabText(i));
        for (const auto& [key, texts] : owners)
            EXPECT_EQ(texts.size(), 1) << "view " << view << ": " << key.toStdString() << " is "
                                       << texts.join(" and ").toStdString();
    }
    // Fits a 1366x768 screen.
    EXPECT_LE(w.minimumSizeHint().width(), 1366);
    EXPECT_LE(w.minimumSizeHint().height(), 700);
}

}  // namespace ukpu::test::store_view_test
