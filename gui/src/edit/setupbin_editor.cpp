#include "edit/setupbin_editor.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "presentation/qt_text.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/secret_file.hpp"
#include "ukpu/provision/setupbin_builder.hpp"
#include "ukpu/provision/setupbin_edit.hpp"
#include "ukpu/setupbin/catalog.hpp"
#include "ukpu/setupbin/change_text.hpp"
#include "ukpu/setupbin/check.hpp"
#include "ukpu/setupbin/error.hpp"

namespace ukpu::gui {

namespace sb = ukpu::setupbin;
namespace pv = ukpu::provision;

namespace {

// "keep", "on", "off" as the three states of a flag.
std::optional<bool> tri(const QComboBox* c) {
    if (c->currentIndex() == 1) return true;
    if (c->currentIndex() == 2) return false;
    return std::nullopt;
}

}  // namespace

EditedSetupBin edit_setup_bin(const std::vector<std::uint8_t>& original, const SetupBinEdits& edits,
                              const std::string& name) {
    // The values as `setupbin create` and `setupbin edit` encode them.
    pv::SetupBinEdit edit;
    for (const auto& [key, value] : edits.set) {
        const auto* info = sb::find_variable(key);
        if (info && info->secret)
            edit.settings.secret_values[key] = value;
        else
            edit.settings.values[key] = value;
    }
    edit.unset = edits.unset;
    edit.scramble = edits.scramble;
    edit.reusable = edits.reusable;
    edit.reset_consumed = edits.reset_consumed;
    pv::SilentReporter quiet;
    pv::SetupBinEditOutcome result;
    try {
        result = pv::edit_setup_bin(original, name, edit, quiet);
    } catch (const sb::Error& e) {
        throw pv::Error(pv::Status::bad_argument, e.where().str(), e.message());
    }
    EditedSetupBin out;
    out.bytes = std::move(result.bytes);
    for (const auto& c : result.changes) out.changes.push_back(sb::change_text(c, false));
    out.findings = std::move(result.warnings);
    for (const auto& p : result.checked.problems)
        if (p.severity != sb::Severity::info) out.findings.push_back(p.str());
    out.usable = result.usable();
    return out;
}

SetupBinEditor::SetupBinEditor(QWidget* parent) : QGroupBox(tr("Edit this setup.bin"), parent) {
    auto* layout = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    key_ = new QComboBox(this);
    for (const auto& info : sb::catalog()) {
        if (info.type == sb::ValueType::cert_hash) continue;
        key_->addItem(qs(std::to_string(info.module) + "/" + std::to_string(info.variable) + " " +
                         std::string(info.name)),
                      qs(std::string(info.key)));
    }
    value_ = new QLineEdit(this);
    value_->setPlaceholderText(tr("new value, as setupbin create takes it"));
    auto* set = new QPushButton(tr("Se&t"), this);
    auto* unset = new QPushButton(tr("Remo&ve"), this);
    row->addWidget(key_, 2);
    row->addWidget(value_, 2);
    row->addWidget(set);
    row->addWidget(unset);
    layout->addLayout(row);
    list_ = new QListWidget(this);
    list_->setMaximumHeight(70);
    layout->addWidget(list_);
    auto* flags = new QHBoxLayout;
    scramble_ = new QComboBox(this);
    scramble_->addItems(
        {tr("Scrambling as it is"), tr("Scramble records"), tr("Unscramble records")});
    reusable_ = new QComboBox(this);
    reusable_->addItems({tr("Reusable as it is"), tr("Reusable"), tr("Not reusable")});
    reset_ = new QCheckBox(tr("Reset the consumed count"), this);
    flags->addWidget(scramble_);
    flags->addWidget(reusable_);
    flags->addWidget(reset_);
    flags->addStretch();
    auto* preview = new QPushButton(tr("&Preview changes"), this);
    save_ = new QPushButton(tr("Save edited as..."), this);
    flags->addWidget(preview);
    flags->addWidget(save_);
    layout->addLayout(flags);
    changes_ = new QPlainTextEdit(this);
    changes_->setReadOnly(true);
    changes_->setMaximumHeight(110);
    layout->addWidget(changes_);
    setEnabled(false);

    ask_path_ = [this](QWidget* parent) {
        return QFileDialog::getSaveFileName(parent, tr("Save the edited setup.bin"), path_,
                                            tr("setup.bin files (*.bin);;All files (*)"));
    };
    connect(set, &QPushButton::clicked, this, [this] {
        add_set(key_->currentData().toString(), value_->text());
        value_->clear();
    });
    connect(unset, &QPushButton::clicked, this,
            [this] { add_unset(key_->currentData().toString()); });
    connect(preview, &QPushButton::clicked, this, &SetupBinEditor::preview);
    connect(save_, &QPushButton::clicked, this, &SetupBinEditor::save);
}

void SetupBinEditor::set_file(const QString& path, std::vector<std::uint8_t> bytes) {
    path_ = path;
    bytes_ = std::move(bytes);
    set_.clear();
    unset_.clear();
    list_->clear();
    scramble_->setCurrentIndex(0);
    reusable_->setCurrentIndex(0);
    reset_->setChecked(false);
    changes_->clear();
    setEnabled(!bytes_.empty());
}

void SetupBinEditor::add_set(const QString& key, const QString& value) {
    set_.emplace_back(key.toStdString(), value.toStdString());
    const auto* info = sb::find_variable(key.toStdString());
    list_->addItem(tr("set %1 = %2").arg(key, info && info->secret ? QString("***") : value));
}

void SetupBinEditor::add_unset(const QString& key) {
    unset_.push_back(key.toStdString());
    list_->addItem(tr("remove %1").arg(key));
}

void SetupBinEditor::set_scramble(std::optional<bool> on) {
    scramble_->setCurrentIndex(!on ? 0 : *on ? 1 : 2);
}

void SetupBinEditor::set_reusable(std::optional<bool> on) {
    reusable_->setCurrentIndex(!on ? 0 : *on ? 1 : 2);
}

void SetupBinEditor::set_reset_consumed(bool on) {
    reset_->setChecked(on);
}

SetupBinEdits SetupBinEditor::edits() const {
    SetupBinEdits e;
    e.set = set_;
    e.unset = unset_;
    e.scramble = tri(scramble_);
    e.reusable = tri(reusable_);
    e.reset_consumed = reset_->isChecked();
    return e;
}

bool SetupBinEditor::preview() {
    try {
        const EditedSetupBin out = edit_setup_bin(bytes_, edits(), path_.toStdString());
        QStringList lines;
        for (const auto& c : out.changes) lines << qs(c);
        if (out.changes.empty()) lines << tr("No change.");
        for (const auto& f : out.findings) lines << qs(f);
        changes_->setPlainText(lines.join('\n'));
        return true;
    } catch (const std::exception& e) {
        changes_->setPlainText(tr("Cannot edit: %1").arg(QString::fromLocal8Bit(e.what())));
        return false;
    }
}

bool SetupBinEditor::save() {
    EditedSetupBin out;
    try {
        out = edit_setup_bin(bytes_, edits(), path_.toStdString());
    } catch (const std::exception& e) {
        changes_->setPlainText(tr("Cannot edit: %1").arg(QString::fromLocal8Bit(e.what())));
        return false;
    }
    if (!out.usable) {
        preview();
        changes_->appendPlainText(
            tr("Not saved: the checker found errors in the edited file (above)."));
        return false;
    }
    const QString path = ask_path_(this);
    if (path.isEmpty()) return false;
    try {
        // The file dialog asked before replacing a file.
        pv::write_file_atomic(path.toStdString(), out.bytes, true);
    } catch (const std::exception& e) {
        changes_->setPlainText(tr("Not saved: %1").arg(QString::fromLocal8Bit(e.what())));
        return false;
    }
    // The edited file becomes the one shown and edited next; the changes it got stay listed.
    emit saved(path);
    QStringList lines;
    for (const auto& c : out.changes) lines << qs(c);
    for (const auto& f : out.findings) lines << qs(f);
    lines << tr("Saved to %1 (mode 0600).").arg(path);
    changes_->setPlainText(lines.join('\n'));
    return true;
}

QString SetupBinEditor::changes_text() const {
    return changes_->toPlainText();
}

}  // namespace ukpu::gui
