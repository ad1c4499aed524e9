"""Guided steps: one decision-tree node at a time, options as buttons, and Back.

Every step change goes through the facade on the engine's worker thread; a check node
shows "Checking…" while its built-in probe runs there, then moves on by itself.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.ui.action_panel import ActionPanel
from desktop.ui.announcements import OutageNotice
from desktop.ui.safe_view import SafeTextBrowser
from desktop.ui.workers import focus_later


class TreePage(QWidget):
    stepShown = Signal(str)            # the step kind, once it is on screen

    def __init__(self, chat):
        super().__init__(chat)
        self.chat = chat
        self.app = chat.app
        self.walk = None
        self.title = QLabel(self, wordWrap=True, textFormat=Qt.PlainText)      # KB text, never markup
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        self.text = SafeTextBrowser(self, extra_schemes=chat.extra_link_schemes)
        self.outage = OutageNotice(self)
        self.detail = QLabel(self, wordWrap=True, visible=False, textFormat=Qt.PlainText)  # what a check found
        self.options = QVBoxLayout()
        self.action_panel = ActionPanel(self.app, self)
        self.action_panel.setVisible(False)
        self.action_panel.finished.connect(self._action_done)
        self.solved = QPushButton(self)
        self.unsolved = QPushButton(self)
        self.solved.clicked.connect(lambda: self._finish(True))
        self.unsolved.clicked.connect(lambda: self._finish(False))
        self.back_button = QPushButton(self)
        self.back_button.clicked.connect(self.back)
        self.ticket_button = QPushButton(self, visible=False)
        self.ticket_button.clicked.connect(self.chat.open_ticket)
        verdict = QHBoxLayout()
        verdict.addWidget(self.solved)
        verdict.addWidget(self.unsolved)
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        nav.addWidget(self.ticket_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.outage)
        layout.addWidget(self.detail)
        layout.addWidget(self.text, 1)
        layout.addLayout(self.options)
        layout.addWidget(self.action_panel)
        layout.addLayout(verdict)
        layout.addLayout(nav)
        QShortcut(QKeySequence("Alt+Left"), self, self.back)
        self.retranslate()

    def retranslate(self) -> None:
        self.solved.setText(self.tr("It &works now"))
        self.unsolved.setText(self.tr("S&till not working"))
        self.back_button.setText(self.tr("← &Back"))
        self.back_button.setAccessibleName(self.tr("Back to the previous step"))
        self.ticket_button.setText(self.tr("Open a &ticket"))
        self.text.setAccessibleName(self.tr("Step"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _run(self, job) -> None:
        self.app.workers.submit(job, self.show_walk, self._failed, engine=True)

    def _failed(self, exc: Exception) -> None:
        self.text.setPlainText(self.tr("This step cannot be shown: %s") % exc)

    def start(self, tree_id: str) -> None:
        assistant = self.app.assistant
        self.chat.stack.setCurrentWidget(self)
        self._run(lambda: assistant.start_tree(tree_id))

    def choose(self, option: int) -> None:
        walk, assistant = self.walk, self.app.assistant
        self._run(lambda: assistant.choose(walk, option))

    def back(self) -> None:
        if self.walk is None or not self.walk.step.can_go_back:
            self.chat.focus_question()
            return
        walk, assistant = self.walk, self.app.assistant
        self._run(lambda: assistant.back(walk))

    def _finish(self, solved: bool) -> None:
        walk, assistant = self.walk, self.app.assistant
        self._run(lambda: assistant.finish(walk, solved))

    def _action_done(self, _done: bool) -> None:
        self.solved.setVisible(True)
        self.unsolved.setVisible(True)
        focus_later(self.solved)

    def _clear(self) -> None:
        while self.options.count():
            widget = self.options.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()

    def show_walk(self, walk) -> None:
        self.walk = walk
        step = walk.step
        self._clear()
        self.title.setText(walk.title)
        self.outage.set_outages(walk.outages)
        self.detail.setText(walk.check_detail)
        self.detail.setVisible(bool(walk.check_detail))
        self.text.setMarkdown(step.text)
        self.back_button.setEnabled(True)
        for widget in (self.solved, self.unsolved, self.ticket_button, self.action_panel):
            widget.setVisible(False)
        if step.kind == "question":
            for number, label in enumerate(step.options):
                button = QPushButton(f"&{number + 1}  {label}", self)
                button.setAccessibleName(label)
                button.clicked.connect(lambda _=False, n=number: self.choose(n))
                self.options.addWidget(button)
            focus_later(self.options.itemAt(0).widget())
        elif step.kind == "answer":
            self.solved.setVisible(True)
            self.unsolved.setVisible(True)
            focus_later(self.solved)
        elif step.kind == "check":
            self.detail.setText(self.tr("Checking…"))
            self.detail.setVisible(True)
            assistant = self.app.assistant
            self._run(lambda: assistant.run_check(walk))
        elif step.kind == "ticket":
            self.chat.form_page.open_form(walk)
            question = self.chat.preview.turn.question if self.chat.preview is not None else ""
            for field_id, value in self.app.assistant.prefill(walk, question).items():
                if field_id in self.chat.form_page.editors:
                    self.chat.form_page.set_value(field_id, value)       # what the question already said
        elif step.kind == "action":
            self.action_panel.open(step.action, self.app.assistant.values.get("user.login", ""), step.target)
            self.unsolved.setVisible(True)                    # no code, or it did not work: go on
        elif step.kind == "booking":
            self.app.show_booking(step.subject)
            self.ticket_button.setVisible(True)
        elif step.kind == "done":
            if walk.state.outcome == "solved":
                self.text.setMarkdown(self.tr("Glad it is fixed!"))
            else:
                self.text.setMarkdown(self.tr("Sorry this did not solve it. Open a ticket and "
                                              "the helpdesk will see the steps you already tried."))
                self.ticket_button.setVisible(True)
                focus_later(self.ticket_button)
        self.stepShown.emit(step.kind)
