#include "window_icon.hpp"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace ukpu::gui {

namespace {

// packaging/icons/ukpu-gui.svg at `size` pixels: a USB stick with a key on its label.
QPixmap painted(int size) {
    QPixmap pixmap(size, size);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.scale(size / 64.0, size / 64.0);
    p.setPen(QPen(QColor("#3e4c59"), 2));
    p.setBrush(QColor("#9aa5b1"));
    p.drawRoundedRect(QRectF(22, 2, 20, 14), 2, 2);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor("#3e4c59"));
    p.drawRect(QRectF(27, 6, 4, 4));
    p.drawRect(QRectF(33, 6, 4, 4));
    p.setPen(QPen(QColor("#053f7a"), 2));
    p.setBrush(QColor("#0b6bcb"));
    p.drawRoundedRect(QRectF(14, 16, 36, 46), 5, 5);
    QPen white(Qt::white, 4, Qt::SolidLine, Qt::RoundCap);
    p.setPen(white);
    p.setBrush(Qt::NoBrush);
    p.drawEllipse(QPointF(26, 39), 7, 7);
    QPainterPath key;
    key.moveTo(33, 39);
    key.lineTo(44, 39);
    key.moveTo(40, 39);
    key.lineTo(40, 45);
    key.moveTo(44, 39);
    key.lineTo(44, 44);
    p.drawPath(key);
    return pixmap;
}

}  // namespace

QIcon window_icon() {
    QIcon drawn;
    for (int size : {16, 24, 32, 48, 64, 128}) drawn.addPixmap(painted(size));
    return QIcon::fromTheme(QStringLiteral("ukpu-gui"), drawn);
}

}  // namespace ukpu::gui
