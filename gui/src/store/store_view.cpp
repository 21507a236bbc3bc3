#include "store_view.hpp"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <map>

#include "presentation/counted_text.hpp"
#include "presentation/qt_text.hpp"
#include "record_model.hpp"
#include "store_text.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/keys/key_store.hpp"
#include "ukpu/provision/key_store_access.hpp"
#include "void_dialog.hpp"

namespace ukpu::gui {

namespace pv = ukpu::provision;

namespace {

// The export formats of `keys export`, as the window offers them.
struct FormatChoice {
    keys::ExportFormat format;
    const char* label;
};
constexpr FormatChoice format_choices[] = {
    {keys::ExportFormat::scs_csv, "scs-csv: Intel SCS csti_pid_map as CSV"},
    {keys::ExportFormat::scs_sql, "scs-sql: Intel SCS csti_pid_map as SQL"},
    {keys::ExportFormat::csv, "csv: every field of every record"},
    {keys::ExportFormat::json, "json: every field of every record"},
};

QTableWidget* make_table(const QStringList& headers, QWidget* parent) {
    auto* t = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->horizontalHeader()->setStretchLastSection(true);
    t->verticalHeader()->setVisible(false);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setMinimumHeight(80);
    return t;
}

QTableWidgetItem* cell(const QString& text) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}

QTableWidgetItem* number(std::int64_t n) {
    auto* item = cell(QString::number(n));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

}  // namespace

StoreView::StoreView(QWidget* parent) : QWidget(parent) {
    ask_void_ = [](QWidget* p, const QString& what) -> std::optional<QString> {
        VoidDialog d(what, p);
        if (d.exec() != QDialog::Accepted) return std::nullopt;
        return d.reason();
    };
    ask_path_ = [](QWidget* p, const QString& title, const QString& filter, bool save) {
        return save ? QFileDialog::getSaveFileName(p, title, QString(), filter)
                    : QFileDialog::getOpenFileName(p, title, QString(), filter);
    };

    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    auto* store_label = new QLabel(tr("Key store:"), this);
    store_line_ = new QLineEdit(this);
    store_line_->setReadOnly(true);
    store_line_->setObjectName("store_path");
    store_label->setBuddy(store_line_);
    auto* open = new QPushButton(tr("Open another s&tore..."), this);
    open->setToolTip(
        tr("Show another key store file; key batches made in this window then go "
           "there too"));
    auto* reload_button = new QPushButton(tr("Re&load"), this);
    top->addWidget(store_label);
    top->addWidget(store_line_, 1);
    top->addWidget(open);
    top->addWidget(reload_button);
    layout->addLayout(top);

    auto* main = new QHBoxLayout;
    auto* split = new QSplitter(Qt::Vertical, this);
    auto* batches_box = new QGroupBox(tr("Batches"), split);
    auto* batches_layout = new QVBoxLayout(batches_box);
    batches_ =
        make_table({tr("Batch"), tr("Created (UTC)"), tr("Version"), tr("Records"), tr("On a key"),
                    tr("Consumed"), tr("Exported"), tr("Voided"), tr("Key files"), tr("State")},
                   batches_box);
    batches_->setObjectName("store_batches");
    batches_layout->addWidget(batches_);
    auto* files_box =
        new QGroupBox(tr("Key files of the selected batch (one per stick or file)"), split);
    auto* files_layout = new QVBoxLayout(files_box);
    files_ =
        make_table({tr("Key file"), tr("Label"), tr("Written to"), tr("Stick serial"), tr("Stick"),
                    tr("State"), tr("Volume id"), tr("Records"), tr("Consumed"), tr("Voided")},
                   files_box);
    files_->setObjectName("store_key_files");
    files_layout->addWidget(files_);
    auto* records_box = new QGroupBox(tr("Records of the selected batch"), split);
    auto* records_layout = new QVBoxLayout(records_box);
    auto* counts_row = new QHBoxLayout;
    counts_ = new QLabel(records_box);
    counts_->setWordWrap(true);
    show_secrets_ = new QCheckBox(tr("Show &secrets (PPS, passwords)"), records_box);
    counts_row->addWidget(counts_, 1);
    counts_row->addWidget(show_secrets_);
    records_layout->addLayout(counts_row);
    records_ = new RecordModel(this);
    records_view_ = new QTableView(records_box);
    records_view_->setObjectName("store_records");
    records_view_->setModel(records_);
    records_view_->verticalHeader()->setVisible(false);
    records_view_->horizontalHeader()->setStretchLastSection(true);
    records_view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    records_view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    records_view_->setMinimumHeight(80);
    records_layout->addWidget(records_view_);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 3);
    main->addWidget(split, 1);

