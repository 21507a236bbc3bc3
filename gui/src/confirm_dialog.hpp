// The confirmation before sticks are erased: every stick's identity (model, size, serial, USB
// port, mounts), what will happen to it, and Cancel as the default button. A stick that a yes
// is not enough for (not removable, or larger than 128 GiB) must have its name typed, as on
// the command line; the Write button stays disabled until every such name is typed.
#pragma once

#include <QDialog>

#include <vector>

#include "ukpu/devices/discovery.hpp"
#include "ukpu/provision/reporter.hpp"

class QLineEdit;
class QPushButton;

namespace ukpu::gui {

// What is about to happen to the sticks.
using provision::StickAction;

class ConfirmDialog : public QDialog {
    Q_OBJECT
public:
    ConfirmDialog(const std::vector<devices::DeviceInfo>& disks, bool unmount,
                  StickAction action = StickAction::write, QWidget* parent = nullptr);

    // The names that must be typed ("sdb"), space-separated; empty when none.
    QString names_to_type() const { return names_; }
    QLineEdit* name_field() const { return typed_; }
    QPushButton* write_button() const { return write_; }

private:
    void update_button();

    QString names_;
    QLineEdit* typed_ = nullptr;
    QPushButton* write_ = nullptr;
};

// Shows the dialog; true when the user confirmed.
bool confirm_with_dialog(QWidget* parent, const std::vector<devices::DeviceInfo>& disks,
                         bool unmount, StickAction action);

}  // namespace ukpu::gui
