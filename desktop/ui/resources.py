"""What the app ships besides code: its icon and its translations.

The icon is one SVG (sharp at any DPI); `badged_icon(n)` draws the unread-tickets badge
on it at every tray size.

French and English go through Qt's translation machinery.
Every user-visible string in desktop/ui is written in English with `self.tr()` (or
`QCoreApplication.translate(context, text)`). The French sources are
`translations/helpdesk_fr.ts` (Qt Linguist XML); `make translations` extracts new strings
with pyside6-lupdate and compiles `helpdesk_fr.qm` with pyside6-lrelease. Where the .qm
is missing (a build without the Qt tools), `TsTranslator` reads the .ts file directly:
same strings, same contexts, no compiled file needed.

    set_language("fr")            # "" follows the system language
    tray.setIcon(badged_icon(3))
    context_label("Computer name")        # "Nom de l'ordinateur" in a French session

Words of the layers without Qt that windows show (the ticket's device details of
`desktop.itsm.context.LABELS`) are listed with QT_TRANSLATE_NOOP so that
`make translations` extracts them; the ITSM still receives them in English.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale, QRectF, Qt, QTranslator
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
ICON_FILE = Path(__file__).resolve().parent / "icons" / "helpdesk.svg"
SIZES = (16, 22, 24, 32, 48, 64, 128)
LANGUAGES = {"en": "English", "fr": "Français"}
_installed: list[QTranslator] = []
CONTEXT_LABELS = (     # desktop.itsm.context.LABELS, as the ticket summary shows them (a test pins the list)
    QT_TRANSLATE_NOOP("ContextLabels", "Computer name"),
    QT_TRANSLATE_NOOP("ContextLabels", "Operating system"),
    QT_TRANSLATE_NOOP("ContextLabels", "IP address"),
    QT_TRANSLATE_NOOP("ContextLabels", "Free disk space"),
    QT_TRANSLATE_NOOP("ContextLabels", "Time since restart"),
    QT_TRANSLATE_NOOP("ContextLabels", "Helpdesk Assistant version"),
    QT_TRANSLATE_NOOP("ContextLabels", "Knowledge base version"),
)


def context_label(label: str) -> str:
    """A device detail's label (`desktop.itsm.context.LABELS`) in the app's language."""
    return QCoreApplication.translate("ContextLabels", label) if label else label


class TsTranslator(QTranslator):
    """Translations read straight from a Qt Linguist .ts file (fallback for a missing .qm)."""

    def __init__(self, ts_file: Path, parent=None):
        super().__init__(parent)
        self.table: dict[tuple[str, str], str] = {}
        root = ET.parse(ts_file).getroot()
        for context in root.iter("context"):
            name = context.findtext("name") or ""
            for message in context.iter("message"):
                source = message.findtext("source") or ""
                node = message.find("translation")
                if node is not None and node.text and node.get("type") not in ("unfinished", "obsolete"):
                    self.table[(name, source)] = node.text

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return not self.table

    def translate(self, context, source, disambiguation=None, n=-1):  # noqa: D401
        return self.table.get((context, source))


def system_language() -> str:
    name = QLocale.system().name()[:2]
    return name if name in LANGUAGES else "en"


def effective_language(setting: str) -> str:
    return setting if setting in LANGUAGES else system_language()


def load_translator(language: str) -> QTranslator | None:
    """The translator for `language` ("en" needs none)."""
    if language == "en":
        return None
    compiled = TRANSLATIONS / f"helpdesk_{language}.qm"
    translator = QTranslator()
    if compiled.exists() and translator.load(str(compiled)):
        return translator
    source = TRANSLATIONS / f"helpdesk_{language}.ts"
    return TsTranslator(source) if source.exists() else None


def set_language(setting: str) -> str:
    """Install the translator for the setting ("" = system); returns the language used.
    Qt then sends every widget a LanguageChange event, and they re-translate."""
    app = QCoreApplication.instance()
    language = effective_language(setting)
    while _installed:
        app.removeTranslator(_installed.pop())
    translator = load_translator(language)
    if translator is not None:
        app.installTranslator(translator)
        _installed.append(translator)
    QLocale.setDefault(QLocale(language))
    return language


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
