#include "main_window.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMetaObject>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>

#include "disk_watcher.hpp"
#include "key_batch_box.hpp"
#include "presentation/counted_text.hpp"
#include "presentation/qt_text.hpp"
#include "presentation/window_icon.hpp"
#include "setupbin_form.hpp"
#include "setupbin_view.hpp"
#include "stick_table.hpp"
#include "store/store_view.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/key_store.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/generations.hpp"
#include "ukpu/provision/key_batch.hpp"
#include "ukpu/provision/key_repair.hpp"
#include "ukpu/provision/key_store_access.hpp"
#include "ukpu/provision/key_write.hpp"
#include "ukpu/provision/stick_writer.hpp"
#include "ukpu/provision/stored_records.hpp"
#include "verify_text.hpp"
#include "window_reporter.hpp"

namespace ukpu::gui {

namespace sb = ukpu::setupbin;
namespace pv = ukpu::provision;

namespace {

// The firmware choices: label, the generations checked and verified.
struct FirmwareChoice {
    const char* label;
    std::optional<std::string> firmware;  // none: the generations the key's content is for
};

const std::vector<FirmwareChoice>& firmware_choices() {
    static const std::vector<FirmwareChoice> choices = {
        {"The generations the key is for (PID/PPS keys: legacy BIOS and UEFI)", std::nullopt},
        {"Every generation (legacy BIOS, UEFI, modern MEBx)", "all"},
        {"Legacy BIOS and UEFI (PID/PPS keys for older AMT)", "legacy,uefi"},
        {"UEFI and modern MEBx", "uefi,mebx"},
    };
    return choices;
}

// The status of a key store error, as the window shows it.
pv::Status status_of(const keys::Error& e) {
    switch (e.code()) {
        case keys::ErrorCode::bad_argument:
        case keys::ErrorCode::weak_password:
            return pv::Status::bad_argument;
        case keys::ErrorCode::io:
            return pv::Status::io;
        default:
            return pv::Status::bad_input;
    }
}

// A failure thrown out of a service: a provision error names the stick it is the outcome of (or
// an option, a file: then it is the failure of the whole run).
StickResult failure(const std::exception& e) {
    StickResult r;
    r.message = e.what();
    if (const auto* pe = dynamic_cast<const pv::Error*>(&e)) {
        r.status = pe->code();
        r.target = pe->location();
        r.message = pe->message();
    } else if (const auto* ke = dynamic_cast<const keys::Error*>(&e)) {
        r.status = status_of(*ke);
    } else if (const auto* fe = dynamic_cast<const fat::Error*>(&e)) {
        r.status = pv::status_of(*fe);
    } else {
        r.status = pv::Status::io;
    }
    return r;
}

// Each stick of a key batch or key write: its key's outcome once written, else the run's (with
// `unwritten` said); why its records were left off a key, when they were.
std::vector<StickResult> stick_results(const std::vector<pv::BatchFile>& files, pv::Status run,
                                       const std::string& unwritten = {}) {
    std::vector<StickResult> results;
    for (const auto& f : files) {
        StickResult r{f.name, run, unwritten};
        if (f.key) {
            r.status = f.key->status;
            r.message = f.key->message;
        }
        if (!f.left_generated.empty())
            r.message += (r.message.empty() ? "" : "; ") + f.left_generated;
        results.push_back(std::move(r));
    }
    return results;
}

}  // namespace

MainWindow::MainWindow(pv::Context ctx, QWidget* parent)
    : QMainWindow(parent), ctx_(std::move(ctx)) {
    qRegisterMetaType<pv::Status>();
    setWindowTitle(tr("ukpu: Intel AMT USB provisioning keys"));
    setWindowIcon(window_icon());
    confirm_ = [](QWidget* p, const std::vector<devices::DeviceInfo>& disks,
                  const pv::DeviceWritePolicy& policy,
                  StickAction action) { return confirm_with_dialog(p, disks, policy, action); };
    alert_ = [](QWidget* p, const QString& title, const QString& text) {
        QMessageBox::warning(p, title, text);
    };
    WindowReporter::Sinks sinks;
    sinks.log = [this](const QString& line) { log(line); };
    sinks.progress = [this](const std::string& target, const QString& what, std::uint64_t done,
                            std::uint64_t total) { progress(target, what, done, total); };
    reporter_ = std::make_unique<WindowReporter>(this, std::move(sinks));

    views_ = new QTabWidget(this);
    auto* central = new QWidget(views_);
    auto* layout = new QVBoxLayout(central);

    auto* sticks_box = new QGroupBox(tr("Sticks"), central);
    auto* sticks_layout = new QVBoxLayout(sticks_box);
    table_ = new StickTable(sticks_box);
    sticks_layout->addWidget(table_);
    auto* stick_options = new QHBoxLayout;
    refresh_ = new QPushButton(tr("&Refresh"), sticks_box);
    show_all_ = new QCheckBox(tr("Show &every disk (others cannot be selected)"), sticks_box);
    unmount_ = new QCheckBox(tr("&Unmount mounted sticks first"), sticks_box);
    allow_non_usb_ = new QCheckBox(tr("Allow disks that are not USB sticks"), sticks_box);
    allow_non_usb_->setToolTip(
        tr("A loop device or another disk that is not a system disk can then be ticked; its name "
           "must be typed to confirm (ukpu --allow-non-usb)."));
    allow_non_usb_->setEnabled(false);
    stick_options->addWidget(refresh_);
    stick_options->addWidget(show_all_);
    stick_options->addWidget(allow_non_usb_);
    stick_options->addWidget(unmount_);
    stick_options->addStretch();
    sticks_layout->addLayout(stick_options);
    layout->addWidget(sticks_box);

    auto* what = new QTabWidget(central);
    auto* key_box = new QGroupBox(tr("setup.bin"), what);
    auto* key_layout = new QVBoxLayout(key_box);
    auto* file_row = new QHBoxLayout;
    setup_path_ = new QLineEdit(key_box);
    setup_path_->setReadOnly(true);
    setup_path_->setPlaceholderText(tr("No setup.bin chosen"));
    auto* choose = new QPushButton(tr("&Choose..."), key_box);
    file_row->addWidget(setup_path_);
    file_row->addWidget(choose);
    key_layout->addLayout(file_row);
    firmware_ = new QComboBox(key_box);
    for (const auto& c : firmware_choices()) firmware_->addItem(tr(c.label));
    key_layout->addWidget(firmware_);
    summary_ = new QLabel(key_box);
    summary_->setWordWrap(true);
    key_layout->addWidget(summary_);
    force_ = new QCheckBox(tr("Write even when the checker finds errors"), key_box);
    key_layout->addWidget(force_);
    what->addTab(key_box, tr("A setup.bin"));
    batch_ = new KeyBatchBox(what);
    what->addTab(batch_, tr("Key batch"));
    layout->addWidget(what);

    auto* actions = new QHBoxLayout;
    write_ = new QPushButton(tr("Wr&ite keys"), central);
    verify_ = new QPushButton(tr("&Verify"), central);
    repair_ = new QPushButton(tr("Re&pair"), central);
    repair_->setToolTip(tr("Make setup.bin findable by every firmware, keeping every other file"));
    stop_ = new QPushButton(tr("&Stop"), central);
    stop_->setEnabled(false);
    overall_ = new QProgressBar(central);
    overall_->setRange(0, 100);
    overall_->setValue(0);
    actions->addWidget(write_);
    actions->addWidget(verify_);
    actions->addWidget(repair_);
    actions->addWidget(stop_);
    actions->addWidget(overall_);
    layout->addLayout(actions);

    log_ = new QPlainTextEdit(central);
    log_->setReadOnly(true);
    layout->addWidget(log_);
    views_->addTab(central, tr("&Write keys"));
    form_ = new SetupBinForm(views_);
    views_->addTab(form_, tr("&Make a setup.bin"));
    inspector_ = new SetupBinView(views_);
    views_->addTab(inspector_, tr("&Open a setup.bin"));
    add_store_view();
    setCentralWidget(views_);
    connect(form_, &SetupBinForm::useSetupBin, this, [this](const QString& path) {
        if (load_setup_bin(path)) views_->setCurrentIndex(view_write);
    });

    connect(refresh_, &QPushButton::clicked, this, &MainWindow::refresh);
    connect(show_all_, &QCheckBox::toggled, this, [this](bool on) {
        allow_non_usb_->setEnabled(on && !busy());
        if (!on) allow_non_usb_->setChecked(false);
        refresh();
    });
    connect(allow_non_usb_, &QCheckBox::toggled, this, &MainWindow::refresh);
    connect(choose, &QPushButton::clicked, this, &MainWindow::choose_setup_bin);
    connect(firmware_, &QComboBox::currentIndexChanged, this, &MainWindow::firmware_changed);
    connect(write_, &QPushButton::clicked, this, &MainWindow::write_selected);
    connect(verify_, &QPushButton::clicked, this, &MainWindow::verify_selected);
    connect(repair_, &QPushButton::clicked, this, &MainWindow::repair_selected);
    connect(batch_->make_button(), &QPushButton::clicked, this, &MainWindow::make_batch_selected);
    connect(stop_, &QPushButton::clicked, this, &MainWindow::stop);
    if (through_worker_)
        log(
            tr("Sticks are written, repaired and read by ukpu through pkexec: the system asks an "
               "administrator's password (polkit) when a stick is first touched."));
    else
        log(
            tr("ukpu-gui runs as root. It need not: started as a desktop user, it asks for "
               "authorisation (polkit) when it writes, repairs or reads a stick."));
    watcher_ = new DiskWatcher(ctx_.machine, this);
    connect(watcher_, &DiskWatcher::changed, this, [this] {
        if (busy())
            refresh_after_run_ = true;
        else
            refresh();
    });
    refresh();
}

MainWindow::~MainWindow() {
    if (worker_.joinable()) {
        reporter_->stop();
        worker_.join();
    }
}

void MainWindow::set_fault_plan(const pv::FaultPlan& faults) {
    if (!busy()) ctx_.faults = faults;
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!busy()) {
        event->accept();
        return;
    }
    event->ignore();
    alert_(this, tr("Sticks are being written"),
           tr("Closing now would leave them half written. Press Stop (each stick stops after its "
              "current write request and says what state it is in), then close."));
}

