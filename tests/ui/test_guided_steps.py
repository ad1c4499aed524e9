"""Decision trees as steps with option buttons and Back, checks off the GUI thread, and
ticket forms validated inline, summarised, then sent or queued."""
from __future__ import annotations

from PySide6.QtCore import Qt


def _start_tree(qtbot, app, question="my printr wont print"):
    chat = app.show_chat()
    with qtbot.waitSignal(chat.answerShown, timeout=10_000):
        qtbot.keyClicks(chat.question, question)
    assert chat.start_tree.isVisible()
    with qtbot.waitSignal(chat.tree_page.stepShown, timeout=10_000):
        qtbot.keyClick(chat.question, Qt.Key_Return)
    return chat, chat.tree_page


def _click(qtbot, page, button, kind=None):
    with qtbot.waitSignal(page.stepShown, timeout=10_000) as shown:
        qtbot.mouseClick(button, Qt.LeftButton)
    if kind:
        assert shown.args[0] == kind
    return shown


def test_tree_steps_with_option_buttons_and_back(qtbot, start_app):
    app = start_app()
    chat, page = _start_tree(qtbot, app)
    assert page.walk.step.kind == "question" and page.options.count() == 5
    _click(qtbot, page, page.options.itemAt(2).widget(), "answer")       # badge not recognised
    assert "jdoe" in page.text.toPlainText()
    _click(qtbot, page, page.back_button, "question")
    assert page.options.count() == 5


def test_check_runs_off_thread_and_moves_on(qtbot, start_app):
    app = start_app()
    chat, page = _start_tree(qtbot, app)
    qtbot.mouseClick(page.options.itemAt(0).widget(), Qt.LeftButton)
    qtbot.waitUntil(lambda: page.walk is not None and page.walk.step.kind == "question"
                    and bool(page.walk.check_detail), timeout=10_000)
    assert "fine" in page.detail.text()


def _to_form(qtbot, app):
    chat, page = _start_tree(qtbot, app)
    _click(qtbot, page, page.options.itemAt(2).widget(), "answer")
    _click(qtbot, page, page.unsolved, "ticket")
    assert chat.stack.currentWidget() is chat.form_page
    return chat


def test_form_errors_inline_then_summary_then_ticket_number(qtbot, start_app, itsm, tmp_path):
    app = start_app()
    chat = _to_form(qtbot, app)
    form = chat.form_page
    qtbot.mouseClick(form.next_button, Qt.LeftButton)
    errors = {fid for fid, (_, label) in form.editors.items() if label.isVisible()}
    assert errors == {"printer", "problem"}
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"png")
    form.set_value("printer", "PRN-PAR-3A")
    form.set_value("problem", "Badge not recognised")
    form.set_value("error-photo", str(shot))
    qtbot.mouseClick(form.next_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: chat.stack.currentWidget() is chat.summary_page, timeout=10_000)
    summary = chat.summary_page
    assert "PRN-PAR-3A" in summary.text.toPlainText() and "shot.png" in summary.text.toPlainText()
    summary.checks["ip"].setChecked(False)
    with qtbot.waitSignal(chat.done_page.outcomeShown, timeout=10_000) as done:
        qtbot.mouseClick(summary.send_button, Qt.LeftButton)
    assert done.args[0] == "sent" and "Ticket 1 created" in chat.done_page.message.text()
    sent = itsm.tickets["1"]["ticket"]
    assert "ip" not in sent.context.items and sent.attachments[0].filename == "shot.png"
    assert "Check network.connected" not in sent.body() and "badge" in sent.body().lower()


def test_itsm_unreachable_ticket_is_queued_and_says_so(qtbot, start_app):
    app = start_app(itsm_down=True)
    chat = app.show_chat()
    chat.form_page.open_form(None)
    form = chat.form_page
    form.set_value("subject", "Screen flickers")
    form.set_value("details", "Since this morning")
    qtbot.mouseClick(form.next_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: chat.stack.currentWidget() is chat.summary_page, timeout=10_000)
    with qtbot.waitSignal(chat.done_page.outcomeShown, timeout=10_000) as done:
        qtbot.mouseClick(chat.summary_page.send_button, Qt.LeftButton)
    assert done.args[0] == "queued" and "will be sent" in chat.done_page.message.text()
    qtbot.waitUntil(lambda: bool(app.tickets) and app.tickets[0].status == "queued", timeout=10_000)


