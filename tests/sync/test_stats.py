"""Usage statistics: anonymous, scrubbed, counted once."""
from __future__ import annotations

import json
import socket
from datetime import datetime, timezone

import pytest

from desktop.sync.client import ServerUnreachable, SyncClient
from desktop.sync.scrub import scrub
from desktop.sync.stats import UsageStats


@pytest.mark.parametrize("text, secret", [
    ("send it to jean.dupont@acme-insurance.fr please", "jean.dupont@acme-insurance.fr"),
    ("call me back on +33 6 12 34 56 78", "12 34 56 78"),
    ("rappelez moi au 06.12.34.56.78", "06.12.34.56.78"),
    ("my IBAN FR76 3000 6000 0112 3456 7890 189 was refused", "3000 6000"),
    ("card 4111-1111-1111-1111 declined on the portal", "4111"),
    ("Élodie Martin cannot log in", "lodie"),
    ("elodie MARTIN cannot log in", "martin"),
    ("PC-ACME-0042 will not boot", "acme-0042"),
    ("files on srv-files01.corp.acme.com are gone", "srv-files01"),
    ("no network from 10.20.30.40 since monday", "10.20.30.40"),
    ("ipv6 address fe80::1ff:fe23:4567:890a conflicts", "fe80"),
    ("open https://intranet.acme.com/hr/jdupont/payslip fails", "jdupont"),
    (f"my machine {socket.gethostname()} is slow", socket.gethostname().lower()),
])
def test_scrub_removes_personal_data(text, secret):
    cleaned = scrub(text, names=["Élodie", "Martin", socket.gethostname()])
    assert secret.lower() not in cleaned.lower()
    assert "<" in cleaned


def test_scrub_keeps_what_helps_the_kb_team():
    assert scrub("Outlook 2016 crashes  with error 0x80070005 ") == "outlook 2016 crashes with error 0x80070005"


def at(year: int, month: int, day: int = 3):
    return lambda: datetime(year, month, day, 10, tzinfo=timezone.utc)


def test_understood_questions_keep_no_text(tmp_path):
    stats = UsageStats(tmp_path / "state.sqlite", names=[])
    stats.question(understood=True, text="how do I reset my password")
    stats.question(understood=False, text="how do I frobnicate the printer")
    stats.seal_batch()
    day = stats.pending()[0]["days"][0]
    assert day["unanswered"] == {"how do i frobnicate the printer": 1}
    assert day["counters"]["question_understood"] == {"": 1}


def test_disabled_statistics_record_and_send_nothing(tmp_path):
    stats = UsageStats(tmp_path / "state.sqlite", enabled=False)
    stats.dialogue_started()
    stats.question(understood=False, text="anything")
    assert stats.seal_batch() is None and not (tmp_path / "state.sqlite").exists()


def test_batches_carry_no_user_or_machine_identity(tmp_path):
    import getpass

    stats = UsageStats(tmp_path / "state.sqlite")      # real names of this user and machine
    stats.dialogue_started()
    stats.question(understood=False, text=f"{getpass.getuser()} on {socket.gethostname()} cannot print")
    stats.seal_batch()
    payload = json.dumps(stats.pending()).lower()
    assert getpass.getuser().lower() not in payload.replace("<name>", "")
    assert socket.gethostname().lower() not in payload
    assert set(stats.pending()[0]) == {"batch_id", "days"}


def test_retried_batch_counts_once(setup, tmp_path, monkeypatch):
    stats = UsageStats(tmp_path / "state.sqlite", names=[])
    for _ in range(3):
        stats.dialogue_started()
    client = SyncClient(setup.live.url, setup.harness.install_token)
    real = SyncClient.post_json
    calls = []

    def reply_lost(self, path, payload):
        calls.append(payload["batch_id"])
        result = real(self, path, payload)          # the server stores it …
        if len(calls) == 1:
            raise ServerUnreachable("connection reset")   # … but the reply never arrives
        return result

    monkeypatch.setattr(SyncClient, "post_json", reply_lost)
    with pytest.raises(ServerUnreachable):
        stats.upload(client)
    assert len(stats.pending()) == 1
    assert stats.upload(client) == 1 and stats.pending() == []
    assert calls[0] == calls[1]
    report = setup.harness.client.get("/v1/admin/stats", headers=setup.harness.admin).json()
    assert report["totals"]["dialogues"] == 3


