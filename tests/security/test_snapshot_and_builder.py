"""Hostile snapshots and knowledge-base sources (issue 10, "Bounded memory and time").

A snapshot damaged mid-file or built for another model, and KB sources that are huge,
deeply nested, linked from outside the folder or ambiguous YAML: each ends in a clear
message naming the file, never a traceback, a hang or a silent surprise.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.engine import KnowledgeBase, SnapshotError
from tests.kb_snapshots.conftest import helpdesk_snapshot, make_kb, run_cli  # noqa: F401 - fixtures

PAGE = 4096


@pytest.fixture
def env(tmp_path, monkeypatch):
    """An empty home and policy for `python -m desktop` subprocesses."""
    monkeypatch.setenv("HELPDESK_HOME", str(tmp_path / "home"))
    policy = tmp_path / "policy.toml"
    policy.write_text("")
    monkeypatch.setenv("HELPDESK_POLICY", str(policy))
    monkeypatch.setenv("HELPDESK_SNAPSHOT", "")      # tests set it; monkeypatch restores it
    return tmp_path


def _damaged(good: Path, target: Path, first_page: int, pages: int = 1) -> Path:
    """A copy of `good` with `pages` pages from `first_page` (0-based) overwritten."""
    data = bytearray(good.read_bytes())
    start = first_page * PAGE
    data[start:start + pages * PAGE] = b"\xa5" * (pages * PAGE)
    target.write_bytes(bytes(data))
    return target


def _page_count(path: Path) -> int:
    return path.stat().st_size // PAGE


def test_every_page_damaged_mid_file_raises_snapshot_error_when_asked(tmp_path, helpdesk_snapshot):
    for page in range(1, _page_count(helpdesk_snapshot) - 1):
        path = _damaged(helpdesk_snapshot, tmp_path / f"damaged-{page}.sqlite", page)
        with pytest.raises(SnapshotError) as caught:
            KnowledgeBase.open(path).ask("I forgot my password")
        assert str(path) in str(caught.value) and "damaged snapshot" in str(caught.value), page


def test_ask_on_a_snapshot_damaged_mid_file_exits_2_with_the_reason_and_no_traceback(env, helpdesk_snapshot):
    middle = _page_count(helpdesk_snapshot) // 2
    path = _damaged(helpdesk_snapshot, env / "damaged.sqlite", middle - 2, pages=4)
    os.environ["HELPDESK_SNAPSHOT"] = str(path)    # restored by the env fixture's monkeypatch
    result = run_cli("ask", "I forgot my password", module="desktop")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"error: {path}: damaged snapshot" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("key, value", [
    ("languages", "5"), ("languages", "[]"), ("languages", "[1, 2]"), ("teams", "[]"),
    ("teams", '{"desk": 3}'), ("variables", '"portal"'), ("default_lang", "7"),
], ids=["languages-number", "no-languages", "languages-numbers", "teams-list", "team-name-number",
        "variables-text", "default-lang-blob"])
def test_snapshot_metadata_of_the_wrong_type_is_a_damaged_snapshot(tmp_path, helpdesk_snapshot, key, value):
    path = tmp_path / "bad-meta.sqlite"
    shutil.copy(helpdesk_snapshot, path)
    with sqlite3.connect(path) as db:
        stored = b"\xff\x00" if key == "default_lang" else value     # a blob stays a blob in a TEXT column
        db.execute("UPDATE meta SET value = ? WHERE key = ?", (stored, key))
    with pytest.raises(SnapshotError) as caught:
        KnowledgeBase.open(path).ask("I forgot my password")
    assert str(path) in str(caught.value) and "damaged snapshot" in str(caught.value)


@pytest.mark.parametrize("verb", ["stats", "eval"])
def test_kb_admin_commands_on_a_snapshot_damaged_mid_file_exit_2_naming_it(tmp_path, helpdesk_snapshot, verb):
    middle = _page_count(helpdesk_snapshot) // 2
    path = _damaged(helpdesk_snapshot, tmp_path / "damaged.sqlite", middle - 2, pages=4)
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"q": "I forgot my password", "expected": "password-reset"}\n')
    result = run_cli(verb, str(path), *([str(cases)] if verb == "eval" else []))
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr and f"error: {path}: damaged snapshot" in result.stderr


def _other_model(good: Path, target: Path) -> Path:
    shutil.copy(good, target)
    with sqlite3.connect(target) as db:
        db.execute("UPDATE meta SET value = 'some-other-model/768' WHERE key = 'model'")
    return target


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_ask_on_a_snapshot_from_another_model_warns_and_still_answers(env, helpdesk_snapshot, as_json):
    path = _other_model(helpdesk_snapshot, env / "other-model.sqlite")
    os.environ["HELPDESK_SNAPSHOT"] = str(path)
    result = run_cli("ask", "I forgot my password", *(["--json"] if as_json else []), module="desktop")
    assert result.returncode == 0, result.stderr
    assert "warning:" in result.stderr and "some-other-model/768" in result.stderr
    assert "semantic matching is off until the snapshot is rebuilt" in result.stderr
    assert ("password-reset" if as_json else "Reset a forgotten password") in result.stdout


# -- the builder -----------------------------------------------------------------------

from kb_snapshots.build import BuildError, build  # noqa: E402
from kb_snapshots.source import SourceLimits, read_source  # noqa: E402
from tests.kb_snapshots.kbfactory import article  # noqa: E402

SMALL = SourceLimits(max_file_bytes=10_000, max_total_bytes=30_000, max_depth=20)


def _problems(root: Path, limits: SourceLimits = SMALL) -> list[str]:
    with pytest.raises(BuildError) as caught:
        build(root, root.with_suffix(".sqlite"), version=1, limits=limits)
    assert not root.with_suffix(".sqlite").exists()
    return [str(problem) for problem in caught.value.problems]


def _page(n: int, size: int = 100) -> str:
    return article("help " * (size // 5), id=f"page-{n}", title=f"Page {n}", lang="en",
                   questions=[f"question {n}"])


def test_an_article_bigger_than_the_file_limit_is_refused_naming_the_file(make_kb):
    root = make_kb({"articles/ok.md": _page(1), "articles/huge.md": _page(2, size=50_000)})
    problems = _problems(root)
    assert len(problems) == 1
    assert problems[0].startswith("articles/huge.md:1: ") and "bigger than the 10,000 bytes" in problems[0]


def test_a_knowledge_base_bigger_than_its_limit_stops_reading_naming_where(make_kb):
    root = make_kb({f"articles/page-{n}.md": _page(n, size=8_000) for n in range(6)})
    problems = _problems(root)
    assert problems == ["articles/page-3.md:1: the knowledge base passes 30,000 bytes in total here; "
                        "this file and the ones after it were not read"]


def test_build_command_refuses_a_100_mb_class_article_quickly_with_file_and_line(make_kb):
    root = make_kb({"articles/huge.md": _page(1, size=1_100_000)})       # the default limit is 1 MiB
    result = run_cli("build", str(root), "--output", str(root.with_suffix(".sqlite")))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{root / 'articles/huge.md'}:1: 1.1 MB: bigger than the 1.0 MB a file may hold" in result.stderr
    assert not root.with_suffix(".sqlite").exists()


@pytest.mark.parametrize("rel, text", [
    ("trees/deep.yaml", "id: deep\nnodes: " + "[" * 5000 + "]" * 5000 + "\n"),
    ("trees/deep.yaml", "id: deep\nnodes:\n" + "- " * 5000 + "x\n"),
    ("trees/deep.yaml", "id: deep\nnodes: " + "{a: " * 5000 + "x" + "}" * 5000 + "\n"),
    ("articles/deep.md", "---\nid: deep\nkeywords: " + "[" * 5000 + "]" * 5000 + "\n---\nBody\n"),
    ("synonyms.yaml", "en: " + "[" * 5000 + "]" * 5000 + "\n"),
], ids=["flow-list", "block-list", "flow-mapping", "front-matter", "synonyms"])
def test_yaml_nested_5000_deep_is_a_clear_error_naming_the_file(make_kb, rel, text):
    problems = [p for p in _problems(make_kb({rel: text}), SourceLimits(max_depth=20)) if p.startswith(rel)]
    assert len(problems) == 1
    assert problems[0].startswith(f"{rel}:") and "nested more than 20 levels deep" in problems[0]


def test_yaml_aliases_that_expand_past_the_file_limit_are_refused_quickly(make_kb):
    lines = ["id: bomb", "title: Bomb", "lang: en", "start: start", 'text: &a0 "' + "A" * 1000 + '"']
    lines += [f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    lines.append("nodes: {start: {answer: *a8}}")             # 9^8 copies of 1,000 characters
    problems = _problems(make_kb({"trees/bomb.yaml": "\n".join(lines) + "\n"}))
    assert problems == ["trees/bomb.yaml:7: YAML aliases (*a1) repeat more than 10,000 characters of text; "
                        "write the values out instead"]


@pytest.mark.parametrize("nodes", ["[start, end]", "just text", "42"], ids=["list", "text", "number"])
def test_tree_nodes_that_are_not_a_mapping_are_a_problem_not_a_traceback(make_kb, nodes):
    root = make_kb({"trees/t.yaml": f"id: t\ntitle: T\nlang: en\nquestions: [q]\nstart: start\nnodes: {nodes}\n"})
    assert any(p.startswith("trees/t.yaml:6: 'nodes' is required: a mapping") for p in _problems(root))


@pytest.mark.parametrize("rel", ["articles/outside.md", "kb.yaml", "synonyms.yaml", "trees/outside.yaml"])
def test_a_file_linked_from_outside_the_kb_folder_is_refused_naming_it(make_kb, tmp_path, rel):
    outside = tmp_path / "elsewhere" / "secret.txt"
    outside.parent.mkdir()
    outside.write_text(_page(9) if rel.endswith(".md") else "name: Secret\n")
    root = make_kb({"articles/ok.md": _page(1), rel: None} if rel != "kb.yaml" else {"articles/ok.md": _page(1)})
    (root / rel).unlink(missing_ok=True)
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).symlink_to(outside)
    problems = [str(p) for p in read_source(root, SMALL).problems]
    assert problems == [f"{rel}:1: a link to {outside.resolve()}, outside the knowledge-base folder: "
                        "copy the file into the folder instead"]


def test_a_linked_folder_from_outside_is_refused_and_a_link_inside_the_folder_is_read(make_kb, tmp_path):
    shared = tmp_path / "shared-articles"
    shared.mkdir()
    (shared / "leak.md").write_text(_page(7))
    root = make_kb({"articles/ok.md": _page(1), "drafts/real.md": _page(2)})
    (root / "articles" / "shared").symlink_to(shared, target_is_directory=True)
    (root / "articles" / "inside.md").symlink_to(root / "drafts" / "real.md")
    source = read_source(root, SMALL)
    problems = [str(p) for p in source.problems]
    read = sorted(a.data["id"] for a in source.articles)
    assert read == ["page-1", "page-2"]
    assert all("leak.md" not in p or "outside the knowledge-base folder" in p for p in problems)
    assert "page-7" not in read


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "true"])
def test_an_id_yaml_reads_as_a_boolean_says_so_and_to_quote_it(make_kb, word):
    root = make_kb({"articles/a.md": f"---\nid: {word}\ntitle: Help\nlang: en\n---\nBody\n"})
    problems = _problems(root)
    assert problems == [f"articles/a.md:2: 'id' must be text: YAML read {word} as a boolean "
                        f"(yes/no/on/off/true/false are); put it in quotes: id: \"{word}\""]


def test_a_quoted_yes_id_is_text(make_kb):
    root = make_kb({"articles/a.md": '---\nid: "yes"\ntitle: Help\nlang: en\n---\nBody\n'})
    assert read_source(root, SMALL).articles[0].data["id"] == "yes"


# -- signing -------------------------------------------------------------------------------

@pytest.mark.parametrize("days", ["-1", "0", "nan"])
def test_sign_refuses_a_lifetime_that_is_not_positive(tmp_path, helpdesk_snapshot, days):
    from kb_snapshots.signing import keygen

    private, _ = keygen(tmp_path / "admin")
    snapshot = tmp_path / "kb.sqlite"
    shutil.copy(helpdesk_snapshot, snapshot)
    result = run_cli("sign", str(snapshot), "--key", str(private), f"--expires-days={days}")
    assert result.returncode == 2
    assert "--expires-days" in result.stderr and "Traceback" not in result.stderr
    assert not Path(f"{snapshot}.manifest.json").exists()


@pytest.mark.parametrize("days", [-1, 0, -0.5, float("nan"), float("inf"), 10**9])
def test_build_manifest_refuses_a_lifetime_that_is_not_positive(helpdesk_snapshot, days):
    from kb_snapshots.signing import SigningError, build_manifest

    with pytest.raises(SigningError, match="--expires-days"):
        build_manifest(helpdesk_snapshot, expires_days=days)
