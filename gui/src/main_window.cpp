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
#include <QVBoxLayout>

#include <set>
#include <sstream>

#include "confirm_dialog.hpp"
#include "interrupt_guard.hpp"
#include "key_repair.hpp"
#include "key_target.hpp"
#include "stick_table.hpp"
#include "ukpu/fatwriter/verify.hpp"
#include "verify_report.hpp"

namespace ukpu::gui {

namespace sb = ukpu::setupbin;

namespace {

// The firmware choices: label, the generations checked and verified.
struct FirmwareChoice {
    const char* label;
    const char* generations;  // as `ukpu verify --firmware`
    std::set<sb::Firmware> check;
};

const std::vector<FirmwareChoice>& firmware_choices() {
    static const std::vector<FirmwareChoice> choices = {
        {"Every generation (legacy BIOS, UEFI, modern MEBx)",
         "all",
         {sb::Firmware::legacy, sb::Firmware::uefi, sb::Firmware::mebx}},
        {"Legacy BIOS and UEFI (PID/PPS keys for older AMT)",
         "legacy,uefi",
         {sb::Firmware::legacy, sb::Firmware::uefi}},
        {"UEFI and modern MEBx", "uefi,mebx", {sb::Firmware::uefi, sb::Firmware::mebx}},
    };
    return choices;
}

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

QString error_text(const cli::CliError& e) {
    return qs(e.location().empty() ? e.message() : e.location() + ": " + e.message());
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("ukpu: Intel AMT USB provisioning keys"));
    confirm_ = [](QWidget* p, const std::vector<devices::DeviceInfo>& disks, bool unmount,
                  StickAction action) { return confirm_with_dialog(p, disks, unmount, action); };
    alert_ = [](QWidget* p, const QString& title, const QString& text) {
        QMessageBox::warning(p, title, text);
    };

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);

    auto* sticks_box = new QGroupBox(tr("Sticks"), central);
    auto* sticks_layout = new QVBoxLayout(sticks_box);
    table_ = new StickTable(sticks_box);
    sticks_layout->addWidget(table_);
    auto* stick_options = new QHBoxLayout;
    refresh_ = new QPushButton(tr("Refresh"), sticks_box);
    show_all_ = new QCheckBox(tr("Show every disk (others cannot be selected)"), sticks_box);
    unmount_ = new QCheckBox(tr("Unmount mounted sticks first"), sticks_box);
    stick_options->addWidget(refresh_);
    stick_options->addWidget(show_all_);
    stick_options->addWidget(unmount_);
    stick_options->addStretch();
    sticks_layout->addLayout(stick_options);
    layout->addWidget(sticks_box);

    auto* key_box = new QGroupBox(tr("setup.bin"), central);
    auto* key_layout = new QVBoxLayout(key_box);
    auto* file_row = new QHBoxLayout;
    setup_path_ = new QLineEdit(key_box);
    setup_path_->setReadOnly(true);
    setup_path_->setPlaceholderText(tr("No setup.bin chosen"));
    auto* choose = new QPushButton(tr("Choose..."), key_box);
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
    layout->addWidget(key_box);

    auto* actions = new QHBoxLayout;
    write_ = new QPushButton(tr("Write keys"), central);
    verify_ = new QPushButton(tr("Verify"), central);
    repair_ = new QPushButton(tr("Repair"), central);
    repair_->setToolTip(tr("Make setup.bin findable by every firmware, keeping every other file"));
    stop_ = new QPushButton(tr("Stop"), central);
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
    setCentralWidget(central);

    connect(refresh_, &QPushButton::clicked, this, &MainWindow::refresh);
    connect(show_all_, &QCheckBox::toggled, this, &MainWindow::refresh);
    connect(choose, &QPushButton::clicked, this, &MainWindow::choose_setup_bin);
    connect(firmware_, &QComboBox::currentIndexChanged, this, &MainWindow::firmware_changed);
    connect(write_, &QPushButton::clicked, this, &MainWindow::write_selected);
    connect(verify_, &QPushButton::clicked, this, &MainWindow::verify_selected);
    connect(repair_, &QPushButton::clicked, this, &MainWindow::repair_selected);
    connect(stop_, &QPushButton::clicked, this, &MainWindow::stop);
    refresh();
}

