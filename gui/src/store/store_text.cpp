#include "store_text.hpp"

#include <QObject>
#include <QStringList>

#include "presentation/qt_text.hpp"
#include "ukpu/devices/discovery.hpp"
#include "ukpu/keys/error.hpp"
#include "ukpu/provision/error.hpp"

namespace ukpu::gui {

QString stick_text(const keys::KeyFileInfo& f) {
    if (!f.device) return {};
    std::string model = f.device->vendor;
    if (!f.device->model.empty()) model += (model.empty() ? "" : " ") + f.device->model;
    if (f.device->size) model += (model.empty() ? "" : ", ") + devices::size_text(f.device->size);
    return qs(model);
}

QString key_file_text(const keys::KeyFileInfo& f) {
    QString t = QObject::tr("key file %1 of batch %2").arg(f.id).arg(f.batch_id);
    QStringList what;
    if (!f.label.empty()) what << QObject::tr("label %1").arg(qs(f.label));
    if (f.device)
        what << (f.device->serial.empty()
                     ? QObject::tr("a stick without serial")
                     : QObject::tr("stick serial %1").arg(qs(f.device->serial)));
    what << qs(f.target);
    return t + " (" + what.join(", ") + ")";
}

QString file_state_text(keys::KeyFileState s) {
    switch (s) {
        case keys::KeyFileState::written:
            return QObject::tr("written");
        case keys::KeyFileState::failed:
            return QObject::tr("FAILED: never written; its records are on no key");
        case keys::KeyFileState::pending:
            return QObject::tr("pending: not written (a run that stopped)");
    }
    return {};
}

QString failure_text(const std::exception& e) {
    if (const auto* ke = dynamic_cast<const keys::Error*>(&e))
        return qs(ke->where().empty() ? ke->message() : ke->where() + ": " + ke->message());
    if (const auto* pe = dynamic_cast<const provision::Error*>(&e))
        return qs(pe->location().empty() ? pe->message() : pe->location() + ": " + pe->message());
    return QString::fromLocal8Bit(e.what());
}

}  // namespace ukpu::gui
