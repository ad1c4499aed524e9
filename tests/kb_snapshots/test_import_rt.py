"""`import rt` against the real Request Tracker: one draft per RT article, title = its Name,
body = its Content, disabled articles left out, a wrong password said plainly."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import yaml

from kb_snapshots.build import build
from tests.kb_snapshots.test_vector_cache import CountingEmbedder
from tests.services import require_service

REPO = Path(__file__).resolve().parents[2]
RT_ADMIN = ("root", "password")
pytestmark = pytest.mark.service("rt")


@pytest.fixture(scope="module")
def rt() -> str:
    return require_service("HELPDESK_TEST_RT_URL", "Request Tracker")


def create_article(rt: str, name: str, content: str, summary: str = "") -> int:
    """As an RT admin writes one: in the General class, the body in its Content field."""
    reply = requests.post(f"{rt}/REST/2.0/article", auth=RT_ADMIN, timeout=30,
                          json={"Class": "General", "Name": name, "Summary": summary,
                                "CustomFields": {"Content": content}})
    assert reply.status_code == 201, reply.text
    return int(reply.json()["id"])


def run_import(rt: str, output: Path, password: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kb_snapshots", "import", "rt", "--url", rt, "--username", "root",
                           "--password-stdin", "--output", str(output)], input=password + "\n", cwd=REPO,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})


def imported_titles(output: Path) -> dict[str, tuple[dict, str]]:
    found = {}
    for path in output.glob("articles/*/*.md"):
        _, matter, body = path.read_text(encoding="utf-8").split("---\n", 2)
        data = yaml.safe_load(matter)
        found[data["title"]] = (data, body)
    return found


def test_every_rt_article_becomes_a_draft_with_its_name_and_content(rt, tmp_path):
    mark = secrets.token_hex(3)
    vpn = create_article(rt, f"VPN from home {mark}", '<p>Open the <b>VPN client</b> and sign in.</p>'
                         '<ul><li>Use your usual account</li><li>Approve on your phone</li></ul>'
                         '<p>See <a href="/Articles/Article/Display.html?id=1">the setup page</a> or '
                         '<a href="https://vpn.example.com/help">the help</a>.</p><script>alert(1)</script>')
    create_article(rt, f"Imprimante bloquée {mark}", "Ouvrez le bac 2 et retirez le papier doucement.\n"
                   "Pourquoi l'imprimante affiche-t-elle une erreur ?", summary="bourrage papier")
    retired = create_article(rt, f"Old fax machine {mark}", "<p>Dial 0 first.</p>")
    assert requests.delete(f"{rt}/REST/2.0/article/{retired}", auth=RT_ADMIN, timeout=30).status_code in (200, 204)

    done = run_import(rt, tmp_path / "kb", "password")
    assert done.returncode == 0, done.stderr
    found = imported_titles(tmp_path / "kb")
    assert f"Old fax machine {mark}" not in found
    data, body = found[f"VPN from home {mark}"]
    assert data["status"] == "draft" and data["lang"] == "en"
    assert "Open the **VPN client** and sign in." in body and "- Approve on your phone" in body
    assert f"[the setup page]({rt}/Articles/Article/Display.html?id=1)" in body
    assert "[the help](https://vpn.example.com/help)" in body and "alert" not in body
    french, french_body = found[f"Imprimante bloquée {mark}"]
    assert french["lang"] == "fr" and "Ouvrez le bac 2" in french_body
    assert "Pourquoi l'imprimante affiche-t-elle une erreur ?" in french["questions"]
    source = (tmp_path / "kb" / "articles" / "en").glob("*.md")
    assert any(f"Display.html?id={vpn}" in path.read_text(encoding="utf-8") for path in source)
    assert build(tmp_path / "kb", tmp_path / "kb.sqlite", version=1, embedder=CountingEmbedder(),
                 include_drafts=True).articles == len(found)


def test_a_wrong_password_is_said_plainly_and_nothing_is_written(rt, tmp_path):
    done = run_import(rt, tmp_path / "kb", "not-the-password")
    assert done.returncode == 1
    assert "not-the-password" not in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert not (tmp_path / "kb").exists()