MainWindow::~MainWindow() {
    if (worker_.joinable()) {
        cli::InterruptGuard::request_stop();
        worker_.join();
    }
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
        const devices::Discovery found = devices::discover_machine(cli::machine_from_environment());
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
        source_ = load_key_source(path.toStdString(), choice.check);
    } catch (const cli::CliError& e) {
        source_.reset();
        setup_path_->clear();
        summary_->clear();
        alert_(this, tr("Not a usable setup.bin"), error_text(e));
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
    refresh_->setEnabled(!on);
    show_all_->setEnabled(!on);
    stop_->setEnabled(on);
}

std::vector<devices::DeviceInfo> MainWindow::checked_and_confirmed(
    const std::vector<int>& rows, const cli::DeviceWritePolicy& policy, StickAction action) {
    // Every stick is checked again before any is confirmed or written.
    std::vector<devices::DeviceInfo> disks;
    for (int row : rows) {
        const auto& listed = table_->disks()[static_cast<std::size_t>(row)];
        try {
            disks.push_back(cli::check_device_for_write(listed.path, policy, false));
        } catch (const cli::CliError& e) {
            table_->set_state(row, tr("refused"));
            alert_(this, tr("Nothing written"), error_text(e));
            return {};
        }
    }
    if (!confirm_(this, disks, policy.unmount, action)) {
        log(tr("Not confirmed: nothing written."));
        return {};
    }
    return disks;
}

void MainWindow::start(const std::vector<int>& rows, const QString& done_text,
                       std::function<std::vector<cli::StickOutcome>()> work) {
    overall_->setValue(0);
    set_busy(true);
    worker_ = std::thread([this, rows, done_text, work = std::move(work)] {
        std::vector<cli::StickOutcome> outcomes;
        try {
            outcomes = work();
        } catch (const cli::CliError& e) {
            // One stick: its failure comes as an error.
            cli::StickOutcome out;
            out.code = e.code();
            out.message = e.message();
            outcomes.push_back(std::move(out));
        } catch (const std::exception& e) {
            cli::StickOutcome out;
            out.code = cli::exit_io;
            out.message = e.what();
            outcomes.push_back(std::move(out));
        }
        QMetaObject::invokeMethod(
            this,
            [this, rows, done_text, outcomes = std::move(outcomes)]() mutable {
                finished(rows, std::move(outcomes), done_text);
            },
            Qt::QueuedConnection);
    });
}

