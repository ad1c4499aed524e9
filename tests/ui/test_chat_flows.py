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
