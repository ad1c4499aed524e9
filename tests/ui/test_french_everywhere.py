"""A French session shows French everywhere: every window an employee opens (chat with an
answer, "did you mean", guided steps with a check result, ticket form and summary, My
tickets, Settings, booking, the tray menu, the no-tray window) shows no English text of the
app's own, check results and the "what you already tried" lines are French, dates follow the
locale, and the French translation file has no string left untranslated.

"English left" means: a visible text (window title, label, button, placeholder, menu entry,
list or table item, tooltip) that is one of the app's English source strings
(helpdesk_fr.ts) whose French differs.
"""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime, QLocale, Qt
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QGroupBox, QLabel, QLineEdit,
                               QListWidget, QPlainTextEdit, QTableWidget, QTextEdit, QWidget)

REPO = Path(__file__).resolve().parents[2]
TS_FILE = REPO / "desktop" / "ui" / "translations" / "helpdesk_fr.ts"
QM_FILE = TS_FILE.with_suffix(".qm")
PLACEHOLDER = re.compile(r"%(?:\d|n|s)")


def _messages(ts_file: Path = TS_FILE):
    """(context, source, translation element) for every message of a .ts file."""
    root = ET.parse(ts_file).getroot()
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            yield name, message.findtext("source") or "", message.find("translation")


def _plain(text: str) -> str:
    """A text as a person reads it: no mnemonic '&', no HTML tags, spaces collapsed."""
    if re.search(r"<(?:[a-zA-Z]+|/[a-zA-Z]+)[^<>]*>", text):                  # rich text: its words only
        text = html.unescape(re.sub(r"<[^<>]+>", " ", text))
    return " ".join(text.replace("&&", "\x00").replace("&", "").replace("\x00", "&").split())


def _english_patterns() -> list[re.Pattern]:
    """Each English source whose French differs, as a pattern of the text it shows
    (placeholders such as %1 and %s match anything)."""
    patterns = []
    for _, source, node in _messages():
        forms = [f.text or "" for f in node.iter("numerusform")] or [node.text or ""]
        english = _plain(source)
        if not PLACEHOLDER.sub("", english).strip(" :.,()–—·") or english in map(_plain, forms):
            continue
        parts = [re.escape(part) for part in PLACEHOLDER.split(english)]
        patterns.append(re.compile("(?:" + ".+?".join(parts) + ")"))
    return patterns


ENGLISH = _english_patterns()


def english_left(texts: list[str]) -> list[str]:
    """The texts (or lines of them) that are an English source string left untranslated;
    a long English sentence is also found inside a longer text."""
    left = []
    for text in texts:
        lines = [_plain(line) for line in [text, *text.splitlines()] if line.strip()]
        for pattern in ENGLISH:
            inside = len(pattern.pattern) > 25
            if any(pattern.fullmatch(line) or (inside and pattern.search(line)) for line in lines):
                left.append(f"{text!r} is English ({pattern.pattern})")
    return left


def visible_texts(window: QWidget) -> list[str]:
    """Every text a person can see in `window` (and its visible children)."""
    QApplication.processEvents()           # widgets just added to a layout are shown by the event loop
    texts = [window.windowTitle()]
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        texts.append(widget.toolTip())
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        elif isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.placeholderText()]
        elif isinstance(widget, (QTextEdit, QPlainTextEdit)):
            texts += [widget.toPlainText(), widget.placeholderText()]
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTableWidget):
            for column in range(widget.columnCount()):
                header = widget.horizontalHeaderItem(column)
                texts.append(header.text() if header else "")
                texts += [widget.item(row, column).text() for row in range(widget.rowCount())
                          if widget.item(row, column) is not None]
        elif isinstance(widget, QListWidget):
            texts += [widget.item(i).text() for i in range(widget.count())]
    return [t for t in texts if t and t.strip()]


def assert_french(window: QWidget) -> list[str]:
    texts = visible_texts(window)
    assert texts, "nothing visible"
    assert english_left(texts) == []
    return texts


@pytest.fixture
def french_app(start_app, home):
    """start_app(...) in a session whose language setting is French."""
    from desktop.ui.settings import Settings

    def start(**kwargs):
        Settings.load(home).update(language="fr")
        app = start_app(**kwargs)
        assert QApplication.translate("ChatWindow", "Was this helpful?") == "Est-ce que cela vous a aidé ?"
        return app
    return start


def _type(qtbot, chat, text):
    """Type a question (set at once: Qt's key simulation knows no accented letters)."""
    chat.question.clear()
    with qtbot.waitSignal(chat.answerShown, timeout=10_000) as shown:
        chat.question.setText(text)
    return shown.args[0]


