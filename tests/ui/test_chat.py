"""The chat window: answers as you type (off the GUI thread), did-you-mean buttons,
Markdown with variables, feedback, offline and announcement banners."""
from __future__ import annotations

import threading

from PySide6.QtCore import Qt


def _type(qtbot, chat, text):
    chat.question.clear()
    with qtbot.waitSignal(chat.answerShown, timeout=10_000) as shown:
        qtbot.keyClicks(chat.question, text)
    return shown.args[0]


def test_answer_appears_as_you_type_with_variables_filled_in(qtbot, start_app):
    app = start_app()
    chat = app.show_chat()
    assert _type(qtbot, chat, "I forgot my password") == "answer"
    html = chat.answer.toPlainText()
    assert "Jo" in html and "{{" not in html
    assert chat.yes.isVisible() and chat.no.isVisible()
    assert not chat.answer.openLinks()                  # links go through the allow-list (safe_view)
    assert app.assistant.dialogue.turns == []          # typing alone records nothing


def test_engine_runs_off_the_gui_thread_and_fast_typing_coalesces(qtbot, start_app):
    app = start_app()
    threads, calls = [], []
    original = app.assistant.preview

    def spy(text, lang=None):
        threads.append(threading.get_ident())
        calls.append(text)
        return original(text, lang)
    app.assistant.preview = spy
    chat = app.show_chat()
    _type(qtbot, chat, "how do I reset my password")
    assert threading.main_thread().ident not in threads
    assert len(calls) <= 2 and calls[-1] == "how do I reset my password"


def _always_choose(kb):
    """The engine's tuning decides when it hesitates; pin a "choose" reply of real hits."""
    from dataclasses import replace

    ask = kb.ask

    def choose(text, lang=None, **kwargs):
        reply = ask("password", lang="en")
        return replace(reply, kind="choose", hits=[h for h in reply.hits if h.kind == "article"][:3],
                       message="Did you mean one of these?")
    return choose


def test_did_you_mean_buttons_open_the_article(qtbot, start_app, monkeypatch):
    app = start_app()
    monkeypatch.setattr(app.assistant.kb, "ask", _always_choose(app.assistant.kb))
    chat = app.show_chat()
    assert _type(qtbot, chat, "password") == "choose"
    assert chat.choices.count() >= 2 and "Did you mean" in chat.answer.toPlainText()
    button = chat.choices.itemAt(0).widget()
    with qtbot.waitSignal(chat.answerShown, timeout=10_000):
        qtbot.mouseClick(button, Qt.LeftButton)
    assert chat.answer.toPlainText().startswith(app.assistant.kb.article(app.assistant.dialogue.current.picked).title)


def test_not_helpful_offers_a_ticket(qtbot, start_app):
    app = start_app()
    chat = app.show_chat()
    _type(qtbot, chat, "I forgot my password")
    qtbot.keyClick(chat.question, Qt.Key_Return)
    qtbot.mouseClick(chat.no, Qt.LeftButton)
    assert chat.ticket_button.isVisible() and "ticket" in chat.helpful_label.text()
    qtbot.waitUntil(lambda: app.assistant.dialogue.current is not None
                    and app.assistant.dialogue.current.helpful is False, timeout=10_000)


def test_unknown_question_offers_a_ticket(qtbot, start_app):
    app = start_app()
    chat = app.show_chat()
    assert _type(qtbot, chat, "zebra quantum banana") == "unknown"
    assert chat.ticket_button.isVisible() and not chat.yes.isVisible()


def test_offline_is_shown_plainly_and_answers_still_work(qtbot, start_app):
    app = start_app(online=False)
    chat = app.show_chat()
    assert chat.offline.isVisible() and "offline" in chat.offline.text()
    assert _type(qtbot, chat, "I forgot my password") == "answer"


def test_announcement_banner_with_affected_too(qtbot, start_app, board_client):
    app = start_app()
    chat = app.show_chat()
    assert chat.banner.isVisible() and "E-mail outage" in chat.banner.text()
    qtbot.mouseClick(chat.affected, Qt.LeftButton)
    qtbot.waitUntil(lambda: board_client.affected == [3], timeout=10_000)


def test_keyboard_only_shortcuts_and_accessible_names(qtbot, start_app):
    app = start_app()
    chat = app.show_chat()
    assert chat.question.accessibleName() and chat.answer.accessibleName()
    assert chat.ask_button.text().startswith("&")
    with qtbot.waitActive(chat):
        chat.activateWindow()
    qtbot.keyClick(chat.question, Qt.Key_T, Qt.ControlModifier)
    assert chat.stack.currentWidget() is chat.form_page
    qtbot.keyClick(chat.form_page, Qt.Key_L, Qt.ControlModifier)
    assert chat.stack.currentWidget() is chat.answer_page


def test_a_slow_engine_never_freezes_the_window(qtbot, start_app):
    import time

    from PySide6.QtCore import QTimer

    app = start_app()
    original = app.assistant.preview

    def slow(text, lang=None):
        time.sleep(0.8)                                    # a busy machine, a huge KB
        return original(text, lang)
    app.assistant.preview = slow
    chat = app.show_chat()
    ticks = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    with qtbot.waitSignal(chat.answerShown, timeout=10_000):
        qtbot.keyClicks(chat.question, "I forgot my password")
    timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert len(ticks) > 10 and max(gaps) < 0.6            # turned while the engine took 0.8 s
