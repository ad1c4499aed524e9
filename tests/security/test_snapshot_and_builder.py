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