def _step(qtbot, page, button):
    with qtbot.waitSignal(page.stepShown, timeout=10_000):
        qtbot.mouseClick(button, Qt.LeftButton)


# -- the translation file ---------------------------------------------------------------------

def test_every_string_of_the_app_has_a_french_translation():
    unfinished = [f"{context}: {source!r}" for context, source, node in _messages()
                  if node.get("type") in ("unfinished", "obsolete", "vanished")
                  or not ((node.text or "").strip() or any((f.text or "").strip() for f in node.iter("numerusform")))]
    assert unfinished == []


def test_the_translation_file_holds_every_string_the_windows_show(tmp_path):
    """`make translations` was run after the last string was added: the .ts holds them all."""
    lupdate = shutil.which("pyside6-lupdate") or str(Path(__import__("sys").executable).parent / "pyside6-lupdate")
    fresh = tmp_path / "fresh.ts"
    subprocess.run([lupdate, *map(str, sorted((REPO / "desktop" / "ui").glob("*.py"))), "-ts", str(fresh)],
                   check=True, capture_output=True, cwd=REPO)
    in_code = {(context, source) for context, source, _ in _messages(fresh)}
    in_file = {(context, source) for context, source, _ in _messages()}
    assert sorted(in_code - in_file) == []


def test_the_compiled_translations_match_the_translation_file(qtbot):
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    assert translator.load(str(QM_FILE))
    stale = [(context, source) for context, source, node in _messages()
             if not list(node.iter("numerusform")) and translator.translate(context, source) != (node.text or "")]
    assert stale == []


# -- the engine's words --------------------------------------------------------------------------

def test_check_results_are_said_in_french():
    from desktop.engine.checks import CHECKS, MESSAGES, run_check

    for name in CHECKS:
        result = run_check(name, lang="fr")
        assert result.detail == result.in_language("fr")
        assert result.detail != result.in_language("en"), name
    assert run_check("nope", lang="fr").detail == "Cette application n'a pas de vérification nommée « nope »."
    assert set(MESSAGES["fr"]) == set(MESSAGES["en"])


def test_device_details_shown_before_sending_all_have_a_french_label():
    from desktop.itsm.context import LABELS
    from desktop.ui.resources import CONTEXT_LABELS

    assert set(CONTEXT_LABELS) == set(LABELS.values())


def test_steps_of_a_french_tree_are_summarised_in_french(kb):
    from desktop.engine.checks import CheckResult
    from desktop.engine.walker import TreeWalker

    walker = TreeWalker(kb.tree("wifi-troubleshoot-fr"), checker=lambda name: CheckResult("failed", "no network"))
    state, _ = walker.run_check(walker.start())
    state = walker.choose(state, 0)
    lines = walker.summary(state)
    assert lines[0] == "Vérification network.connected : échouée", lines
    assert lines[1].startswith("Votre ordinateur n'est connecté à aucun réseau") and " → " in lines[1]


# -- every window, in French ----------------------------------------------------------------------

def test_chat_answers_a_short_question_in_french(qtbot, french_app):
    app = french_app()
    assert_french(app.fallback)                                # no tray offscreen: the fallback window
    chat = app.show_chat()
    assert_french(chat)
    assert _type(qtbot, chat, "wifi") in ("answer", "choose")        # one word: an answer or its siblings
    reply = app.assistant.preview("wifi").turn.reply
    assert reply.lang == "fr" and reply.hits[0].id.endswith("-fr")          # "wifi" asked in French: French
    texts = assert_french(chat)
    assert "Wi-Fi" in "\n".join(texts)
    _type(qtbot, chat, "je n'arrive pas à me connecter au vpn depuis chez moi")
    assert_french(chat)


def test_did_you_mean_is_french(qtbot, french_app, monkeypatch):
    app = french_app()
    kb = app.assistant.kb
    ask = kb.ask

    def choose(text, lang=None, **kwargs):
        reply = ask("mot de passe", lang="fr")
        return replace(reply, kind="choose", hits=[h for h in reply.hits if h.kind == "article"][:3],
                       message="Vouliez-vous dire l'un de ces sujets ?")
    monkeypatch.setattr(kb, "ask", choose)
    chat = app.show_chat()
    assert _type(qtbot, chat, "mot de passe") == "choose"
    texts = assert_french(chat)
    assert "Aucun de ceux-ci — ouvrir un ticket" in texts


