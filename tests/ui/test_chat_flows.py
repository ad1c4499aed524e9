"""Chat window flows as an employee goes through them: Back around automatic checks,
"what you already tried" limited to this problem, feedback again after a "No", several
announcements and outages on the topic, "None of these", and forms that fit the window."""
from __future__ import annotations

from PySide6.QtCore import Qt


def _type(qtbot, chat, text):
    chat.question.clear()
    with qtbot.waitSignal(chat.answerShown, timeout=10_000) as shown:
        qtbot.keyClicks(chat.question, text)
    return shown.args[0]


def _start_tree(qtbot, app, question="my printr wont print"):
    chat = app.show_chat()
    _type(qtbot, chat, question)
    assert chat.start_tree.isVisible()
    with qtbot.waitSignal(chat.tree_page.stepShown, timeout=10_000):
        qtbot.keyClick(chat.question, Qt.Key_Return)
    return chat, chat.tree_page


def test_back_after_an_automatic_check_returns_to_the_step_before_it(qtbot, start_app):
    app = start_app()
    checks_run = []
    checker = app.assistant.checker
    app.assistant.checker = lambda name: checks_run.append(name) or checker(name)
    chat, page = _start_tree(qtbot, app)
    first_question = page.text.toPlainText()
    qtbot.mouseClick(page.options.itemAt(0).widget(), Qt.LeftButton)     # nothing comes out → check
    qtbot.waitUntil(lambda: page.walk.step.kind == "question" and page.walk.state.node == "where", timeout=10_000)
    assert checks_run == ["network.connected"]
    with qtbot.waitSignal(page.stepShown, timeout=10_000) as shown:
        qtbot.mouseClick(page.back_button, Qt.LeftButton)
    assert shown.args[0] == "question" and page.text.toPlainText() == first_question
    assert page.options.count() == 5 and not page.detail.isVisible()
    qtbot.wait(200)
    assert checks_run == ["network.connected"]                          # not run again
    assert page.walk.state.node == "start"


def test_after_one_no_the_next_answer_asks_again_whether_it_helped(qtbot, start_app):
    app = start_app()
    chat = app.show_chat()
    assert _type(qtbot, chat, "I forgot my password") == "answer"
    qtbot.keyClick(chat.question, Qt.Key_Return)
    qtbot.mouseClick(chat.no, Qt.LeftButton)
    assert chat.helpful_label.text().startswith("Sorry")
    assert _type(qtbot, chat, "how do I connect to the vpn") == "answer"
    assert chat.helpful_label.text() == "Was this helpful?"
    assert chat.yes.isVisible() and chat.no.isVisible()
    qtbot.mouseClick(chat.yes, Qt.LeftButton)
    assert chat.helpful_label.text() == "Glad it helped!"
    assert _type(qtbot, chat, "I forgot my password") == "answer"
    assert chat.helpful_label.text() == "Was this helpful?" and chat.no.isVisible()


def _choose_among(kb, count):
    """Pin a "did you mean" reply of `count` real candidates (the engine's tuning decides when)."""
    from dataclasses import replace

    ask = kb.ask

    def choose(text, lang=None, **kwargs):
        reply = ask("password", lang="en")
        return replace(reply, kind="choose", hits=[h for h in reply.hits if h.kind == "article"][:count],
                       message="Did you mean one of these?")
    return choose


def test_did_you_mean_always_offers_none_of_these_with_the_question_as_subject(qtbot, start_app, monkeypatch):
    app = start_app()
    monkeypatch.setattr(app.assistant.kb, "ask", _choose_among(app.assistant.kb, 1))
    chat = app.show_chat()
    assert _type(qtbot, chat, "my badge password thing") == "choose"
    buttons = [chat.choices.itemAt(i).widget() for i in range(chat.choices.count())]
    assert len(buttons) == 2                                            # the one candidate, and a way out
    assert buttons[-1].text() == "None of these — open a ticket"
    qtbot.mouseClick(buttons[-1], Qt.LeftButton)
    assert chat.stack.currentWidget() is chat.form_page
    assert chat.form_page.values()["subject"] == "my badge password thing"
    qtbot.waitUntil(lambda: app.assistant.dialogue.current is not None
                    and app.assistant.dialogue.current.question == "my badge password thing", timeout=10_000)


