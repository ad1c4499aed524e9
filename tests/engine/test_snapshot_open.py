"""Opening a snapshot: every unusable file raises SnapshotError naming the file and why."""
from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from desktop.engine import KnowledgeBase, SnapshotError


def _missing(tmp: Path, good: Path) -> Path:
    return tmp / "nope.sqlite"


def _folder(tmp: Path, good: Path) -> Path:
    (tmp / "dir.sqlite").mkdir()
    return tmp / "dir.sqlite"


def _empty(tmp: Path, good: Path) -> Path:
    (tmp / "empty.sqlite").write_bytes(b"")
    return tmp / "empty.sqlite"


def _random(tmp: Path, good: Path) -> Path:
    (tmp / "random.sqlite").write_bytes(os.urandom(8192))
    return tmp / "random.sqlite"


def _text(tmp: Path, good: Path) -> Path:
    (tmp / "notes.sqlite").write_text("name: Contoso IT\n")
    return tmp / "notes.sqlite"


def _truncated(tmp: Path, good: Path) -> Path:
    data = good.read_bytes()
    (tmp / "half.sqlite").write_bytes(data[: len(data) // 2])
    return tmp / "half.sqlite"


def _foreign(tmp: Path, good: Path) -> Path:
    path = tmp / "contacts.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    db.execute("INSERT INTO contacts VALUES ('Ann', '555')")
    db.commit()
    db.close()
    return path


def _foreign_with_meta(tmp: Path, good: Path) -> Path:
    path = tmp / "other-app.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    db.execute("INSERT INTO meta VALUES ('format', 'browser-history')")
    db.commit()
    db.close()
    return path


def _edited(key: str, value: str):
    def make(tmp: Path, good: Path) -> Path:
        path = tmp / f"edited-{key}.sqlite"
        shutil.copy(good, path)
        db = sqlite3.connect(path)
        db.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
        db.commit()
        db.close()
        return path
    return make


def _dropped_table(tmp: Path, good: Path) -> Path:
    path = tmp / "no-vocabulary.sqlite"
    shutil.copy(good, path)
    db = sqlite3.connect(path)
    db.execute("DROP TABLE vocabulary")
    db.commit()
    db.close()
    return path


@pytest.mark.parametrize("make, reason", [
    (_missing, "no such snapshot file"),
    (_folder, "is a folder"),
    (_empty, "not an SQLite file"),
    (_random, "not an SQLite file"),
    (_text, "not an SQLite file"),
    (_truncated, "damaged snapshot"),
    (_foreign, "not a knowledge-base snapshot"),
    (_foreign_with_meta, "not a knowledge-base snapshot"),
    (_edited("schema_version", "99"), "newer app"),
    (_edited("schema_version", "0"), "too old"),
    (_edited("schema_version", "two"), "damaged snapshot"),
    (_edited("languages", "[not json"), "damaged snapshot"),
    (_dropped_table, "missing vocabulary"),
], ids=["missing", "folder", "empty", "random-bytes", "text-file", "truncated", "foreign-sqlite",
        "foreign-meta-table", "newer-schema", "older-schema", "schema-not-a-number", "bad-meta-json",
        "missing-table"])
def test_unusable_snapshot_raises_snapshot_error_naming_file_and_reason(tmp_path, helpdesk_snapshot, make, reason):
    path = make(tmp_path, helpdesk_snapshot)
    with pytest.raises(SnapshotError) as caught:
        KnowledgeBase.open(path)
    message = str(caught.value)
    assert str(path) in message
    assert reason in message


def test_snapshot_from_another_model_opens_with_warning_and_ranks_lexically(tmp_path, helpdesk_snapshot):
    path = _edited("model", "some-other-model/768")(tmp_path, helpdesk_snapshot)
    kb = KnowledgeBase.open(path)
    assert len(kb.warnings) == 1
    assert "some-other-model/768" in kb.warnings[0] and str(path) in kb.warnings[0]
    reply = kb.ask("I forgot my password")
    assert reply.hits and reply.hits[0].id == "password-reset"
    assert kb.ask("my printer won't print").hits[0].id == "printer-troubleshoot"


def test_snapshot_from_another_model_still_answers_clear_questions(tmp_path, helpdesk_snapshot):
    kb = KnowledgeBase.open(_edited("model", "some-other-model/768")(tmp_path, helpdesk_snapshot))
    reply = kb.ask("I forgot my password")
    assert reply.kind == "answer"
    assert reply.hits[0].id == "password-reset"
    assert kb.ask("how to bake a chocolate cake").kind == "unknown"


def test_snapshot_built_by_this_app_opens_without_warning(helpdesk):
    assert helpdesk.warnings == []
    assert helpdesk.info.name == "Test IT"
    assert helpdesk.info.languages == ["en", "fr"]


def test_opening_and_asking_creates_no_file_next_to_the_snapshot(tmp_path, helpdesk_snapshot):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "kb.sqlite"
    shutil.copy(helpdesk_snapshot, path)
    before = path.read_bytes()
    kb = KnowledgeBase.open(path)
    assert kb.ask("vpn will not connect").hits[0].id == "vpn-connect"
    kb.entries()
    assert [p.name for p in folder.iterdir()] == ["kb.sqlite"]    # no -journal, -wal, -shm
    assert path.read_bytes() == before


def test_read_only_snapshot_in_read_only_folder_opens_and_answers(tmp_path, helpdesk_snapshot):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "kb.sqlite"
    shutil.copy(helpdesk_snapshot, path)
    path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        kb = KnowledgeBase.open(path)
        assert kb.ask("I forgot my password").hits[0].id == "password-reset"
        assert [p.name for p in folder.iterdir()] == ["kb.sqlite"]
    finally:
        folder.chmod(stat.S_IRWXU)
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_snapshot_path_with_spaces_and_url_characters_opens(tmp_path, helpdesk_snapshot):
    path = tmp_path / "my kb #1?mode=rw%20" / "kb snapshot.sqlite"
    path.parent.mkdir()
    shutil.copy(helpdesk_snapshot, path)
    kb = KnowledgeBase.open(path)
    assert kb.info.path == path
    assert kb.ask("I forgot my password").hits[0].id == "password-reset"


def test_damage_inside_a_snapshot_only_ever_raises_snapshot_error(tmp_path, helpdesk_snapshot):
    """A page scrambled anywhere (a bad disk, a bad patch): open or ask say so, or still work."""
    import random
    import warnings

    from desktop.engine import Reply

    data = helpdesk_snapshot.read_bytes()
    page = 4096
    outcomes = set()
    for number in range(1, len(data) // page):
        rnd = random.Random(number)
        damaged = bytearray(data)
        damaged[number * page:(number + 1) * page] = bytes(rnd.randrange(256) for _ in range(page))
        path = tmp_path / f"damaged-{number}.sqlite"
        path.write_bytes(bytes(damaged))
        try:
            kb = KnowledgeBase.open(path)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)      # NaN vectors are garbage, not a crash
                assert isinstance(kb.ask("I forgot my password"), Reply)
                kb.entries()
            outcomes.add("works")
        except SnapshotError as exc:
            assert str(path) in str(exc) and "damaged" in str(exc) or "not a knowledge-base" in str(exc)
            outcomes.add("refused")
    assert "refused" in outcomes