void MainWindow::log(const QString& line) {
    log_->appendPlainText(line);
}

QString MainWindow::log_text() const {
    return log_->toPlainText();
}

void MainWindow::set_show_all(bool on) {
    show_all_->setChecked(on);
    refresh();
}

void MainWindow::set_allow_non_usb(bool on) {
    if (on) show_all_->setChecked(true);
    allow_non_usb_->setChecked(on);
}

void MainWindow::refresh() {
    if (busy()) return;
    try {
        const devices::Discovery found = devices::discover_machine(ctx_.machine);
        // A stick that came or went leaves the other sticks ticked as they were.
        std::vector<std::string> ticked;
        for (int row : table_->selected_rows())
            ticked.push_back(table_->disks()[static_cast<std::size_t>(row)].name);
        table_->fill(found, show_all_->isChecked(), allow_non_usb_->isChecked());
        for (const auto& name : ticked) table_->select(name, true);
        for (const auto& d : table_->disks())
            for (const auto& n : d.notes) log(qs(d.path + ": " + n));
    } catch (const std::exception& e) {
        alert_(this, tr("Cannot list the disks"), QString::fromLocal8Bit(e.what()));
    }
}

void MainWindow::choose_setup_bin() {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Choose a setup.bin"), QString(),
                                     tr("setup.bin or profile (*.bin *.toml);;All files (*)"));
    if (!path.isEmpty()) load_setup_bin(path);
}

