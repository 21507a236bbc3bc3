#include "transfer_rate.hpp"

#include <QObject>

#include <cmath>

namespace ukpu::gui {

void TransferRate::update(const QString& what, std::uint64_t done, std::uint64_t total,
                          Clock::time_point now) {
    if (!started_ || what != what_ || done < done_) {
        what_ = what;
        first_done_ = done;
        first_ = now;
        started_ = true;
    }
    done_ = done;
    total_ = total;
    last_ = now;
}

std::optional<double> TransferRate::bytes_per_second() const {
    if (!started_ || done_ <= first_done_) return std::nullopt;
    const double seconds = std::chrono::duration<double>(last_ - first_).count();
    if (seconds < 0.5) return std::nullopt;
    return static_cast<double>(done_ - first_done_) / seconds;
}

std::optional<double> TransferRate::seconds_left() const {
    const auto speed = bytes_per_second();
    if (!speed || *speed <= 0) return std::nullopt;
    return static_cast<double>(total_ > done_ ? total_ - done_ : 0) / *speed;
}

QString TransferRate::text() const {
    QString t = what_;
    if (total_ > 0) t += QStringLiteral(" %1%").arg(done_ * 100 / total_);
    if (const auto speed = bytes_per_second()) {
        t += QStringLiteral(", ") + speed_text(*speed);
        if (const auto left = seconds_left())
            t += QStringLiteral(", ") + QObject::tr("%1 left").arg(duration_text(*left));
    }
    return t;
}

QString duration_text(double seconds) {
    const auto s = static_cast<long long>(std::ceil(seconds));
    if (s < 60) return QObject::tr("%1 s").arg(s);
    if (s < 3600) return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
    return QObject::tr("%1 h %2 min").arg(s / 3600).arg(s % 3600 / 60, 2, 10, QChar('0'));
}

QString speed_text(double bytes_per_second) {
    if (bytes_per_second < 1e6)
        return QObject::tr("%1 kB/s").arg(
            static_cast<long long>(std::round(bytes_per_second / 1e3)));
    return QObject::tr("%1 MB/s").arg(bytes_per_second / 1e6, 0, 'f', 1);
}

}  // namespace ukpu::gui
