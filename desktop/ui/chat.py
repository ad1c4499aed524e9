"""The chat window: answers as the user types, "did you mean" buttons, feedback, and the
way into guided steps and tickets.

Typing restarts a 250 ms timer; when it fires the question goes to the engine on the
worker thread (`Assistant.preview`) and the reply comes back by signal. Only the reply
to the text still in the box is shown, and one question at a time is in flight (the
latest waiting one replaces any older), so fast typing never piles up work.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QStackedWidget,
                               QVBoxLayout, QWidget)

from desktop.engine.variables import markdown_escape
from desktop.ui.announcements import AnnouncementBanner, OutageNotice
from desktop.ui.form import FormPage
from desktop.ui.live_chat_view import LiveChatPage
from desktop.ui.safe_view import SafeTextBrowser
from desktop.ui.ticket_summary import DonePage, SummaryPage
from desktop.ui.tree_view import TreePage
from desktop.ui.workers import focus_later

DEBOUNCE_MS = 250
WALKED = ("tree", "request")       # hits the chat walks step by step: guided steps, a request form
DEFAULT_SIZE = (560, 640)
MINIMUM_SIZE = (380, 420)          # a ticket form still fits; below that the text would be cut


def clear_layout(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()


class ChatWindow(QWidget):
    answerShown = Signal(str)          # the reply kind, once it is on screen

    def __init__(self, app):
        super().__init__()
        self.app = app
        self.preview = None            # the Preview on screen
        self.banners: list = []
        self.verdict: bool | None = None   # the answer to "Was this helpful?" for the answer shown
        self.in_flight = False
        self.waiting: str | None = None
        self.debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.debounce.timeout.connect(self.ask_now)
        self.setWindowIcon(app.icon)
        self.setMinimumSize(*MINIMUM_SIZE)
        self.resize(*DEFAULT_SIZE)

        self.offline = QLabel(self, wordWrap=True, visible=False, textFormat=Qt.PlainText)
        self.offline.setFrameShape(QFrame.StyledPanel)
        self.banner = AnnouncementBanner(self)
        self.banner.current.connect(self._banner_shown)
        self.affected = QPushButton(self, visible=False)
        self.affected.clicked.connect(self.report_affected)
        self.reported: set = set()          # announcements this user said they are affected by
        self.question = QLineEdit(self, clearButtonEnabled=True)
        self.question.textChanged.connect(lambda _: self.debounce.start())
        self.question.returnPressed.connect(self.enter)
        self.ask_button = QPushButton(self)
        self.ask_button.clicked.connect(self.enter)

        self.outage = OutageNotice(self)
        self.answer = SafeTextBrowser(self, extra_schemes=self.extra_link_schemes)
        self.choices_label = QLabel(self, visible=False)
        self.choices = QVBoxLayout()
        self.start_tree = QPushButton(self, visible=False)
        self.picked_request = ""            # the request form of an article picked from "did you mean"
        self.start_tree.clicked.connect(self.start_shown_tree)
        self.helpful_label = QLabel(self)
        self.yes = QPushButton(self)
        self.no = QPushButton(self)
        self.yes.clicked.connect(lambda: self.feedback(True))
        self.no.clicked.connect(lambda: self.feedback(False))
        self.ticket_button = QPushButton(self)
        self.ticket_button.clicked.connect(self.open_ticket)
        self.person_button = QPushButton(self, visible=False)        # live chat with the helpdesk
        self.person_button.clicked.connect(self.talk_to_person)
        feedback = QHBoxLayout()
        for widget in (self.helpful_label, self.yes, self.no):
            feedback.addWidget(widget)
        feedback.addStretch(1)
        feedback.addWidget(self.person_button)
        feedback.addWidget(self.ticket_button)
        self.feedback_row = QWidget(self)
        self.feedback_row.setLayout(feedback)

        answer_page = QWidget(self)
        page = QVBoxLayout(answer_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.addWidget(self.outage)
        page.addWidget(self.answer, 1)
        page.addWidget(self.choices_label)
        page.addLayout(self.choices)
        page.addWidget(self.start_tree)
        page.addWidget(self.feedback_row)

        self.stack = QStackedWidget(self)
        self.tree_page = TreePage(self)
        self.form_page = FormPage(self)
        self.summary_page = SummaryPage(self)
        self.done_page = DonePage(self)
        self.live_page = LiveChatPage(self)
        for widget in (answer_page, self.tree_page, self.form_page, self.summary_page, self.done_page, self.live_page):
            self.stack.addWidget(widget)
        self.answer_page = answer_page

        row = QHBoxLayout()
        row.addWidget(self.question, 1)
        row.addWidget(self.ask_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.offline)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.affected)
        layout.addLayout(banner_row)
        layout.addLayout(row)
        layout.addWidget(self.stack, 1)
        QShortcut(QKeySequence("Ctrl+L"), self, self.focus_question)
        QShortcut(QKeySequence("Ctrl+T"), self, self.open_ticket)
        QShortcut(QKeySequence(Qt.Key_Escape), self, self.hide)
        self.setTabOrder(self.question, self.ask_button)
        self.setTabOrder(self.ask_button, self.answer)
        self.retranslate()
        self.welcome()
        app.onlineChanged.connect(self.set_online)
        app.announcementsChanged.connect(self.set_announcements)
        app.ready.connect(self._on_ready)
        app.failed.connect(self._on_failed)
        app.liveEvent.connect(self._live_event)
        self.set_online(app.online)
        self.set_announcements(app.announcements)
        self.resume()

    def extra_link_schemes(self) -> tuple[str, ...]:
        """Link schemes IT allows on top of https, mailto and tel (policy `[links]`)."""
        assistant = self.app.assistant
        links = getattr(getattr(assistant, "policy", None), "links", None)
        return tuple(getattr(links, "extra_schemes", ()) or ())

    # -- text ---------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Ask IT — Helpdesk Assistant"))
        self.question.setPlaceholderText(self.tr("Describe your problem in your own words…"))
        self.question.setAccessibleName(self.tr("Your question"))
        self.ask_button.setText(self.tr("&Ask"))
        self.answer.setAccessibleName(self.tr("Answer"))
        self.choices_label.setText(self.tr("Did you mean:"))
        self.start_tree.setText(self.tr("&Start the guided steps"))
        self._show_verdict()
        self.yes.setText(self.tr("&Yes"))
        self.no.setText(self.tr("&No"))
        self.yes.setAccessibleName(self.tr("Yes, this was helpful"))
        self.no.setAccessibleName(self.tr("No, this did not help"))
        self.ticket_button.setText(self.tr("Open a &ticket"))
        self._person_label()
        if self.banners:
            self._banner_shown(self.banner.index)
        else:
            self.affected.setText(self.tr("I'm a&ffected too"))
        self.offline.setText(self.tr("You are offline. Answers and guided steps still work; "
                                     "tickets wait on this computer and are sent when you are back online."))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.fit_to_screen()
        super().showEvent(event)

    def fit_to_screen(self) -> None:
        """Never wider or taller than the screen's free area (panels and docks excluded)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        free = screen.availableGeometry().size()
        self.setMinimumSize(min(MINIMUM_SIZE[0], free.width()), min(MINIMUM_SIZE[1], free.height()))
        self.setMaximumSize(free)
        if self.width() > free.width() or self.height() > free.height():
            self.resize(min(self.width(), free.width()), min(self.height(), free.height()))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
            for page in (self.tree_page, self.form_page, self.summary_page, self.done_page, self.live_page):
                page.retranslate()
        super().changeEvent(event)

    def welcome(self) -> None:
        if self.app.error:
            self._on_failed(self.app.error)
        elif self.app.assistant is None:
            self.answer.setMarkdown(self.tr("Getting ready…"))
        else:
            self.answer.setMarkdown(self.tr("Type your IT question: answers appear as you type."))
        self._set_answer_controls(feedback=False)

    def _on_failed(self, message: str) -> None:
        self.answer.setPlainText(self.tr("The knowledge base cannot be opened: %s") % message)

    def resume(self) -> None:
        """Guided steps left open at the last quit come back where they were, and so does a
        chat with the helpdesk."""
        walk, self.app.resumed_walk = self.app.resumed_walk, None
        if walk is not None:
            self.stack.setCurrentWidget(self.tree_page)
            self.tree_page.show_walk(walk)
        if self.live_active():
            self.live_page.show_conversation()
        self._person_label()

    def _on_ready(self) -> None:
        self.app.assistant.set_announcements(self.banners)
        self.resume()
        if self.stack.currentWidget() is not self.answer_page:
            return
        if not self.question.text().strip():
            self.welcome()
        else:
            self.ask_now()

    # -- asking -------------------------------------------------------------------------
    def focus_question(self) -> None:
        self.stack.setCurrentWidget(self.answer_page)
        self.question.setFocus()
        self.question.selectAll()

    def ask_now(self) -> None:
        text = self.question.text().strip()
        self.stack.setCurrentWidget(self.answer_page)
        if not text:
            self.preview = None
            self.show_outages(())
            self.welcome()
            return
        if self.app.assistant is None:
            return                                  # asked again when ready
        if self.in_flight:
            self.waiting = text
            return
        self.in_flight = True
        assistant = self.app.assistant
        self.app.workers.submit(lambda: assistant.preview(text), self._show_preview,
                                self._engine_failed, engine=True)

    def _engine_failed(self, exc: Exception) -> None:
        self.in_flight = False
        self.answer.setPlainText(self.tr("Sorry, something went wrong: %s") % exc)

    def _show_preview(self, preview) -> None:
        self.in_flight = False
        current = self.question.text().strip()
        if self.waiting is not None:
            self.waiting = None
            if preview.turn.question != current:
                self.ask_now()
                return
        if preview.turn.question != current:
            return                                      # stale: the user kept typing
        self.preview = preview
        reply = preview.turn.reply
        self.show_outages(preview.outages)
        clear_layout(self.choices)
        self.choices_label.setVisible(reply.kind == "choose" and not preview.markdown.strip())
        self.start_tree.setVisible(False)
        self.start_tree.setText(self.tr("&Start the guided steps"))
        self.picked_request = ""
        if reply.kind == "answer" and reply.hits[0].kind in WALKED:
            self.answer.setMarkdown(f"## {markdown_escape(reply.hits[0].title)}\n\n" + (
                self.tr("I can fill in this request with you and send it to the helpdesk.")
                if reply.hits[0].kind == "request" else self.tr("I can walk you through this step by step.")))
            if reply.hits[0].kind == "request":
                self.start_tree.setText(self.tr("&Fill in the request"))
            self.start_tree.setVisible(True)
        else:
            self.answer.setMarkdown(preview.markdown)
            if preview.request:                         # an article that comes with a request form
                self.start_tree.setText(self.tr("&Fill in the request"))
                self.start_tree.setVisible(True)
        if preview.person and reply.kind != "answer":
            self.answer.setMarkdown(self.tr("I can put you through to someone at the helpdesk: they will see "
                                            "what you asked and what I suggested."))
        if reply.kind == "choose":
            for number, hit in enumerate(reply.hits[:5], 1):
                button = QPushButton(f"&{number}  {hit.title}", self)
                button.setAccessibleName(hit.title)
                button.clicked.connect(lambda _=False, h=hit: self.pick(h))
                self.choices.addWidget(button)
            none = QPushButton(self.tr("None of these — open a ticket"), self)
            none.clicked.connect(self.none_of_these)
            self.choices.addWidget(none)
        self._set_answer_controls(feedback=reply.kind == "answer" and reply.hits[0].kind == "article",
                                  offer_ticket=reply.kind == "unknown", offer_person=reply.kind == "unknown"
                                  or preview.person)
        self.answerShown.emit(reply.kind)

    def _set_answer_controls(self, feedback: bool, offer_ticket: bool = False, offer_person: bool = False) -> None:
        """Every new answer asks "Was this helpful?" afresh, whatever was said before."""
        self.verdict = None
        self._show_verdict()
        for widget in (self.helpful_label, self.yes, self.no):
            widget.setVisible(feedback)
        self.ticket_button.setVisible(feedback or offer_ticket)
        self.person_button.setVisible(self.live_offered() and (offer_person or self.live_active()))

    # -- a person at the helpdesk ---------------------------------------------------------
    def live_offered(self) -> bool:
        live = getattr(self.app, "live", None)
        return live is not None and live.available

    def live_active(self) -> bool:
        live = getattr(self.app, "live", None)
        return live is not None and live.chat.active

    def _person_label(self) -> None:
        self.person_button.setText(self.tr("Back to the &chat with the helpdesk") if self.live_active()
                                   else self.tr("&Chat with the helpdesk"))

    def talk_to_person(self) -> None:
        self._record()
        self._person_label()
        lang = self.preview.turn.reply.lang if self.preview is not None else ""
        self.live_page.open(self.question.text().strip(), lang=lang or "")

    def _live_event(self, event: dict) -> None:
        self.live_page.on_event(event)
        if event.get("type") == "state":
            self._person_label()
            self.person_button.setVisible(self.live_offered() and (self.live_active() or self.person_button.isVisible()))

    def _show_verdict(self) -> None:
        if self.verdict is None:
            self.helpful_label.setText(self.tr("Was this helpful?"))
        elif self.verdict:
            self.helpful_label.setText(self.tr("Glad it helped!"))
        else:
            self.helpful_label.setText(self.tr("Sorry. Try other words, or open a ticket: "
                                               "the helpdesk will see what you already tried."))

    def enter(self) -> None:
        """Return: the reply on screen becomes part of the conversation (or start its tree)."""
        self.debounce.stop()
        text = self.question.text().strip()
        if self.preview is None or self.preview.turn.question != text:
            self.ask_now()
            return
        self._record()
        reply = self.preview.turn.reply
        if self.preview.person and self.live_offered():
            self.talk_to_person()
        elif reply.kind == "answer" and (reply.hits[0].kind in WALKED or self.preview.request):
            self.start_shown_tree()
        elif reply.kind == "choose" and self.choices.count():
            focus_later(self.choices.itemAt(0).widget())

    def _record(self) -> None:
        if self.preview is not None and self.app.assistant is not None:
            turn, assistant = self.preview.turn, self.app.assistant
            self.app.workers.submit(lambda: assistant.record(turn), engine=True)

    def start_shown_tree(self) -> None:
        if self.preview is not None and self.preview.turn.reply.hits:
            self._record()
            self.tree_page.start(self.picked_request or self.preview.request or self.preview.turn.reply.hits[0].id)

    def pick(self, hit) -> None:
        """A "did you mean" button: open that article or start that tree."""
        self._record()
        assistant = self.app.assistant
        if hit.kind in WALKED:
            self.app.workers.submit(lambda: assistant.pick(hit.id), engine=True)
            self.tree_page.start(hit.id)
            return

        def load():
            assistant.pick(hit.id)
            item = assistant.kb.request_for(hit.id)
            return assistant.article_markdown(hit.id), assistant.outages_for(hit.id), item.id if item else ""

        def show(loaded) -> None:
            markdown, outages, request = loaded
            self.show_outages(outages)
            clear_layout(self.choices)
            self.choices_label.setVisible(False)
            self.answer.setMarkdown(markdown)
            self._set_answer_controls(feedback=True)
            self.picked_request = request
            if request:                                 # the article comes with a request form
                self.start_tree.setText(self.tr("&Fill in the request"))
                self.start_tree.setVisible(True)
            focus_later(self.answer)
            self.answerShown.emit("answer")
        self.app.workers.submit(load, show, self._engine_failed, engine=True)

    def none_of_these(self) -> None:
        """No candidate fits: a ticket whose subject is the question asked."""
        self._record()
        self.open_ticket()

    def open_ticket(self) -> None:
        """The generic ticket form, its subject prefilled with the question in the box."""
        self.form_page.open_form(None, subject=self.question.text().strip())

    def feedback(self, helpful: bool) -> None:
        self._record()
        assistant = self.app.assistant
        hit = self.preview.turn.reply.hits[0].id if self.preview and self.preview.turn.reply.hits else ""
        self.app.workers.submit(lambda: assistant.feedback(helpful, hit), engine=True)
        self.yes.setVisible(False)
        self.no.setVisible(False)
        self.verdict = helpful
        self._show_verdict()
        if not helpful:
            self.person_button.setVisible(self.live_offered())
            focus_later(self.ticket_button)

    # -- banners ------------------------------------------------------------------------
    def set_online(self, online: bool) -> None:
        self.offline.setVisible(not online)

    def set_announcements(self, banners: list) -> None:
        self.banners = list(banners)
        if self.app.assistant is not None:
            self.app.assistant.set_announcements(self.banners)
        self.banner.set_announcements(self.banners)
        self.affected.setVisible(bool(self.banners))

    def _banner_shown(self, index: int) -> None:
        if not self.banners:
            return
        done = self.banners[index]["id"] in self.reported
        self.affected.setEnabled(not done)
        self.affected.setText(self.tr("Thanks, we counted you") if done else self.tr("I'm a&ffected too"))

    def show_outages(self, outages) -> None:
        """Known problems about what is shown, said before the answer itself."""
        self.outage.set_outages(outages)

    def report_affected(self) -> None:
        if not self.banners or self.app.assistant is None:
            return
        banner, assistant = self.banners[self.banner.index], self.app.assistant
        self.affected.setEnabled(False)

        def done(_):
            self.reported.add(banner["id"])
            self._banner_shown(self.banner.index)
        self.app.workers.submit(lambda: assistant.board.affected(banner["id"]), done,
                                lambda exc: self.affected.setEnabled(True))
