"""The Request Tracker back-end against a real RT 5 (REST2)."""
from __future__ import annotations

import uuid

import pytest

from desktop.itsm import (
    Attachment, AuthError, BackendConfig, Context, Credential, NotFound, Ticket,
)
from desktop.itsm.model import Origin
from desktop.itsm.rt import RtBackend
from desktop.itsm.watcher import StatusWatcher
from desktop.itsm.outbox import Outbox
from desktop.itsm.sender import OutboxSender
from tests.itsm.conftest import kb_teams, rt_tickets_with_key


@pytest.fixture
def rt(rt_url) -> RtBackend:
    return RtBackend(BackendConfig("rt", rt_url), Credential("root", "password"))


def _ticket(**kw) -> Ticket:
    defaults = dict(subject=f"Printer jams {uuid.uuid4().hex[:6]}",
                    description="Paper stuck in tray 2 on floor 3.",
                    team="workplace", queue=kb_teams()["workplace"],
                    requestor="jdoe@example.com")
    defaults.update(kw)
    return Ticket(**defaults)


def _history_text(rt_admin, rt_url, ticket_id) -> list[dict]:
    reply = rt_admin.get(f"{rt_url}/REST/2.0/ticket/{ticket_id}/attachments", timeout=30,
                         params={"fields": "Filename,ContentType,Content", "per_page": 100})
    reply.raise_for_status()
    return reply.json()["items"]


def test_ticket_arrives_in_team_queue_with_requestor_body_key_and_attachment(rt, rt_url, rt_admin):
    key = uuid.uuid4().hex
    ticket = _ticket(
        origin=Origin("tree", "printer-jam", "Printer jams"),
        dialogue=(("user", "my printer jams"), ("assistant", "Open tray 2 and remove the paper")),
        context=Context({"hostname": "PC-0042", "os": "Windows 11", "ip": "10.1.2.3"}),
        attachments=(Attachment("printer.log", "text/plain", b"E-204 paper jam"),))

    ref = rt.create_ticket(ticket, key)

    shown = rt_admin.get(f"{rt_url}/REST/2.0/ticket/{ref.id}", timeout=30,
                         params={"fields[Queue]": "Name"}).json()
    assert shown["Queue"]["Name"] == "Workplace (laptops, printers, peripherals)"
    assert shown["Subject"] == ticket.subject
    assert [r["id"] for r in shown["Requestor"]] == ["jdoe@example.com"]
    fields = {cf["name"]: cf["values"] for cf in shown["CustomFields"]}
    assert fields["HelpdeskIdempotencyKey"] == [key]
    parts = _history_text(rt_admin, rt_url, ref.id)
    body = next(p["Content"] for p in parts if p["ContentType"] == "text/plain" and not p["Filename"])
    assert "Paper stuck in tray 2" in body
    assert "Decision tree that led here: Printer jams (printer-jam)" in body
    assert "user: my printer jams" in body
    assert "Computer name: PC-0042" in body and "IP address: 10.1.2.3" in body
    files = {p["Filename"]: p["Content"] for p in parts if p["Filename"]}
    assert files == {"printer.log": "E-204 paper jam"}


@pytest.mark.parametrize("team", ["identity", "network", "messaging"])
def test_each_team_routes_to_its_queue(rt, team):
    ref = rt.create_ticket(_ticket(team=team, queue=kb_teams()[team]), uuid.uuid4().hex)
    assert rt.get_ticket(ref.id).queue == kb_teams()[team]


def test_find_by_idempotency_key_finds_only_that_ticket(rt):
    key = uuid.uuid4().hex
    ref = rt.create_ticket(_ticket(), key)
    assert rt.find_by_idempotency_key(key).id == ref.id
    assert rt.find_by_idempotency_key(uuid.uuid4().hex) is None


def test_status_change_made_in_rt_comes_back_as_an_event(rt, rt_url, rt_admin, tmp_path):
    outbox = Outbox.open(tmp_path / "state.sqlite")
    entry = outbox.add(_ticket(), itsm="rt")
    OutboxSender(outbox, rt).send(entry)
    ticket_id = outbox.get(entry.key).remote_id
    events = []
    watcher = StatusWatcher(outbox, rt, min_interval=0)
    watcher.subscribe(events.append)

    assert watcher.poll_due() == []            # still "new": nothing to tell the user
    rt_admin.put(f"{rt_url}/REST/2.0/ticket/{ticket_id}", json={"Status": "resolved"},
                 timeout=30).raise_for_status()
    outbox.conn.execute("UPDATE itsm_outbox SET next_poll_at = 0")
    watcher.poll_due()

    assert [(e.ticket_id, e.old, e.new) for e in events] == [(ticket_id, "new", "resolved")]
    assert rt.get_ticket(ticket_id).is_final


def test_reply_and_attachment_added_later_reach_the_ticket(rt, rt_url, rt_admin):
    ref = rt.create_ticket(_ticket(), uuid.uuid4().hex)
    rt.add_reply(ref.id, "It jams again after restarting.")
    rt.attach_file(ref.id, Attachment("screen.png", "image/png", b"\x89PNG fake"))
    parts = _history_text(rt_admin, rt_url, ref.id)
    assert any("It jams again after restarting." in (p["Content"] or "") for p in parts)
    assert "screen.png" in {p["Filename"] for p in parts}