    auto* side = new QVBoxLayout;
    auto* sync_box = new QGroupBox(tr("Sync: the records PCs used"), this);
    auto* sync_layout = new QVBoxLayout(sync_box);
    auto* sync_hint = new QLabel(
        tr("When sticks come back from the PCs, read them here: the records the PCs took are "
           "marked consumed (the server export then says used)."),
        sync_box);
    sync_hint->setWordWrap(true);
    sync_layout->addWidget(sync_hint);
    sync_sticks_ = new QPushButton(tr("Sync the stic&ks ticked on Write keys"), sync_box);
    sync_file_ = new QPushButton(tr("Sync an &image or setup.bin file..."), sync_box);
    sync_layout->addWidget(sync_sticks_);
    sync_layout->addWidget(sync_file_);
    side->addWidget(sync_box);

    auto* export_box = new QGroupBox(tr("Export for the provisioning server"), this);
    auto* export_layout = new QVBoxLayout(export_box);
    auto* export_form = new QFormLayout;
    format_ = new QComboBox(export_box);
    format_->setObjectName("export_format");
    for (const auto& c : format_choices)
        format_->addItem(tr(c.label), QString(keys::to_string(c.format)));
    auto* format_label = new QLabel(tr("&Format"), export_box);
    format_label->setBuddy(format_);
    export_form->addRow(format_label, format_);
    export_layout->addLayout(export_form);
    export_batch_ = new QRadioButton(tr("The selected &batch"), export_box);
    export_all_ = new QRadioButton(tr("&All batches"), export_box);
    export_batch_->setChecked(true);
    auto* scope = new QButtonGroup(export_box);
    scope->addButton(export_batch_);
    scope->addButton(export_all_);
    auto* scope_row = new QHBoxLayout;
    scope_row->addWidget(export_batch_);
    scope_row->addWidget(export_all_);
    export_layout->addLayout(scope_row);
    upsert_ = new QCheckBox(tr("&Upsert: SQL to load again and again"), export_box);
    upsert_->setToolTip(
        tr("scs-sql only: inserts new records, updates known ones and deletes "
           "voided ones, so that the server's table follows the store"));
    plain_ = new QCheckBox(tr("PID and PPS without &dashes"), export_box);
    plain_->setToolTip(
        tr("scs formats: as stored in setup.bin (default: XXXX-XXXX as Intel's "
           "sample shows)"));
    export_layout->addWidget(upsert_);
    export_layout->addWidget(plain_);
    export_ = new QPushButton(tr("E&xport..."), export_box);
    export_layout->addWidget(export_);
    auto* export_hint = new QLabel(tr("The file holds the PPS and passwords: it is saved "
                                      "readable by you only (mode 0600). Exported records are "
                                      "marked so in the store."),
                                   export_box);
    export_hint->setWordWrap(true);
    export_layout->addWidget(export_hint);
    side->addWidget(export_box);

    auto* lost_box = new QGroupBox(tr("A lost stick"), this);
    auto* lost_layout = new QVBoxLayout(lost_box);
    auto* lost_hint = new QLabel(tr("Write the selected key file again, byte for byte, to the "
                                    "one stick ticked on Write keys (a stick lost or failed, "
                                    "as `ukpu keys write --key-file`); or void its records so "
                                    "that no export offers them to a server as usable."),
                                 lost_box);
    lost_hint->setWordWrap(true);
    write_again_ = new QPushButton(tr("Write it a&gain to the ticked stick"), lost_box);
    void_ = new QPushButton(tr("&Void its records..."), lost_box);
    lost_layout->addWidget(lost_hint);
    lost_layout->addWidget(write_again_);
    lost_layout->addWidget(void_);
    side->addWidget(lost_box);

    outcome_ = new QLabel(this);
    outcome_->setObjectName("store_outcome");
    outcome_->setWordWrap(true);
    outcome_->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    outcome_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    side->addWidget(outcome_, 1);
    auto* side_widget = new QWidget(this);
    side_widget->setLayout(side);
    side_widget->setFixedWidth(360);
    main->addWidget(side_widget);
    layout->addLayout(main, 1);

