"""KB Studio releases: the files built on the server, compared question by question with
what is published, signed with a key the server never sees, published, rolled back; and
the test console on the draft. On SQLite and on real PostgreSQL."""
from __future__ import annotations

import base64
import json
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

from nacl.signing import SigningKey

from desktop.policy import parse_policy
from desktop.sync import manifest as mf
from desktop.sync.installer import SnapshotInstaller
from desktop.sync.service import sync_once
from tests.server.harness import LiveServer
from tests.server.studio_kit import browser

REPO = Path(__file__).resolve().parents[2]
TESTS = "\n".join(json.dumps(case) for case in (
    {"q": "my printer is jammed", "expected": "printer-jam"},
    {"q": "the vpn disconnects all the time", "expected": "vpn-drops"},
    {"q": "what is the weather in Paris", "expected": None},
)) + "\n"


def settled(client, url: str, limit: float = 300) -> str:
    """The page once the build behind it is finished (it refreshes itself until then)."""
    deadline = time.monotonic() + limit
    while True:
        page = client.get(url).text
        if "refreshes itself" not in page:
            return page
        assert time.monotonic() < deadline, page[-2000:]
        time.sleep(0.5)


def prepared(client) -> tuple[str, str]:
    """(release URL, its page once built and compared)."""
    started = client.post("/studio/releases", follow_redirects=False)
    assert started.status_code == 303
    return started.headers["location"], settled(client, started.headers["location"])


def signature(page: str, key: SigningKey) -> str:
    message = base64.b64decode(re.search(r"data-message='([^']+)'", page).group(1))
    return base64.b64encode(key.sign(message).signature).decode()


def test_a_release_is_compared_question_by_question_and_a_regression_needs_a_reason(studio):
    (studio.kb / "tests").mkdir()
    (studio.kb / "tests" / "questions.jsonl").write_text(TESTS)
    paul = browser(studio, "paul")
    url, page = prepared(paul)
    assert "3 test question(s)" in page and "Nothing was published yet" in page
    published = paul.post(f"{url}/publish", data={"signature": signature(page, studio.key)})
    assert "Published as version" in published.text

    (studio.kb / "articles/en/vpn.md").unlink()                    # someone removes the VPN article (git, an editor)
    url, page = prepared(paul)
    assert "<b>1 regression(s)</b>" in page
    row = re.search(r"<tr class=regression>(.*?)</tr>", page, re.S).group(1)
    assert "the vpn disconnects all the time" in row and "VPN keeps dropping" in row       # what it answered before
    assert "answered right before, wrong now" in row
    assert "Why publish with these regressions?" in page
    refused = paul.post(f"{url}/publish", data={"signature": signature(page, studio.key)})
    assert "would be answered wrong" in refused.text and "Published as version" not in refused.text
    forced = paul.post(f"{url}/publish", data={"signature": signature(page, studio.key),
                                               "override": "the VPN service is retired on Monday"})
    assert "Published as version" in forced.text and "the VPN service is retired on Monday" in forced.text
    history = paul.get("/studio/audit").text
    assert "1 regression(s) accepted: the VPN service is retired on Monday" in history
    files = paul.get(f"{url}/files").text
    assert "articles/en/vpn.md" in files and "-title: VPN keeps dropping" in files


def test_only_a_signature_by_a_trusted_key_publishes(studio):
    edith, paul = browser(studio, "edith"), browser(studio, "paul")
    url, page = prepared(edith)                                   # an editor may prepare…
    assert "A publisher signs and publishes it" in page and "id=sign" not in page
    assert "sign.js" not in page
    page = paul.get(url).text
    refused = edith.post(f"{url}/publish", data={"signature": signature(page, studio.key)})
    assert "Only publishers publish" in refused.text                              # …not publish
    stranger = paul.post(f"{url}/publish", data={"signature": signature(page, SigningKey.generate())})
    assert "not one the server trusts" in stranger.text
    garbage = paul.post(f"{url}/publish", data={"signature": "not base64!"})
    assert "not readable" in garbage.text
    with studio.db.transaction(write=False) as tx:
        assert tx.one("SELECT COUNT(*) FROM manifests")[0] == 0
    published = paul.post(f"{url}/publish", data={"signature": signature(page, studio.key)})
    assert "Published as version" in published.text
    again = paul.post(f"{url}/publish", data={"signature": signature(page, studio.key)})
    assert "This release is published" in again.text


def test_a_rollback_brings_back_an_old_version_to_installs_and_to_the_files(studio, tmp_path, monkeypatch):
    paul = browser(studio, "paul")
    original = (studio.kb / "articles/en/printer.md").read_text()
    url, page = prepared(paul)
    paul.post(f"{url}/publish", data={"signature": signature(page, studio.key)})
    (studio.kb / "articles/en/printer.md").write_text(original.replace("Open tray 2", "Call the printer vendor"))
    url, page = prepared(paul)
    paul.post(f"{url}/publish", data={"signature": signature(page, studio.key)})

    monkeypatch.setenv("HELPDESK_SYNC_TOKEN", studio.device_token)
    installer = SnapshotInstaller(tmp_path / "home" / "current.sqlite")
    releases = paul.get("/studio/releases").text
    versions = re.findall(r"name=version value='(\d+)'", releases)
    assert len(versions) == 1                                     # the newest cannot be "rolled back" to itself
    with LiveServer(studio) as live:
        policy = parse_policy({"sync": {"url": live.url, "kb": "test-it",
                                        "public_key": mf.public_key_text(studio.key.verify_key)}})
        sync_once(policy, installer=installer)
        assert "Call the printer vendor" in _body(installer.target, "printer-jam")
        back = paul.post("/studio/releases/rollback", data={"kb": "test-it", "version": versions[0]},
                         follow_redirects=False)
        page = paul.get(back.headers["location"]).text
        assert f"brings back the content of version {versions[0]}" in page
        done = paul.post(f"{back.headers['location']}/publish", data={"signature": signature(page, studio.key)})
        assert "Published as version" in done.text
        assert sync_once(policy, installer=installer).method != "unchanged"
    assert "Open tray 2" in _body(installer.target, "printer-jam")                  # installs went back…
    assert (studio.kb / "articles/en/printer.md").read_text() == original           # …and so did the file
    assert "back to version" in paul.get("/studio/audit").text