std::function<void(std::uint64_t, std::uint64_t)> MainWindow::progress_reporter(std::size_t job,
                                                                                int row) {
    // Called from the stick's thread; shown in the window's thread.
    return [this, job, row](std::uint64_t done, std::uint64_t total) {
        QMetaObject::invokeMethod(
            this, [this, job, row, done, total] { progress(job, row, done, total); },
            Qt::QueuedConnection);
    };
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
    cli::DeviceWritePolicy policy;
    policy.unmount = unmount_->isChecked();
    policy.in_use.push_back({"the setup.bin", source_->path});
    const auto disks = checked_and_confirmed(rows, policy, StickAction::write);
    if (disks.empty()) return;
    std::vector<cli::StickJob> jobs;
    done_.assign(rows.size(), {0, 0});
    for (std::size_t i = 0; i < disks.size(); ++i) {
        const int row = rows[i];
        table_->set_state(row, tr("writing"));
        jobs.push_back({disks[i], disks[i].path, source_->bytes, progress_reporter(i, row)});
    }
    log(tr("Writing %n stick(s): %1", nullptr, static_cast<int>(jobs.size()))
            .arg(qs(source_->path)));
    start(rows, tr("written and verified"), [jobs = std::move(jobs)] {
        cli::GlobalOptions g;
        g.json = true;  // nothing on stderr but errors: the window shows the outcome
        g.quiet = true;
        fat::KeyOptions ko;
        ko.timestamp = cli::key_timestamp();
        ko.volume_id = cli::random_volume_id();
        return cli::write_sticks(g, jobs, {}, ko);
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
        ro.journal_dir = cli::default_journal_dir();
    } catch (const cli::CliError& e) {
        alert_(this, tr("Nothing repaired"), error_text(e));
        return;
    }
    cli::DeviceWritePolicy policy;
    policy.unmount = unmount_->isChecked();
    policy.in_use.push_back({"the repair journal", ro.journal_dir.string()});
    const auto disks = checked_and_confirmed(rows, policy, StickAction::repair);
    if (disks.empty()) return;
    std::vector<cli::StickRepair> jobs;
    done_.assign(rows.size(), {0, 0});
    for (std::size_t i = 0; i < disks.size(); ++i) {
        const int row = rows[i];
        table_->set_state(row, tr("repairing"));
        jobs.push_back({disks[i], disks[i].path, progress_reporter(i, row)});
    }
    log(tr("Repairing %n stick(s); journal in %1", nullptr, static_cast<int>(jobs.size()))
            .arg(qs(ro.journal_dir.string())));
    start(rows, tr("repaired and verified"), [jobs = std::move(jobs), ro] {
        cli::GlobalOptions g;
        g.json = true;
        g.quiet = true;
        return cli::repair_sticks(g, jobs, ro);
    });
}

void MainWindow::progress(std::size_t job, int row, qulonglong done, qulonglong total) {
    if (!busy() || job >= done_.size()) return;
    done_[job] = {done, total};
    qulonglong all_done = 0;
    qulonglong all_total = 0;
    for (const auto& [d, t] : done_) {
        all_done += d;
        all_total += t;
    }
    if (total) table_->set_state(row, tr("writing %1%").arg(done * 100 / total));
    if (all_total) overall_->setValue(static_cast<int>(all_done * 100 / all_total));
}

void MainWindow::finished(std::vector<int> rows, std::vector<cli::StickOutcome> outcomes,
                          QString done_text) {
    if (worker_.joinable()) worker_.join();
    set_busy(false);
    int code = cli::exit_ok;
    for (std::size_t i = 0; i < rows.size() && i < outcomes.size(); ++i) {
        const auto& out = outcomes[i];
        const auto& d = table_->disks()[static_cast<std::size_t>(rows[i])];
        code = cli::worse_exit(code, out.code);
        if (out.code == cli::exit_ok) {
            table_->set_state(rows[i], done_text);
            log(qs(d.path + ": ") + done_text + qs(" (" + d.identity() + ")"));
        } else {
            table_->set_state(rows[i], tr("FAILED (exit %1)").arg(out.code));
            log(qs(d.path + ": " + out.message));
        }
    }
    overall_->setValue(code == cli::exit_ok ? 100 : overall_->value());
    if (code != cli::exit_ok)
        alert_(this, tr("Not every stick was done"),
               tr("See the log for each stick and what to do next."));
    emit writeFinished(code);
}

void MainWindow::stop() {
    if (!busy()) return;
    cli::InterruptGuard::request_stop();
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
    const fat::VerifyOptions vo = cli::parse_generations(choice.generations);
    cli::GlobalOptions g;
    for (int row : rows) {
        const auto& d = table_->disks()[static_cast<std::size_t>(row)];
        try {
            auto dev = cli::open_for_read(d.path, 512);
            const fat::VerifyReport r = fat::verify_key(*dev, vo);
            std::ostringstream text;
            cli::print_verify(text, r, g);
            log(qs(d.path + ":\n" + text.str()));
            table_->set_state(row, r.ok() ? tr("usable") : tr("NOT usable"));
        } catch (const cli::CliError& e) {
            table_->set_state(row, tr("unreadable"));
            log(error_text(e));
        } catch (const fat::Error& e) {
            table_->set_state(row, tr("unreadable"));
            log(qs(d.path + ": " + e.message()));
        }
    }
}

}  // namespace ukpu::gui
