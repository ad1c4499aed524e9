"""`import folder`: an intranet export (HTML, Markdown, Word, text) becomes draft articles
that the builder accepts, and nothing in it reaches employees before an admin has read it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kb_snapshots.build import BuildError, build
from kb_snapshots.lint import lint
from tests.kb_snapshots.test_vector_cache import CountingEmbedder

REPO = Path(__file__).resolve().parents[2]

HTML = """<html><head><title>VPN - intranet</title><script>steal(document.cookie)</script></head>
<body><h1>Connect to the VPN from home</h1>
<p>Open <a href="/it/vpn-client.html">the VPN client</a>, or see <a href="https://vpn.example.com/help">the help</a>.</p>
<p><img src="shot.png" alt="the client's sign-in window"> Why does the VPN disconnect every hour?</p>
<ul><li>Sign in with your usual account</li><li>Approve the prompt on your phone</li></ul>
<p><a href="javascript:alert(1)">Click here</a> and type {{user.password}} nowhere.</p>
<form><input name="q"></form></body></html>"""

MARKDOWN = """---
title: Réinitialiser son mot de passe
---
Pour changer votre mot de passe, ouvrez le portail et suivez les étapes.

Que faire si le compte est verrouillé ? Attendez quinze minutes.
"""


def write_export(root: Path) -> Path:
    import docx

    export = root / "export"
    (export / "network").mkdir(parents=True)
    (export / "network" / "vpn.html").write_text(HTML, encoding="utf-8")
    (export / "comptes.md").write_text(MARKDOWN, encoding="utf-8")
    (export / "printer-jam.txt").write_text("Open tray 2 and pull the paper out gently.\n", encoding="utf-8")
    document = docx.Document()
    document.core_properties.title = "Request a new laptop"
    document.add_heading("Request a new laptop", level=1)
    document.add_paragraph("Laptops are replaced every four years. Ask your manager first.")
    document.add_paragraph("Choose the model in the catalog", style="List Bullet")
    document.save(export / "new-laptop.docx")
    (export / "notes.pdf").write_bytes(b"%PDF-1.4 not imported")
    (root / "secret.md").write_text("# Salaries\nnot for the KB\n", encoding="utf-8")
    os.symlink(root / "secret.md", export / "link-out.md")
    return export


def run_import(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kb_snapshots", "import", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})


def articles(output: Path) -> dict[str, tuple[dict, str]]:
    found = {}
    for path in sorted(output.glob("articles/*/*.md")):
        _, matter, body = path.read_text(encoding="utf-8").split("---\n", 2)
        data = yaml.safe_load(matter)
        found[data["title"]] = (data | {"file": str(path.relative_to(output))}, body)
    return found


@pytest.fixture
def imported(tmp_path):
    export = write_export(tmp_path)
    done = run_import("folder", str(export), "--output", str(tmp_path / "kb"))
    assert done.returncode == 0, done.stderr
    return tmp_path / "kb", done


def test_each_document_becomes_a_draft_with_its_own_title_and_language(imported):
    output, done = imported
    found = articles(output)
    assert set(found) == {"Connect to the VPN from home", "Réinitialiser son mot de passe",
                          "Request a new laptop", "Printer jam"}
    assert all(data["status"] == "draft" for data, _ in found.values())
    assert found["Réinitialiser son mot de passe"][0]["lang"] == "fr"
    assert found["Réinitialiser son mot de passe"][0]["file"].startswith("articles/fr/")
    assert found["Connect to the VPN from home"][0]["lang"] == "en"
    assert "wrote 4 draft article(s)" in done.stdout
    assert "link-out.md: a link to a file outside the folder" in done.stderr
    assert "Salaries" not in "".join(body for _, body in found.values())


def test_bodies_keep_structure_and_links_and_drop_what_is_not_text(imported):
    output, _ = imported
    data, body = articles(output)["Connect to the VPN from home"]
    assert "the VPN client" in body and "](/it/" not in body        # no address to follow: text only
    assert "[the help](https://vpn.example.com/help)" in body
    assert "- Sign in with your usual account" in body
    assert "(the client's sign-in window)" in body
    assert "steal" not in body and "javascript" not in body and "<" not in body
    assert "Click here" in body and "{{" not in body
    laptop, laptop_body = articles(output)["Request a new laptop"]
    assert "Laptops are replaced every four years" in laptop_body and "- Choose the model" in laptop_body
    assert not laptop_body.lstrip().startswith("# Request a new laptop")    # the title is not repeated


def test_suggested_questions_come_from_the_title_and_the_questions_the_body_asks(imported):
    output, _ = imported
    found = articles(output)
    assert "how do I connect to the VPN from home?" in found["Connect to the VPN from home"][0]["questions"]
    assert "Why does the VPN disconnect every hour?" in found["Connect to the VPN from home"][0]["questions"]
    assert "comment réinitialiser son mot de passe ?" in found["Réinitialiser son mot de passe"][0]["questions"]
    assert "Que faire si le compte est verrouillé ?" in found["Réinitialiser son mot de passe"][0]["questions"]


def test_drafts_are_checked_but_never_built_for_employees_until_published(imported, tmp_path):
    output, _ = imported
    errors, warnings = lint(output)
    assert errors == []
    assert sum("is a draft" in w.message for w in warnings) == 4
    with pytest.raises(BuildError) as refused:
        build(output, tmp_path / "kb.sqlite", version=1, embedder=CountingEmbedder())
    assert "all 4 articles are drafts" in refused.value.problems[0].message
    report = build(output, tmp_path / "try.sqlite", version=1, embedder=CountingEmbedder(), include_drafts=True)
    assert report.articles == 4
    laptop = output / articles(output)["Request a new laptop"][0]["file"]
    laptop.write_text(laptop.read_text(encoding="utf-8").replace("status: draft\n", ""), encoding="utf-8")
    published = build(output, tmp_path / "kb.sqlite", version=2, embedder=CountingEmbedder())
    assert published.articles == 1


def test_relative_links_lead_to_the_published_export_when_its_address_is_given(tmp_path):
    export = write_export(tmp_path)
    (export / "network" / "wifi.md").write_text("# Wi-Fi\nSee [the VPN page](vpn.html) and [top](#top).\n")
    done = run_import("folder", str(export), "--base-url", "https://intranet.example.com/it/",
                      "--output", str(tmp_path / "kb"))
    assert done.returncode == 0, done.stderr
    found = articles(tmp_path / "kb")
    assert "[the VPN client](https://intranet.example.com/it/vpn-client.html)" in found["Connect to the VPN from home"][1]
    assert "[the VPN page](https://intranet.example.com/it/network/vpn.html)" in found["Wi-Fi"][1]
    assert "[top]" not in found["Wi-Fi"][1]
    assert build(tmp_path / "kb", tmp_path / "kb.sqlite", version=1, embedder=CountingEmbedder(),
                 include_drafts=True).articles == 5


def test_a_second_import_never_overwrites_an_edited_article(imported, tmp_path):
    output, _ = imported
    again = run_import("folder", str(tmp_path / "export"), "--output", str(output))
    assert again.returncode == 0, again.stderr
    assert len(articles(output)) == 4 and len(list(output.glob("articles/*/*.md"))) == 8


def test_a_missing_folder_or_an_empty_one_is_said_plainly(tmp_path):
    missing = run_import("folder", str(tmp_path / "nowhere"), "--output", str(tmp_path / "kb"))
    assert missing.returncode == 1 and "is not a folder" in missing.stderr and "Traceback" not in missing.stderr
    (tmp_path / "empty").mkdir()
    empty = run_import("folder", str(tmp_path / "empty"), "--output", str(tmp_path / "kb"))
    assert empty.returncode == 1 and "nothing to import" in empty.stderr
    assert not (tmp_path / "kb").exists()