def test_open_a_ticket_after_an_unknown_question_has_it_as_subject(qtbot, start_app):
    app = start_app()
    chat = app.show_chat()
    assert _type(qtbot, chat, "zebra quantum banana") == "unknown"
    qtbot.mouseClick(chat.ticket_button, Qt.LeftButton)
    assert chat.form_page.values()["subject"] == "zebra quantum banana"


def _ask_and_keep(qtbot, app, chat, text):
    """Type a question and press Return: it becomes part of the conversation."""
    count = len(app.assistant.dialogue.turns)
    _type(qtbot, chat, text)
    qtbot.keyClick(chat.question, Qt.Key_Return)
    qtbot.waitUntil(lambda: len(app.assistant.dialogue.turns) == count + 1, timeout=10_000)


def _summary_of_form(qtbot, chat, **values):
    form = chat.form_page
    for field_id, value in values.items():
        form.set_value(field_id, value)
    qtbot.mouseClick(form.next_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: chat.stack.currentWidget() is chat.summary_page, timeout=10_000)
    return chat.summary_page


def _send(qtbot, chat):
    with qtbot.waitSignal(chat.done_page.outcomeShown, timeout=10_000) as done:
        qtbot.mouseClick(chat.summary_page.send_button, Qt.LeftButton)
    assert done.args[0] == "sent"


def test_what_you_already_tried_holds_only_this_problem_and_each_line_can_be_removed(qtbot, start_app, itsm):
    app = start_app()
    chat = app.show_chat()
    _ask_and_keep(qtbot, app, chat, "I forgot my password")            # this morning's other problems
    _ask_and_keep(qtbot, app, chat, "how do I connect to the vpn")
    chat, page = _start_tree(qtbot, app)                                # now the printer
    with qtbot.waitSignal(page.stepShown, timeout=10_000):
        qtbot.mouseClick(page.options.itemAt(2).widget(), Qt.LeftButton)    # badge not recognised
    with qtbot.waitSignal(page.stepShown, timeout=10_000):
        qtbot.mouseClick(page.unsolved, Qt.LeftButton)
    summary = _summary_of_form(qtbot, chat, printer="PRN-PAR-3A", problem="Badge not recognised")
    tried = [item.text() for item in summary.tried]
    assert all(item.isVisible() and item.isChecked() for item in summary.tried)
    assert "Asked: my printr wont print" in tried
    assert any(line.startswith("Step: ") and "badge" in line for line in tried)
    assert not any("forgot my password" in line or "vpn" in line.lower() for line in tried), tried
    step_line = next(item for item in summary.tried if item.text().startswith("Step: "))
    qtbot.mouseClick(step_line.box, Qt.LeftButton)                      # "not about this problem"
    assert not step_line.isChecked()
    _send(qtbot, chat)
    sent = itsm.tickets["1"]["ticket"]
    said = [text for _, text in sent.dialogue]
    assert "my printr wont print" in said and step_line.text() not in said
    assert not any("forgot my password" in text for text in said)

    _ask_and_keep(qtbot, app, chat, "printer paper jam")                # the same topic, after the ticket
    chat.open_ticket()
    summary = _summary_of_form(qtbot, chat, details="Paper stuck in tray 2")
    tried = [item.text() for item in summary.tried]
    assert tried[0] == "Asked: printer paper jam"
    assert not any("printr wont print" in line or line.startswith("Step: ") for line in tried)


