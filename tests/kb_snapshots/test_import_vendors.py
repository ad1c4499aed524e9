"""`python -m kb_snapshots import servicenow|zammad|glpi`: the published knowledge of another
product, read from fakes that answer as the vendors' documented APIs do, becomes draft
articles in their language that the builder accepts; a refused password writes nothing."""
from __future__ import annotations

import hashlib
import inspect
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from desktop.itsm.errors import AuthError, ItsmError
from kb_snapshots.build import build
from kb_snapshots.importing.glpi import read_glpi
from kb_snapshots.importing.servicenow import read_servicenow
from kb_snapshots.importing.zammad import read_zammad
from kb_snapshots.source import read_source
from kb_snapshots.validate import validate
from tests.itsm.fakes.base import PASSWORD, TOKEN, USER
from tests.kb_snapshots.conftest import REPO
from tests.kb_snapshots.kb_fakes import (
    HTTPS_LINK, SCRIPT_TEXT, VPN_TITLE, GlpiKbFake, ServiceNowKbFake, ZammadKbFake,
)

FAKES = {"servicenow": ServiceNowKbFake, "zammad": ZammadKbFake, "glpi": GlpiKbFake}
READERS = {"servicenow": read_servicenow, "zammad": read_zammad, "glpi": read_glpi}
VENDORS = list(FAKES)
WRONG_PASSWORD = "not-the-Pa55word"


