#include "confirm_dialog.hpp"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "presentation/counted_text.hpp"
#include "ukpu/provision/device_safety.hpp"

namespace ukpu::gui {

ConfirmDialog::ConfirmDialog(const std::vector<devices::DeviceInfo>& disks,
                             const provision::DeviceWritePolicy& policy, StickAction action,
                             QWidget* parent)
    : QDialog(parent) {
    const bool unmount = policy.unmount;
    const bool repair = action == StickAction::repair;
    const QString sticks = counted(disks.size(), "stick");
    setWindowTitle(repair ? tr("Repair %1?").arg(sticks) : tr("Erase %1?").arg(sticks));
    auto* layout = new QVBoxLayout(this);
    QString list;
    QStringList names;
    for (const auto& d : disks) {
        list += "<li><b>" + QString::fromStdString(d.path).toHtmlEscaped() +
                "</b>: " + QString::fromStdString(d.identity()).toHtmlEscaped();
        if (!d.mounts.empty()) {
            QStringList m;
            for (const auto& use : d.mounts) m << QString::fromStdString(use.mount_point);
            list += "<br>" +
                    (unmount ? tr("mounted at %1: will be unmounted first") : tr("mounted at %1"))
                        .arg(m.join(", ").toHtmlEscaped());
        }
        if (!provision::yes_is_enough(d) || policy.name_needed.count(d.path)) {
            names << QString::fromStdString(d.name);
            list += "<br>" + tr("%1: type its name")
                                 .arg(QString::fromStdString(provision::why_name_needed(d, policy))
                                          .toHtmlEscaped());
        }
        list += "</li>";
    }
    auto* text = new QLabel(
        (repair ? tr("These sticks are repaired in place: setup.bin is made findable by every "
                     "firmware and every other file is kept. A journal on this computer lets an "
                     "interrupted repair be finished, or undone, by repairing again here.")
                : tr("Every byte on these sticks may be overwritten; their files will be lost.")) +
            "<ul>" + list + "</ul>" +
            tr("Each one is checked again just before its first write: a stick swapped in the "
               "meantime is not written."),
        this);
    text->setTextFormat(Qt::RichText);
    text->setWordWrap(true);
    layout->addWidget(text);
    names_ = names.join(' ');
    if (!names.isEmpty()) {
        layout->addWidget(new QLabel(tr("Type %1 to continue:").arg(names_), this));
        typed_ = new QLineEdit(this);
        typed_->setObjectName("typed_names");
        layout->addWidget(typed_);
        connect(typed_, &QLineEdit::textChanged, this, [this] { update_button(); });
    }
    auto* buttons = new QDialogButtonBox(this);
    write_ = buttons->addButton(repair ? tr("Repair") : tr("Erase and write"),
                                QDialogButtonBox::AcceptRole);
    auto* cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setDefault(true);
    cancel->setFocus();
    write_->setAutoDefault(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    update_button();
}

void ConfirmDialog::update_button() {
    write_->setEnabled(!typed_ || typed_->text().simplified() == names_);
}

bool confirm_with_dialog(QWidget* parent, const std::vector<devices::DeviceInfo>& disks,
                         const provision::DeviceWritePolicy& policy, StickAction action) {
    ConfirmDialog dialog(disks, policy, action, parent);
    return dialog.exec() == QDialog::Accepted;
}

}  // namespace ukpu::gui
