#include "key_batch_box.hpp"

#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "presentation/counted_text.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/key_store.hpp"

namespace ukpu::gui {

namespace {

// A line edit with a Choose... button beside it.
QHBoxLayout* with_button(QLineEdit* field, QPushButton* button) {
    auto* row = new QHBoxLayout;
    row->addWidget(field);
    row->addWidget(button);
    return row;
}

}  // namespace

KeyBatchBox::KeyBatchBox(QWidget* parent)
    : QGroupBox(tr("Key batch (PID/PPS records, for older AMT)"), parent) {
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    records_ = new QSpinBox(this);
    records_->setObjectName("batch_records");
    records_->setRange(1, 1000000);
    records_->setValue(10);
    form->addRow(tr("Records (split over the ticked sticks)"), records_);

    current_ = new QLineEdit(this);
    current_->setObjectName("batch_current_password");
    current_->setPlaceholderText(tr("A file holding the MEBx password the PCs have now"));
    auto* choose_current = new QPushButton(tr("Choose..."), this);
    form->addRow(tr("Current MEBx password file"), with_button(current_, choose_current));

    from_file_ = new QRadioButton(tr("New MEBx password from a file"), this);
    random_ = new QRadioButton(tr("A random strong new password per record"), this);
    random_->setChecked(true);
    new_ = new QLineEdit(this);
    new_->setObjectName("batch_new_password");
    new_->setPlaceholderText(tr("A file holding the new MEBx password"));
    choose_new_ = new QPushButton(tr("Choose..."), this);
    auto* new_rows = new QVBoxLayout;
    new_rows->addWidget(random_);
    new_rows->addWidget(from_file_);
    new_rows->addLayout(with_button(new_, choose_new_));
    form->addRow(tr("New MEBx password"), new_rows);

    store_ = new QLineEdit(this);
    store_->setObjectName("batch_store");
    try {
        store_->setPlaceholderText(QString::fromStdString(keys::default_store_path().string()));
    } catch (const keys::Error&) {
        store_->setPlaceholderText(tr("Choose the key store file"));
    }
    auto* choose_store = new QPushButton(tr("Choose..."), this);
    form->addRow(tr("Key store"), with_button(store_, choose_store));
    layout->addLayout(form);

    auto* actions = new QHBoxLayout;
    make_ = new QPushButton(tr("Make &batch on ticked sticks"), this);
    actions->addWidget(make_);
    auto* hint = new QLabel(tr("Stored in the key store first; each stick is then erased, "
                               "written and verified."),
                            this);
    hint->setWordWrap(true);
    actions->addWidget(hint, 1);
    layout->addLayout(actions);

    connect(choose_current, &QPushButton::clicked, this,
            [this] { choose_file(current_, tr("The current MEBx password file"), false); });
    connect(choose_new_, &QPushButton::clicked, this,
            [this] { choose_file(new_, tr("The new MEBx password file"), false); });
    connect(choose_store, &QPushButton::clicked, this,
            [this] { choose_file(store_, tr("The key store"), true); });
    connect(from_file_, &QRadioButton::toggled, this, &KeyBatchBox::mode_changed);
    mode_changed();
}

void KeyBatchBox::choose_file(QLineEdit* field, const QString& title, bool save) {
    const QString path =
        save ? QFileDialog::getSaveFileName(this, title, field->text(), QString(), nullptr,
                                            QFileDialog::DontConfirmOverwrite)
             : QFileDialog::getOpenFileName(this, title, field->text());
    if (!path.isEmpty()) field->setText(path);
}

void KeyBatchBox::mode_changed() {
    new_->setEnabled(from_file_->isChecked());
    choose_new_->setEnabled(from_file_->isChecked());
}

void KeyBatchBox::set_records(int n) {
    records_->setValue(n);
}

void KeyBatchBox::set_current_password_file(const QString& path) {
    current_->setText(path);
}

void KeyBatchBox::set_new_password_file(const QString& path) {
    new_->setText(path);
    from_file_->setChecked(true);
}

void KeyBatchBox::set_random_new_password(bool on) {
    (on ? random_ : from_file_)->setChecked(true);
}

void KeyBatchBox::set_store(const QString& path) {
    store_->setText(path);
}

std::uint32_t KeyBatchBox::records() const {
    return static_cast<std::uint32_t>(records_->value());
}

std::uint32_t KeyBatchBox::per_stick(std::size_t sticks) const {
    if (sticks == 0) return records();
    const auto n = static_cast<std::uint32_t>(sticks);
    return (records() + n - 1) / n;
}

QString KeyBatchBox::problem(std::size_t sticks) const {
    if (current_->text().trimmed().isEmpty())
        return tr(
            "Choose the file holding the MEBx password the PCs have now ('admin' when "
            "new).");
    if (from_file_->isChecked() && new_->text().trimmed().isEmpty())
        return tr("Choose the file holding the new MEBx password, or a random one per record.");
    const std::uint32_t per = per_stick(sticks);
    const std::uint32_t filled = (records() + per - 1) / per;
    if (filled != sticks)
        return tr("%1 at %2 per stick fill %3, not the %4 ticked: tick fewer sticks or make more "
                  "records.")
            .arg(counted(records(), "record"))
            .arg(per)
            .arg(counted(filled, "stick"))
            .arg(sticks);
    return {};
}

provision::KeyBatchJob KeyBatchBox::job(const std::vector<std::string>& devices) const {
    provision::KeyBatchJob job;
    job.settings = provision::KeyBatchJob::psk_defaults();
    job.settings.secret_files["current-password"] = current_->text().trimmed().toStdString();
    job.random_new_password = random_->isChecked();
    if (!job.random_new_password)
        job.settings.secret_files["new-password"] = new_->text().trimmed().toStdString();
    job.count = records();
    job.per_key = per_stick(devices.size());
    job.store = store_->text().trimmed().toStdString();
    job.devices = devices;
    return job;
}

std::string KeyBatchBox::store() const {
    return store_->text().trimmed().toStdString();
}

std::vector<provision::FileInUse> KeyBatchBox::files_in_use() const {
    std::vector<provision::FileInUse> files;
    files.push_back({"the current password file", current_->text().trimmed().toStdString()});
    if (from_file_->isChecked())
        files.push_back({"the new password file", new_->text().trimmed().toStdString()});
    try {
        // A store on a PostgreSQL server is on no stick.
        const auto where = keys::StoreLocation::parse(store_->text().trimmed().toStdString());
        if (!where.is_postgresql()) files.push_back({"the key store", where.display()});
    } catch (const keys::Error&) {
        // No default, or not a store: the service refuses the batch with its own message.
    }
    return files;
}

}  // namespace ukpu::gui