    connect(open, &QPushButton::clicked, this, &StoreView::open_another);
    connect(reload_button, &QPushButton::clicked, this, &StoreView::reload);
    connect(batches_, &QTableWidget::itemSelectionChanged, this, &StoreView::batch_selected);
    connect(files_, &QTableWidget::itemSelectionChanged, this, &StoreView::file_selected);
    connect(show_secrets_, &QCheckBox::toggled, records_, &RecordModel::set_show_secrets);
    connect(sync_sticks_, &QPushButton::clicked, this, &StoreView::syncSticksRequested);
    connect(sync_file_, &QPushButton::clicked, this, &StoreView::choose_and_sync_file);
    connect(export_, &QPushButton::clicked, this, &StoreView::choose_and_export);
    connect(void_, &QPushButton::clicked, this, &StoreView::ask_and_void);
    connect(write_again_, &QPushButton::clicked, this, [this] {
        if (const auto id = selected_key_file()) emit writeKeyFileRequested(*id);
    });
    connect(format_, &QComboBox::currentIndexChanged, this, &StoreView::update_actions);
    connect(export_all_, &QRadioButton::toggled, this, &StoreView::update_actions);
    update_actions();
}

StoreView::~StoreView() = default;

QString StoreView::store_text() const {
    try {
        return qs(pv::store_path(store_.toStdString()).display());
    } catch (const keys::Error& e) {
        return tr("no default key store (%1): open one").arg(qs(e.message()));
    }
}

void StoreView::show_store(const QString& path) {
    store_ = path;
    reload();
}

void StoreView::open_another() {
    const QString path =
        ask_path_(this, tr("Open a key store"), tr("Key stores (*.db);;All files (*)"), false);
    if (path.isEmpty()) return;
    show_store(path);
    emit storeChosen(path);
}

void StoreView::reload() {
    const auto keep_batch = selected_batch();
    const auto keep_file = selected_key_file();
    store_line_->setText(store_text());
    batch_list_.clear();
    QString problem;
    try {
        const auto store = pv::open_existing_store(store_.toStdString());
        batch_list_ = store->batches();
    } catch (const keys::Error& e) {
        problem = e.code() == keys::ErrorCode::not_found
                      ? tr("No key store there yet: making a key batch (Write keys tab) creates "
                           "it, or open another store.")
                      : failure_text(e);
    }
    store_line_->setToolTip(problem);
    if (!problem.isEmpty()) store_line_->setText(store_text() + " - " + problem);
    {
        const QSignalBlocker block(batches_);
        batches_->clearSelection();
        batches_->setRowCount(static_cast<int>(batch_list_.size()));
        for (int row = 0; row < batches_->rowCount(); ++row) {
            const auto& b = batch_list_[static_cast<std::size_t>(row)];
            batches_->setItem(row, batch_id, number(b.id));
            batches_->setItem(row, batch_created, cell(qs(b.created_at)));
            batches_->setItem(row, batch_version,
                              cell(b.file_version.empty() ? "-" : qs(b.file_version)));
            batches_->setItem(row, batch_records, number(b.record_count));
            batches_->setItem(row, batch_on_key, number(b.on_key));
            batches_->setItem(row, batch_consumed, number(b.consumed));
            batches_->setItem(row, batch_exported, number(b.exported));
            batches_->setItem(row, batch_voided, number(b.voided));
            batches_->setItem(row, batch_files, number(static_cast<std::int64_t>(b.files.size())));
            batches_->setItem(row, batch_state, cell(qs(keys::batch_state(b))));
        }
        batches_->resizeColumnsToContents();
    }
    // The batch selected before, else the newest.
    if (!(keep_batch && select_batch(*keep_batch)) && !batch_list_.empty())
        select_batch(batch_list_.back().id);
    if (!selected_batch()) batch_selected();
    if (keep_file) select_key_file(*keep_file);
}

bool StoreView::select_batch(std::int64_t id) {
    for (std::size_t i = 0; i < batch_list_.size(); ++i)
        if (batch_list_[i].id == id) {
            batches_->selectRow(static_cast<int>(i));
            return true;
        }
    return false;
}

std::optional<std::int64_t> StoreView::selected_batch() const {
    const auto rows = batches_->selectionModel()->selectedRows();
    if (rows.isEmpty()) return std::nullopt;
    const auto row = static_cast<std::size_t>(rows.front().row());
    if (row >= batch_list_.size()) return std::nullopt;
    return batch_list_[row].id;
}

