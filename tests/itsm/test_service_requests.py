"""Service requests from the sample KB's catalog, against the real Request Tracker: `itsm
prepare` makes one custom field per catalog field on each item's queue (twice changes
nothing), `request new` files a request whose every value lands in its custom field, and a
missing or invalid field exits non-zero naming it, with nothing sent."""
from __future__ import annotations

import json

from tests.itsm.conftest import kb_teams, run_cli


def _custom_fields(rt_admin, rt_url, ticket_id: str) -> dict[str, str]:
    ticket = rt_admin.get(f"{rt_url}/REST/2.0/ticket/{ticket_id}", timeout=30).json()
    return {cf["name"]: (cf["values"] or [""])[0] for cf in ticket["CustomFields"]}


def test_the_catalog_lists_every_item_with_its_fields(logged_in):
    listed = run_cli(["request", "list", "--json"], logged_in)
    assert listed.returncode == 0, listed.stderr
    items = {item["id"]: item for item in json.loads(listed.stdout)}
    assert len([i for i in items.values() if i["lang"] == "en"]) >= 10
    assert {"new-laptop", "new-laptop-fr", "shared-folder-request", "vpn-access", "leaver"} <= set(items)
    model = next(f for f in items["new-laptop"]["fields"] if f["name"] == "model")
    assert model == {"name": "model", "label": "Which model?", "type": "choice", "required": True,
                     "choices": ['Standard 14"', 'Performance 16"', "Mac"]}
    keyboard = next(f for f in items["new-laptop"]["fields"] if f["name"] == "keyboard")
    assert keyboard["when"] == {"field": "model", "is": ['Standard 14"', 'Performance 16"']}


def test_prepare_then_every_value_lands_in_its_custom_field(logged_in, rt_url, rt_admin):
    prepared = run_cli(["itsm", "prepare", "--username", "root", "--password-stdin"], logged_in, stdin="password\n")
    assert prepared.returncode == 0, prepared.stderr
    again = run_cli(["itsm", "prepare", "--username", "root", "--password-stdin"], logged_in, stdin="password\n")
    assert again.returncode == 0 and "nothing to do" in again.stdout, again.stdout + again.stderr

    sent = run_cli(["request", "new", "new-laptop", "--field", 'model=standard 14"', "--field", "needed_by=2027-03-01",
                    "--field", "keyboard=AZERTY", "--field", "reason=The hinge broke", "--json"], logged_in)
    assert sent.returncode == 0, sent.stderr
    result = json.loads(sent.stdout)
    assert result["status"] == "sent" and result["queue"] == kb_teams()["workplace"]
    fields = _custom_fields(rt_admin, rt_url, result["id"])
    assert fields["model"] == 'Standard 14"'                      # written as in the catalog
    assert fields["needed_by"] == "2027-03-01" and fields["keyboard"] == "AZERTY"
    assert fields["reason"] == "The hinge broke" and fields["HelpdeskCatalogItem"] == "new-laptop"

    french = run_cli(["request", "new", "shared-folder-request-fr", "--field", "folder=\\\\srv\\compta",
                      "--field", "access=lecture", "--field", "for_person=marie.dupont@example.com", "--json"],
                     logged_in)
    assert french.returncode == 0, french.stderr
    fields = _custom_fields(rt_admin, rt_url, json.loads(french.stdout)["id"])
    assert fields["access"] == "Lecture" and fields["folder"] == "\\\\srv\\compta"
    assert fields["for_person"] == "marie.dupont@example.com"


def test_a_missing_or_invalid_field_is_named_and_nothing_is_sent(logged_in, rt_url, rt_admin):
    before = rt_admin.get(f"{rt_url}/REST/2.0/tickets", params={"query": "id > 0", "per_page": 1},
                          timeout=30).json()["total"]
    missing = run_cli(["request", "new", "new-laptop", "--field", "model=Mac"], logged_in)
    assert missing.returncode != 0 and "field needed_by: required" in missing.stderr
    assert "field reason: required" in missing.stderr
    wrong = run_cli(["request", "new", "new-laptop", "--field", "model=Commodore 64", "--field", "needed_by=soon",
                     "--field", "reason=x"], logged_in)
    assert wrong.returncode != 0 and "field model: expected one of" in wrong.stderr
    assert "field needed_by: expected a date" in wrong.stderr
    unasked = run_cli(["request", "new", "new-laptop", "--field", "model=Mac", "--field", "needed_by=2027-01-04",
                       "--field", "reason=x", "--field", "keyboard=QWERTY"], logged_in)
    assert unasked.returncode != 0 and "field keyboard: only asked when model is" in unasked.stderr
    unknown = run_cli(["request", "new", "a-pony", "--json"], logged_in)
    assert unknown.returncode != 0 and "no catalog item 'a-pony'" in unknown.stderr
    after = rt_admin.get(f"{rt_url}/REST/2.0/tickets", params={"query": "id > 0", "per_page": 1},
                         timeout=30).json()["total"]
    assert after == before