bool MainWindow::load_setup_bin(const QString& path) {
    const auto& choice = firmware_choices()[static_cast<std::size_t>(firmware_->currentIndex())];
    try {
        source_ = load_key_source(path.toStdString(), choice.firmware);
    } catch (const std::exception& e) {
        source_.reset();
        setup_path_->clear();
        summary_->clear();
        alert_(this, tr("Not a usable setup.bin"), QString::fromLocal8Bit(e.what()));
        return false;
    }
    setup_path_->setText(path);
    summary_->setText(qs(source_->summary));
    for (const auto& p : source_->problems) log(qs(p));
    return true;
}

void MainWindow::firmware_changed() {
    if (source_) load_setup_bin(qs(source_->path));
}

void MainWindow::set_busy(bool on) {
    write_->setEnabled(!on);
    verify_->setEnabled(!on);
    repair_->setEnabled(!on);
    batch_->make_button()->setEnabled(!on);
    refresh_->setEnabled(!on);
    show_all_->setEnabled(!on);
    allow_non_usb_->setEnabled(!on && show_all_->isChecked());
    stop_->setEnabled(on);
}

std::vector<devices::DeviceInfo> MainWindow::checked_and_confirmed(
    const std::vector<int>& rows, pv::DeviceWritePolicy& policy, StickAction action,
    const QString& nothing_done, std::vector<pv::RecordsOnStick>* held) {
    // Every stick is checked again before any is confirmed or written (and by the privileged
    // worker once more, with the same rules, before it writes).
    std::vector<devices::DeviceInfo> disks;
    for (int row : rows) {
        const auto& listed = table_->disks()[static_cast<std::size_t>(row)];
        try {
            disks.push_back(pv::check_device_for_write(ctx_, listed.path, policy, false));
        } catch (const pv::Error& e) {
            table_->set_state(row, tr("refused"));
            alert_(this, nothing_done, qs(e.what()));
            return {};
        }
    }
    // A stick still holding records that no PC took (as the key store knows them) needs its name
    // typed, with why; they are voided once it is written over. Through the worker, the stick
    // cannot be read here: the worker asks the store and says which names it needs
    // (ask_names_and_rerun).
    if (action == StickAction::write && !through_worker_) {
        try {
            auto found = pv::find_stored_records(disks, batch_->store(), policy, *reporter_);
            if (held) *held = std::move(found);
        } catch (const std::exception& e) {
            // A store that cannot be read must not let a stick be overwritten unasked.
            alert_(this, nothing_done, qs(e.what()));
            return {};
        }
    }
    if (!confirm_(this, disks, policy, action)) {
        log(tr("Not confirmed: nothing written."));
        return {};
    }
    return disks;
}

