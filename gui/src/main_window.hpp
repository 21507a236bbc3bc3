// The main window: the sticks of the machine, the setup.bin to put on them, Write, Verify and
// Repair, and a key batch made onto the ticked sticks. Everything goes through the application
// library (ukpu/provision): only sticks that `ukpu devices` lists can be ticked; each is checked
// again against the safety rules (system disk, mounted, files in use, permissions), then all are
// confirmed in one dialog showing their identities (names typed for anything but a removable
// stick), then written at once in the strict layout, each read back and verified, with progress;
// Stop ends every write at a safe point. Beside writing, the window makes a setup.bin from a form
// over every variable `setupbin create` takes (SetupBinForm) and opens one as `setupbin show`
// shows it (SetupBinView); the key store has its own view: batches, key files and records, with
// sync, export for the server and void (StoreView). The window works against the machine and the
// faults of the provision::Context it is given: the running system from main, a fake machine in the
// tests.
#pragma once

#include <QMainWindow>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "confirm_dialog.hpp"
#include "key_source.hpp"
#include "presentation/transfer_rate.hpp"
#include "privileged_worker.hpp"
#include "ukpu/devices/discovery.hpp"
#include "ukpu/provision/context.hpp"
#include "ukpu/provision/device_safety.hpp"
#include "ukpu/provision/key_sync_source.hpp"
#include "ukpu/provision/status.hpp"
#include "ukpu/provision/stored_records.hpp"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;

namespace ukpu::gui {

class DiskWatcher;
class KeyBatchBox;
class SetupBinForm;
class SetupBinView;
class StickTable;
class StoreView;
class WindowReporter;

// What became of one stick of a Write, a Repair or a key batch.
struct StickResult {
    // The stick's path; anything else (nothing, an option, a file) marks a failure of the whole
    // run, which stands for every stick without an outcome of its own.
    std::string target;
    provision::Status status = provision::Status::ok;
    std::string message;  // what went wrong and what to do next
};

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // Asks to confirm the sticks about to be erased; true to go on (default: ConfirmDialog).
    // `policy`: whether mounted sticks are unmounted first, and the disks whose name must be
    // typed whatever they are, with why (a stick holding records no PC took).
    using Confirm =
        std::function<bool(QWidget*, const std::vector<devices::DeviceInfo>&,
                           const provision::DeviceWritePolicy& policy, StickAction action)>;
    // Shows why something was refused or failed (default: a message box).
    using Alert = std::function<void(QWidget*, const QString& title, const QString& text)>;

    // `ctx`: the machine whose disks are listed and written, and the faults to inject (none
    // outside the tests).
    explicit MainWindow(provision::Context ctx, QWidget* parent = nullptr);
    ~MainWindow() override;

    void set_confirm(Confirm c) { confirm_ = std::move(c); }
    void set_alert(Alert a) { alert_ = std::move(a); }
    // The faults injected into the next writes and repairs (tests); ignored while busy.
    void set_fault_plan(const provision::FaultPlan& faults);

