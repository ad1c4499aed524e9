"""`python -m kb_snapshots build SRC --output F`: the admin's build command, as a subprocess."""
from __future__ import annotations

import pytest

from desktop.engine import KnowledgeBase
from kb_snapshots.build import build
from tests.kb_snapshots.conftest import run_cli
from tests.kb_snapshots.kbfactory import article

GOOD = {
    "articles/en/vpn.md": article("Open the VPN client.", id="vpn-connect", title="Connect to the VPN",
                                  lang="en", questions=["how do I connect to the VPN?"]),
    "articles/fr/vpn.md": article("Ouvrez le client VPN.", id="vpn-connect-fr", title="Se connecter au VPN",
                                  lang="fr", translation_of="vpn-connect"),
}
BROKEN = {
    "articles/en/vpn.md": "---\nid: VPN\ntitle: Connect\nlang: en\nteam: plumbing\n---\nHi {{user.shoe}}\n",
}


def test_build_success_exits_0_and_writes_an_openable_snapshot(make_kb, tmp_path):
    src = make_kb(GOOD)
    output = tmp_path / "out" / "kb.sqlite"
    result = run_cli("build", str(src), "--output", str(output), "--version", "42")
    assert result.returncode == 0, result.stderr
    assert "2 articles" in result.stdout
    kb = KnowledgeBase.open(output)
    assert kb.info.version == 42
    assert {e.id for e in kb.entries()} == {"vpn-connect", "vpn-connect-fr"}
    assert [p.name for p in output.parent.iterdir()] == ["kb.sqlite"]   # no temporary file left


def test_build_failure_prints_file_line_on_stderr_and_writes_nothing(make_kb, tmp_path):
    src = make_kb(BROKEN)
    output = tmp_path / "kb.sqlite"
    result = run_cli("build", str(src), "--output", str(output))
    assert result.returncode != 0
    path = src / "articles/en/vpn.md"
    for expected in (f"{path}:2: id 'VPN' must match", f"{path}:5: unknown team 'plumbing'",
                     f"{path}:7: unknown variable {{{{user.shoe}}}}"):
        assert expected in result.stderr
    assert "nothing was written" in result.stderr
    assert result.stdout == ""
    assert list(tmp_path.glob("*.sqlite*")) == [] and not output.exists()


def test_failed_build_leaves_the_previous_snapshot_untouched(make_kb, tmp_path):
    output = tmp_path / "kb.sqlite"
    build(make_kb(GOOD), output, version=1)
    before = output.read_bytes()
    result = run_cli("build", str(make_kb(BROKEN)), "--output", str(output))
    assert result.returncode != 0
    assert output.read_bytes() == before
    assert KnowledgeBase.open(output).info.version == 1


def test_build_of_a_missing_folder_fails_clearly(tmp_path):
    result = run_cli("build", str(tmp_path / "nope"), "--output", str(tmp_path / "kb.sqlite"))
    assert result.returncode != 0
    assert "not a folder" in result.stderr
    assert not (tmp_path / "kb.sqlite").exists()


class _ExplodingEmbedder:
    identity = "exploding"
    dim = 384

    def embed(self, texts, passages=False):
        raise RuntimeError("model crashed")


def test_build_that_crashes_midway_keeps_old_snapshot_and_leaves_no_temp_file(make_kb, tmp_path):
    output = tmp_path / "kb.sqlite"
    build(make_kb(GOOD), output, version=1)
    before = output.read_bytes()
    with pytest.raises(RuntimeError):
        build(make_kb(GOOD), output, version=2, embedder=_ExplodingEmbedder())
    assert output.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["kb.sqlite"]


@pytest.mark.parametrize("verb, words", [
    ("build", ["src", "--output", "--version"]),
    ("lint", ["src", "--strict"]),
    ("eval", ["snapshot", "tests", "--min-top1", "--json"]),
    ("stats", ["snapshot", "--json"]),
])
def test_each_verb_help_mentions_its_arguments(verb, words, capsys):
    from kb_snapshots.__main__ import main

    with pytest.raises(SystemExit) as exited:
        main([verb, "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert f"python -m kb_snapshots {verb}" in text
    for word in words:
        assert word in text


def test_top_level_help_lists_the_verbs():
    result = run_cli("--help")
    assert result.returncode == 0
    for verb in ("build", "lint", "eval", "stats"):
        assert verb in result.stdout


def test_output_that_is_a_folder_fails_cleanly_and_leaves_nothing(make_kb, tmp_path):
    folder = tmp_path / "snapshots"
    folder.mkdir()
    result = run_cli("build", str(make_kb(GOOD)), "--output", str(folder))
    assert result.returncode == 1
    assert f"error: cannot write {folder}: is a folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb1", "snapshots"]
    assert list(folder.iterdir()) == []


def test_output_under_a_file_fails_cleanly(make_kb, tmp_path, capsys):
    from kb_snapshots.__main__ import main

    (tmp_path / "plain-file").write_text("x")
    assert main(["build", str(make_kb(GOOD)), "--output", str(tmp_path / "plain-file" / "kb.sqlite")]) == 1
    err = capsys.readouterr().err
    assert "error: cannot write" in err and "nothing was written" in err


def test_quiet_build_prints_nothing_on_success(make_kb, tmp_path, capsys):
    from kb_snapshots.__main__ import main

    assert main(["build", str(make_kb(GOOD)), "--output", str(tmp_path / "kb.sqlite"), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert KnowledgeBase.open(str(tmp_path / "kb.sqlite")).info.languages == ["en", "fr"]
