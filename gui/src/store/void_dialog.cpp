#include "void_dialog.hpp"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace ukpu::gui {

VoidDialog::VoidDialog(const QString& what, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Void records?"));
    setMinimumWidth(480);
    auto* layout = new QVBoxLayout(this);
    auto* text = new QLabel(what, this);
    text->setWordWrap(true);
    layout->addWidget(text);
    auto* form = new QFormLayout;
    reason_ = new QLineEdit(this);
    reason_->setPlaceholderText(tr("lost stick, reported by ..."));
    auto* label = new QLabel(tr("&Reason (kept in the store)"), this);
    label->setBuddy(reason_);
    form->addRow(label, reason_);
    layout->addLayout(form);
    auto* buttons = new QDialogButtonBox(this);
    void_ = buttons->addButton(tr("&Void records"), QDialogButtonBox::DestructiveRole);
    auto* cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setDefault(true);
    void_->setAutoDefault(false);
    void_->setEnabled(false);
    layout->addWidget(buttons);
    connect(reason_, &QLineEdit::textChanged, this,
            [this] { void_->setEnabled(!reason().isEmpty()); });
    connect(void_, &QPushButton::clicked, this, &QDialog::accept);
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
}

QString VoidDialog::reason() const {
    return reason_->text().trimmed();
}

}  // namespace ukpu::gui