    // What the widgets do, callable directly (tests, and the command line of ukpu-gui).
    void refresh();
    bool load_setup_bin(const QString& path);
    StickTable& sticks() { return *table_; }
    KeyBatchBox& key_batch() { return *batch_; }
    // The views: writing sticks, making a setup.bin (the form), opening one (as `setupbin show`).
    QTabWidget& views() { return *views_; }
    SetupBinForm& form() { return *form_; }
    SetupBinView& inspector() { return *inspector_; }
    // The key store: batches, key files, records; sync, export, void.
    StoreView& store_view() { return *store_view_; }
    enum View { view_write = 0, view_make = 1, view_open = 2, view_store = 3 };
    const std::optional<KeySource>& source() const { return source_; }
    void write_selected();
    void repair_selected();
    void make_batch_selected();
    void verify_selected();
    // Reads the ticked sticks back and marks in the key store the records PCs consumed (as
    // `ukpu keys sync --device` does), on the run's thread as a write is (writeFinished at its
    // end); what each came to is shown in the store view then.
    void sync_selected();
    // Writes key file `key_file_id` of the store again, byte for byte, to the one stick ticked (a
    // stick lost or failed), through the service of `ukpu keys write --key-file` (or that command
    // through the worker), under the safety rules of every write.
    void write_key_file_again(std::int64_t key_file_id);
    void stop();
    bool busy() const { return worker_.joinable(); }
    QString log_text() const;
    void set_show_all(bool on);
    // Lets disks that are not USB sticks (a loop device, a SATA disk) be ticked, as
    // --allow-non-usb does: their names must be typed to confirm.
    void set_allow_non_usb(bool on);
    // Whether sticks are reached through the privileged worker (the window does not run as
    // root; PrivilegedWorker), or by the services in this process.
    bool through_worker() const { return through_worker_; }
    // Lists the disks again by itself when one comes or goes (DiskWatcher).
    DiskWatcher& disk_watcher() { return *watcher_; }

protected:
    // Closing while sticks are being written is refused: Stop first, then close.
    void closeEvent(QCloseEvent* event) override;

signals:
    // After every stick of a Write, a Repair or a key batch was handled: ok when all were done
    // and verified, else the most serious failure.
    void writeFinished(ukpu::provision::Status status);

private:
    void log(const QString& line);
    void choose_setup_bin();
    void firmware_changed();
    void progress(const std::string& target, const QString& what, qulonglong done,
                  qulonglong total);
    // The ticked sticks, checked against the safety rules with `policy`, then confirmed; empty
    // when one was refused or nothing was confirmed (said in the window).
    // A stick about to be overwritten that holds records no PC took needs its name typed too
    // (`policy.name_needed` is filled); `held` gets those records, voided once written over.
    std::vector<devices::DeviceInfo> checked_and_confirmed(
        const std::vector<int>& rows, provision::DeviceWritePolicy& policy, StickAction action,
        const QString& nothing_done, std::vector<provision::RecordsOnStick>* held = nullptr);
    // Through the worker: when it refused sticks only because their names were not typed (a
    // stick holding records no PC took, which only the worker could read), asks for them with
    // why and runs the same command again with --confirm; true when it started again.
    bool ask_names_and_rerun(const std::vector<int>& rows);
    // Runs `work` in the worker thread; `finished` shows its results in the GUI thread.
    void start(const std::vector<int>& rows, const std::vector<devices::DeviceInfo>& disks,
               StickAction action, const QString& state, const QString& done_text,
               std::function<std::vector<StickResult>()> work);
    void finished(std::vector<int> rows, std::vector<StickResult> results, QString done_text);
    void set_busy(bool on);
    // Runs `ukpu` with `args` through the privileged worker (in the worker thread): its reports go
    // to the log and the stick table, its outcome per stick (or of the whole run) is returned.
    std::vector<StickResult> run_worker(const std::vector<std::string>& args);
    // start() with run_worker(args), remembered for ask_names_and_rerun.
    void start_worker(const std::vector<int>& rows, const std::vector<devices::DeviceInfo>& disks,
                      StickAction action, const QString& state, const QString& done_text,
                      const std::vector<std::string>& args);
    // The options of `ukpu build`, `repair` and `keys generate` that name the confirmed `disks`
    // and say how they were confirmed in the window (--device, --unmount, --allow-non-usb; the
    // worker is started with --yes; names typed reach it through ask_names_and_rerun).
    static std::vector<std::string> device_args(const std::vector<devices::DeviceInfo>& disks,
                                                const provision::DeviceWritePolicy& policy);
    // The key store the window's user has (the batch box's, else the default one), named to the
    // worker, which runs as root with root's home; empty when there is none yet.
    std::string store_for_worker() const;
    // The rules every Write, Repair and batch of the window starts from: the boxes ticked, and
    // whether the disks are opened by the worker.
    provision::DeviceWritePolicy window_policy() const;
    // `bytes` in a file of the worker's run (0600, in a 0700 directory removed after the run).
    std::string worker_file(const std::string& name, const std::vector<std::uint8_t>& bytes);
    // The key store view (its tab, and what it is told); called once by the constructor.
    void add_store_view();

    provision::Context ctx_;
    StickTable* table_ = nullptr;
    QCheckBox* show_all_ = nullptr;
    QCheckBox* unmount_ = nullptr;
    QCheckBox* allow_non_usb_ = nullptr;
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
    KeyBatchBox* batch_ = nullptr;
    DiskWatcher* watcher_ = nullptr;
    bool refresh_after_run_ = false;  // a disk came or went while sticks were being written
    QTabWidget* views_ = nullptr;
    SetupBinForm* form_ = nullptr;
    SetupBinView* inspector_ = nullptr;
    StoreView* store_view_ = nullptr;

    std::optional<KeySource> source_;
    Confirm confirm_;
    Alert alert_;
    std::unique_ptr<WindowReporter> reporter_;
    bool through_worker_ = PrivilegedWorker::needed();
    PrivilegedWorker privileged_;
    // Files handed to the worker for one run (the setup.bin to write), removed after it.
    std::filesystem::path worker_dir_;
    // The last run through the worker, to run again once names it asked for are typed.
    struct WorkerRerun {
        std::vector<std::string> args;
        std::vector<devices::DeviceInfo> disks;
        StickAction action = StickAction::write;
        QString state, done_text;
        std::vector<NameAsked> asked;  // what the worker refused for
    };
    WorkerRerun rerun_;
    std::thread worker_;
    // Per stick being written (by target path): bytes done, total.
    std::map<std::string, std::pair<qulonglong, qulonglong>> done_;
    // Per stick being written: its speed and time left.
    std::map<std::string, TransferRate> rates_;
};

}  // namespace ukpu::gui

Q_DECLARE_METATYPE(ukpu::provision::Status)
