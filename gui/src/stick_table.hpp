// The sticks of the machine in a table: one row per disk that `ukpu devices` lists (with "show
// every disk", the hidden ones too, greyed and not selectable, with the reason they are hidden;
// with "allow disks that are not USB sticks", those hidden only for that can be ticked).
// The first column's check box selects a stick; the last column shows its state: the progress of
// a write (speed, time left), then its outcome.
#pragma once

#include <QTableWidget>

#include <optional>
#include <string>
#include <vector>

#include "ukpu/devices/discovery.hpp"

namespace ukpu::gui {

class StickTable : public QTableWidget {
    Q_OBJECT
public:
    enum Column {
        col_device,
        col_model,
        col_size,
        col_serial,
        col_usb_port,
        col_mounts,
        col_state,
        columns
    };

    explicit StickTable(QWidget* parent = nullptr);

    // Fills the table from `found`; hidden disks only with `show_all`, and those that are hidden
    // only for not being USB selectable with `allow_non_usb`. Selections are dropped.
    void fill(const devices::Discovery& found, bool show_all, bool allow_non_usb = false);
    // Whether `d` may be ticked.
    static bool selectable(const devices::DeviceInfo& d, bool allow_non_usb);

    const std::vector<devices::DeviceInfo>& disks() const { return disks_; }
    // Rows whose check box is ticked.
    std::vector<int> selected_rows() const;
    // Ticks (or clears) the row of device `name` ("sdb"); false when it is not selectable.
    bool select(const std::string& name, bool on);
    std::optional<int> row_of(const std::string& name) const;
    void set_state(int row, const QString& text);
    // The outcome of a Write, a Repair or a batch: "written and verified", or the failure and,
    // after it, why and what to do next (`detail`, also the cell's tooltip); a failure in red.
    void set_outcome(int row, bool ok, const QString& text, const QString& detail);
    QString state(int row) const;

private:
    std::vector<devices::DeviceInfo> disks_;
    std::vector<bool> selectable_;  // per row
};

}  // namespace ukpu::gui
