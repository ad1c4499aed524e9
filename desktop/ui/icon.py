"""The app icon: one SVG (sharp at any DPI), and a copy with the unread-count badge."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

ICON_FILE = Path(__file__).resolve().parent / "icons" / "helpdesk.svg"
SIZES = (16, 22, 24, 32, 48, 64, 128)


def app_icon() -> QIcon:
    return QIcon(str(ICON_FILE))


def badged_icon(count: int) -> QIcon:
    """The app icon with a red badge showing `count` (no badge at 0)."""
    base = app_icon()
    if count <= 0:
        return base
    icon = QIcon()
    text = str(count) if count < 10 else "9+"
    for size in SIZES:
        pixmap = base.pixmap(size, size)
        if pixmap.isNull():
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.Antialiasing)
        diameter = size * 0.55
        rect = QRectF(size - diameter, 0, diameter, diameter)
        painter.setBrush(QColor("#d1242f"))
        painter.setPen(QColor("#ffffff"))
        painter.drawEllipse(rect)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(6, int(diameter * 0.7)))
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignCenter, text)
        painter.end()
        icon.addPixmap(pixmap)
    return icon
