"""The tray app's facade, tested without Qt: everything the UI does goes through it."""
from __future__ import annotations

import subprocess
import sys

import pytest

from desktop.ui.facade import AssistantError
from tests.ui.conftest import REPO


def test_facade_imports_no_qt():
    code = ("import sys, desktop.ui.facade, desktop.ui.settings, desktop.ui.board;"
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))];"
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_ask_answers_a_typo_and_records_the_turn(make_assistant):
    assistant = make_assistant()
    turn = assistant.ask("my printr wont print")
    assert turn.reply.kind in ("answer", "choose")
    assert "printer-troubleshoot" in [h.id for h in turn.reply.hits]
    assert assistant.dialogue.turns[-1] is turn


def test_ask_as_you_type_leaves_no_turn(make_assistant):
    assistant = make_assistant()
    assistant.ask("vpn", record=False)
    assert assistant.dialogue.turns == []


def test_article_markdown_fills_in_variables(make_assistant, kb):
    assistant = make_assistant()
    with_vars = [a for a in kb.entries() if a.kind == "article" and "{{" in a.body]
    assert with_vars, "the sample KB uses variables"
    text = assistant.article_markdown(with_vars[0].id)
    assert text.startswith(f"# {with_vars[0].title}")
    assert "{{" not in text


def test_unhelpful_answers_offer_a_ticket(make_assistant):
    assistant = make_assistant()
    turn = assistant.ask("my printer won't print")
    assistant.pick(turn.reply.hits[0].id)
    assert assistant.feedback(helpful=False) is True


def test_tree_walk_choose_back_and_check(make_assistant):
    assistant = make_assistant()
    walk = assistant.start_tree("printer-troubleshoot")
    assert walk.step.kind == "question" and len(walk.step.options) == 5
    walk = assistant.choose(walk, 0)
    assert walk.step.kind == "check"
    after = assistant.run_check(walk)
    assert after.check_detail == "network.connected: fine"
    assert after.step.kind == "question"            # "where are you working from?"
    assert assistant.back(after).state.node == "start"   # Back skips the automatic check


def test_badge_answer_renders_the_login(make_assistant):
    assistant = make_assistant()
    walk = assistant.choose(assistant.start_tree("printer-troubleshoot"), 2)
    assert walk.step.kind == "answer" and "jdoe" in walk.step.text


def _ticket_walk(assistant):
    walk = assistant.choose(assistant.start_tree("printer-troubleshoot"), 2)
    walk = assistant.finish(walk, solved=False)
    assert walk.step.kind == "ticket"
    return walk


@pytest.mark.parametrize("values, errors", [
    ({}, {"printer", "problem"}),
    ({"printer": "PRN-3A", "problem": "Nope"}, {"problem"}),
    ({"printer": "PRN-3A", "problem": "Nothing comes out", "error-photo": "/no/such.png"}, {"error-photo"}),
    ({"printer": "PRN-3A", "problem": "Nothing comes out"}, set()),
])
def test_form_validation_names_each_wrong_field(make_assistant, values, errors):
    assistant = make_assistant()
    walk = _ticket_walk(assistant)
    assert set(assistant.validate(walk.step.fields, values)) == errors


def test_ticket_summary_then_sent_with_a_number(make_assistant, itsm, tmp_path):
    assistant = make_assistant()
    assistant.ask("printer broken")
    walk = _ticket_walk(assistant)
    shot = tmp_path / "error.png"
    shot.write_bytes(b"\x89PNG fake")
    draft = assistant.draft_ticket(walk, {"printer": "PRN-3A", "problem": "Nothing comes out",
                                          "error-photo": str(shot)})
    assert draft.subject == "Printer does not print" and draft.team == "workplace"
    assert any(line.startswith("Asked: printer broken") for line in draft.transcript)
    assert "Printer name (on its label) or location: PRN-3A" in draft.form_lines
    assert [k for k, _, _ in draft.context_labels()] == ["hostname", "ip", "kb_version"]
    outcome = assistant.send(draft.without("ip"))
    assert outcome.status == "sent" and outcome.ticket_id == "1"
    sent = itsm.tickets["1"]["ticket"]
    assert "ip" not in sent.context.items and sent.queue == "Workplace"
    assert sent.attachments[0].filename == "error.png"
    assert "printer broken" in sent.body()


