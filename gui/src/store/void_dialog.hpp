// Asks before the records of a key file are voided (a lost stick): says which key file and stick,
// how many records would be voided and what that means, and wants the reason typed; Cancel is
// the default button and "Void" stays disabled until a reason is given.
#pragma once

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace ukpu::gui {

class VoidDialog : public QDialog {
    Q_OBJECT
public:
    // `what`: the key file and what voiding would do, as the store view says it.
    VoidDialog(const QString& what, QWidget* parent = nullptr);

    QString reason() const;
    QLineEdit* reason_field() const { return reason_; }
    QPushButton* void_button() const { return void_; }

private:
    QLineEdit* reason_ = nullptr;
    QPushButton* void_ = nullptr;
};

}  // namespace ukpu::gui
