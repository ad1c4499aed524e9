"""What the Studio's tests share: a small KB, three named admins, a signed-in browser session."""
from __future__ import annotations

from fastapi.testclient import TestClient

from sync_server.studio import accounts
from tests.kb_snapshots.kbfactory import article, write_kb
from tests.server.harness import make_harness

KB = {
    "kb.yaml": "name: Test IT\ndefault_lang: en\nlanguages: [en, fr]\nteams:\n  printing: Printing\n  network: Network\n",
    "articles/en/printer.md": article("Open tray 2 and pull the paper out.", id="printer-jam", title="Clear a paper jam",
                                      lang="en", team="printing", questions=["printer jammed", "paper stuck"]),
    "articles/fr/printer.md": article("Ouvrez le bac 2.", id="bourrage-papier", title="Débloquer l'imprimante",
                                      lang="fr", translation_of="printer-jam", questions=["imprimante bloquée"]),
    "articles/en/vpn.md": article("Reconnect the client.", id="vpn-drops", title="VPN keeps dropping", lang="en",
                                  team="network", questions=["vpn disconnects"]),
}
PASSWORD = "correct horse battery"


def make_studio(database_url, tmp_path):
    kb = write_kb(tmp_path / "kb", KB)
    harness = make_harness(database_url, tmp_path / "storage", rate=0, kb_source=kb)
    for name, role in (("edith", "editor"), ("paul", "publisher"), ("erin", "editor")):
        accounts.add_user(harness.db, name, role, PASSWORD)
    harness.kb = kb
    return harness


def browser(harness, name: str) -> TestClient:
    client = TestClient(harness.app, raise_server_exceptions=False)
    reply = client.post("/studio/login", data={"name": name, "password": PASSWORD}, follow_redirects=False)
    assert reply.status_code == 303, reply.text
    return client


def edit(client: TestClient, entry_id: str, **changes) -> tuple:
    page = client.get(f"/studio/articles/{entry_id}").text
    form = {name: _field(page, name) for name in ("base", "seen", "title", "questions", "keywords", "team", "topic",
                                                  "body")}
    return form, lambda **more: client.post(f"/studio/articles/{entry_id}", data=form | changes | more,
                                            follow_redirects=False)


def _field(page: str, name: str) -> str:
    import html
    import re

    if name in ("questions", "body"):
        match = re.search(rf'<textarea id={name} name={name}[^>]*>(.*?)</textarea>', page, re.S)
    elif name == "team":
        match = re.search(r"<option value='([^']*)' selected>", page)
    else:
        match = re.search(rf'name={name} value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else ""


