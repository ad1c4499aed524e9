"""The KB Studio driven in Debian's real Chromium (headless, through Playwright) against the
server on real PostgreSQL: two admins editing at once, review, the live preview, the tree
editor, synonyms, a question from the gap report tried in the test console, a release
compared and signed in the browser, and a rollback that reaches an install through sync."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desktop.policy import parse_policy
from desktop.sync import manifest as mf
from desktop.sync.installer import SnapshotInstaller
from desktop.sync.service import sync_once
from kb_snapshots.browser_key import seal
from tests.server.conftest import fresh_pg_url
from tests.server.harness import LiveServer
from tests.server.studio_kit import PASSWORD, make_studio

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "build" / "screenshots"
TREE = """id: printer-steps
title: My printer does not print
lang: en
team: printing
questions: [my printer does not print, nothing comes out of the printer]
start: start
nodes:
  start:
    text: Is the printer on the network?
    options:
      - label: "Yes"
        next: restart
      - label: I do not know
        next: restart
  restart:
    answer: |
      Switch the printer off and on again.
"""
TESTS = [{"q": "my printer is jammed", "expected": "printer-jam"},
         {"q": "the vpn disconnects all the time", "expected": "vpn-drops"}]
PASSPHRASE = "publishing passphrase"


@pytest.fixture
def studio_pg(tmp_path):
    url, drop = fresh_pg_url()
    harness = make_studio(url, tmp_path)
    (harness.kb / "trees").mkdir()
    (harness.kb / "trees" / "printer-steps.yaml").write_text(TREE)
    (harness.kb / "tests").mkdir()
    (harness.kb / "tests" / "questions.jsonl").write_text("".join(json.dumps(t) + "\n" for t in TESTS))
    yield harness
    harness.client.close()
    harness.db.close()
    drop()


def signed_in(browser, live, name: str):
    page = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
    page.goto(f"{live.url}/studio")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Articles (")
    return page


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def settled(page, selector: str, timeout: float = 240_000) -> None:
    """Wait through the self-refreshing progress page until `selector` shows."""
    page.wait_for_selector(selector, timeout=timeout)


def test_two_admins_edit_review_and_preview_in_chromium(studio_pg, chromium):
    with LiveServer(studio_pg) as live:
        edith, erin, paul = (signed_in(chromium, live, name) for name in ("edith", "erin", "paul"))
        edith.fill("input[name=q]", "paper")
        edith.click("text=Filter")
        assert edith.locator("table tr").count() == 2                      # the header and the paper-jam article
        for page in (edith, erin):
            page.goto(f"{live.url}/studio/articles/printer-jam")
        edith.fill("#body", "Open **tray 2**, pull the paper out, and call {{helpdesk.phone}}.")
        edith.wait_for_selector("#preview strong:has-text('tray 2')")      # rendered as typed, by the server
        assert "the helpdesk phone line" in edith.inner_text("#preview")   # a variable, as the tray app words it
        shot(edith, "studio-editor-preview.png")
        edith.click("text=Save as a draft")
        edith.wait_for_selector("text=Saved as a draft")
        erin.fill("#body", "Erin's own steps.")
        erin.click("text=Save as a draft")
        erin.wait_for_selector("text=Not saved: since you opened this page edith saved a draft")
        assert erin.input_value("#body") == "Erin's own steps."             # nothing she typed is lost
        shot(erin, "studio-conflict.png")

        paul.goto(f"{live.url}/studio/changes")
        paul.click("text=printer-jam")
        assert "+Open **tray 2**" in paul.inner_text("pre.diff")
        paul.click("text=Approve and write to the knowledge base")
        paul.wait_for_selector("text=Approved by paul")
        assert "Open **tray 2**" in (studio_pg.kb / "articles/en/printer.md").read_text()

        paul.goto(f"{live.url}/studio/articles/printer-jam/history")
        paul.click("text=version of")
        assert "+Open **tray 2**" in paul.inner_text("pre.diff")            # what that version changed
        paul.click("text=Restore this version (as a new draft)")
        paul.wait_for_selector("text=Saved as a draft")

        edith.goto(f"{live.url}/studio/new?q=how+do+I+book+a+meeting+room")
        assert edith.input_value("#questions") == "how do I book a meeting room"
        edith.fill("#id", "meeting-room")
        edith.fill("#title", "Book a meeting room")
        edith.fill("#body", "Open Outlook, **New meeting**, then *Room finder*.")
        edith.click("text=Save as a draft")
        edith.wait_for_selector("text=Saved as a draft")
        paul.goto(f"{live.url}/studio/audit")
        audit = paul.inner_text("table")
        assert "approved" in audit and "meeting-room" in audit and "signed in" in audit


def test_trees_synonyms_the_console_and_import_in_chromium(studio_pg, chromium, tmp_path):
    with LiveServer(studio_pg) as live:
        edith = signed_in(chromium, live, "edith")
        edith.goto(f"{live.url}/studio/trees/printer-steps")
        assert "Every node is reachable" in edith.content()
        edith.click("#outline >> text=edit >> nth=0")                     # the start node
        edith.select_option("#kind", "check")
        edith.select_option("#check", "network.connected")               # checks are chosen from a list
        edith.select_option("#if_ok", "restart")
        edith.select_option("#if_failed", "restart")
        edith.click("text=Save into my draft of this tree")
        edith.wait_for_selector("text=You are editing")
        assert "network.connected" in edith.inner_text("#outline")
        shot(edith, "studio-tree.png")

        edith.goto(f"{live.url}/studio/synonyms")
        edith.fill("#lang-en", "printer, printr, priner")
        edith.click("text=Save as a draft")
        edith.wait_for_selector("text=Saved as a draft")
        assert "+  - [printer, printr, priner]" in edith.inner_text("pre.diff")

        edith.goto(f"{live.url}/studio/gap?q=my+screen+stays+black")
        edith.select_option("#article", "vpn-drops")
        edith.click("text=Add as an example question")
        settled(edith, "#verdict")                                         # built, then asked: no reload by hand
        assert "my screen stays black" in edith.inner_text("#why")
        assert "VPN keeps dropping" in edith.inner_text("#candidates")
        shot(edith, "studio-console.png")

        export = tmp_path / "intranet"
        export.mkdir()
        (export / "wifi.html").write_text("<html><head><title>Join the guest Wi-Fi</title></head><body><h1>Join the "
                                          "guest Wi-Fi</h1><p>Choose <b>Guest</b> and accept the terms.</p></body></html>")
        (export / "teams.md").write_text("# Share your screen in Teams\n\nClick **Share** at the top.\n")
        edith.goto(f"{live.url}/studio/import")
        edith.set_input_files("#files", [str(export / "wifi.html"), str(export / "teams.md")])
        edith.click("text=Import the files")
        edith.wait_for_selector("text=2 draft article(s) imported")
        edith.click("text=join-the-guest-wi-fi")
        assert edith.input_value("#title") == "Join the guest Wi-Fi"
        assert "Not yet (draft" in edith.inner_text("#status option:checked")
        assert "Choose **Guest**" in edith.input_value("#body")


def test_a_release_is_signed_in_the_browser_and_a_rollback_reaches_an_install(studio_pg, chromium, tmp_path,
                                                                             monkeypatch):
    key_file = tmp_path / "paul.browser-key"
    key_file.write_text(seal(studio_pg.key, PASSPHRASE) + "\n")
    monkeypatch.setenv("HELPDESK_SYNC_TOKEN", studio_pg.device_token)
    installer = SnapshotInstaller(tmp_path / "home" / "current.sqlite")
    with LiveServer(studio_pg) as live:
        policy = parse_policy({"sync": {"url": live.url, "kb": "test-it",
                                        "public_key": mf.public_key_text(studio_pg.key.verify_key)}})
        paul = signed_in(chromium, live, "paul")
        sent: list[str] = []
        paul.on("request", lambda request: sent.append(request.post_data or ""))

        def release(reason: str = "") -> None:
            paul.goto(f"{live.url}/studio/releases")
            paul.click("text=Prepare a release from the current files")
            settled(paul, "#sign")
            if reason:
                paul.fill("#override", reason)
            paul.set_input_files("#keyfile", str(key_file))
            paul.fill("#passphrase", "not the passphrase")
            paul.click("#sign button[type=submit]")
            paul.wait_for_selector("#sign-status:has-text('Wrong passphrase')")
            paul.fill("#passphrase", PASSPHRASE)
            paul.click("#sign button[type=submit]")
            paul.wait_for_selector("text=Published as version")

        release()
        assert sync_once(policy, installer=installer).method == "chunks"
        first = _body(installer.target)
        (studio_pg.kb / "articles/en/vpn.md").unlink()                   # the VPN article goes: a regression
        paul.goto(f"{live.url}/studio/releases")
        paul.click("text=Prepare a release from the current files")
        settled(paul, "#sign")
        assert "1 regression(s)" in paul.content() and "the vpn disconnects all the time" in paul.inner_text(
            "tr.regression")
        shot(paul, "studio-release.png")
        paul.click("text=What changed in the files")
        assert "articles/en/vpn.md" in paul.content() and "-title: VPN keeps dropping" in paul.inner_text("main")
        release("the VPN is retired")
        sync_once(policy, installer=installer)
        assert "vpn-drops" not in _body(installer.target)

        paul.goto(f"{live.url}/studio/releases")
        paul.click("text=Roll back to this version")
        settled(paul, "#sign")
        assert "brings back the content of version" in paul.content()
        paul.set_input_files("#keyfile", str(key_file))
        paul.fill("#passphrase", PASSPHRASE)
        paul.click("#sign button[type=submit]")
        paul.wait_for_selector("text=Published as version")
        assert sync_once(policy, installer=installer).method != "unchanged"
    assert _body(installer.target) == first                                   # the install is back on version 1
    assert (studio_pg.kb / "articles/en/vpn.md").exists()                      # and so are the files
    secret = key_file.read_text().strip().split(":")[1][:40]
    assert any("signature=" in body for body in sent)
    assert not any(secret in body or "passphrase" in body for body in sent)    # only the signature left the browser


def _body(snapshot: Path) -> dict:
    with sqlite3.connect(snapshot) as db:
        return dict(db.execute("SELECT id, body FROM entries"))
