// The records of a batch as a table model (a batch may hold 100,000 records: a view over a model,
// not a widget per cell): id, key file, record number, PID, PPS, the two MEBx passwords, state
// and why it was voided. PPS and passwords are shown as *** unless secrets are shown, as
// `ukpu keys list` does.
#pragma once

#include <QAbstractTableModel>

#include <vector>

#include "ukpu/keys/records.hpp"

namespace ukpu::gui {

class RecordModel : public QAbstractTableModel {
public:
    enum Column {
        col_id,
        col_key_file,
        col_record,
        col_pid,
        col_pps,
        col_current_password,
        col_new_password,
        col_state,
        col_voided,
        columns
    };

    explicit RecordModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}

    void set_records(std::vector<keys::KeyRecord> records);
    void set_show_secrets(bool on);
    bool show_secrets() const { return show_secrets_; }
    const std::vector<keys::KeyRecord>& records() const { return records_; }

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    std::vector<keys::KeyRecord> records_;
    bool show_secrets_ = false;
};

}  // namespace ukpu::gui
