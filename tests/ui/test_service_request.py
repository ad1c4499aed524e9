"""A service request in the chat: "I need a new laptop" answers with the article that
explains it and offers the form; the form asks the catalog item's fields (a condition
hides nothing it needs), the summary shows them, and the ITSM receives a request with each
value in its own field — not an incident with the values flattened into its text."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def test_the_laptop_request_goes_from_the_question_to_the_itsm_as_a_request(qtbot, start_app, itsm):
    app = start_app()
    chat = app.show_chat()
    chat.resize(560, 760)
    with qtbot.waitSignal(chat.answerShown, timeout=10_000):
        qtbot.keyClicks(chat.question, "I need a new laptop")
    assert chat.start_tree.isVisible() and "request" in chat.start_tree.text().lower()
    assert "laptop" in chat.answer.toPlainText().lower()            # the article that explains it, first
    with qtbot.waitSignal(chat.tree_page.stepShown, timeout=10_000):
        qtbot.keyClick(chat.question, Qt.Key_Return)
    qtbot.waitUntil(lambda: chat.stack.currentWidget() is chat.form_page, timeout=10_000)
    form = chat.form_page
    assert {"model", "needed_by", "keyboard", "reason"} <= set(form.editors)
    form.set_value("model", 'Performance 16"')
    form.set_value("needed_by", "2027-02-01")
    form.set_value("keyboard", "AZERTY")
    form.set_value("reason", "Video editing for the marketing team")
    SHOTS.mkdir(parents=True, exist_ok=True)
    chat.grab().save(str(SHOTS / "request-form.png"))
    qtbot.mouseClick(form.next_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: chat.stack.currentWidget() is chat.summary_page, timeout=10_000)
    assert 'Performance 16"' in chat.summary_page.text.toPlainText()
    with qtbot.waitSignal(chat.done_page.outcomeShown, timeout=10_000) as done:
        qtbot.mouseClick(chat.summary_page.send_button, Qt.LeftButton)
    assert done.args[0] == "sent"
    sent = next(iter(itsm.tickets.values()))["ticket"]
    assert sent.kind == "request" and sent.item == "new-laptop" and sent.approval == "manager"
    assert dict(sent.fields) == {"model": 'Performance 16"', "needed_by": "2027-02-01", "keyboard": "AZERTY",
                                 "reason": "Video editing for the marketing team"}
    assert sent.team == "workplace" and sent.origin.kind == "request"
    assert "Approval: your manager" in sent.body()

    window = app.show_tickets()                                      # My tickets: the approval still to come
    window.resize(760, 420)
    qtbot.waitUntil(lambda: window.table.rowCount() == 1, timeout=10_000)
    assert window.table.item(0, 2).text() == "new — waiting for your manager's approval"
    window.grab().save(str(SHOTS / "request-approval.png"))


def test_what_the_question_already_says_is_filled_in(qtbot, start_app):
    from datetime import date, timedelta

    app = start_app()
    chat = app.show_chat()
    with qtbot.waitSignal(chat.answerShown, timeout=10_000):
        qtbot.keyClicks(chat.question, "give me read and write access to the HR share from monday")
    if not chat.start_tree.isVisible():                          # "did you mean": the shared-folder article
        buttons = [chat.choices.itemAt(i).widget() for i in range(chat.choices.count())]
        qtbot.mouseClick(next(b for b in buttons if "shared folder" in b.text().lower()), Qt.LeftButton)
        qtbot.waitUntil(chat.start_tree.isVisible, timeout=10_000)
    assert "request" in chat.start_tree.text().lower()
    with qtbot.waitSignal(chat.tree_page.stepShown, timeout=10_000):
        qtbot.mouseClick(chat.start_tree, Qt.LeftButton)
    qtbot.waitUntil(lambda: chat.stack.currentWidget() is chat.form_page, timeout=10_000)
    values = chat.form_page.values()
    today = date.today()
    monday = today + timedelta(days=(0 - today.weekday() - 1) % 7 + 1)
    assert values["access"] == "Read and write" and values["from_date"] == monday.isoformat()
