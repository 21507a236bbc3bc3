// The main window: the sticks of the machine, the setup.bin to put on them, Write and Verify.
// Writing follows the command line's safety rules (key_target.hpp): only sticks that `ukpu
// devices` lists can be ticked; each is checked again (system disk, mounted, files in use,
// permissions), then all are confirmed in one dialog showing their identities (names typed for
// anything but a removable stick), then written at once in the strict layout, each read back
// and verified (stick_writer.hpp), with progress; Stop ends every write at a safe point.
#pragma once

#include <QMainWindow>

#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "confirm_dialog.hpp"
#include "ukpu/devices/discovery.hpp"
#include "key_source.hpp"
#include "key_target.hpp"
#include "stick_writer.hpp"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace ukpu::gui {

class StickTable;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // Asks to confirm the sticks about to be erased; true to go on (default: ConfirmDialog).
    using Confirm = std::function<bool(QWidget*, const std::vector<devices::DeviceInfo>&,
                                       bool unmount, StickAction action)>;
    // Shows why something was refused or failed (default: a message box).
    using Alert = std::function<void(QWidget*, const QString& title, const QString& text)>;

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void set_confirm(Confirm c) { confirm_ = std::move(c); }
    void set_alert(Alert a) { alert_ = std::move(a); }

    // What the widgets do, callable directly (tests, and the command line of ukpu-gui).
    void refresh();
    bool load_setup_bin(const QString& path);
    StickTable& sticks() { return *table_; }
    const std::optional<KeySource>& source() const { return source_; }
    void write_selected();
    void repair_selected();
    void verify_selected();
    void stop();
    bool busy() const { return worker_.joinable(); }
    QString log_text() const;
    void set_show_all(bool on);

protected:
    // Closing while sticks are being written is refused: Stop first, then close.
    void closeEvent(QCloseEvent* event) override;

signals:
    // After every stick of a Write or a Repair was handled: the exit code of the command line's
    // rules (0 all done and verified, else the most serious failure).
    void writeFinished(int exit_code);

private:
    void log(const QString& line);
    void choose_setup_bin();
    void firmware_changed();
    void progress(std::size_t job, int row, qulonglong done, qulonglong total);
    std::function<void(std::uint64_t, std::uint64_t)> progress_reporter(std::size_t job, int row);
    // The ticked sticks, checked against the safety rules with `policy`, then confirmed; empty
    // when one was refused or nothing was confirmed (said in the window).
    std::vector<devices::DeviceInfo> checked_and_confirmed(const std::vector<int>& rows,
                                                           const cli::DeviceWritePolicy& policy,
                                                           StickAction action);
    void start(const std::vector<int>& rows, const QString& done_text,
               std::function<std::vector<cli::StickOutcome>()> work);
    void finished(std::vector<int> rows, std::vector<cli::StickOutcome> outcomes,
                  QString done_text);
    void set_busy(bool on);

    StickTable* table_ = nullptr;
    QCheckBox* show_all_ = nullptr;
    QCheckBox* unmount_ = nullptr;
    QLineEdit* setup_path_ = nullptr;
    QComboBox* firmware_ = nullptr;
    QLabel* summary_ = nullptr;
    QCheckBox* force_ = nullptr;
    QPushButton* write_ = nullptr;
    QPushButton* verify_ = nullptr;
    QPushButton* repair_ = nullptr;
    QPushButton* stop_ = nullptr;
    QPushButton* refresh_ = nullptr;
    QProgressBar* overall_ = nullptr;
    QPlainTextEdit* log_ = nullptr;

    std::optional<KeySource> source_;
    Confirm confirm_;
    Alert alert_;
    std::thread worker_;
    std::vector<std::pair<qulonglong, qulonglong>> done_;  // per stick being written: done, total
};

}  // namespace ukpu::gui
