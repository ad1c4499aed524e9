"""Every non-RT back-end against a local server that follows the vendor's documented API,
including the failures real ITSMs produce."""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import pytest

from desktop.itsm import (
    Attachment, AuthError, BACKENDS, BackendConfig, BadResponse, Credential, Forbidden,
    NotFound, RateLimited, Ticket, TimedOut, Unavailable,
)
from desktop.itsm.outbox import Outbox
from desktop.itsm.sender import OutboxSender
from tests.itsm.fakes.base import PASSWORD, TOKEN, USER
from tests.itsm.fakes.easyvista import EasyVistaFake
from tests.itsm.fakes.glpi import GlpiFake
from tests.itsm.fakes.jsm import JsmFake
from tests.itsm.fakes.servicenow import ServiceNowFake
from tests.itsm.fakes.webhook import WebhookFake
from tests.itsm.fakes.zammad import ZammadFake


@dataclass(frozen=True)
class Vendor:
    kind: str
    fake: type
    queue: str            # what [itsm.teams] maps the "workplace" team to for this ITSM
    account: str = ""


VENDORS = [
    Vendor("easyvista", EasyVistaFake, "INC_WORKPLACE", "50004"),
    Vendor("servicenow", ServiceNowFake, "Workplace"),
    Vendor("glpi", GlpiFake, "12"),
    Vendor("jsm", JsmFake, "25", "3"),
    Vendor("zammad", ZammadFake, "Workplace"),
    Vendor("webhook", WebhookFake, "Workplace"),
]
IDS = [v.kind for v in VENDORS]


@pytest.fixture(params=VENDORS, ids=IDS)
def vendor(request):
    with request.param.fake() as fake:
        yield request.param, fake


def _backend(vendor: Vendor, fake, *, auth="basic", secret=PASSWORD, timeout=5.0):
    config = BackendConfig(vendor.kind, fake.url, auth=auth, account=vendor.account,
                           timeout=timeout)
    return BACKENDS[vendor.kind](config, Credential(USER, secret))


def _ticket(vendor: Vendor, attachments=()) -> Ticket:
    return Ticket(subject="Laptop will not start", description="Black screen since this morning",
                  team="workplace", queue=vendor.queue, requestor="jdoe@example.com",
                  dialogue=(("user", "laptop dead"), ("assistant", "Hold power 10 s")),
                  attachments=attachments)


def test_every_policy_kind_has_a_backend():
    from desktop.policy import ITSM_KINDS

    assert set(BACKENDS) == set(ITSM_KINDS)


def test_created_ticket_carries_queue_requestor_subject_body_key_and_files(vendor):
    spec, fake = vendor
    backend = _backend(spec, fake)
    key = uuid.uuid4().hex
    ref = backend.create_ticket(_ticket(spec, (Attachment("boot.log", "text/plain", b"E42"),)), key)
    stored = fake.stored(ref.id)
    assert stored["queue"] == spec.queue
    assert stored["requestor"] == "jdoe@example.com"
    assert stored["subject"] == "Laptop will not start"
    assert "Black screen since this morning" in stored["body"]
    assert "user: laptop dead" in stored["body"]
    assert stored["key"] == key
    assert stored["attachments"] == {"boot.log": b"E42"}


def test_retry_after_lost_answer_finds_the_ticket_by_key(vendor, tmp_path):
    spec, fake = vendor
    backend = _backend(spec, fake)
    outbox = Outbox.open(tmp_path / "state.sqlite")
    entry = outbox.add(_ticket(spec), itsm=spec.kind)
    outbox.record_attempt(entry.key)
    first = backend.create_ticket(entry.ticket, entry.key)   # accepted; the answer was lost
    assert backend.find_by_idempotency_key(uuid.uuid4().hex) is None

    OutboxSender(outbox, backend).send(outbox.get(entry.key))

    assert outbox.get(entry.key).remote_id == first.id
    assert len(backend.list_tickets("jdoe@example.com")) == 1


@pytest.mark.parametrize("status", ["open", "pending", "closed"])
def test_status_changed_in_the_itsm_is_read_back(vendor, status):
    spec, fake = vendor
    backend = _backend(spec, fake)
    ref = backend.create_ticket(_ticket(spec), uuid.uuid4().hex)
    assert backend.get_ticket(ref.id).status == "new"
    fake.set_status(ref.id, status)
    remote = backend.get_ticket(ref.id)
    assert remote.status == status
    assert remote.is_final is (status == "closed")


