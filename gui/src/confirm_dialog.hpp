// The confirmation before sticks are erased: every stick's identity (model, size, serial, USB
// port, mounts), what will happen to it, and Cancel as the default button. A stick that a yes
// is not enough for (not removable, larger than 128 GiB, or holding records no PC took, as the
// key store knows them: `policy.name_needed`) must have its name typed, with why, as on the
// command line; the Write button stays disabled until every such name is typed.
#pragma once

#include <QDialog>

#include <vector>

#include "ukpu/devices/discovery.hpp"
#include "ukpu/provision/device_safety.hpp"
#include "ukpu/provision/reporter.hpp"

class QLineEdit;
class QPushButton;

namespace ukpu::gui {

// What is about to happen to the sticks.
using provision::StickAction;

class ConfirmDialog : public QDialog {
    Q_OBJECT
public:
    // `policy`: whether mounted sticks are unmounted first, and the disks whose name must be
    // typed whatever they are.
    ConfirmDialog(const std::vector<devices::DeviceInfo>& disks,
                  const provision::DeviceWritePolicy& policy,
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
                         const provision::DeviceWritePolicy& policy, StickAction action);

}  // namespace ukpu::gui