void MainWindow::start(const std::vector<int>& rows, const std::vector<devices::DeviceInfo>& disks,
                       StickAction action, const QString& state, const QString& done_text,
                       std::function<std::vector<StickResult>()> work) {
    done_.clear();
    rates_.clear();
    for (int row : rows) {
        table_->set_state(row, state);
        done_[table_->disks()[static_cast<std::size_t>(row)].path] = {0, 0};
    }
    overall_->setValue(0);
    set_busy(true);
    reporter_->clear_stop();
    reporter_->set_confirmed(disks, action);
    worker_ = std::thread([this, rows, done_text, work = std::move(work)] {
        std::vector<StickResult> results;
        try {
            results = work();
        } catch (const std::exception& e) {
            results.push_back(failure(e));
        }
        QMetaObject::invokeMethod(
            this,
            [this, rows, done_text, results = std::move(results)]() mutable {
                finished(rows, std::move(results), done_text);
            },
            Qt::QueuedConnection);
    });
}

void MainWindow::progress(const std::string& target, const QString& what, qulonglong done,
                          qulonglong total) {
    const auto it = done_.find(target);
    if (!busy() || it == done_.end()) return;
    it->second = {done, total};
    qulonglong all_done = 0;
    qulonglong all_total = 0;
    for (const auto& [path, d] : done_) {
        all_done += d.first;
        all_total += d.second;
    }
    // Per stick: how far, how fast and how long still.
    TransferRate& rate = rates_[target];
    rate.update(what, done, total, TransferRate::Clock::now());
    const auto& disks = table_->disks();
    for (std::size_t row = 0; row < disks.size(); ++row)
        if (disks[row].path == target && total)
            table_->set_state(static_cast<int>(row), rate.text());
    if (all_total) overall_->setValue(static_cast<int>(all_done * 100 / all_total));
}

void MainWindow::write_selected() {
    if (busy()) return;
    if (!source_) {
        alert_(this, tr("Nothing written"), tr("Choose the setup.bin to write first."));
        return;
    }
    if (!source_->usable && !force_->isChecked()) {
        alert_(this, tr("Nothing written"),
               tr("The checker found errors in this setup.bin for the firmware chosen (see the "
                  "log). Fix the file, choose other firmware, or tick \"Write even when the "
                  "checker finds errors\"."));
        return;
    }
    const std::vector<int> rows = table_->selected_rows();
    if (rows.empty()) {
        alert_(this, tr("Nothing written"), tr("Tick the sticks to write."));
        return;
    }
    pv::DeviceWritePolicy policy = window_policy();
    policy.in_use.push_back({"the setup.bin", source_->path});
    std::vector<pv::RecordsOnStick> held;
    const auto disks =
        checked_and_confirmed(rows, policy, StickAction::write, tr("Nothing written"), &held);
    if (disks.empty()) return;
    if (through_worker_) {
        // The worker writes exactly the bytes checked here (a profile is made once).
        std::vector<std::string> args = {"build", "--setup-bin",
                                         worker_file("setup.bin", source_->bytes)};
        const auto& choice =
            firmware_choices()[static_cast<std::size_t>(firmware_->currentIndex())];
        if (choice.firmware) args.insert(args.end(), {"--firmware", *choice.firmware});
        if (force_->isChecked()) args.push_back("--force");
        if (const std::string store = store_for_worker(); !store.empty())
            args.insert(args.end(), {"--store", store});
        const auto devs = device_args(disks, policy);
        args.insert(args.end(), devs.begin(), devs.end());
        log(tr("Writing %1: %2").arg(counted(disks.size(), "stick"), qs(source_->path)));
        start_worker(rows, disks, StickAction::write, tr("writing"), tr("written and verified"),
                     args);
        return;
    }
    std::vector<pv::StickJob> jobs;
    for (const auto& d : disks) jobs.push_back({d, d.path, source_->bytes, {}, {}});
    // Judged by the generations the file was checked for.
    const fat::VerifyOptions generations = source_->judged.generations;
    log(tr("Writing %1: %2").arg(counted(jobs.size(), "stick"), qs(source_->path)));
    start(rows, disks, StickAction::write, tr("writing"), tr("written and verified"),
          [this, jobs = std::move(jobs), generations, held = std::move(held),
           store = batch_->store()] {
              // Confirmed with their names typed: the records no PC took are voided, as `ukpu
              // build` does, before the sticks are written over.
              pv::void_overwritten_records(held, store, "ukpu-gui", *reporter_);
              fat::KeyOptions ko;
              ko.timestamp = pv::key_timestamp();
              std::vector<StickResult> results;
              for (const auto& out : pv::write_sticks(ctx_, *reporter_, jobs, {}, ko, generations))
                  results.push_back({out.target, out.status, out.message});
              return results;
          });
}