def test_no_itsm_configured_gives_the_helpdesk_phone(qtbot, start_app):
    app = start_app(itsm=False)
    chat = app.show_chat()
    chat.form_page.open_form(None)
    chat.form_page.set_value("subject", "Help")
    chat.form_page.set_value("details", "Please call me")
    qtbot.mouseClick(chat.form_page.next_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: chat.stack.currentWidget() is chat.summary_page, timeout=10_000)
    with qtbot.waitSignal(chat.done_page.outcomeShown, timeout=10_000) as done:
        qtbot.mouseClick(chat.summary_page.send_button, Qt.LeftButton)
    assert done.args[0] == "error" and "+33 1 23 45 67 89" in chat.done_page.message.text()


def test_date_field_empty_until_set(qtbot, start_app):
    app = start_app()
    chat = app.show_chat()
    walk = app.assistant.start_tree("software-request-form")
    walk = app.assistant.choose(walk, 0)
    walk = app.assistant.choose(walk, 0)
    chat.form_page.open_form(walk)
    assert chat.form_page.values()["needed-by"] == ""
    chat.form_page.set_value("needed-by", "2026-12-24")
    assert chat.form_page.values()["needed-by"] == "2026-12-24"


def _focused():
    from PySide6.QtWidgets import QApplication

    return QApplication.focusWidget()


def test_keyboard_alone_from_question_to_ticket_form(qtbot, start_app):
    app = start_app()
    chat = app.show_chat()
    with qtbot.waitActive(chat):
        chat.activateWindow()
    with qtbot.waitSignal(chat.answerShown, timeout=10_000):
        qtbot.keyClicks(chat.question, "my printr wont print")
    page = chat.tree_page
    with qtbot.waitSignal(page.stepShown, timeout=10_000):
        qtbot.keyClick(chat.question, Qt.Key_Return)                  # Enter starts the guided steps
    qtbot.waitUntil(lambda: _focused() is page.options.itemAt(0).widget(), timeout=5_000)
    assert page.options.itemAt(2).widget().shortcut().toString() == "Alt+3"   # mnemonic too
    qtbot.keyClick(_focused(), Qt.Key_Tab)
    qtbot.keyClick(_focused(), Qt.Key_Tab)
    with qtbot.waitSignal(page.stepShown, timeout=10_000) as shown:
        qtbot.keyClick(_focused(), Qt.Key_Space)                      # the third option
    assert shown.args[0] == "answer"
    qtbot.waitUntil(lambda: _focused() is page.solved, timeout=5_000)
    qtbot.keyClick(_focused(), Qt.Key_Tab)
    assert _focused() is page.unsolved
    with qtbot.waitSignal(page.stepShown, timeout=10_000) as shown:
        qtbot.keyClick(_focused(), Qt.Key_Space)                      # "Still not working"
    assert shown.args[0] == "ticket" and chat.stack.currentWidget() is chat.form_page
    qtbot.waitUntil(lambda: _focused() is chat.form_page.editors["printer"][0], timeout=5_000)


def test_guided_steps_left_open_come_back_at_the_next_start(qtbot, start_app):
    app = start_app()
    walk = app.assistant.choose(app.assistant.start_tree("printer-troubleshoot"), 2)
    chat = app.show_chat()
    chat.tree_page.show_walk(walk)
    chat.stack.setCurrentWidget(chat.tree_page)
    app.save_conversation()
    again = start_app()
    chat = again.show_chat()
    assert chat.stack.currentWidget() is chat.tree_page
    assert chat.tree_page.walk.state.node == walk.state.node


def test_booking_step_opens_the_booking_window_with_its_reason(qtbot, start_app):
    app = start_app()
    chat = app.show_chat()
    page = chat.tree_page
    walk = app.assistant.choose(app.assistant.start_tree("laptop-no-start"), 0)     # no power
    walk = app.assistant.finish(walk, solved=False)                                   # need a laptop?
    chat.stack.setCurrentWidget(page)
    with qtbot.waitSignal(page.stepShown, timeout=10_000):
        page.show_walk(walk)
        page.choose(0)                                                                 # yes, book
    qtbot.waitUntil(lambda: page.walk.step.kind == "booking", timeout=10_000)
    booking = app.windows["booking"]
    assert booking.isVisible() and booking.topic.text().startswith("Laptop does not start")
    qtbot.waitUntil(lambda: booking.list.count() == 1, timeout=10_000)
    assert page.ticket_button.isVisible()                  # a ticket stays possible instead


def test_form_messages_follow_corrections_after_the_first_try(qtbot, start_app):
    app = start_app()
    chat = app.show_chat()
    form = chat.form_page
    form.open_form(None)
    form.set_value("subject", "x")                      # no message before a first try
    assert not any(label.isVisible() for _, label in form.editors.values())
    qtbot.mouseClick(form.next_button, Qt.LeftButton)
    assert form.editors["details"][1].isVisible()
    form.set_value("details", "The screen flickers")
    assert not form.editors["details"][1].isVisible()
