#include "record_model.hpp"

#include "presentation/qt_text.hpp"
#include "ukpu/setupbin/pidpps.hpp"

namespace ukpu::gui {

namespace {

constexpr const char* masked = "***";

}  // namespace

void RecordModel::set_records(std::vector<keys::KeyRecord> records) {
    beginResetModel();
    records_ = std::move(records);
    endResetModel();
}

void RecordModel::set_show_secrets(bool on) {
    if (on == show_secrets_) return;
    show_secrets_ = on;
    if (!records_.empty())
        emit dataChanged(index(0, col_pps), index(rowCount() - 1, col_new_password));
}

int RecordModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(records_.size());
}

int RecordModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : columns;
}

QVariant RecordModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || role != Qt::DisplayRole) return {};
    const auto& r = records_[static_cast<std::size_t>(index.row())];
    switch (index.column()) {
        case col_id:
            return QVariant::fromValue<qlonglong>(r.id);
        case col_key_file:
            return r.placed() ? QVariant(qs(r.key_file)) : QVariant(tr("on no key"));
        case col_record:
            return r.placed() ? QVariant(r.record_number) : QVariant(QStringLiteral("-"));
        case col_pid:
            return qs(setupbin::format_pid(r.pid));
        case col_pps:
            return show_secrets_ ? qs(setupbin::format_pps(r.pps)) : QString(masked);
        case col_current_password:
            return show_secrets_ ? qs(r.current_password) : QString(masked);
        case col_new_password:
            return show_secrets_ ? qs(r.new_password) : QString(masked);
        case col_state:
            return QString(keys::to_string(r.state));
        case col_voided:
            return r.voided() ? qs(r.voided_at + ": " + r.void_reason) : QString();
        default:
            return {};
    }
}

QVariant RecordModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole) return {};
    if (orientation == Qt::Vertical) return section + 1;
    switch (section) {
        case col_id:
            return tr("Id");
        case col_key_file:
            return tr("Key file");
        case col_record:
            return tr("Record");
        case col_pid:
            return tr("PID");
        case col_pps:
            return tr("PPS");
        case col_current_password:
            return tr("Current password");
        case col_new_password:
            return tr("New password");
        case col_state:
            return tr("State");
        case col_voided:
            return tr("Voided");
        default:
            return {};
    }
}

}  // namespace ukpu::gui