def test_guided_steps_check_ticket_form_and_summary_are_french(qtbot, french_app):
    from desktop.engine.checks import run_check

    app = french_app()
    app.assistant.checker = None                 # the real built-in checks, not the fixture's
    chat = app.show_chat()
    assert _type(qtbot, chat, "mon imprimante n'imprime pas") == "answer"
    with qtbot.waitSignal(chat.tree_page.stepShown, timeout=10_000):
        qtbot.keyClick(chat.question, Qt.Key_Return)
    page = chat.tree_page
    assert page.walk.state.tree_id == "printer-troubleshoot-fr"
    assert_french(chat)

    qtbot.mouseClick(page.options.itemAt(0).widget(), Qt.LeftButton)          # the network check
    qtbot.waitUntil(lambda: page.walk is not None and bool(page.walk.check_detail), timeout=15_000)
    assert page.detail.text() == run_check("network.connected", lang="fr").detail
    assert page.detail.text().startswith(("Connecté", "Aucune connexion réseau"))
    assert_french(chat)

    while page.back_button.isVisible() and page.walk.state.node != "start":
        _step(qtbot, page, page.back_button)
    _step(qtbot, page, page.options.itemAt(2).widget())                        # badge not recognised
    assert page.walk.step.kind == "answer"
    assert_french(chat)
    _step(qtbot, page, page.unsolved)
    form = chat.form_page
    assert chat.stack.currentWidget() is form
    assert_french(chat)
    qtbot.mouseClick(form.next_button, Qt.LeftButton)                          # errors shown inline
    assert_french(chat)
    form.set_value("printer", "PRN-PAR-3A")
    form.set_value("problem", "Badge non reconnu")
    qtbot.mouseClick(form.next_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: chat.stack.currentWidget() is chat.summary_page, timeout=10_000)
    summary = chat.summary_page
    texts = assert_french(chat)
    tried = [item.text() for item in summary.tried]
    assert tried[0] == "Question : mon imprimante n'imprime pas", tried
    assert not any(line.startswith(("Asked:", "Shown:", "Step:")) for line in tried), tried
    assert any(line.startswith("Étape : ") for line in tried), tried
    assert not any(re.search(r"\b(Tried|Check)\b", line) for line in tried), tried
    details = [item.text() for item in summary.checks.values()]
    assert "Nom de l'ordinateur: PC-42" in details and "Adresse IP: 10.0.0.5" in details, details
    assert "Ce que vous avez déjà essayé" in "\n".join(texts)

    with qtbot.waitSignal(chat.done_page.outcomeShown, timeout=10_000):
        qtbot.mouseClick(summary.send_button, Qt.LeftButton)
    assert chat.done_page.message.text().startswith("Ticket 1 créé")
    assert_french(chat)


def test_my_tickets_settings_and_tray_menu_are_french(qtbot, french_app):
    from desktop.ui.tray import TrayIcon

    app = french_app()
    assistant = app.assistant
    assistant.send(assistant.draft_ticket(description="x", subject="L'ordinateur ne démarre pas"))
    key = assistant.desk.tickets()[0].key
    assistant.desk.service.outbox.record_status(key, "open", 0, 60)
    with qtbot.waitSignal(app.unreadChanged, timeout=10_000):
        app.tickets_changed()
    tickets = app.show_tickets()
    qtbot.waitUntil(lambda: tickets.table.rowCount() == 1, timeout=10_000)
    texts = assert_french(tickets)
    assert "en cours" in texts and "Mes tickets — Assistant support" in texts

    settings = app.show_settings()
    texts = assert_french(settings)
    assert "Paramètres — Assistant support" in texts

    tray = TrayIcon(app)
    tray.rebuild()
    entries = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert english_left(entries) == [], entries
    assert entries[0] == "Demander à l'informatique…" and entries[-1] == "Quitter", entries
    assert english_left([tray.toolTip()]) == []
    tray.hide()


def test_booking_window_is_french_with_french_dates(qtbot, french_app, board_client):
    app = french_app()
    window = app.show_booking("imprimante")
    qtbot.waitUntil(lambda: window.list.count() >= 1 and window.status.text() != "Chargement des créneaux libres…",
                    timeout=10_000)
    texts = assert_french(window)
    label = window.list.item(0).text()
    start = QDateTime.fromString(board_client.slot["starts_at"], Qt.ISODate).toLocalTime()
    assert QLocale(QLocale.French).toString(start, "ddd d MMM") in label, label
    assert "2 places restantes" in label
    english_day = QLocale(QLocale.English).toString(start, "ddd")
    assert not re.search(rf"\b{english_day}\b", label), label
    assert "Prendre rendez-vous avec le support" in "\n".join(texts)


def test_english_sources_are_recognised():
    """The detector itself: an English source is found, its French is not."""
    assert english_left(["Was this helpful?"]) and english_left(["&Send to the helpdesk"])
    assert english_left(["Announcement: VPN down"]) and english_left(["3 places left"])
    assert english_left(["Est-ce que cela vous a aidé ?", "Annonce : VPN", "3 places restantes", "Contact"]) == []