void MainWindow::repair_selected() {
    if (busy()) return;
    const std::vector<int> rows = table_->selected_rows();
    if (rows.empty()) {
        alert_(this, tr("Nothing repaired"), tr("Tick the sticks to repair."));
        return;
    }
    fat::RepairOptions ro;
    try {
        ro.journal_dir = pv::default_journal_dir();
    } catch (const pv::Error& e) {
        alert_(this, tr("Nothing repaired"), qs(e.what()));
        return;
    }
    pv::DeviceWritePolicy policy = window_policy();
    policy.in_use.push_back({"the repair journal", ro.journal_dir.string()});
    const auto disks =
        checked_and_confirmed(rows, policy, StickAction::repair, tr("Nothing repaired"));
    if (disks.empty()) return;
    if (through_worker_) {
        std::vector<std::string> args = {"repair", "--journal", ro.journal_dir.string()};
        const auto devs = device_args(disks, policy);
        args.insert(args.end(), devs.begin(), devs.end());
        log(tr("Repairing %1; journal in %2")
                .arg(counted(disks.size(), "stick"), qs(ro.journal_dir.string())));
        start_worker(rows, disks, StickAction::repair, tr("repairing"), tr("repaired and verified"),
                     args);
        return;
    }
    std::vector<pv::StickRepair> jobs;
    for (const auto& d : disks) jobs.push_back({d, d.path});
    log(tr("Repairing %1; journal in %2")
            .arg(counted(jobs.size(), "stick"), qs(ro.journal_dir.string())));
    start(rows, disks, StickAction::repair, tr("repairing"), tr("repaired and verified"),
          [this, jobs = std::move(jobs), ro] {
              std::vector<StickResult> results;
              for (const auto& out : pv::repair_sticks(ctx_, *reporter_, jobs, ro))
                  results.push_back({out.target, out.status, out.message});
              return results;
          });
}

void MainWindow::make_batch_selected() {
    if (busy()) return;
    const std::vector<int> rows = table_->selected_rows();
    if (rows.empty()) {
        alert_(this, tr("No batch made"), tr("Tick the sticks to put the batch on."));
        return;
    }
    if (const QString why = batch_->problem(rows.size()); !why.isEmpty()) {
        alert_(this, tr("No batch made"), why);
        return;
    }
    pv::DeviceWritePolicy policy = window_policy();
    policy.in_use = batch_->files_in_use();
    const auto disks = checked_and_confirmed(rows, policy, StickAction::write, tr("No batch made"));
    if (disks.empty()) return;
    std::vector<std::string> paths;
    for (const auto& d : disks) paths.push_back(d.path);
    pv::KeyBatchJob job = batch_->job(paths);
    job.policy.unmount = policy.unmount;
    job.policy.allow_non_usb = policy.allow_non_usb;
    if (through_worker_) {
        // The store is made here, as the window's user, so that it stays the user's: the
        // worker, running as root, only opens it.
        std::string store;
        try {
            const keys::StoreLocation where = pv::store_path(job.store);
            store = where.display();
            keys::KeyStore made(where, keys::OpenMode::create);
        } catch (const std::exception& e) {
            alert_(this, tr("No batch made"), qs(e.what()));
            return;
        }
        std::vector<std::string> args = {"keys",
                                         "generate",
                                         "--count",
                                         std::to_string(job.count),
                                         "--per-key",
                                         std::to_string(job.per_key),
                                         "--current-password-file",
                                         job.settings.secret_files["current-password"],
                                         "--store",
                                         store};
        if (job.random_new_password)
            args.push_back("--random-new-password");
        else
            args.insert(args.end(),
                        {"--new-password-file", job.settings.secret_files["new-password"]});
        const auto devs = device_args(disks, policy);
        args.insert(args.end(), devs.begin(), devs.end());
        log(tr("Making a batch of %1 on %2, %3 per stick")
                .arg(counted(job.count, "record"), counted(paths.size(), "stick"))
                .arg(job.per_key));
        start_worker(rows, disks, StickAction::write, tr("writing"), tr("written and verified"),
                     args);
        return;
    }
    log(tr("Making a batch of %1 on %2, %3 per stick")
            .arg(counted(job.count, "record"), counted(paths.size(), "stick"))
            .arg(job.per_key));
    start(rows, disks, StickAction::write, tr("writing"), tr("written and verified"),
          [this, job = std::move(job)] {
              const pv::KeyBatchOutcome out = pv::make_key_batch(ctx_, *reporter_, job);
              if (out.batch_id)
                  reporter_->note("batch " + std::to_string(out.batch_id) + " stored in " +
                                  out.store + ": " + base::counted(out.records, "record") +
                                  ", setup.bin version " + out.file_version);
              for (const auto& f : out.files)
                  if (out.batch_id)
                      reporter_->note(f.name + ": records " + std::to_string(f.first_record) + "-" +
                                      std::to_string(f.last_record) + " of batch " +
                                      std::to_string(out.batch_id) + " (key file " +
                                      std::to_string(f.key_file_id) + ")");
              return stick_results(
                  out.files, out.status,
                  out.refused_by_checker
                      ? "nothing written or stored: the checker found errors (see above)"
                      : "");
          });
}