def test_batches_unsent_for_a_month_are_dropped(tmp_path):
    clock = {"now": at(2026, 3)}
    stats = UsageStats(tmp_path / "state.sqlite", clock=lambda: clock["now"](), names=[])
    stats.dialogue_started()
    stats.seal_batch()
    clock["now"] = at(2026, 4, 20)

    class Offline:
        def post_json(self, path, payload):
            raise ServerUnreachable("offline")

    stats.dialogue_started()
    with pytest.raises(ServerUnreachable):
        stats.upload(Offline())
    assert [p["days"][0]["day"] for p in stats.pending()] == ["2026-04-20"]


def test_engine_replies_are_counted_by_kind(tmp_path):
    from desktop.engine.reply import Hit, Reply

    stats = UsageStats(tmp_path / "state.sqlite", names=[])
    tree = Hit(id="vpn-fix", title="Fix the VPN", score=0.9, kind="tree", lang="en")
    article = Hit(id="vpn-setup", title="Set up the VPN", score=0.5, kind="article", lang="en")
    stats.reply_given("vpn broken", Reply(kind="answer", hits=[tree]))
    stats.tree_used("vpn-fix")                                  # the window starts it: counted once
    stats.reply_given("hello", Reply(kind="smalltalk", message="Hi!"))
    stats.reply_given("call 06 12 34 56 78 about the frobnicator", Reply(kind="unknown"))
    stats.reply_given("vpn", Reply(kind="choose", hits=[tree, article]))
    stats.choice_picked("vpn-setup", "article")
    stats.reply_given("wifi", Reply(kind="choose", hits=[tree, article]))     # abandoned: nothing picked
    stats.seal_batch()
    day = stats.pending()[0]["days"][0]
    assert day["counters"] == {"question_understood": {"": 1}, "tree_used": {"vpn-fix": 1},
                               "question_not_understood": {"": 1}, "question_choose": {"": 2},
                               "choose_picked": {"": 1}, "article_used": {"vpn-setup": 1}}
    assert day["unanswered"] == {"call <phone> about the frobnicator": 1}


class Recorder:
    """A stand-in server: refuses with `status` for the batch ids in `refuse`."""

    def __init__(self, refuse=(), status=422):
        self.refuse, self.status, self.accepted = set(refuse), status, []

    def post_json(self, path, payload):
        from desktop.sync.client import ServerRefused

        if payload["batch_id"] in self.refuse:
            raise ServerRefused("refused", self.status)
        self.accepted.append(payload)


def test_a_batch_the_server_can_never_accept_does_not_block_the_others(tmp_path):
    stats = UsageStats(tmp_path / "state.sqlite", names=[])
    stats.dialogue_started()
    bad = stats.seal_batch()
    stats.dialogue_started()
    server = Recorder(refuse={bad})
    assert stats.upload(server) == 1 and stats.pending() == []
    assert [p["batch_id"] for p in server.accepted] != [bad]


def test_a_refused_token_keeps_the_batches_for_later(tmp_path):
    from desktop.sync.client import ServerRefused

    stats = UsageStats(tmp_path / "state.sqlite", names=[])
    stats.dialogue_started()
    batch_id = stats.seal_batch()
    with pytest.raises(ServerRefused):
        stats.upload(Recorder(refuse={batch_id}, status=401))
    assert len(stats.pending()) == 1


def test_counts_older_than_a_month_are_never_sent(tmp_path):
    clock = {"now": at(2026, 1)}
    stats = UsageStats(tmp_path / "state.sqlite", clock=lambda: clock["now"](), names=[])
    stats.dialogue_started()                     # counted in January, sync never configured
    clock["now"] = at(2026, 5)
    stats.dialogue_started()
    server = Recorder()
    stats.upload(server)
    assert [d["day"] for d in server.accepted[0]["days"]] == ["2026-05-03"]