class CountingEmbedder:
    """Deterministic vectors from the text, fast: no model is loaded."""
    identity, dim = "counting-v1", 384

    def embed(self, texts, passages=False):
        rows = [np.random.default_rng(int(hashlib.sha256(f"{passages}{t}".encode()).hexdigest()[:8], 16))
                .standard_normal(self.dim) for t in texts]
        vectors = np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dim)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def run_import(*args: str, secret: str) -> subprocess.CompletedProcess:
    """`python -m kb_snapshots import ARGS` in a subprocess, the secret typed on standard input."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "kb_snapshots", "import", *args], cwd=REPO, env=env,
                          input=secret + "\n", capture_output=True, text=True, timeout=120)


def written_articles(root: Path) -> dict[str, list[tuple[dict, str]]]:
    """lang -> [(front matter, body)] of every article file written under root."""
    found: dict[str, list[tuple[dict, str]]] = {}
    for path in sorted((root / "articles").glob("*/*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        found.setdefault(path.parent.name, []).append((yaml.safe_load(front), body))
    return found


def assert_builds(root: Path, tmp_path: Path, articles: int) -> None:
    if "include_drafts" in inspect.signature(build).parameters:
        report = build(root, tmp_path / "imported.sqlite", version=1, include_drafts=True,
                       embedder=CountingEmbedder())
        assert report.articles == articles
    else:
        _, entries, _, problems = validate(read_source(root))
        assert problems == [] and len(entries) == articles


@pytest.mark.parametrize("vendor", VENDORS)
def test_published_articles_become_drafts_in_their_language(vendor, tmp_path):
    output = tmp_path / "imported"
    with FAKES[vendor]() as fake:
        result = run_import(vendor, "--url", fake.url, "--username", USER, "--password-stdin",
                            "--output", str(output), secret=PASSWORD)
    assert result.returncode == 0, result.stderr
    assert f"wrote {len(fake.published)} draft article(s)" in result.stdout
    articles = written_articles(output)
    titles = {lang: sorted(front["title"] for front, _ in found) for lang, found in articles.items()}
    expected: dict[str, list[str]] = {}
    for lang, title in fake.published:
        expected.setdefault(lang, []).append(title)
    assert titles == {lang: sorted(found) for lang, found in expected.items()}
    every = [article for found in articles.values() for article in found]
    assert all(front["status"] == "draft" for front, _ in every)
    everything = "\n".join(front["title"] + "\n" + body for front, body in every)
    assert not any(hidden in everything for hidden in fake.hidden)
    vpn_body = next(body for front, body in articles["en"] if front["title"] == VPN_TITLE)
    relative_made_absolute = fake.url + "/" + fake.relative_link.lstrip("/")
    assert f"]({HTTPS_LINK})" in vpn_body and f"]({relative_made_absolute})" in vpn_body
    assert "## Before you start" in vpn_body and "1. Open the [Company Portal guide]" in vpn_body
    assert "(The GlobalProtect sign-in window)" in vpn_body
    assert SCRIPT_TEXT not in vpn_body and "evil.example" not in vpn_body and "script" not in vpn_body
    assert_builds(output, tmp_path, articles=len(every))


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_refused_password_is_one_plain_line_and_writes_nothing(vendor, tmp_path):
    output = tmp_path / "imported"
    with FAKES[vendor]() as fake:
        result = run_import(vendor, "--url", fake.url, "--username", USER, "--password-stdin",
                            "--output", str(output), secret=WRONG_PASSWORD)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "refused the user name or password" in lines[0] and "nothing was written" in lines[0]
    assert "Traceback" not in result.stderr and WRONG_PASSWORD not in result.stderr + result.stdout
    assert not output.exists()


def test_glpi_user_token_and_app_token_through_the_cli(tmp_path):
    output = tmp_path / "imported"
    with GlpiKbFake(app_token="app-7f3c9e") as fake:
        result = run_import("glpi", "--url", fake.url, "--token-stdin", "--app-token-stdin",
                            "--output", str(output), secret=f"{TOKEN}\napp-7f3c9e")
    assert result.returncode == 0, result.stderr
    assert sum(len(found) for found in written_articles(output).values()) == len(fake.published)
    assert fake.killed == 1 and not fake.sessions


@pytest.mark.parametrize("vendor", VENDORS)
def test_an_api_token_reads_the_same_articles(vendor):
    with FAKES[vendor]() as fake:
        drafts = READERS[vendor](fake.url, token=TOKEN)
    assert sorted(draft.title for draft in drafts) == sorted(title for _, title in fake.published)
    assert all(draft.source.startswith(fake.url + "/") for draft in drafts)


def test_servicenow_pages_through_every_published_article():
    with ServiceNowKbFake() as fake:
        fake.articles += [fake.article(f"KB02{n:05d}", f"Generated article {n}", f"<p>Text {n}.</p>")
                          for n in range(250)]
        drafts = read_servicenow(fake.url, auth=(USER, PASSWORD))
        pages = [request for request in fake.requests if request[1] == "/api/now/table/kb_knowledge"]
    numbers = [draft.source.rsplit("=", 1)[1] for draft in drafts]
    assert len(drafts) == 253 and len(pages) == 3 and numbers == sorted(numbers)
    vpn = next(draft for draft in drafts if draft.title == VPN_TITLE)
    assert vpn.keywords == ["vpn", "remote", "globalprotect"] and vpn.lang == "en"
    assert vpn.source == f"{fake.url}/kb_view.do?sysparm_article=KB0010001"


def test_glpi_pages_by_content_range_and_ends_its_session():
    with GlpiKbFake() as fake:
        fake.items += [fake.item(100 + n, f"Generated item {n}", f"<p>Text {n}.</p>") for n in range(245)]
        drafts = read_glpi(fake.url, auth=(USER, PASSWORD))
        pages = [request for request in fake.requests if request[1] == "/apirest.php/KnowbaseItem"]
    assert len(drafts) == 248 and len(pages) == 3
    assert fake.killed == 1 and not fake.sessions
    assert drafts[0].source == f"{fake.url}/front/knowbaseitem.form.php?id=1"


def test_zammad_drafts_take_the_language_of_their_locale():
    with ZammadKbFake() as fake:
        drafts = read_zammad(fake.url, auth=(USER, PASSWORD))
    assert sorted((draft.lang, draft.title) for draft in drafts) == sorted(fake.published)
    assert f"{fake.url}/#knowledge_base/1/locale/fr-fr/answer/2" in {draft.source for draft in drafts}


def test_malformed_records_are_skipped():
    junk_records = ["junk", 42, None, [], {"number": "KB0090001"}, {"short_description": ["x"], "number": "KB1"},
                    {"short_description": "  ", "number": "KB0090002"}]
    with ServiceNowKbFake() as fake:
        fake.junk = junk_records
        assert len(read_servicenow(fake.url, auth=(USER, PASSWORD))) == len(fake.published)
    with GlpiKbFake() as fake:
        fake.junk = junk_records + [{"id": "../1", "name": "Path"}, {"id": True, "name": "Bool"},
                                    {"id": 9, "name": ""}, {"id": 10, "name": 5}]
        assert len(read_glpi(fake.url, auth=(USER, PASSWORD))) == len(fake.published)
    with ZammadKbFake() as fake:
        fake.junk = {"KnowledgeBaseAnswer": {"x": {"id": "x"}, "9": "junk", "10": {"id": 10, "category_id": "../1",
                                                                                 "published_at": 12}},
                     "KnowledgeBaseAnswerTranslation": {"50": {"title": None, "answer_id": 1, "content_id": 3},
                                                        "51": {"title": "No content", "answer_id": 2},
                                                        "52": ["junk"]},
                     "KnowledgeBaseLocale": {"7": {"system_locale_id": "fr-fr"}}}
        assert sorted(d.title for d in read_zammad(fake.url, auth=(USER, PASSWORD))) == sorted(
            title for _, title in fake.published)


@pytest.mark.parametrize("vendor", VENDORS)
def test_an_error_never_shows_the_secret_even_when_the_server_echoes_it(vendor):
    with FAKES[vendor]() as fake:
        fake.fail_next(500, body={"error": f"token {TOKEN} is not valid here"})
        with pytest.raises(ItsmError) as raised:
            READERS[vendor](fake.url, token=TOKEN)
    assert TOKEN not in str(raised.value) and "***" in str(raised.value)


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_wrong_password_raises_an_auth_error(vendor):
    with FAKES[vendor]() as fake, pytest.raises(AuthError) as raised:
        READERS[vendor](fake.url, auth=(USER, WRONG_PASSWORD))
    assert WRONG_PASSWORD not in str(raised.value)