void MainWindow::finished(std::vector<int> rows, std::vector<StickResult> results,
                          QString done_text) {
    if (worker_.joinable()) worker_.join();
    set_busy(false);
    if (through_worker_ && !rerun_.asked.empty() && ask_names_and_rerun(rows)) return;
    if (refresh_after_run_) {
        // The table keeps this run's outcomes; the disks that came or went are listed when Refresh
        // is pressed or the next one comes or goes.
        log(tr("A disk came or went during the run: press Refresh to list the disks again."));
        refresh_after_run_ = false;
    }
    if (!worker_dir_.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(worker_dir_, ec);
        worker_dir_.clear();
    }
    reporter_->forget_confirmed();
    // A failure of the whole run (one naming no stick) stands for every stick without an outcome
    // of its own.
    const auto& disks = table_->disks();
    auto is_row = [&](const std::string& target) {
        for (int row : rows)
            if (disks[static_cast<std::size_t>(row)].path == target) return true;
        return false;
    };
    const StickResult* whole = nullptr;
    for (const auto& r : results)
        if (!is_row(r.target)) whole = &r;
    pv::Status status = pv::Status::ok;
    for (int row : rows) {
        const auto& d = disks[static_cast<std::size_t>(row)];
        const StickResult* out = whole;
        for (const auto& r : results)
            if (r.target == d.path) out = &r;
        StickResult missing{d.path, pv::Status::io, "no outcome was reported"};
        if (!out) out = &missing;
        status = pv::worse(status, out->status);
        if (out->status == pv::Status::ok) {
            table_->set_outcome(row, true, done_text, qs(d.identity()));
            log(qs(d.path + ": ") + done_text + qs(" (" + d.identity() + ")"));
        } else {
            table_->set_outcome(row, false, tr("FAILED (%1)").arg(pv::to_string(out->status)),
                                qs(out->message));
            if (out != whole) log(qs(d.path + ": " + out->message));
        }
    }
    if (whole)
        log(qs(whole->target.empty() ? whole->message : whole->target + ": " + whole->message));
    overall_->setValue(status == pv::Status::ok ? 100 : overall_->value());
    if (status != pv::Status::ok)
        alert_(this, tr("Not every stick was done"),
               tr("See the log for each stick and what to do next."));
    emit writeFinished(status);
}

void MainWindow::stop() {
    if (!busy()) return;
    reporter_->stop();
    privileged_.stop();
    log(tr("Stopping after the current write request of each stick..."));
}

void MainWindow::verify_selected() {
    if (busy()) return;
    const auto rows = table_->selected_rows();
    if (rows.empty()) {
        alert_(this, tr("Nothing verified"), tr("Tick the sticks to verify."));
        return;
    }
    const auto& choice = firmware_choices()[static_cast<std::size_t>(firmware_->currentIndex())];
    if (through_worker_) {
        // Read by the worker too: the window's user cannot open a stick.
        rerun_ = {};
        std::vector<devices::DeviceInfo> disks;
        for (int row : rows) disks.push_back(table_->disks()[static_cast<std::size_t>(row)]);
        start(rows, disks, StickAction::write, tr("verifying"), tr("usable"),
              [this, disks, firmware = choice.firmware] {
                  std::vector<StickResult> results;
                  for (const auto& d : disks) {
                      std::vector<std::string> args = {"verify", "--device", d.path};
                      if (firmware) args.insert(args.end(), {"--firmware", *firmware});
                      auto r = run_worker(args);
                      StickResult one{d.path, pv::Status::ok, {}};
                      if (!r.empty()) one = r.front();
                      one.target = d.path;
                      if (one.status == pv::Status::problems)
                          one.message = "NOT usable by every generation (see above)";
                      results.push_back(one);
                  }
                  return results;
              });
        return;
    }
    for (int row : rows) {
        const auto& d = table_->disks()[static_cast<std::size_t>(row)];
        try {
            auto dev = pv::open_for_read(d.path, 512);
            pv::Judgement judged;
            const fat::VerifyReport r = pv::verify_as_intended(*dev, choice.firmware, judged);
            if (!judged.left_out.empty()) log(qs(d.path + ": " + judged.note()));
            log(qs(d.path + ":\n" + verify_text(r)));
            table_->set_state(row, r.ok() ? tr("usable") : tr("NOT usable"));
        } catch (const pv::Error& e) {
            table_->set_state(row, tr("unreadable"));
            log(qs(e.what()));
        } catch (const fat::Error& e) {
            table_->set_state(row, tr("unreadable"));
            log(qs(d.path + ": " + e.message()));
        }
    }
}

