// The key store view's actions: sync, export for the server, void (store_view.hpp).
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QLabel>
#include <QRadioButton>

#include <fstream>

#include "presentation/counted_text.hpp"
#include "presentation/qt_text.hpp"
#include "store_text.hpp"
#include "store_view.hpp"
#include "ukpu/keys/key_store.hpp"
#include "ukpu/keys/key_sync.hpp"
#include "ukpu/provision/key_store_access.hpp"
#include "ukpu/provision/server_export.hpp"
#include "ukpu/provision/void_preview.hpp"
#include "ukpu/setupbin/parse.hpp"

namespace ukpu::gui {

namespace pv = ukpu::provision;

namespace {

// True when `path` starts as a setup.bin does (its file type GUID), not as a disk image.
bool looks_like_setup_bin(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    std::vector<std::uint8_t> head(4096);
    in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return setupbin::not_a_setup_bin(setupbin::parse_lenient(head)) == nullptr;
}

}  // namespace

SyncLine sync_into(const std::string& store_at, const pv::KeyToSync& key) {
    try {
        const auto store = pv::open_existing_store(store_at);
        const keys::SyncResult r = pv::sync_read_key(*store, key);
        QString line = qs(key.source) + ": " + key_file_text(r.file) +
                       StoreView::tr(", matched by ") + qs(r.matched_by) + ": " +
                       StoreView::tr(
                           "%1 consumed on the key, %2 newly marked consumed in the "
                           "store.")
                           .arg(counted(r.consumed_on_key, "record"))
                           .arg(r.newly_marked);
        for (const auto& w : r.warnings) line += "\n" + StoreView::tr("warning: ") + qs(w);
        return {true, line};
    } catch (const std::exception& e) {
        return {false, StoreView::tr("Not synced: %1").arg(failure_text(e))};
    }
}

QString StoreView::sync_key(const pv::KeyToSync& key) {
    return sync_into(store_.toStdString(), key).line;
}

bool StoreView::sync_file(const QString& path) {
    pv::KeyToSync key;
    try {
        const auto kind =
            looks_like_setup_bin(path) ? pv::SyncSource::setup_bin : pv::SyncSource::image;
        key = pv::read_key_to_sync(pv::Context{}, kind, path.toStdString());
    } catch (const std::exception& e) {
        show_outcome({tr("Not synced: %1").arg(failure_text(e))});
        return false;
    }
    const QString line = sync_key(key);
    show_outcome({line});
    reload();
    return !line.startsWith(tr("Not synced"));
}

void StoreView::choose_and_sync_file() {
    const QString path = ask_path_(this, tr("Sync a key image or setup.bin file"),
                                   tr("Key images and setup.bin files (*.img *.bin *.raw);;All "
                                      "files (*)"),
                                   false);
    if (!path.isEmpty()) sync_file(path);
}

std::optional<keys::ExportFormat> StoreView::export_format() const {
    return keys::parse_export_format(format_->currentData().toString().toStdString());
}

void StoreView::set_export_format(keys::ExportFormat f) {
    format_->setCurrentIndex(format_->findData(QString(keys::to_string(f))));
}

void StoreView::set_export_all_batches(bool all) {
    (all ? export_all_ : export_batch_)->setChecked(true);
}

void StoreView::set_export_upsert(bool on) {
    upsert_->setChecked(on);
}

void StoreView::set_export_plain(bool on) {
    plain_->setChecked(on);
}

bool StoreView::export_to(const QString& path) {
    pv::ServerExport request;
    request.format = export_format().value_or(keys::ExportFormat::scs_csv);
    if (!export_all_->isChecked()) {
        request.batch = selected_batch();
        if (!request.batch) {
            show_outcome({tr("Not exported: select a batch, or choose all batches.")});
            return false;
        }
    }
    request.upsert = upsert_->isChecked();
    request.form = plain_->isChecked() ? keys::PidForm::plain : keys::PidForm::dashed;
    request.output = path.toStdString();
    request.overwrite = true;  // the file dialog asked
    try {
        const pv::ServerExportOutcome out = pv::export_for_server(store_.toStdString(), request);
        QStringList lines;
        lines << tr("Wrote %1: %2, %3%4 (holds the PPS and passwords; readable by you only, mode "
                    "0600).")
                     .arg(path, counted(out.records, "record"), keys::to_string(request.format),
                          request.upsert ? tr(" upsert, deleting %1 on the server")
                                               .arg(counted(out.deleted, "voided record"))
                                         : QString());
        const auto& left = out.left_out;
        QStringList why;
        if (left.voided && !request.upsert) why << tr("%1 voided").arg(left.voided);
        if (left.unplaced) why << tr("%1 on no key yet").arg(left.unplaced);
        if (left.unwritten)
            why << tr("%1 of key files never written (no PC can hold them)").arg(left.unwritten);
        if (!why.isEmpty()) lines << tr("Left out: %1.").arg(why.join(", "));
        show_outcome(lines);
    } catch (const std::exception& e) {
        show_outcome({tr("Not exported: %1").arg(failure_text(e))});
        return false;
    }
    reload();
    return true;
}

void StoreView::choose_and_export() {
    const QString path =
        ask_path_(this, tr("Export for the provisioning server"), tr("All files (*)"), true);
    if (!path.isEmpty()) export_to(path);
}

void StoreView::ask_and_void() {
    const auto id = selected_key_file();
    if (!id) return;
    QString what;
    try {
        const auto store = pv::open_existing_store(store_.toStdString());
        keys::VoidSelection which;
        which.key_file_id = *id;
        const keys::VoidOutcome would = pv::would_void(*store, which);
        const QString file = key_file_text(store->key_file(*id));
        if (would.voided == 0) {
            show_outcome({tr("Nothing to void on %1: no record left that a PC has not taken or "
                             "that was not voided before.")
                              .arg(file)});
            return;
        }
        what = tr("Void %1 of %2 that no PC took? They are never exported as usable again and "
                  "never written to a key.")
                   .arg(counted(would.voided, "record"), file);
        if (would.consumed_kept)
            what += " " + tr("%1 that PCs took stay as they are.")
                              .arg(counted(would.consumed_kept, "record"));
        what += " " + tr("A server that got them before still has them: export scs-sql with "
                         "upsert and load it there.");
    } catch (const std::exception& e) {
        show_outcome({tr("Not voided: %1").arg(failure_text(e))});
        return;
    }
    const auto reason = ask_void_(this, what);
    if (!reason) {
        show_outcome({tr("Not voided (cancelled).")});
        return;
    }
    void_key_file(*id, *reason);
}

bool StoreView::void_key_file(std::int64_t id, const QString& reason) {
    if (reason.trimmed().isEmpty()) {
        show_outcome({tr("Not voided: say why the records are voided.")});
        return false;
    }
    try {
        const auto store = pv::open_existing_store(store_.toStdString());
        keys::VoidSelection which;
        which.key_file_id = id;
        const keys::VoidOutcome out = store->void_records(which, reason.trimmed().toStdString());
        QString line = tr("Key file %1: %2 voided").arg(id).arg(counted(out.voided, "record"));
        if (out.already_voided)
            line += tr(", %1 voided before").arg(counted(out.already_voided, "record"));
        if (out.consumed_kept)
            line +=
                tr(", %1 kept (PCs took them)").arg(counted(out.consumed_kept, "consumed record"));
        show_outcome({line + "."});
    } catch (const std::exception& e) {
        show_outcome({tr("Not voided: %1").arg(failure_text(e))});
        return false;
    }
    reload();
    return true;
}

}  // namespace ukpu::gui
