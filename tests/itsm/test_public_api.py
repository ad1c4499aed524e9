"""The package's public surface, its error tree, and its promise never to load Qt."""
from __future__ import annotations

import subprocess
import sys

import desktop.itsm as itsm
from desktop.itsm import Context, Ticket
from desktop.itsm.model import Origin, normalise_status


def test_public_names_are_pinned():
    assert sorted(itsm.__all__) == sorted([
        "AuthError", "BadResponse", "ConfigError", "CredentialStoreError", "Forbidden",
        "ItsmError", "NotFound", "NotSignedIn", "RateLimited", "Rejected", "TimedOut", "Unavailable",
        "Attachment", "Context", "RemoteTicket", "Ticket", "TicketRef",
        "BACKENDS", "Backend", "BackendConfig", "Credential", "make_backend"])


def test_every_error_is_an_itsm_error_and_drawn_in_the_docstring():
    errors = [getattr(itsm, n) for n in itsm.__all__ if n.endswith("Error") or n in (
        "Forbidden", "NotFound", "NotSignedIn", "RateLimited", "Unavailable", "BadResponse",
        "Rejected", "TimedOut")]
    for error in errors:
        assert issubclass(error, itsm.ItsmError)
        assert error.__name__ in itsm.__doc__
    assert issubclass(itsm.Forbidden, itsm.AuthError)


def test_importing_the_itsm_layer_and_its_commands_never_loads_qt():
    code = ("import sys, desktop.itsm, desktop.itsm.service, desktop.commands.ticket, "
            "desktop.commands.tickets, desktop.commands.login; "
            "print([m for m in sys.modules if m.startswith(('PySide', 'PyQt', 'shiboken'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_ticket_body_has_description_origin_dialogue_and_context():
    ticket = Ticket(subject="Wi-Fi drops", description="Drops every 10 minutes.",
                    origin=Origin("article", "wifi-drops", "Wi-Fi keeps dropping"),
                    dialogue=[("user", "wifi drops"), ("assistant", "Forget the network")],
                    context=Context({"hostname": "PC-7", "ip": "10.0.0.7"}))
    body = ticket.body()
    assert body.index("Drops every 10 minutes.") < body.index("Article that led here")
    assert "Wi-Fi keeps dropping (wifi-drops)" in body
    assert "assistant: Forget the network" in body
    assert "- Computer name: PC-7\n- IP address: 10.0.0.7" in body
    assert Ticket.from_dict(ticket.to_dict()) == ticket


def test_context_gathers_every_item_and_the_user_can_remove_each():
    context = Context.gather(kb_version="2026.11.3")
    assert context.keys() == ["hostname", "os", "ip", "free_disk", "uptime",
                              "app_version", "kb_version"]
    assert context.items["kb_version"] == "2026.11.3"
    assert "GB free" in context.items["free_disk"]
    trimmed = context.without("ip", "hostname")
    assert "ip" not in trimmed.keys() and "IP address" not in trimmed.render()


def test_a_ticket_without_a_subject_is_refused():
    import pytest

    with pytest.raises(ValueError, match="subject"):
        Ticket(subject="  ", description="d")


def test_status_words_map_to_common_statuses():
    assert [normalise_status(w) for w in ("Waiting for user", "In progress", "Closed",
                                          "Resolved", "Cancelled", "New", "pending reminder")] \
        == ["pending", "open", "closed", "resolved", "rejected", "new", "pending"]
