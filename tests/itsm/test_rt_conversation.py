"""Agents' replies reach the employee: the conversation read back from the real Request
Tracker (Create and Correspond transactions, oldest first, plain text, who and when),
counted by the status watcher, and told once as a notice, whoever fetched it first."""
from __future__ import annotations

import subprocess
import uuid

import pytest
import requests

from desktop.itsm import BackendConfig, Credential, Ticket
from desktop.itsm.credentials import CredentialStore
from desktop.itsm.outbox import Outbox
from desktop.itsm.rt import RtBackend
from desktop.itsm.service import TicketService
from desktop.policy import parse_policy
from tests.itsm.conftest import kb_teams

AGENT = ("helpdesk-agent", "agent-password")
AGENT_NAME = "Sam Agent"
GRANT_AGENT = r'''
use RT; RT::LoadConfig(); RT::Init();
my $u = RT::User->new(RT->SystemUser); $u->Load("helpdesk-agent");
unless ($u->Id) {
    my ($id, $msg) = $u->Create(Name => "helpdesk-agent", RealName => "Sam Agent",
        EmailAddress => 'agent@helpdesk.test', Password => "agent-password", Privileged => 1);
    die "$msg\n" unless $id;
}
for my $right (qw(ShowTicket ReplyToTicket SeeQueue ModifyTicket SeeCustomField)) {
    $u->PrincipalObj->GrantRight(Right => $right, Object => RT->System);
}
'''


def agent_session(rt_url: str) -> requests.Session:
    """A helpdesk agent in RT (not the employee's account): created once, with the rights
    an agent has (see and answer tickets). RT has no REST call for rights, so this uses
    RT's own library, as .ci/services/rt.sh does for the test token."""
    session = requests.Session()
    session.auth = AGENT
    if session.get(f"{rt_url}/REST/2.0/rt", timeout=30).status_code != 200:
        subprocess.run(["perl", "-I/usr/share/request-tracker5/lib", "-e", GRANT_AGENT],
                       check=True, capture_output=True, timeout=120)
    return session


@pytest.fixture
def agent(rt_url) -> requests.Session:
    return agent_session(rt_url)


@pytest.fixture
def service(rt_url, tmp_path) -> TicketService:
    policy = parse_policy({"itsm": {"kind": "rt", "url": rt_url, "username": "root",
                                    "teams": {"workplace": kb_teams()["workplace"]}}})
    service = TicketService(policy, Outbox.open(tmp_path / "state.sqlite"), CredentialStore(), tmp_path)
    service.login("root", "password")
    yield service
    service.outbox.close()


def _reply(agent, rt_url, ticket_id, text):
    answer = agent.post(f"{rt_url}/REST/2.0/ticket/{ticket_id}/correspond", timeout=30,
                        json={"Content": text, "ContentType": "text/plain"})
    assert answer.status_code == 201, answer.text


def test_conversation_shows_both_sides_oldest_first_as_plain_text(rt_url, agent):
    rt = RtBackend(BackendConfig("rt", rt_url), Credential("root", "password"))
    ref = rt.create_ticket(Ticket(subject=f"Teams crashes {uuid.uuid4().hex[:6]}", queue=kb_teams()["workplace"],
                                  description="Teams closes when I share my screen."), uuid.uuid4().hex)
    _reply(agent, rt_url, ref.id, "Hello,\nwhich version of Teams do you have?")
    rt.add_reply(ref.id, "Version 24.1")
    # an internal comment is not part of the conversation
    agent.post(f"{rt_url}/REST/2.0/ticket/{ref.id}/comment", timeout=30,
               json={"Content": "internal: probably the GPU driver", "ContentType": "text/plain"})

    messages = rt.conversation(ref.id)

    assert [(m.from_helpdesk, m.text.splitlines()[0]) for m in messages] == [
        (False, "Teams closes when I share my screen."),
        (True, "Hello,"),
        (False, "Version 24.1")]
    assert messages[1].text == "Hello,\nwhich version of Teams do you have?"
    assert messages[1].author == AGENT_NAME
    assert all(m.when.endswith("Z") for m in messages)
    assert messages[0].when <= messages[1].when <= messages[2].when
    assert not any("internal" in m.text for m in messages)


def test_a_reply_is_noticed_once_even_when_the_tickets_command_fetched_it_first(rt_url, agent, service, tmp_path):
    entry = service.submit(Ticket(subject="Docking station", description="No display", team="workplace"))
    assert entry.state == "sent"
    assert service.notices() == []                       # filing it is not news
    _reply(agent, rt_url, entry.remote_id, "Please try the other USB-C port.")

    # What `tickets` on the command line does: another process, the same state.sqlite.
    cli = TicketService(service.policy, Outbox.open(tmp_path / "state.sqlite"), CredentialStore(), tmp_path)
    cli.outbox.conn.execute("UPDATE itsm_outbox SET next_poll_at = 0")
    cli.refresh()
    fetched = cli.outbox.get(entry.key)
    assert (fetched.remote_status, fetched.helpdesk_replies) == ("open", 1)
    assert fetched.remote_updated.endswith("Z")

    notices = service.notices()                          # the app, later
    assert [(n.kind, n.subject, n.text or n.new) for n in notices] == [
        ("reply", "Docking station", "Please try the other USB-C port."),
        ("status", "Docking station", "open")]
    service.mark_notified(notices)
    assert service.notices() == []
    cli.outbox.close()