def test_list_tickets_shows_the_requestors_tickets_newest_first(rt):
    requestor = f"list-{uuid.uuid4().hex[:8]}@example.com"
    first = rt.create_ticket(_ticket(requestor=requestor, subject="first"), uuid.uuid4().hex)
    second = rt.create_ticket(_ticket(requestor=requestor, subject="second"), uuid.uuid4().hex)
    listed = rt.list_tickets(requestor)
    assert [t.id for t in listed] == [second.id, first.id]
    assert {t.status for t in listed} == {"new"}


def test_wrong_password_is_an_auth_error(rt_url):
    backend = RtBackend(BackendConfig("rt", rt_url), Credential("root", "not-the-password"))
    with pytest.raises(AuthError) as caught:
        backend.check_credentials()
    assert caught.value.status == 401
    assert "not-the-password" not in str(caught.value)


def test_unknown_ticket_is_not_found(rt):
    with pytest.raises(NotFound):
        rt.get_ticket("99999999")


def test_retry_after_crash_finds_the_ticket_instead_of_creating_another(rt, rt_url, tmp_path):
    outbox = Outbox.open(tmp_path / "state.sqlite")
    entry = outbox.add(_ticket(), itsm="rt")
    outbox.record_attempt(entry.key)
    rt.create_ticket(entry.ticket, entry.key)     # accepted, but the outbox never heard

    OutboxSender(outbox, rt).send(outbox.get(entry.key))

    assert len(rt_tickets_with_key(rt_url, entry.key)) == 1
    assert outbox.get(entry.key).state == "sent"


class _AnswerLost:
    """The real RT back-end, but the answer to the first bulk create never arrives."""

    def __init__(self, rt):
        self.rt, self.lost = rt, False

    def __getattr__(self, name):
        return getattr(self.rt, name)

    def create_tickets(self, batch):
        from desktop.itsm import Unavailable

        results = self.rt.create_tickets(batch)
        if not self.lost:
            self.lost = True
            raise Unavailable("connection reset by peer")
        return results


def test_bulk_send_whose_answer_was_lost_creates_each_ticket_once(rt, rt_url, tmp_path):
    outbox = Outbox.open(tmp_path / "state.sqlite")
    keys = [outbox.add(_ticket(subject=f"Bulk {n}"), itsm="rt").key for n in range(4)]
    sender = OutboxSender(outbox, _AnswerLost(rt), base_delay=0.01, max_delay=0.01)
    assert sender.batch_size > 1

    first = sender.send_due()
    assert first.sent == [] and len(first.waiting) == 4
    import time
    time.sleep(0.05)
    second = sender.send_due()

    assert len(second.sent) == 4
    assert [len(rt_tickets_with_key(rt_url, key)) for key in keys] == [1, 1, 1, 1]


def test_bulk_send_fails_only_the_ticket_rt_refuses(rt, rt_url, tmp_path):
    outbox = Outbox.open(tmp_path / "state.sqlite")
    good = outbox.add(_ticket(), itsm="rt").key
    bad = outbox.add(_ticket(queue="No such queue"), itsm="rt").key
    report = OutboxSender(outbox, rt).send_due()
    assert [e.key for e in report.sent] == [good]
    assert outbox.get(bad).state == "failed"
    assert "No permission to create tickets in the queue" in outbox.get(bad).last_error
    assert rt_tickets_with_key(rt_url, bad) == []


@pytest.fixture
def rt_token(rt_url) -> str:
    from tests.services import require_service

    return require_service("HELPDESK_TEST_RT_TOKEN", "an RT auth token")


def test_rt_auth_token_files_tickets_and_a_wrong_one_is_refused(rt_url, rt_token):
    config = BackendConfig("rt", rt_url, auth="token")
    backend = RtBackend(config, Credential("root", rt_token))
    backend.check_credentials()
    ref = backend.create_ticket(_ticket(), uuid.uuid4().hex)
    assert backend.get_ticket(ref.id).status == "new"
    with pytest.raises(AuthError):
        RtBackend(config, Credential("root", rt_token[:-4] + "0000")).check_credentials()


class _CountingRt:
    def __init__(self, rt):
        self.rt, self.calls = rt, []

    def __getattr__(self, name):
        return getattr(self.rt, name)

    def get_ticket(self, ticket_id):
        self.calls.append("get")
        return self.rt.get_ticket(ticket_id)

    def get_ticket_if_changed(self, ticket_id, version):
        result = self.rt.get_ticket_if_changed(ticket_id, version)
        self.calls.append("304" if result is None else "200")
        return result


def test_polling_an_unchanged_ticket_is_a_304_and_a_change_still_arrives(rt, rt_url, rt_admin,
                                                                       tmp_path):
    outbox = Outbox.open(tmp_path / "state.sqlite")
    entry = outbox.add(_ticket(), itsm="rt")
    OutboxSender(outbox, rt).send(entry)
    ticket_id = outbox.get(entry.key).remote_id
    counting = _CountingRt(rt)
    watcher = StatusWatcher(outbox, counting, min_interval=0)
    events = []
    watcher.subscribe(events.append)

    def poll():
        outbox.conn.execute("UPDATE itsm_outbox SET next_poll_at = 0")
        watcher.poll_due()

    poll()                                # plain read: records the ETag
    poll()                                # conditional: unchanged
    rt_admin.put(f"{rt_url}/REST/2.0/ticket/{ticket_id}", json={"Status": "open"},
                 timeout=30).raise_for_status()
    poll()
    assert counting.calls == ["get", "304", "200"]
    assert [(e.old, e.new) for e in events] == [("new", "open")]