def test_a_french_ticket_sends_the_employees_question_as_theirs(make_assistant, itsm):
    assistant = make_assistant()
    assistant.ask("mon imprimante n'imprime pas", lang="fr")
    outcome = assistant.send(assistant.draft_ticket(description="Rien ne sort"))
    sent = itsm.tickets[outcome.ticket_id]["ticket"]
    assert ("user", "mon imprimante n'imprime pas") in sent.dialogue
    assert not any(who == "assistant" and "imprime pas" in text and "Question" in text for who, text in sent.dialogue)


def test_ticket_while_itsm_down_is_queued(make_assistant):
    assistant = make_assistant(itsm_down=True)
    draft = assistant.draft_ticket(description="Screen flickers")
    outcome = assistant.send(draft)
    assert outcome.status == "queued"
    rows = assistant.desk.tickets()
    assert rows[0].status == "queued" and rows[0].ticket_id == ""


def test_no_itsm_configured_says_so(make_assistant):
    assistant = make_assistant(itsm=False)
    with pytest.raises(AssistantError, match="not set up on this computer"):
        assistant.send(assistant.draft_ticket(description="help"))


def test_status_change_marks_the_ticket_unread_until_seen(make_assistant, itsm):
    assistant = make_assistant()
    assistant.send(assistant.draft_ticket(description="Laptop will not start"))
    assert assistant.desk.unread_count() == 0
    key = assistant.desk.tickets()[0].key
    assistant.desk.service.outbox.record_status(key, "open", 0, 60)
    assert assistant.desk.unread_count() == 1
    assistant.desk.mark_read()
    assert assistant.desk.unread_count() == 0


def test_reply_needs_a_sent_ticket(make_assistant, itsm):
    assistant = make_assistant()
    assistant.send(assistant.draft_ticket(description="x"))
    row = assistant.desk.tickets()[0]
    assistant.desk.reply(row.key, "Still broken")
    assert itsm.calls[-1] == "reply"
    with pytest.raises(AssistantError, match="empty"):
        assistant.desk.reply(row.key, "  ")


def test_announcements_affected_and_booking(make_assistant, board_client):
    from desktop.ui.board import calendar_event

    assistant = make_assistant()
    banners = assistant.board.announcements()
    assert banners[0]["title"] == "E-mail outage"
    assistant.board.affected(3)
    assert board_client.affected == [3]
    slots = assistant.board.slots()
    assert [s["id"] for s in slots] == [7]          # full slots are not offered
    booking = assistant.board.book(slots[0], contact="ext. 4242", topic="new laptop")
    ics = calendar_event(booking["slot"], "Helpdesk appointment")
    start = board_client.slot["starts_at"].replace("-", "").replace(":", "")      # tomorrow 09:00 UTC, from now
    assert f"DTSTART:{start}" in ics and "LOCATION:Desk 2" in ics
    assistant.board.cancel(booking)
    assert board_client.cancelled == [11]
    with pytest.raises(AssistantError, match="reach you"):
        assistant.board.book(slots[0], contact=" ")


def test_board_without_sync_server_is_empty(kb):
    from desktop.ui.board import Board
    from tests.ui.conftest import make_policy

    board = Board(make_policy())
    assert not board.available and board.announcements() == [] and board.slots() == []


def test_stats_setting_only_where_policy_allows(make_assistant):
    assert make_assistant(stats=False).stats_allowed is False
    assistant = make_assistant()
    assistant.set_stats(False)
    assert assistant.settings.stats is False


def test_preview_of_a_confident_article_carries_its_markdown(make_assistant):
    assistant = make_assistant()
    preview = assistant.preview("how do I reset my password")
    if preview.turn.reply.kind == "answer" and preview.turn.reply.hits[0].kind == "article":
        assert preview.markdown.startswith("# ")
    assert assistant.dialogue.turns == []
    kept = assistant.record(preview.turn)
    assert assistant.record(preview.turn) is kept and len(assistant.dialogue.turns) == 1