bool StoreView::select_key_file(std::int64_t id) {
    for (int row = 0; row < files_->rowCount(); ++row)
        if (files_->item(row, file_id)->data(Qt::UserRole).toLongLong() == id) {
            files_->selectRow(row);
            return true;
        }
    return false;
}

std::optional<std::int64_t> StoreView::selected_key_file() const {
    const auto rows = files_->selectionModel()->selectedRows();
    if (rows.isEmpty()) return std::nullopt;
    return files_->item(rows.front().row(), file_id)->data(Qt::UserRole).toLongLong();
}

void StoreView::batch_selected() {
    const auto id = selected_batch();
    const keys::BatchInfo* b = nullptr;
    for (const auto& info : batch_list_)
        if (id && info.id == *id) b = &info;
    std::vector<keys::KeyRecord> records;
    // Per key file: its records consumed and voided.
    std::map<std::int64_t, std::pair<std::uint32_t, std::uint32_t>> used;
    if (b) {
        try {
            records = pv::open_existing_store(store_.toStdString())->records(b->id);
        } catch (const std::exception& e) {
            show_outcome({failure_text(e)});
        }
        for (const auto& r : records) {
            if (r.state == keys::RecordState::consumed) ++used[r.key_file_id].first;
            if (r.voided()) ++used[r.key_file_id].second;
        }
    }
    {
        const QSignalBlocker block(files_);
        files_->clearSelection();
        files_->setRowCount(b ? static_cast<int>(b->files.size()) : 0);
        for (int row = 0; row < files_->rowCount(); ++row) {
            const auto& f = b->files[static_cast<std::size_t>(row)];
            auto* idc = number(f.id);
            idc->setData(Qt::UserRole, QVariant::fromValue<qlonglong>(f.id));
            files_->setItem(row, file_id, idc);
            files_->setItem(row, file_label, cell(f.label.empty() ? "-" : qs(f.label)));
            files_->setItem(row, file_target, cell(qs(f.target)));
            files_->setItem(row, file_serial,
                            cell(!f.device                  ? QStringLiteral("-")
                                 : f.device->serial.empty() ? tr("none")
                                                            : qs(f.device->serial)));
            files_->setItem(row, file_stick, cell(f.device ? stick_text(f) : tr("a file")));
            files_->setItem(row, file_state, cell(file_state_text(f.state)));
            files_->setItem(row, file_volume_id,
                            cell(f.volume_id ? qs(keys::volume_id_text(*f.volume_id)) : "-"));
            files_->setItem(row, file_records,
                            cell(QStringLiteral("%1-%2").arg(f.first_record).arg(f.last_record)));
            files_->setItem(row, file_consumed, number(used[f.id].first));
            files_->setItem(row, file_voided, number(used[f.id].second));
        }
        files_->resizeColumnsToContents();
    }
    if (b) {
        QString t = tr("Batch %1: %2: %3 generated (on no key yet), %4 on a key, %5 consumed, %6 "
                       "exported; %7 voided")
                        .arg(b->id)
                        .arg(counted(b->record_count, "record"))
                        .arg(b->generated)
                        .arg(b->on_key)
                        .arg(b->consumed)
                        .arg(b->exported)
                        .arg(b->voided);
        if (b->unplaced && !b->files.empty()) t += tr("; %1 on no key file").arg(b->unplaced);
        counts_->setText(t);
    } else {
        counts_->setText(batch_list_.empty() ? tr("No batch in this store.") : QString());
    }
    records_->set_records(std::move(records));
    records_view_->resizeColumnsToContents();
    update_actions();
}

void StoreView::file_selected() {
    update_actions();
}

void StoreView::update_actions() {
    const auto format = export_format();
    upsert_->setEnabled(format == keys::ExportFormat::scs_sql);
    if (!upsert_->isEnabled()) upsert_->setChecked(false);
    plain_->setEnabled(format == keys::ExportFormat::scs_sql ||
                       format == keys::ExportFormat::scs_csv);
    export_->setEnabled(!batch_list_.empty() &&
                        (export_all_->isChecked() || selected_batch().has_value()));
    void_->setEnabled(selected_key_file().has_value());
    write_again_->setEnabled(selected_key_file().has_value());
}

void StoreView::set_show_secrets(bool on) {
    show_secrets_->setChecked(on);
}

QString StoreView::counts_text() const {
    return counts_->text();
}

QString StoreView::outcome() const {
    return outcome_->text();
}

void StoreView::show_outcome(const QStringList& lines) {
    outcome_->setText(lines.join('\n'));
}

}  // namespace ukpu::gui
