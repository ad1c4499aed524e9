"""Chat with the helpdesk: a page of the chat window where an agent takes over.

Before it starts, the page says who is available and how long the wait is, and asks
whether the computer's details may be shared. Outside opening hours, on a holiday, when
no agent is free or the wait passes the policy's limit, it offers a call back or a ticket
instead — never a dead end. Once started: the queue position and wait, the agent's
messages and typing, what the agent pushes (an article, guided steps, a form, a booking)
as buttons, and what the employee writes, marked "sending…" until the server has it.
Everything shown comes from the server as plain text.
"""
from __future__ import annotations

import time
from datetime import datetime
from html import escape
from types import SimpleNamespace

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget)

from desktop.handoff.context import conversation_start
from desktop.handoff.hours import OpeningHours
from desktop.ui.safe_view import SafeTextBrowser
from desktop.ui.workers import focus_later

TYPING_MS = 4000
PUSHED = ("article", "tree", "form", "booking")
CHECK_WAIT_MS = 15_000


class LiveChatPage(QWidget):
    def __init__(self, chat) -> None:
        super().__init__(chat)
        self.chat, self.app = chat, chat.app
        self.question, self.walk, self.lang, self.about_ticket = "", None, "", ""
        self.waiting_since = 0.0
        self.typing_sent = 0.0
        self.status = QLabel(self, wordWrap=True, textFormat=Qt.PlainText)
        self.status.setStyleSheet("font-weight: 600")
        self.transcript = SafeTextBrowser(self)
        self.typing = QLabel(self, textFormat=Qt.PlainText)
        self.typing.setStyleSheet("color: #666")
        self.typing_timer = QTimer(self, singleShot=True, interval=TYPING_MS)
        self.typing_timer.timeout.connect(lambda: self.typing.setText(""))
        self.pushed = QVBoxLayout()
        self.share = QCheckBox(self)
        self.share.setChecked(True)
        self.start_button = QPushButton(self)
        self.start_button.clicked.connect(self.start)
        self.offer = QLabel(self, wordWrap=True, textFormat=Qt.PlainText)
        self.callback = QPushButton(self)
        self.callback.clicked.connect(lambda: self.app.show_booking(self.question))
        self.ticket = QPushButton(self)
        self.ticket.clicked.connect(lambda: self.chat.form_page.open_form(None, subject=self.question))
        self.input = QLineEdit(self)
        self.input.returnPressed.connect(self.send)
        self.input.textEdited.connect(self._typed)
        self.send_button = QPushButton(self)
        self.send_button.clicked.connect(self.send)
        self.end_button = QPushButton(self)
        self.end_button.clicked.connect(self.end)
        self.back = QPushButton(self)
        self.back.clicked.connect(self.chat.focus_question)
        self.new_button = QPushButton(self)
        self.new_button.clicked.connect(self.new_question)
        self.wait_check = QTimer(self, interval=CHECK_WAIT_MS)
        self.wait_check.timeout.connect(self._check_wait)

        writing = QHBoxLayout()
        writing.addWidget(self.input, 1)
        writing.addWidget(self.send_button)
        offers = QHBoxLayout()
        for button in (self.callback, self.ticket):
            offers.addWidget(button)
        offers.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.back)
        bottom.addStretch(1)
        bottom.addWidget(self.new_button)
        bottom.addWidget(self.end_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.transcript, 1)
        self.filler = QWidget(self)                    # keeps the words at the top when there is no conversation
        layout.addWidget(self.filler, 1)
        layout.addWidget(self.typing)
        layout.addLayout(self.pushed)
        layout.addWidget(self.offer)
        layout.addLayout(offers)
        layout.addWidget(self.share)
        layout.addWidget(self.start_button)
        layout.addLayout(writing)
        layout.addLayout(bottom)
        self.retranslate()
        self._show("idle")

    @property
    def link(self):
        return self.app.live

    # -- text ---------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.share.setText(self.tr("Share my computer's details with the agent (name, system, network, free disk)"))
        self.start_button.setText(self.tr("&Start the chat"))
        self.callback.setText(self.tr("&Book a call back"))
        self.ticket.setText(self.tr("Open a &ticket instead"))
        self.input.setPlaceholderText(self.tr("Write to the helpdesk…"))
        self.input.setAccessibleName(self.tr("Your message to the helpdesk"))
        self.send_button.setText(self.tr("S&end"))
        self.end_button.setText(self.tr("E&nd the chat"))
        self.back.setText(self.tr("Back to the &answers"))
        self.new_button.setText(self.tr("&New question"))
        self.transcript.setAccessibleName(self.tr("Conversation with the helpdesk"))
        if self.link is not None and self.link.chat.conversation:
            self.render()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _show(self, mode: str) -> None:
        """idle | offer (before starting) | closed (only the alternatives) | live | ended"""
        self.mode = mode
        live = mode == "live"
        self.share.setVisible(mode == "offer")
        self.start_button.setVisible(mode == "offer")
        for widget in (self.input, self.send_button, self.end_button):
            widget.setVisible(live)
        self.new_button.setVisible(mode == "ended")
        self.transcript.setVisible(mode in ("live", "ended"))
        self.filler.setVisible(mode not in ("live", "ended"))
        self.typing.setVisible(live)
        self.offer.setVisible(mode in ("offer", "closed") or bool(self.offer.text()) and live)
        self._alternatives(mode in ("offer", "closed") or self.offer.isVisible())
        self.wait_check.stop() if not live else self.wait_check.start()

    def _alternatives(self, shown: bool) -> None:
        self.callback.setVisible(shown and self.app.booking_available())
        self.ticket.setVisible(shown)

    # -- before the chat ----------------------------------------------------------------
    def open(self, question: str, walk=None, lang: str = "", ticket: str = "") -> None:
        """The employee asked for a person: the live conversation when one is open, else
        the way into one (or the alternatives when nobody can answer)."""
        self.chat.stack.setCurrentWidget(self)
        if self.link is not None and self.link.chat.active:
            self.show_conversation()
            return
        self.question, self.walk, self.lang, self.about_ticket = question.strip(), walk, lang, ticket
        self.offer.setText("")
        policy = self.app.assistant.policy
        if self.link is None or not self.link.available:
            self.status.setText(self.tr("Live chat is not set up on this computer."))
            self.offer.setText(self.tr("You can open a ticket, or call the helpdesk: %s") % self.app.helpdesk_contact()
                               if self.app.helpdesk_contact() else self.tr("You can open a ticket instead."))
            self._show("closed")
            return
        hours = OpeningHours.parse(policy.helpdesk.hours, policy.helpdesk.holidays)
        now = datetime.now().astimezone()
        if not hours.is_open(now):
            opens = hours.next_opening(now)
            self.status.setText(self.tr("The helpdesk chat is closed now."))
            self.offer.setText(self.tr("It opens again %s. Until then you can book a call back or open a ticket: "
                                       "nothing you wrote is lost.") % self._when(opens, now)
                               if opens else self.tr("You can book a call back or open a ticket instead."))
            self._show("closed")
            return
        self.status.setText(self.tr("Chat with someone at the helpdesk"))
        self.offer.setText(self.tr("An agent will see your question, what I suggested and the steps you tried. "
                                   "Checking who is available…"))
        self._show("offer")
        self.start_button.setEnabled(False)
        self.link.availability(self._team(), self._available, self._unreachable)

    def _when(self, moment: datetime, now: datetime) -> str:
        from PySide6.QtCore import QDateTime, QLocale  # noqa: PLC0415

        shown = QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))
        locale = QLocale()
        if moment.date() == now.date():
            return self.tr("today at %s") % locale.toString(shown.time(), QLocale.ShortFormat)
        return locale.toString(shown, "dddd HH:mm")

    def _team(self) -> str:
        return ""                        # the server's default team; the start request carries the topic's

    def _available(self, found: dict) -> None:
        if self.mode != "offer":
            return
        self.start_button.setEnabled(True)
        intro = self.tr("An agent will see your question, what I suggested and the steps you tried.")
        if found["agents_available"]:
            self.offer.setText(intro + " " + self._estimate(found["estimate_seconds"], found["waiting"]))
            self.start_button.setText(self.tr("&Start the chat"))
            focus_later(self.start_button)
        else:
            self.offer.setText(self.tr("No agent is free right now. You can book a call back, open a ticket, or "
                                       "wait in the queue for the next agent."))
            self.start_button.setText(self.tr("&Wait in the queue"))
            focus_later(self.ticket)

    def _unreachable(self, exc: Exception) -> None:
        if self.mode != "offer":
            return
        self.status.setText(self.tr("The helpdesk chat cannot be reached right now."))
        self.offer.setText(self.tr("You can book a call back or open a ticket: it is sent as soon as you are "
                                   "back online."))
        self._show("closed")

    def _estimate(self, seconds, waiting: int) -> str:
        if seconds is None:
            return self.tr("Nobody can say yet how long the wait is.")
        minutes = max(1, round(seconds / 60))
        ahead = ""
        if waiting:
            ahead = (self.tr("One person is waiting before you.") if waiting == 1 else
                     self.tr("%n people are waiting before you.", "", waiting)) + " "
        return ahead + (self.tr("An agent should answer within a minute.") if minutes == 1 else
                        self.tr("An agent should answer in about %n minutes.", "", minutes))

    def start(self) -> None:
        assistant, question, walk, share = self.app.assistant, self.question, self.walk, self.share.isChecked()
        lang, ticket = self.lang, self.about_ticket
        self.start_button.setEnabled(False)
        self.offer.setText(self.tr("Connecting you to the helpdesk…"))
        self.link.begin(lambda: conversation_start(assistant, question, walk, share, lang, ticket), self._started,
                        self._unreachable)

    def _started(self, _found: dict) -> None:
        self.waiting_since = time.monotonic()
        self.offer.setText("")
        self.show_conversation()

    # -- the conversation ---------------------------------------------------------------
    def show_conversation(self) -> None:
        self.chat.stack.setCurrentWidget(self)
        chat = self.link.chat
        self.question = self.question or chat.data.get("question", "")
        self._show("live" if chat.active else "ended")
        self._state(chat.state)
        clear_pushed(self.pushed)
        for message in chat.messages:                  # what the agent pushed before a restart
            if message["kind"] in PUSHED:
                self._add_push(message)
        self.render()
        if chat.active:
            focus_later(self.input)

    def on_event(self, event: dict) -> None:
        kind = event.get("type")
        if kind == "state":
            self._state(event)
            if event.get("state") in ("ended", "abandoned"):
                self._show("ended")
        elif kind == "typing":
            self.typing.setText(self.tr("%s is typing…") % (self.link.chat.state.get("agent") or self.tr("The agent")))
            self.typing_timer.start()
        elif kind == "message":
            self.typing.setText("")
            if event.get("kind") in PUSHED:
                self._add_push(event)
        elif kind == "link":
            self._state(self.link.chat.state, online=event.get("online"))
        elif kind == "error" and event.get("message"):
            self.offer.setText(event["message"])
            self.offer.setVisible(True)
        if self.link.chat.conversation and kind in ("message", "delivered", "state"):
            self.render()

    def _state(self, state: dict, online: bool | None = None) -> None:
        what = state.get("state")
        if online is False:
            self.status.setText(self.tr("Connection lost: reconnecting… Your messages wait and are sent then."))
            return
        if what == "waiting":
            position = state.get("position") or 1
            text = (self.tr("Waiting for an agent: you are next.") if position == 1 else
                    self.tr("Waiting for an agent: you are number %n in the queue.", "", position))
            self.status.setText(text + " " + self._estimate(state.get("estimate_seconds"), 0))
        elif what == "active":
            self.status.setText(self.tr("You are chatting with %s from the helpdesk.") % (state.get("agent") or
                                                                                          self.tr("an agent")))
            self.offer.setText("")
            self._alternatives(False)
        elif what == "ended":
            self.status.setText(self.tr("The conversation has ended."))
        elif what == "abandoned":
            self.status.setText(self.tr("You left the queue."))

    def _check_wait(self) -> None:
        """Past the policy's limit, a call back and a ticket are offered next to the queue."""
        chat = self.link.chat
        limit = self.app.assistant.policy.helpdesk.chat_wait_minutes * 60
        if chat.state.get("state") == "waiting" and self.waiting_since and time.monotonic() - self.waiting_since > limit:
            self.offer.setText(self.tr("Nobody is free yet. You can keep waiting, or book a call back or open a "
                                       "ticket instead (the conversation so far goes with it)."))
            self.offer.setVisible(True)
            self._alternatives(True)

    def _typed(self, _text: str) -> None:
        if time.monotonic() - self.typing_sent > 2.5:
            self.typing_sent = time.monotonic()
            self.link.typing()

    def send(self) -> None:
        text = self.input.text().strip()
        if text and self.link.send(text):
            self.input.clear()
            self.render()

    def end(self) -> None:
        self.link.end()
        self.end_button.setEnabled(False)

    def new_question(self) -> None:
        self.link.forget()
        clear_pushed(self.pushed)
        self.chat.focus_question()

    def render(self) -> None:
        chat = self.link.chat
        lines = []
        for m in chat.messages:
            lines.append(self._line(m))
        you, sending = escape(self.tr("You")), escape(self.tr("sending…"))
        for pending in chat.outbox:
            lines.append(f"<p><b style='color:#1d3557'>{you}</b> <i style='color:#888'>({sending})</i><br>"
                         f"{escape(pending['text'])}</p>")
        self.transcript.setHtml("".join(lines))
        bar = self.transcript.verticalScrollBar()
        bar.setValue(bar.maximum())
        self.end_button.setEnabled(chat.active and not chat.data.get("ending"))

    def _line(self, m: dict) -> str:
        if m["kind"] == "event":
            said = {"taken": self.tr("%s joined the conversation") % m["author"],
                    "transferred_team": self.tr("Your conversation was passed to another team; please wait."),
                    "transferred_agent": self.tr("%s now has your conversation") % m["author"],
                    "ended": self.tr("The conversation has ended.")}.get(m["text"], "")
            return f"<p style='color:#777'><i>{escape(said)}</i></p>" if said else ""
        if m["kind"] == "transcript":
            kept = self.tr("The helpdesk keeps this conversation in ticket #%s.") % m["text"]
            return f"<p style='color:#777'><i>{escape(kept)}</i></p>"
        mine = m["sender"] == "employee"
        who = self.tr("You") if mine else (m["author"] or self.tr("Helpdesk"))
        at = _local_time(m.get("at", ""))
        stamp = f" <span style='color:#888;font-size:small'>{escape(at)}</span>" if at else ""
        colour = "#1d3557" if mine else "#1b5e20"
        if m["kind"] == "text":
            return f"<p><b style='color:{colour}'>{escape(who)}</b>{stamp}<br>{escape(m['text'])}</p>"
        what = {"article": self.tr("an article"), "tree": self.tr("guided steps"), "form": self.tr("a form"),
                "booking": self.tr("a call back booking")}.get(m["kind"], m["kind"])
        sent = self.tr("sent you %s:") % what
        return f"<p><b style='color:{colour}'>{escape(who)}</b>{stamp}<br>{escape(sent)} <b>{escape(m['text'] or m['ref'])}</b></p>"

    # -- what the agent pushes ----------------------------------------------------------
    def _add_push(self, m: dict) -> None:
        labels = {"article": self.tr("Open the article: %s"), "tree": self.tr("Start the guided steps: %s"),
                  "form": self.tr("Fill in: %s"), "booking": self.tr("Book a call back")}
        title = m.get("text") or m.get("ref") or self.tr("the ticket form")
        label = labels[m["kind"]] % title if "%s" in labels[m["kind"]] else labels[m["kind"]]
        button = QPushButton(label, self)
        button.clicked.connect(lambda _=False, pushed=dict(m): self.open_pushed(pushed))
        while self.pushed.count() >= 3:                  # the latest few stay at hand
            item = self.pushed.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.pushed.addWidget(button)

    def open_pushed(self, m: dict) -> None:
        kind, ref = m["kind"], m.get("ref", "")
        if kind == "article" and ref:
            self.chat.stack.setCurrentWidget(self.chat.answer_page)
            self.chat.pick(SimpleNamespace(kind="article", id=ref, title=m.get("text", "")))
        elif kind == "tree" and ref:
            self.chat.tree_page.start(ref)
        elif kind == "form":
            if ref:
                self.chat.tree_page.start(ref)           # a request item's form
            else:
                self.chat.form_page.open_form(None, subject=self.question)
        elif kind == "booking":
            self.app.show_booking(self.question)


def _local_time(at: str) -> str:
    """"14:05" in the computer's time zone, from the server's UTC time ("" when unreadable)."""
    try:
        return datetime.fromisoformat(at).astimezone().strftime("%H:%M")
    except ValueError:
        return ""


def clear_pushed(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()