def _body(snapshot: Path, entry_id: str) -> str:
    import sqlite3

    with sqlite3.connect(snapshot) as db:
        return db.execute("SELECT body FROM entries WHERE id = ?", (entry_id,)).fetchone()[0]


def test_the_console_tries_a_draft_before_anyone_approves_it(studio):
    edith = browser(studio, "edith")
    before = settled(edith, "/studio/console?q=my+screen+stays+black")
    assert "id=verdict>Does not understand" in before or "Clear a paper jam</a>" not in before.split("id=verdict")[1][:300]
    added = edith.post("/studio/gap", data={"q": "my screen stays black", "article": "vpn-drops"},
                       follow_redirects=False)
    page = settled(edith, added.headers["location"])
    assert "draft " in page and "applied" in page
    why = page.split("id=why")[1]
    assert "my screen stays black" in why.split("</tr>")[1]       # the nearest example is the one just added
    first = page.split("id=candidates")[1].split("</tr>")[1]
    assert "VPN keeps dropping" in first
    assert "vpn-drops" in (studio.kb / "articles/en/vpn.md").read_text()          # the file is untouched
    assert "my screen stays black" not in (studio.kb / "articles/en/vpn.md").read_text()


def test_a_draft_that_does_not_build_says_why_in_the_console(studio):
    edith = browser(studio, "edith")
    (studio.kb / "articles/en/broken.md").write_text("---\nid: printer-jam\ntitle: Duplicate\nlang: en\n---\nx\n")
    page = settled(edith, "/studio/console?q=printer")
    assert "The draft does not build" in page and "printer-jam" in page


def test_a_browser_copy_of_a_key_opens_with_its_passphrase_only(tmp_path):
    from kb_snapshots.browser_key import open_sealed
    from kb_snapshots.signing import SigningError

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "kb_snapshots", *args], input=stdin, capture_output=True,
                              text=True, cwd=REPO, timeout=120)

    assert run("keygen", "--output", str(tmp_path / "admin"), "--passphrase-stdin", stdin="a long passphrase\n"
               ).returncode == 0
    made = run("browser-key", str(tmp_path / "admin.key"), "--output", str(tmp_path / "admin.browser-key"),
               "--passphrase-stdin", stdin="a long passphrase\n")
    assert made.returncode == 0, made.stderr
    copy = (tmp_path / "admin.browser-key").read_text()
    assert copy.startswith("helpdesk-ed25519-browser-v1:") and (tmp_path / "admin.browser-key").stat().st_mode & 0o077 == 0
    public = mf.load_public_key((tmp_path / "admin.pub").read_text().strip())
    key = open_sealed(copy, "a long passphrase")
    assert key.verify_key == public
    try:
        open_sealed(copy, "a wrong passphrase")
        raise AssertionError("opened with a wrong passphrase")
    except SigningError as exc:
        assert "wrong passphrase" in str(exc)
    wrong = run("browser-key", str(tmp_path / "admin.key"), "--output", str(tmp_path / "other"), "--passphrase-stdin",
                stdin="not it\n")
    assert wrong.returncode == 2 and "wrong passphrase" in wrong.stderr and not (tmp_path / "other").exists()


def test_the_studio_imports_request_tracker_articles_as_drafts(studio):
    from tests.kb_snapshots.test_import_rt import RT_ADMIN, create_article
    from tests.services import require_service

    rt = require_service("HELPDESK_TEST_RT_URL", "Request Tracker")
    mark = secrets.token_hex(3)
    create_article(rt, f"Map a network drive {mark}", "<p>Open <b>This PC</b>, then <i>Map network drive</i>.</p>")
    paul = browser(studio, "paul")
    wrong = paul.post("/studio/import", files={"x": ("", b"")}, data={"source": "rt", "url": rt, "username": "root",
                                                                      "secret": "not-the-password"})
    assert wrong.status_code == 502 and "Nothing was imported" in wrong.text and "not-the-password" not in wrong.text
    done = paul.post("/studio/import", files={"x": ("", b"")}, data={"source": "rt", "url": rt, "username": "root",
                                                                     "secret": RT_ADMIN[1]})
    assert done.status_code == 200 and "draft article(s) imported" in done.text, done.text[-1500:]
    imported = [p for p in (studio.kb / "articles").rglob("*.md") if mark in p.read_text()]
    assert len(imported) == 1
    text = imported[0].read_text()
    assert "status: draft" in text and "**This PC**" in text and f"title: Map a network drive {mark}" in text
    assert RT_ADMIN[1] not in json.dumps(_audit(studio))
    assert any(row[2] == "imported" and row[3] == f"rt {rt}" for row in _audit(studio))


def _audit(studio) -> list:
    with studio.db.transaction(write=False) as tx:
        return tx.all("SELECT at, actor, action, target, detail FROM studio_audit")
