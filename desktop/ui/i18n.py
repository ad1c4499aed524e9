"""French and English through Qt's translation machinery.

Every user-visible string in desktop/ui is written in English with `self.tr()` (or
`QCoreApplication.translate(context, text)`). The French sources are
`translations/helpdesk_fr.ts` (Qt Linguist XML); `make translations` extracts new strings
with pyside6-lupdate and compiles `helpdesk_fr.qm` with pyside6-lrelease. Where the .qm
is missing (a build without the Qt tools), `TsTranslator` reads the .ts file directly:
same strings, same contexts, no compiled file needed.

    set_language(app, "fr")       # "" follows the system language
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
LANGUAGES = {"en": "English", "fr": "Français"}
_installed: list[QTranslator] = []


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
