"""KB Studio: named admins edit the KB source tree from a browser; drafts wait for a
publisher; two people editing at once never lose an edit; every step is in the history."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from tests.server.harness import LiveServer
from tests.server.studio_kit import PASSWORD, _field, browser, edit
from tests.services import require_service

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "build" / "screenshots"


def test_only_named_accounts_get_in(studio):
    assert "Sign in" in studio.client.get("/studio").text
    wrong = studio.client.post("/studio/login", data={"name": "edith", "password": "nope"}, follow_redirects=False)
    assert wrong.status_code == 401 and "do not match" in wrong.text
    unknown = studio.client.post("/studio/login", data={"name": "mallory", "password": PASSWORD})
    assert unknown.status_code == 401
    client = TestClient(studio.app, raise_server_exceptions=False)
    reply = client.post("/studio/login", data={"name": "edith", "password": PASSWORD}, follow_redirects=False)
    cookie = reply.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/studio" in cookie
    forged = client.post("/studio/articles/printer-jam", data={"title": "x"}, headers={"Origin": "http://evil.example"})
    assert forged.status_code == 403


def test_the_list_shows_each_article_with_its_translation_state(studio):
    page = browser(studio, "edith").get("/studio").text
    assert "Clear a paper jam" in page and "VPN keeps dropping" in page
    assert "fr missing" in page                                    # the VPN article has no French version
    original = studio.kb / "articles/en/printer.md"
    os.utime(original, (original.stat().st_mtime + 60,) * 2)       # the original changed after its translation
    assert "fr stale" in browser(studio, "edith").get("/studio").text
    assert "VPN keeps dropping" not in browser(studio, "edith").get("/studio?q=paper").text


def test_an_editor_drafts_and_a_publisher_approves_into_the_file(studio):
    edith, paul = browser(studio, "edith"), browser(studio, "paul")
    before = (studio.kb / "articles/en/printer.md").read_text()
    _, save = edit(edith, "printer-jam", body="Open tray 2, then tray 3.", questions="printer jammed\nprinter says jam")
    saved = save()
    assert saved.status_code == 303
    change = saved.headers["location"].split("?")[0]
    assert (studio.kb / "articles/en/printer.md").read_text() == before            # not yet
    assert "Only publishers" in edith.post(f"{change}/approve", follow_redirects=False).text
    assert "+Open tray 2, then tray 3." in paul.get(change).text
    assert paul.post(f"{change}/approve", follow_redirects=False).status_code == 303
    after = (studio.kb / "articles/en/printer.md").read_text()
    assert "Open tray 2, then tray 3." in after and "printer says jam" in after
    assert "translation_of" not in after and "id: printer-jam" in after
    history = paul.get("/studio/audit").text
    assert "draft saved" in history and "approved" in history and "edith" in history


def test_the_builder_refuses_what_the_studio_refuses(studio):
    edith = browser(studio, "edith")
    _, save = edit(edith, "vpn-drops", body="Run <script>alert(1)</script> now.")
    refused = save()
    assert refused.status_code == 400 and "raw HTML" in refused.text and "Not saved" in refused.text
    assert "Run &lt;script&gt;alert(1)&lt;/script&gt; now." in refused.text          # the text is kept, as text
    assert studio.client.get("/studio/changes").status_code == 200
    assert "Nothing waits for review" in edith.get("/studio/changes").text


def test_two_admins_at_once_the_second_is_told_about_the_first_and_nothing_is_lost(studio):
    edith, erin, paul = browser(studio, "edith"), browser(studio, "erin"), browser(studio, "paul")
    _, edith_saves = edit(edith, "printer-jam", body="Edith's steps.")
    _, erin_saves = edit(erin, "printer-jam", body="Erin's steps.")
    first = edith_saves()
    assert first.status_code == 303
    told = erin_saves()
    assert told.status_code == 409 and "edith saved a draft of this article" in told.text
    assert "Erin&#x27;s steps." in told.text                       # her text is still in the form
    again = erin.post("/studio/articles/printer-jam", data={**{k: _field(told.text, k) for k in (
        "base", "seen", "title", "questions", "keywords", "team", "topic")}, "body": "Edith's and Erin's steps."},
        follow_redirects=False)
    assert again.status_code == 303
    edith_change, erin_change = first.headers["location"].split("?")[0], again.headers["location"].split("?")[0]
    paul.post(f"{erin_change}/approve")
    assert "Edith's and Erin's steps." in (studio.kb / "articles/en/printer.md").read_text()
    stale = paul.post(f"{edith_change}/approve", follow_redirects=True).text
    assert "changed since this draft was written" in stale
    assert "Edith's and Erin's steps." in (studio.kb / "articles/en/printer.md").read_text()


def test_accounts_are_made_on_the_server_with_the_password_on_stdin(tmp_path):
    url = f"sqlite:///{tmp_path / 'sync.sqlite'}"
    made = subprocess.run([sys.executable, "-m", "sync_server", "studio-user", "marie", "--role", "publisher",
                           "--database-url", url], input=PASSWORD + "\n", capture_output=True, text=True, timeout=60,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert made.returncode == 0 and "marie may sign in to /studio as publisher" in made.stdout, made.stderr
    short = subprocess.run([sys.executable, "-m", "sync_server", "studio-user", "bob", "--database-url", url],
                           input="short\n", capture_output=True, text=True, timeout=60, cwd=REPO,
                           env={**os.environ, "PYTHONPATH": str(REPO)})
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    with open(tmp_path / "sync.sqlite", "rb") as handle:
        assert PASSWORD.encode() not in handle.read()


def test_the_studio_renders_in_headless_chromium(studio, tmp_path):
    chromium = require_service("HELPDESK_TEST_CHROMIUM", "Chromium")
    from fastapi.responses import HTMLResponse

    page = f"""<form method=post action="/studio/login"><input name=name value="paul">
        <input name=password value="{PASSWORD}"></form><script>document.forms[0].submit()</script>"""
    studio.app.app.add_api_route("/test-sign-in", lambda: HTMLResponse(page), include_in_schema=False)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "studio.png"
    shot.unlink(missing_ok=True)
    with LiveServer(studio) as live:
        common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                  "--window-size=1300,700", "--virtual-time-budget=8000"]
        dom = subprocess.run(common + ["--dump-dom", f"{live.url}/test-sign-in"], capture_output=True, text=True,
                             timeout=90)
        subprocess.run(common + [f"--screenshot={shot}", f"{live.url}/test-sign-in"], capture_output=True, timeout=90)
        editor = subprocess.run(common + ["--window-size=1300,1100", "--dump-dom",           # the same profile: signed in
                                          f"{live.url}/studio/articles/printer-jam"], capture_output=True, text=True,
                                timeout=90)
        subprocess.run(common + ["--window-size=1300,1100", f"--screenshot={SCREENSHOTS / 'studio-editor.png'}",
                                 f"{live.url}/studio/articles/printer-jam"], capture_output=True, timeout=90)
    assert "Clear a paper jam" in dom.stdout and "fr missing" in dom.stdout, dom.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 10_000
    assert "Save as a draft" in editor.stdout and "paper stuck" in editor.stdout, editor.stderr[-2000:]


def test_a_question_nobody_could_answer_becomes_an_example_question_in_two_clicks(studio):
    from sync_server.dashboard import _gaps

    link = _gaps([{"question": "the printer eats my paper", "installs": 6, "asked": 9}])
    assert "/studio/gap?q=the+printer+eats+my+paper" in link
    edith, paul = browser(studio, "edith"), browser(studio, "paul")
    page = edith.get("/studio/gap?q=the printer eats my paper").text
    first_option = page.split("<select id=article name=article>")[1].split("</option>")[0]
    assert "Clear a paper jam" in first_option                   # the most alike article is offered first
    added = edith.post("/studio/gap", data={"q": "the printer eats my paper", "article": "printer-jam"},
                       follow_redirects=False)
    assert added.status_code == 303                             # straight to the test console, with the draft applied
    console = added.headers["location"]
    assert console.startswith("/studio/console?") and "change=" in console
    change = "/studio/changes/" + re.search(r"change=(\d+)", console).group(1)
    assert "+- the printer eats my paper" in paul.get(change).text
    paul.post(f"{change}/approve")
    assert "- the printer eats my paper" in (studio.kb / "articles/en/printer.md").read_text()


def test_every_approved_version_can_be_seen_and_restored(studio):
    edith, paul = browser(studio, "edith"), browser(studio, "paul")
    original = (studio.kb / "articles/en/vpn.md").read_text()
    for body in ("Restart the client.", "Restart the computer."):
        _, save = edit(edith, "vpn-drops", body=body)
        paul.post(save().headers["location"].split("?")[0] + "/approve")
    history = edith.get("/studio/articles/vpn-drops/history").text
    versions = re.findall(r"href='(/studio/changes/\d+)'>version of", history)
    assert len(versions) == 2                                    # newest first
    oldest = edith.get(versions[1]).text
    assert "-Reconnect the client." in oldest and "+Restart the client." in oldest      # what that change changed
    restored = edith.post(f"{versions[1]}/restore", follow_redirects=False)
    draft = restored.headers["location"].split("?")[0]
    assert "-Restart the computer." in paul.get(draft).text
    paul.post(f"{draft}/approve")
    assert "Restart the client." in (studio.kb / "articles/en/vpn.md").read_text()
    assert (studio.kb / "articles/en/vpn.md").read_text() != original


def test_a_new_article_starts_from_a_question_and_is_built_once_approved(studio, tmp_path):
    from kb_snapshots.build import build
    from tests.kb_snapshots.test_vector_cache import CountingEmbedder

    edith, paul = browser(studio, "edith"), browser(studio, "paul")
    form = edith.get("/studio/new?q=how do I book a meeting room").text
    assert "how do I book a meeting room</textarea>" in form
    taken = edith.post("/studio/new", data={"id": "printer-jam", "title": "Rooms", "lang": "en", "team": "",
                                            "questions": "x", "body": "y"})
    assert taken.status_code == 400 and "already taken" in taken.text
    made = edith.post("/studio/new", data={"id": "meeting-rooms", "title": "Book a meeting room", "lang": "en",
                                           "team": "", "questions": "how do I book a meeting room",
                                           "body": "Open Outlook, New meeting, Rooms."}, follow_redirects=False)
    assert made.status_code == 303
    change = made.headers["location"].split("?")[0]
    assert "+title: Book a meeting room" in paul.get(change).text
    paul.post(f"{change}/approve")
    assert (studio.kb / "articles/en/meeting-rooms.md").exists()
    report = build(studio.kb, tmp_path / "kb.sqlite", version=1, embedder=CountingEmbedder())
    assert report.articles == 4