pv::DeviceWritePolicy MainWindow::window_policy() const {
    pv::DeviceWritePolicy policy;
    policy.unmount = unmount_->isChecked();
    policy.allow_non_usb = allow_non_usb_->isChecked();
    policy.opened_elsewhere = through_worker_;
    return policy;
}

std::vector<std::string> MainWindow::device_args(const std::vector<devices::DeviceInfo>& disks,
                                                 const pv::DeviceWritePolicy& policy) {
    std::vector<std::string> args;
    for (const auto& d : disks) args.insert(args.end(), {"--device", d.path});
    if (policy.unmount) args.push_back("--unmount");
    if (policy.allow_non_usb) args.push_back("--allow-non-usb");
    // --yes stands for the dialog's confirmation. A disk whose name must be typed is refused by
    // the worker, which says why (with what only it can read: records no PC took on the stick);
    // ask_names_and_rerun then passes --confirm NAME for the names typed for those very reasons.
    return args;
}

std::string MainWindow::store_for_worker() const {
    try {
        const keys::StoreLocation store = pv::store_path(batch_->store());
        if (store.is_postgresql()) return store.url();
        std::error_code ec;
        return std::filesystem::exists(store.file(), ec) ? store.file().string() : std::string();
    } catch (const keys::Error&) {
        return {};  // no default store, or not a store's URL: the worker is told of none
    }
}

std::string MainWindow::worker_file(const std::string& name,
                                    const std::vector<std::uint8_t>& bytes) {
    if (worker_dir_.empty()) {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ukpu-gui-XXXXXX").string();
        if (::mkdtemp(tmpl.data())) worker_dir_ = tmpl;  // mode 0700
    }
    const std::filesystem::path path = worker_dir_ / name;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        ::close(fd);
    }
    return path.string();
}

void MainWindow::start_worker(const std::vector<int>& rows,
                              const std::vector<devices::DeviceInfo>& disks, StickAction action,
                              const QString& state, const QString& done_text,
                              const std::vector<std::string>& args) {
    rerun_ = WorkerRerun{args, disks, action, state, done_text, {}};
    start(rows, disks, action, state, done_text, [this, args] { return run_worker(args); });
}

bool MainWindow::ask_names_and_rerun(const std::vector<int>& rows) {
    WorkerRerun again = std::move(rerun_);
    rerun_ = {};
    // A name typed in the dialog for the reason the window knew (a loop device, a disk that is
    // not a removable stick) confirms that reason; a reason only the worker could see (records
    // no PC took) is asked for again, said.
    pv::DeviceWritePolicy policy = window_policy();
    bool ask = false;
    for (const auto& a : again.asked) {
        const auto d = std::find_if(again.disks.begin(), again.disks.end(),
                                    [&](const auto& x) { return x.path == a.target; });
        if (d == again.disks.end()) return false;  // not a stick of this run: nothing to ask
        if (pv::yes_is_enough(*d) || a.why != pv::why_name_needed(*d)) {
            policy.name_needed[a.target] = a.why;
            ask = true;
        }
    }
    if (ask) {
        log(tr("Before writing, ukpu needs these names typed:"));
        for (const auto& a : again.asked) log(qs("  " + a.target + ": " + a.why));
        if (!confirm_(this, again.disks, policy, again.action)) {
            log(tr("Not confirmed: nothing written."));
            return false;
        }
    }
    for (const auto& a : again.asked) again.args.insert(again.args.end(), {"--confirm", a.name});
    start_worker(rows, again.disks, again.action, again.state, again.done_text, again.args);
    return true;
}

std::vector<StickResult> MainWindow::run_worker(const std::vector<std::string>& args) {
    const WorkerRun run = privileged_.run(args, *reporter_);
    // Read on the GUI thread after the worker thread was joined (finished).
    rerun_.asked = run.names_asked;
    std::vector<StickResult> results;
    for (const auto& s : run.sticks) results.push_back({s.target, s.status, s.message});
    if (run.exit_code != 0 && (results.empty() || !run.error.empty()))
        results.push_back(
            {std::string(), run.status, run.error.empty() ? "the worker failed" : run.error});
    return results;
}

}  // namespace ukpu::gui

namespace ukpu::gui {

void MainWindow::add_store_view() {
    store_view_ = new StoreView(views_);
    views_->addTab(store_view_, tr("Ke&y store"));
    // One key store for the window: the batches' (the Key batch box), shown when the view is;
    // another one opened in the view takes the batches too.
    connect(views_, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == view_store) store_view_->show_store(QString::fromStdString(batch_->store()));
    });
    connect(store_view_, &StoreView::storeChosen, this,
            [this](const QString& path) { batch_->set_store(path); });
    connect(store_view_, &StoreView::syncSticksRequested, this, &MainWindow::sync_selected);
    connect(store_view_, &StoreView::writeKeyFileRequested, this,
            [this](qint64 id) { write_key_file_again(id); });
    // A batch just made (or a stick overwritten) changes the store.
    connect(this, &MainWindow::writeFinished, this,
            [this] { store_view_->show_store(QString::fromStdString(batch_->store())); });
}

