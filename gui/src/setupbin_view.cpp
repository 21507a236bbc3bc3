#include "setupbin_view.hpp"

#include "edit/setupbin_editor.hpp"

#include <QCheckBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "presentation/counted_text.hpp"
#include "presentation/qt_text.hpp"
#include "ukpu/provision/error.hpp"
#include "ukpu/provision/secret_file.hpp"
#include "ukpu/setupbin/entry_text.hpp"
#include "ukpu/setupbin/format.hpp"
#include "ukpu/setupbin/parse.hpp"
#include "ukpu/setupbin/version.hpp"

namespace ukpu::gui {

namespace sb = ukpu::setupbin;
namespace fmt = ukpu::setupbin::format;

namespace {

QString hex(std::uint64_t v) {
    return "0x" + QString::number(v, 16);
}

}  // namespace

SetupBinView::SetupBinView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    auto* open_button = new QPushButton(tr("Op&en a setup.bin..."), this);
    secrets_ = new QCheckBox(tr("Show &secrets"), this);
    path_ = new QLabel(this);
    row->addWidget(open_button);
    row->addWidget(secrets_);
    row->addWidget(path_, 1);
    layout->addLayout(row);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(summary_);
    tree_ = new QTreeWidget(this);
    tree_->setColumnCount(3);
    tree_->setHeaderLabels({tr("Record / variable"), tr("Value"), tr("Raw")});
    tree_->header()->setSectionResizeMode(col_what, QHeaderView::ResizeToContents);
    tree_->setColumnWidth(col_value, 560);
    tree_->setAlternatingRowColors(true);
    layout->addWidget(tree_, 1);
    editor_ = new SetupBinEditor(this);
    layout->addWidget(editor_);
    // The edited file saved: shown in its place.
    connect(editor_, &SetupBinEditor::saved, this, [this](const QString& saved) { open(saved); });
    connect(open_button, &QPushButton::clicked, this, &SetupBinView::choose);
    connect(secrets_, &QCheckBox::toggled, this, &SetupBinView::fill);
}

void SetupBinView::choose() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a setup.bin"), QString(),
                                                      tr("setup.bin (*.bin);;All files (*)"));
    if (!path.isEmpty()) open(path);
}

bool SetupBinView::open(const QString& path) {
    file_ = path;
    path_->setText(path);
    try {
        bytes_ = provision::read_input_file(path.toStdString());
    } catch (const provision::Error& e) {
        bytes_.clear();
        tree_->clear();
        editor_->set_file(path, {});
        summary_->setText(qs(e.what()));
        return false;
    }
    fill();
    const bool ok = !sb::not_a_setup_bin(sb::parse_lenient(bytes_));
    editor_->set_file(path, ok ? bytes_ : std::vector<std::uint8_t>{});
    return ok;
}

void SetupBinView::set_show_secrets(bool on) {
    secrets_->setChecked(on);
}

QString SetupBinView::summary() const {
    return summary_->text();
}

void SetupBinView::fill() {
    tree_->clear();
    if (bytes_.empty() && file_.isEmpty()) return;
    const sb::ParseResult pr = sb::parse_lenient(bytes_);
    if (const sb::Problem* why = sb::not_a_setup_bin(pr)) {
        summary_->setText(tr("Not a setup.bin: %1").arg(qs(why->str())));
        return;
    }
    const auto& h = pr.file.header;
    const auto family = sb::version_family_from_guid(h.guid);
    const bool accepted = sb::guid_accepts(h.guid, h.major, h.minor);
    QString text = tr("%1 bytes, version %2.%3, GUID %4")
                       .arg(pr.file_size)
                       .arg(h.major)
                       .arg(h.minor)
                       .arg(qs(h.guid.str()));
    if (family)
        text += tr(" (v%1 family%2)")
                    .arg(qs(std::string(sb::version_info(*family).name)))
                    .arg(accepted ? QString() : tr(", does NOT match the version bytes"));
    else
        text += tr(" (not a setup.bin GUID)");
    text += tr("; flags %1 (%2); %3 declared, %4 consumed")
                .arg(hex(h.flags))
                .arg(h.reusable() ? tr("reusable") : tr("records are consumed"))
                .arg(counted(h.record_count, "record"))
                .arg(h.records_consumed);
    int errors = 0;
    for (const auto& p : pr.problems)
        if (p.severity == sb::Severity::error) ++errors;
    if (errors) text += "; " + counted(static_cast<std::uint64_t>(errors), "format error");
    summary_->setText(text);

    const bool show = secrets_->isChecked();
    const std::uint64_t slot = std::uint64_t{h.record_chunk_count} * fmt::chunk_size;
    const std::uint64_t first = std::uint64_t{h.chunk_count} * fmt::chunk_size;
    for (std::size_t i = 0; i < pr.file.records.size(); ++i) {
        const auto& r = pr.file.records[i];
        const std::uint64_t roff = first + i * slot;
        auto* rec = new QTreeWidgetItem(tree_);
        rec->setText(col_what, tr("Record %1 at %2").arg(r.number).arg(hex(roff)));
        QString state = r.consumed ? tr("consumed (body zeroed)") : tr("not consumed");
        state += r.valid() ? tr(", valid") : tr(", not valid");
        if (r.scrambled()) state += tr(", scrambled");
        rec->setText(col_value, tr("%1 entries; %2").arg(r.entries.size()).arg(state));
        for (const auto& e : r.entries) {
            const sb::EntryText t = sb::entry_text(e, show);
            auto* item = new QTreeWidgetItem(rec);
            item->setText(col_what,
                          QString("%1/%2 %3").arg(e.module).arg(e.variable).arg(qs(t.name)));
            item->setText(col_value, qs(t.text));
            item->setText(col_raw, qs(t.raw));
            if (t.error) item->setForeground(col_value, Qt::red);
            if (t.info) item->setToolTip(col_what, qs(std::string(t.info->note)));
        }
        if (!r.trailing.empty()) {
            auto* item = new QTreeWidgetItem(rec);
            item->setText(col_what,
                          tr("(%1 non-zero bytes after the last entry)").arg(r.trailing.size()));
        }
        rec->setExpanded(i < 8);
    }
    if (!pr.file.extra.empty()) {
        auto* item = new QTreeWidgetItem(tree_);
        item->setText(col_what,
                      tr("%1 bytes after the last declared record").arg(pr.file.extra.size()));
    }
}

QStringList SetupBinView::entry_lines() const {
    QStringList out;
    for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* rec = tree_->topLevelItem(i);
        for (int k = 0; k < rec->childCount(); ++k)
            out << rec->child(k)->text(col_what) + ": " + rec->child(k)->text(col_value);
    }
    return out;
}

}  // namespace ukpu::gui