def test_generic_ticket_uses_the_users_subject(make_assistant):
    draft = make_assistant().draft_ticket(description="Screen flickers", subject="Screen")
    assert draft.subject == "Screen" and draft.full_description() == "Screen flickers"


def test_bookings_are_kept_across_restarts_until_cancelled(make_assistant, board_client):
    from desktop.ui.board import Board
    from tests.ui.conftest import make_policy

    assistant = make_assistant()
    booking = assistant.board.book(assistant.board.slots()[0], contact="ext. 4242", topic="new laptop")
    again = Board(make_policy(), client=board_client)          # the app restarted
    assert [b["booking_id"] for b in again.bookings()] == [booking["booking_id"]]
    assert again.book(again.slots()[0], contact="ext. 4242")["booking_id"] == booking["booking_id"]
    assert len(again.bookings()) == 1 and len(board_client.booked) == 1     # the same place, kept once
    again.cancel(again.bookings()[0])
    assert assistant.board.bookings() == []


def test_a_booking_error_is_said_in_plain_words(make_assistant, board_client, monkeypatch):
    from desktop.sync.board import SlotTaken
    from desktop.sync.client import ServerRefused, ServerUnreachable
    from desktop.ui.board import BookingError

    assistant = make_assistant()
    slot = assistant.board.slots()[0]
    for raised, reason, words in [
        (ServerUnreachable("cannot reach the sync server http://127.0.0.1:9: ConnectError"), "unreachable",
         "cannot be reached right now"),
        (SlotTaken("sync server refused /v1/slots/7/bookings: 409 this slot was just taken", "taken"), "taken",
         "This slot was just taken"),
        (ServerRefused("sync server refused /v1/slots/7/bookings: 403 forbidden", 403), "refused", "tell IT"),
    ]:
        def refuse(path, payload, raised=raised):
            raise raised
        monkeypatch.setattr(board_client, "post_json", refuse)
        with pytest.raises(BookingError) as error:
            assistant.board.book(slot, contact="ext. 4242")
        assert error.value.reason == reason and words in error.value.user_message
        assert "/v1/" not in error.value.user_message and "409" not in error.value.user_message
    assert assistant.board.bookings() == []


def test_statistics_count_a_dialogue_once_and_its_questions(make_assistant, home):
    import sqlite3

    from desktop.sync.stats import UsageStats

    assistant = make_assistant()
    assistant.stats = UsageStats(home / "stats.sqlite", enabled=True, names=[])
    assistant.ask("I forgot my password")
    assistant.record(assistant.preview("zebra quantum banana").turn)
    counts = dict(sqlite3.connect(home / "stats.sqlite").execute(
        "SELECT metric, SUM(count) FROM usage_counters GROUP BY metric").fetchall())
    assert counts["dialogue_started"] == 1
    assert counts["question_understood"] == 1 and counts["question_not_understood"] == 1


def test_conversation_and_guided_steps_resume_after_a_restart(make_assistant):
    assistant = make_assistant()
    assistant.ask("my printer won't print")
    walk = assistant.choose(assistant.start_tree("printer-troubleshoot"), 2)
    assistant.save_conversation(walk)
    again = make_assistant()                                  # the next start
    resumed = again.restore_conversation()
    assert resumed.state.node == walk.state.node and resumed.step.kind == "answer"
    assert [t.question for t in again.dialogue.turns] == ["my printer won't print"]


def test_old_saved_conversation_is_not_resumed(make_assistant):
    import time

    assistant = make_assistant()
    assistant.ask("vpn")
    assistant.save_conversation()
    assert make_assistant().restore_conversation(now=time.time() + 9 * 3600) is None


def test_facade_public_surface():
    import desktop.ui.facade as facade

    assert sorted(facade.__all__) == ["Assistant", "AssistantError", "Draft", "Preview", "SendOutcome", "Walk"]