void MainWindow::write_key_file_again(std::int64_t key_file_id) {
    if (busy()) return;
    const QString nothing = tr("Nothing written");
    const std::vector<int> rows = table_->selected_rows();
    if (rows.size() != 1) {
        alert_(this, nothing,
               tr("Tick the one stick to write key file %1 to, on the Write keys tab.")
                   .arg(key_file_id));
        return;
    }
    pv::DeviceWritePolicy policy = window_policy();
    const auto disks = checked_and_confirmed(rows, policy, StickAction::write, nothing);
    if (disks.empty()) return;
    log(tr("Writing key file %1 again to %2").arg(key_file_id).arg(qs(disks.front().path)));
    if (through_worker_) {
        std::vector<std::string> args = {"keys", "write", "--key-file",
                                         std::to_string(key_file_id)};
        if (const std::string store = store_for_worker(); !store.empty())
            args.insert(args.end(), {"--store", store});
        const auto devs = device_args(disks, policy);
        args.insert(args.end(), devs.begin(), devs.end());
        start_worker(rows, disks, StickAction::write, tr("writing"), tr("written and verified"),
                     args);
        return;
    }
    pv::KeyWriteJob job;
    job.store = batch_->store();
    job.key_file_id = key_file_id;
    job.devices = {disks.front().path};
    job.policy.unmount = policy.unmount;
    job.policy.allow_non_usb = policy.allow_non_usb;
    start(rows, disks, StickAction::write, tr("writing"), tr("written and verified"),
          [this, job = std::move(job)] {
              const pv::KeyWriteOutcome out = pv::write_stored_keys(ctx_, *reporter_, job);
              return stick_results(out.files, out.status);
          });
}

void MainWindow::sync_selected() {
    if (busy()) return;
    store_view_->show_store(QString::fromStdString(batch_->store()));
    const std::vector<int> rows = table_->selected_rows();
    if (rows.empty()) {
        store_view_->show_outcome(
            {tr("Nothing synced: tick the sticks to read back on the Write keys tab.")});
        return;
    }
    std::vector<devices::DeviceInfo> disks;
    for (int row : rows) disks.push_back(table_->disks()[static_cast<std::size_t>(row)]);
    // Read and synced on the run's thread, as a write is: the window stays live while a stick is
    // read (or pkexec asks for authorisation). What each sync came to is shown in the store view
    // once the run is over.
    auto lines = std::make_shared<QStringList>();
    connect(
        this, &MainWindow::writeFinished, store_view_,
        [this, lines] {
            store_view_->show_outcome(*lines);
            store_view_->reload();
        },
        Qt::SingleShotConnection);
    rerun_ = {};
    const std::string store = through_worker_ ? store_for_worker() : batch_->store();
    start(
        rows, disks, StickAction::write, tr("syncing"), tr("synced"), [this, disks, store, lines] {
            std::vector<StickResult> results;
            for (const auto& d : disks) {
                if (through_worker_) {
                    // The window's user cannot read a stick: `ukpu keys sync` reads it as root
                    // (pkexec) and marks the records the PCs took in the user's store, which it
                    // names.
                    std::vector<std::string> args = {"keys", "sync", "--device", d.path};
                    if (!store.empty()) args.insert(args.end(), {"--store", store});
                    const std::vector<StickResult> run = run_worker(args);
                    StickResult one{d.path, pv::Status::ok, {}};
                    if (!run.empty()) one = {d.path, run.front().status, run.front().message};
                    lines->push_back(
                        one.status == pv::Status::ok
                            ? tr("%1: synced by ukpu keys sync (its report is in the log "
                                 "of Write keys)")
                                  .arg(qs(d.path))
                            : tr("Not synced: %1").arg(qs(one.message)));
                    results.push_back(std::move(one));
                    continue;
                }
                try {
                    const SyncLine synced = sync_into(
                        store, pv::read_key_to_sync(ctx_, pv::SyncSource::device, d.path));
                    results.push_back({d.path,
                                       synced.synced ? pv::Status::ok : pv::Status::bad_input,
                                       synced.synced ? std::string() : synced.line.toStdString()});
                    lines->push_back(synced.line);
                } catch (const std::exception& e) {
                    results.push_back(failure(e));
                    results.back().target = d.path;
                    lines->push_back(tr("Not synced: %1").arg(QString::fromLocal8Bit(e.what())));
                }
            }
            return results;
        });
}

}  // namespace ukpu::gui
