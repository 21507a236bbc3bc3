// The "Key store" view: what the key store holds and what can be done with it, through the same
// services as `ukpu keys list | sync | export | void`. The batches (id, date, records, setup.bin
// version, records by state); for the batch selected its key files (label, where it was written:
// the stick by serial, vendor and model, or the file; written, failed or pending; volume id; how
// many of its records PCs consumed and how many were voided) and its records (PPS and passwords
// masked until "Show secrets"). Sync reads back which records PCs consumed, from the sticks ticked
// on the Write keys tab (MainWindow reads them) or from an image or setup.bin file; Export writes
// the server's records in the formats of `keys export` (mode 0600) and marks them exported; a lost
// stick's records are voided with a reason after a confirmation. The store is opened for each
// reading or change and closed again (a batch being made writes it meanwhile); one that is not
// there is never created here.
#pragma once

#include <QWidget>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ukpu/keys/exports.hpp"
#include "ukpu/keys/records.hpp"
#include "ukpu/provision/key_sync_source.hpp"

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QTableView;
class QTableWidget;

namespace ukpu::gui {

class RecordModel;

// A key read elsewhere (a stick, an image) synced into the store at `store`: whether it was, and
// the line saying what it came to ("Not synced: ..." when it was not). Opens the store itself,
// touches no widget: callable from any thread.
struct SyncLine {
    bool synced = false;
    QString line;
};
SyncLine sync_into(const std::string& store, const provision::KeyToSync& key);

class StoreView : public QWidget {
    Q_OBJECT
public:
    // Asks to void records, showing `what`; the reason typed, or none when cancelled (default:
    // VoidDialog).
    using AskVoid = std::function<std::optional<QString>(QWidget*, const QString& what)>;
    // Asks for a file to read (`save` false) or to write, offering `filter` ("Key stores (*.db);;
    // All files (*)"); empty when cancelled (default: a file dialog).
    using AskPath =
        std::function<QString(QWidget*, const QString& title, const QString& filter, bool save)>;

    enum BatchColumn {
        batch_id,
        batch_created,
        batch_version,
        batch_records,
        batch_on_key,
        batch_consumed,
        batch_exported,
        batch_voided,
        batch_files,
        batch_state,
        batch_columns
    };
    enum FileColumn {
        file_id,
        file_label,
        file_target,
        file_serial,
        file_stick,
        file_state,
        file_volume_id,
        file_records,
        file_consumed,
        file_voided,
        file_columns
    };

    explicit StoreView(QWidget* parent = nullptr);
    ~StoreView() override;

    void set_ask_void(AskVoid a) { ask_void_ = std::move(a); }
    void set_ask_path(AskPath a) { ask_path_ = std::move(a); }

    // Shows the store at `path` (empty: the default store), read again now.
    void show_store(const QString& path);
    // Reads the store shown again, keeping the batch and key file selected.
    void reload();
    // The store as given (empty: the default one), and the line saying which store is open.
    QString store() const { return store_; }
    QString store_text() const;

    QTableWidget* batches() const { return batches_; }
    QTableWidget* key_files() const { return files_; }
    QTableView* records_view() const { return records_view_; }
    const RecordModel& records() const { return *records_; }
    bool select_batch(std::int64_t id);
    std::optional<std::int64_t> selected_batch() const;
    bool select_key_file(std::int64_t id);
    std::optional<std::int64_t> selected_key_file() const;
    void set_show_secrets(bool on);
    // The selected batch's records by state: "10 records: 0 generated, 6 on a key, ...".
    QString counts_text() const;
    // What the last sync, export or void came to (or why it was not done).
    QString outcome() const;
    void show_outcome(const QStringList& lines);

    // Syncs a key read elsewhere (a stick the window read): the line saying what it came to.
    QString sync_key(const provision::KeyToSync& key);
    // Syncs an image or setup.bin file (told apart by its first bytes); true when synced.
    bool sync_file(const QString& path);
    // Exports to `path` (replaced when it exists: the file dialog asked) with the format and
    // options chosen in the view; true when written.
    bool export_to(const QString& path);
    void set_export_format(keys::ExportFormat f);
    void set_export_all_batches(bool all);
    void set_export_upsert(bool on);
    void set_export_plain(bool on);
    // Voids the unconsumed records of key file `id` with `reason`; true when done.
    bool void_key_file(std::int64_t id, const QString& reason);

    QPushButton* sync_sticks_button() const { return sync_sticks_; }
    QPushButton* sync_file_button() const { return sync_file_; }
    QPushButton* export_button() const { return export_; }
    QPushButton* void_button() const { return void_; }
    QPushButton* write_again_button() const { return write_again_; }

signals:
    // "Sync the ticked sticks": MainWindow reads them and calls sync_key.
    void syncSticksRequested();
    // Another store was opened here: the window's key batches go there too.
    void storeChosen(const QString& path);
    // "Write it again to the ticked stick": MainWindow writes the key file to the stick ticked.
    void writeKeyFileRequested(qint64 key_file_id);

private:
    void open_another();
    void batch_selected();
    void file_selected();
    void choose_and_sync_file();
    void choose_and_export();
    void ask_and_void();
    void update_actions();
    std::optional<keys::ExportFormat> export_format() const;

    QString store_;
    QLineEdit* store_line_ = nullptr;
    QTableWidget* batches_ = nullptr;
    QTableWidget* files_ = nullptr;
    QLabel* counts_ = nullptr;
    QCheckBox* show_secrets_ = nullptr;
    QTableView* records_view_ = nullptr;
    RecordModel* records_ = nullptr;
    QPushButton* sync_sticks_ = nullptr;
    QPushButton* sync_file_ = nullptr;
    QComboBox* format_ = nullptr;
    QRadioButton* export_batch_ = nullptr;
    QRadioButton* export_all_ = nullptr;
    QCheckBox* upsert_ = nullptr;
    QCheckBox* plain_ = nullptr;
    QPushButton* export_ = nullptr;
    QPushButton* void_ = nullptr;
    QPushButton* write_again_ = nullptr;
    QLabel* outcome_ = nullptr;

    std::vector<keys::BatchInfo> batch_list_;
    AskVoid ask_void_;
    AskPath ask_path_;
};

}  // namespace ukpu::gui
