"""`python -m desktop ask "..."`: one question from a script, answered from a snapshot."""
from __future__ import annotations

import json
import os

import pytest

from tests.kb_snapshots.conftest import run_cli


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPDESK_HOME", str(tmp_path / "home"))
    policy = tmp_path / "policy.toml"      # an empty policy: no ITSM, no sync server
    policy.write_text("")
    monkeypatch.setenv("HELPDESK_POLICY", str(policy))
    monkeypatch.setenv("HELPDESK_USER_FULL_NAME", "Ann Smith")
    return tmp_path


def ask(*args: str):
    return run_cli("ask", *args, module="desktop")


def test_ask_json_prints_the_reply_with_kind_and_hits(env, helpdesk_snapshot):
    result = ask("I forgot my pasword", "--json", "--snapshot", str(helpdesk_snapshot))
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["kind"] == "answer"
    assert reply["lang"] == "en"
    assert reply["hits"][0]["id"] == "password-reset"
    assert reply["hits"][0]["kind"] == "article"
    assert reply["hits"][0]["title"] == "Reset a forgotten password"
    assert 0 <= reply["hits"][0]["score"] <= 1
    assert reply["corrections"] == {"pasword": "password"}


def test_ask_json_in_french_and_for_unknown_questions(env, helpdesk_snapshot):
    french = json.loads(ask("j'ai oublié mon mot de passe", "--json", "--snapshot", str(helpdesk_snapshot)).stdout)
    assert (french["lang"], french["hits"][0]["id"]) == ("fr", "password-reset-fr")
    unknown = json.loads(ask("how to bake a chocolate cake", "--json", "--snapshot", str(helpdesk_snapshot)).stdout)
    assert unknown["kind"] == "unknown" and unknown["message"]


def test_ask_prints_the_article_with_variables_filled_in(env, helpdesk_snapshot):
    result = ask("I forgot my password", "--snapshot", str(helpdesk_snapshot))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Reset a forgotten password\n")
    assert "Hello Ann, open the reset page" in result.stdout
    assert "{{" not in result.stdout


def test_ask_with_a_bad_snapshot_exits_2_naming_the_file(env):
    missing = env / "missing.sqlite"
    result = ask("hello", "--json", "--snapshot", str(missing))
    assert result.returncode == 2
    assert str(missing) in result.stderr and "no such snapshot file" in result.stderr
    assert result.stdout == ""


@pytest.mark.skipif(os.name != "posix", reason="undecodable argv bytes are a POSIX thing")
def test_ask_with_undecodable_bytes_on_the_command_line_does_not_crash(env, helpdesk_snapshot):
    import subprocess
    import sys

    from tests.kb_snapshots.conftest import REPO

    result = subprocess.run([sys.executable, "-m", "desktop", "ask", b"\xff\xfe printer \xc3", "--json",
                             "--snapshot", str(helpdesk_snapshot)], cwd=REPO, capture_output=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["kind"] in ("answer", "choose", "unknown")


def test_ask_help_mentions_its_arguments(capsys):
    from desktop.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["ask", "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for word in ("text", "--json", "--lang", "--snapshot"):
        assert word in text
