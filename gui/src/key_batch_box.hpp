// The "Key batch" part of the window: a batch of PID/PPS records (for older AMT) made through the
// same service as `ukpu keys generate --device`, split over the ticked sticks (records per stick:
// the number of records over the number of sticks, rounded up), one setup.bin each, with the
// MEBx password the PCs have now and either a new password from a file or a random strong one
// per record, stored in the key store before the sticks are written.
#pragma once

#include <QGroupBox>

#include <cstdint>
#include <string>
#include <vector>

#include "ukpu/provision/key_batch.hpp"

class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace ukpu::gui {

class KeyBatchBox : public QGroupBox {
    Q_OBJECT
public:
    explicit KeyBatchBox(QWidget* parent = nullptr);

    // The fields, settable directly (tests).
    void set_records(int n);
    void set_current_password_file(const QString& path);
    void set_new_password_file(const QString& path);  // and chooses "new password from a file"
    void set_random_new_password(bool on);
    void set_store(const QString& path);  // empty: the default key store
    QPushButton* make_button() const { return make_; }

    std::uint32_t records() const;
    // Records per stick for `sticks` sticks: ceil(records / sticks).
    std::uint32_t per_stick(std::size_t sticks) const;
    // What keeps a batch from being made on `sticks` sticks (a field left empty, fewer records
    // than sticks); empty when nothing does.
    QString problem(std::size_t sticks) const;
    // The job for the sticks `devices` (their paths), as `ukpu keys generate --device` makes it
    // from its options.
    provision::KeyBatchJob job(const std::vector<std::string>& devices) const;
    // The key store chosen (empty: the default one): the batch's, and the one asked which
    // records a stick about to be overwritten still holds.
    std::string store() const;
    // The files the batch reads and the store it writes, which the sticks must not hold.
    std::vector<provision::FileInUse> files_in_use() const;

private:
    void choose_file(QLineEdit* field, const QString& title, bool save);
    void mode_changed();

    QSpinBox* records_ = nullptr;
    QLineEdit* current_ = nullptr;
    QRadioButton* from_file_ = nullptr;
    QRadioButton* random_ = nullptr;
    QLineEdit* new_ = nullptr;
    QPushButton* choose_new_ = nullptr;
    QLineEdit* store_ = nullptr;
    QPushButton* make_ = nullptr;
};

}  // namespace ukpu::gui