def test_list_reply_and_attachment(vendor):
    spec, fake = vendor
    backend = _backend(spec, fake)
    first = backend.create_ticket(_ticket(spec), uuid.uuid4().hex)
    second = backend.create_ticket(_ticket(spec), uuid.uuid4().hex)
    assert [t.id for t in backend.list_tickets("jdoe@example.com")] == [second.id, first.id]
    backend.add_reply(first.id, "Still black after holding power.")
    backend.attach_file(first.id, Attachment("photo.jpg", "image/jpeg", b"\xff\xd8jpeg"))
    stored = fake.stored(first.id)
    assert stored["replies"] == ["Still black after holding power."]
    assert stored["attachments"] == {"photo.jpg": b"\xff\xd8jpeg"}


def test_credentials_are_checked(vendor):
    spec, fake = vendor
    if spec.kind == "webhook":                        # a webhook knows tokens, not users
        fake.require_token = True
        assert _backend(spec, fake, secret=TOKEN).check_credentials() == USER
    else:
        assert _backend(spec, fake).check_credentials()
    with pytest.raises(AuthError) as caught:
        _backend(spec, fake, secret="wrong").check_credentials()
    assert "wrong" not in str(caught.value)


def test_token_authentication(vendor):
    spec, fake = vendor
    if spec.kind == "webhook":
        fake.require_token = True
    backend = _backend(spec, fake, auth="token", secret=TOKEN)
    backend.check_credentials()
    assert backend.create_ticket(_ticket(spec), uuid.uuid4().hex).id


FAILURES = [
    ("401", dict(status=401), AuthError),
    ("403", dict(status=403), Forbidden),
    ("404", dict(status=404), NotFound),
    ("429", dict(status=429, headers={"Retry-After": "7"}), RateLimited),
    ("500", dict(status=500), Unavailable),
    ("503", dict(status=503), Unavailable),
    ("timeout", dict(status=201, delay=1.0), TimedOut),
    ("malformed-json", dict(status=201, raw=b"<html>Service unavailable</html>"), BadResponse),
]


@pytest.mark.parametrize("name, failure, error", FAILURES, ids=[f[0] for f in FAILURES])
def test_failure_modes_become_the_right_error(vendor, name, failure, error):
    spec, fake = vendor
    backend = _backend(spec, fake, timeout=0.3)
    if spec.kind == "glpi":
        backend.check_credentials()                   # open the session first
    fake.fail_next(**failure, times=3)
    with pytest.raises(error) as caught:
        backend.create_ticket(_ticket(spec), uuid.uuid4().hex)
    if name == "429":
        assert caught.value.retry_after == 7
    assert caught.value.user_message


def test_easyvista_590_is_retried_and_the_ticket_sent_once(tmp_path):
    spec = VENDORS[0]
    with EasyVistaFake() as fake:
        backend = _backend(spec, fake)
        outbox = Outbox.open(tmp_path / "state.sqlite")
        entry = outbox.add(_ticket(spec), itsm="easyvista")
        fake.fail_next(590, body={"error": "Internal error"})
        with pytest.raises(Unavailable) as caught:
            OutboxSender(outbox, backend, settle_window=0.5).send(entry)
        assert caught.value.status == 590
        # A 590 does not say whether EasyVista kept the ticket: it is looked up once the
        # settle window has passed, and created then only if EasyVista has none.
        OutboxSender(outbox, backend, settle_window=0.5).send(outbox.get(entry.key))
        assert len(fake.tickets) == 0 and outbox.get(entry.key).state != "sent"
        time.sleep(0.6)
        OutboxSender(outbox, backend, settle_window=0.5).send(outbox.get(entry.key))
        assert len(fake.tickets) == 1 and outbox.get(entry.key).state == "sent"


def test_glpi_renews_an_expired_session_once():
    spec = VENDORS[2]
    with GlpiFake() as fake:
        backend = _backend(spec, fake)
        backend.create_ticket(_ticket(spec), uuid.uuid4().hex)
        fake.expire_sessions()
        backend.create_ticket(_ticket(spec), uuid.uuid4().hex)
        assert fake.logins == 2 and len(fake.tickets) == 2


def test_webhook_receiver_deduplicates_on_the_idempotency_header():
    spec = VENDORS[5]
    with WebhookFake() as fake:
        backend = _backend(spec, fake)
        key = uuid.uuid4().hex
        assert backend.create_ticket(_ticket(spec), key) == backend.create_ticket(_ticket(spec), key)
        assert len(fake.tickets) == 1


def test_jsm_refuses_a_team_not_mapped_to_a_request_type_id():
    from desktop.itsm import ConfigError

    spec = VENDORS[3]
    with JsmFake() as fake:
        with pytest.raises(ConfigError, match="request type id"):
            _backend(spec, fake).create_ticket(
                Ticket(subject="s", description="d", team="workplace", queue="Workplace"), "k")
