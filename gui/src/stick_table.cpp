#include "stick_table.hpp"

#include <QHeaderView>

namespace ukpu::gui {

namespace {

QString text(const std::string& s) {
    return QString::fromStdString(s);
}

QString mounts_text(const devices::DeviceInfo& d) {
    QStringList m;
    for (const auto& use : d.mounts) m << text(use.mount_point);
    return m.join(", ");
}

}  // namespace

StickTable::StickTable(QWidget* parent) : QTableWidget(0, columns, parent) {
    setHorizontalHeaderLabels({tr("Device"), tr("Model"), tr("Size"), tr("Serial"), tr("USB port"),
                               tr("Mounted at"), tr("State")});
    horizontalHeader()->setStretchLastSection(true);
    verticalHeader()->setVisible(false);
    setSelectionMode(QAbstractItemView::NoSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
}

bool StickTable::selectable(const devices::DeviceInfo& d, bool allow_non_usb) {
    // --allow-non-usb lifts only the USB rule: never a system disk, an empty reader or a
    // read-only disk.
    return d.writable || (allow_non_usb && !d.system && d.size != 0 && !d.read_only);
}

void StickTable::fill(const devices::Discovery& found, bool show_all, bool allow_non_usb) {
    disks_.clear();
    selectable_.clear();
    for (const auto& d : found.devices)
        if (d.writable || show_all) {
            disks_.push_back(d);
            selectable_.push_back(selectable(d, allow_non_usb));
        }
    setRowCount(static_cast<int>(disks_.size()));
    for (int row = 0; row < rowCount(); ++row) {
        const auto& d = disks_[static_cast<std::size_t>(row)];
        auto* dev = new QTableWidgetItem(text(d.path));
        const bool can_tick = selectable_[static_cast<std::size_t>(row)];
        Qt::ItemFlags flags = Qt::ItemIsEnabled;
        if (can_tick) {
            flags |= Qt::ItemIsUserCheckable;
            dev->setCheckState(Qt::Unchecked);
        }
        dev->setFlags(flags);
        setItem(row, col_device, dev);
        setItem(row, col_model, new QTableWidgetItem(text(d.vendor + " " + d.model).trimmed()));
        setItem(row, col_size, new QTableWidgetItem(text(devices::size_text(d.size))));
        setItem(row, col_serial, new QTableWidgetItem(text(d.serial.empty() ? "-" : d.serial)));
        setItem(row, col_usb_port,
                new QTableWidgetItem(text(d.bus_path.empty() ? "-" : d.bus_path)));
        setItem(row, col_mounts, new QTableWidgetItem(mounts_text(d)));
        setItem(row, col_state,
                new QTableWidgetItem(d.writable ? tr("ready")
                                     : can_tick ? tr("not USB: its name must be typed")
                                                : tr("hidden: ") + text(d.hidden_reason)));
        for (int c = col_model; c < columns; ++c) item(row, c)->setFlags(Qt::ItemIsEnabled);
        if (!can_tick)
            for (int c = 0; c < columns; ++c)
                item(row, c)->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
    }
    resizeColumnsToContents();
}

std::vector<int> StickTable::selected_rows() const {
    std::vector<int> rows;
    for (int row = 0; row < rowCount(); ++row)
        if (item(row, col_device)->checkState() == Qt::Checked) rows.push_back(row);
    return rows;
}

std::optional<int> StickTable::row_of(const std::string& name) const {
    for (std::size_t i = 0; i < disks_.size(); ++i)
        if (disks_[i].name == name) return static_cast<int>(i);
    return std::nullopt;
}

bool StickTable::select(const std::string& name, bool on) {
    const auto row = row_of(name);
    if (!row || !selectable_[static_cast<std::size_t>(*row)]) return false;
    item(*row, col_device)->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    return true;
}

void StickTable::set_state(int row, const QString& text) {
    auto* cell = item(row, col_state);
    cell->setText(text);
    cell->setToolTip(QString());
    cell->setForeground(palette().color(QPalette::Text));
}

void StickTable::set_outcome(int row, bool ok, const QString& text, const QString& detail) {
    auto* cell = item(row, col_state);
    cell->setText(ok || detail.isEmpty() ? text : text + ": " + detail);
    cell->setToolTip(detail);
    cell->setForeground(ok ? palette().color(QPalette::Text) : QColor(Qt::darkRed));
}

QString StickTable::state(int row) const {
    return item(row, col_state)->text();
}

}  // namespace ukpu::gui
