#include "main_window.hpp"

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

#include <optional>
#include <set>

#include "key_batch_box.hpp"
#include "presentation/counted_text.hpp"
#include "presentation/window_icon.hpp"
#include "setupbin_form.hpp"
#include "setupbin_view.hpp"
#include "stick_table.hpp"
#include "store/store_view.hpp"
#include "ukpu/base/counted.hpp"
#include "ukpu/fatwriter/error.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/generations.hpp"
#include "ukpu/provision/key_batch.hpp"
#include "ukpu/provision/key_repair.hpp"
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

QString qs(const std::string& s) {
    return QString::fromStdString(s);
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

}  // namespace

MainWindow::MainWindow(pv::Context ctx, QWidget* parent)
    : QMainWindow(parent), ctx_(std::move(ctx)) {
    qRegisterMetaType<pv::Status>();
    setWindowTitle(tr("ukpu: Intel AMT USB provisioning keys"));
    setWindowIcon(window_icon());
    confirm_ = [](QWidget* p, const std::vector<devices::DeviceInfo>& disks, bool unmount,
                  StickAction action) { return confirm_with_dialog(p, disks, unmount, action); };
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
    stick_options->addWidget(refresh_);
    stick_options->addWidget(show_all_);
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
    connect(show_all_, &QCheckBox::toggled, this, &MainWindow::refresh);
    connect(choose, &QPushButton::clicked, this, &MainWindow::choose_setup_bin);
    connect(firmware_, &QComboBox::currentIndexChanged, this, &MainWindow::firmware_changed);
    connect(write_, &QPushButton::clicked, this, &MainWindow::write_selected);
    connect(verify_, &QPushButton::clicked, this, &MainWindow::verify_selected);
    connect(repair_, &QPushButton::clicked, this, &MainWindow::repair_selected);
    connect(batch_->make_button(), &QPushButton::clicked, this, &MainWindow::make_batch_selected);
    connect(stop_, &QPushButton::clicked, this, &MainWindow::stop);
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

void MainWindow::refresh() {
    if (busy()) return;
    try {
        const devices::Discovery found = devices::discover_machine(ctx_.machine);
        table_->fill(found, show_all_->isChecked());
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
    stop_->setEnabled(on);
}

std::vector<devices::DeviceInfo> MainWindow::checked_and_confirmed(
    const std::vector<int>& rows, const pv::DeviceWritePolicy& policy, StickAction action,
    const QString& nothing_done) {
    // Every stick is checked again before any is confirmed or written.
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
    // A stick still holding records that no PC took (as the key store knows them) is not
    // overwritten from the window: the command line asks for its name and voids them.
    if (action == StickAction::write) {
        pv::DeviceWritePolicy asked = policy;
        try {
            const auto held = pv::find_stored_records(disks, batch_->store(), asked, *reporter_);
            if (!held.empty()) {
                QString why;
                for (const auto& h : held) {
                    const auto it = std::find_if(disks.begin(), disks.end(),
                                                 [&](const auto& d) { return d.path == h.path; });
                    why += qs(h.path + " is " + h.text() + ". Writing it loses them: `ukpu build " +
                              "--device " + h.path + " --confirm " +
                              (it != disks.end() ? it->name : h.path) +
                              "` overwrites it and voids them in the key store.\n");
                }
                alert_(this, nothing_done, why.trimmed());
                return {};
            }
        } catch (const std::exception& e) {
            // A store that cannot be read must not let a stick be overwritten unasked.
            alert_(this, nothing_done, qs(e.what()));
            return {};
        }
    }
    if (!confirm_(this, disks, policy.unmount, action)) {
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
    pv::DeviceWritePolicy policy;
    policy.unmount = unmount_->isChecked();
    policy.in_use.push_back({"the setup.bin", source_->path});
    const auto disks =
        checked_and_confirmed(rows, policy, StickAction::write, tr("Nothing written"));
    if (disks.empty()) return;
    std::vector<pv::StickJob> jobs;
    for (const auto& d : disks) jobs.push_back({d, d.path, source_->bytes, {}, {}});
    // Judged by the generations the file was checked for.
    const fat::VerifyOptions generations = source_->judged.generations;
    log(tr("Writing %1: %2").arg(counted(jobs.size(), "stick"), qs(source_->path)));
    start(rows, disks, StickAction::write, tr("writing"), tr("written and verified"),
          [this, jobs = std::move(jobs), generations] {
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
    pv::DeviceWritePolicy policy;
    policy.unmount = unmount_->isChecked();
    policy.in_use.push_back({"the repair journal", ro.journal_dir.string()});
    const auto disks =
        checked_and_confirmed(rows, policy, StickAction::repair, tr("Nothing repaired"));
    if (disks.empty()) return;
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
    pv::DeviceWritePolicy policy;
    policy.unmount = unmount_->isChecked();
    policy.in_use = batch_->files_in_use();
    const auto disks = checked_and_confirmed(rows, policy, StickAction::write, tr("No batch made"));
    if (disks.empty()) return;
    std::vector<std::string> paths;
    for (const auto& d : disks) paths.push_back(d.path);
    pv::KeyBatchJob job = batch_->job(paths);
    job.policy.unmount = policy.unmount;
    log(tr("Making a batch of %1 on %2, %3 per stick")
            .arg(counted(job.count, "record"), counted(paths.size(), "stick"))
            .arg(job.per_key));
    start(rows, disks, StickAction::write, tr("writing"), tr("written and verified"),
          [this, job = std::move(job)] {
              const pv::KeyBatchOutcome out = pv::make_key_batch(ctx_, *reporter_, job);
              if (out.batch_id)
                  reporter_->note("batch " + std::to_string(out.batch_id) + " stored in " +
                                  out.store.string() + ": " + base::counted(out.records, "record") +
                                  ", setup.bin version " + out.file_version);
              std::vector<StickResult> results;
              for (const auto& f : out.files) {
                  if (out.batch_id)
                      reporter_->note(f.name + ": records " + std::to_string(f.first_record) + "-" +
                                      std::to_string(f.last_record) + " of batch " +
                                      std::to_string(out.batch_id) + " (key file " +
                                      std::to_string(f.key_file_id) + ")");
                  StickResult r;
                  r.target = f.name;
                  if (f.key) {
                      r.status = f.key->status;
                      r.message = f.key->message;
                  } else {
                      r.status = out.status;
                      if (out.refused_by_checker)
                          r.message =
                              "nothing written or stored: the checker found errors (see above)";
                  }
                  if (!f.left_generated.empty())
                      r.message += (r.message.empty() ? "" : "; ") + f.left_generated;
                  results.push_back(std::move(r));
              }
              return results;
          });
}

void MainWindow::finished(std::vector<int> rows, std::vector<StickResult> results,
                          QString done_text) {
    if (worker_.joinable()) worker_.join();
    set_busy(false);
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
    // A batch just made (or a stick overwritten) changes the store.
    connect(this, &MainWindow::writeFinished, this,
            [this] { store_view_->show_store(QString::fromStdString(batch_->store())); });
}

provision::KeyToSync MainWindow::read_stick_for_sync(const devices::DeviceInfo& disk) {
    return pv::read_key_to_sync(ctx_, pv::SyncSource::device, disk.path);
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
    QStringList lines;
    for (int row : rows) {
        const auto& d = table_->disks()[static_cast<std::size_t>(row)];
        try {
            const pv::KeyToSync key = read_stick_for_sync(d);
            const QString line = store_view_->sync_key(key);
            table_->set_state(row,
                              line.startsWith(tr("Not synced")) ? tr("not synced") : tr("synced"));
            lines << line;
        } catch (const std::exception& e) {
            table_->set_state(row, tr("unreadable"));
            lines << tr("Not synced: %1").arg(QString::fromLocal8Bit(e.what()));
        }
    }
    store_view_->show_outcome(lines);
    store_view_->reload();
}

}  // namespace ukpu::gui