def test_every_active_announcement_is_reachable_as_plain_text_and_outages_come_first(qtbot, start_app, board_client):
    app = start_app()
    chat = app.show_chat()
    vpn = {"id": 9, "title": "VPN outage <b>now</b>", "body": "GlobalProtect refuses <i>new</i> connections."}
    app.announcementsChanged.emit([*app.announcements, vpn])
    banner = chat.banner
    assert banner.isVisible() and banner.position.text() == "1 of 2"
    assert banner.text().startswith("E-mail outage")
    qtbot.mouseClick(banner.next, Qt.LeftButton)
    assert banner.position.text() == "2 of 2"
    assert banner.title.text() == "VPN outage <b>now</b>"                 # shown as written, not as markup
    assert banner.title.textFormat() == Qt.PlainText and banner.body.textFormat() == Qt.PlainText
    qtbot.mouseClick(chat.affected, Qt.LeftButton)                       # affected by the one shown
    qtbot.waitUntil(lambda: board_client.affected == [9], timeout=10_000)
    qtbot.mouseClick(banner.next, Qt.LeftButton)
    assert banner.position.text() == "1 of 2" and chat.affected.isEnabled()

    assert _type(qtbot, chat, "how do I connect to the vpn") == "answer"
    assert chat.outage.isVisible() and chat.outage.text().startswith("⚠ Known problem right now: VPN outage")
    assert "E-mail" not in chat.outage.text()
    assert _type(qtbot, chat, "I forgot my password") == "answer"
    assert not chat.outage.isVisible()                                   # nothing known about passwords

    chat, page = _start_tree(qtbot, app, "outlook does not open")
    assert page.outage.isVisible() and "E-mail outage" in page.outage.text()
    layout = page.layout()
    assert layout.indexOf(page.outage) < layout.indexOf(page.text)      # said before the first step
    chat, page = _start_tree(qtbot, app, "my printr wont print")
    assert not page.outage.isVisible()


def test_one_announcement_has_no_arrows(qtbot, start_app):
    app = start_app()
    chat = app.show_chat()
    assert chat.banner.isVisible() and not chat.banner.next.isVisible()
    assert "Outlook is down" in chat.banner.text()


def _focused():
    from PySide6.QtWidgets import QApplication

    return QApplication.focusWidget()


def _french_printer_form(app):
    walk = app.assistant.choose(app.assistant.start_tree("printer-troubleshoot-fr"), 2)
    return app.assistant.finish(walk, solved=False)              # "toujours en panne" → the ticket form


def _labels_whole(form):
    """Every field label inside the visible width, with room for all its wrapped lines."""
    viewport = form.area.viewport()
    for label in form.area.widget().findChildren(type(form.intro)):
        if not label.isVisible() or not label.text():
            continue
        left = label.mapTo(viewport, label.rect().topLeft()).x()
        assert left >= 0 and left + label.width() <= viewport.width(), label.text()
        assert label.heightForWidth(label.width()) <= label.height(), label.text()


def test_ticket_form_fits_the_window_and_labels_are_never_cut(qtbot, start_app):
    app = start_app()
    chat = app.show_chat()
    with qtbot.waitActive(chat):
        chat.activateWindow()
    chat.form_page.open_form(_french_printer_form(app))
    form = chat.form_page
    qtbot.waitUntil(lambda: form.area.widget().isVisible(), timeout=5_000)
    assert chat.size().width() <= 560
    bar = form.area.horizontalScrollBar()
    assert bar.maximum() == 0 and not bar.isVisible()
    _labels_whole(form)
    qtbot.mouseClick(form.next_button, Qt.LeftButton)             # the error messages under fields too
    for _ in range(12):                                           # Tab through every field
        qtbot.keyClick(_focused(), Qt.Key_Tab)
        assert bar.value() == 0
        _labels_whole(form)
    chat.resize(chat.minimumSize())                               # the smallest the window goes
    qtbot.wait(50)
    assert bar.maximum() == 0
    _labels_whole(form)


def test_chat_window_has_a_usable_minimum_and_never_outgrows_the_screen(qtbot, start_app):
    app = start_app()
    chat = app.show_chat()
    free = chat.screen().availableGeometry()
    assert chat.minimumWidth() >= min(360, free.width()) and chat.minimumHeight() >= min(400, free.height())
    assert chat.width() <= free.width() and chat.height() <= free.height()
    chat.resize(free.width() + 500, free.height() + 500)
    assert chat.width() <= free.width() and chat.height() <= free.height()
