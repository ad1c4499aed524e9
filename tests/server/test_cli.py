"""Admin command lines: keygen, sign, publish, and the server's token and key chores."""
from __future__ import annotations

import argparse
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.sync import manifest as mf
from kb_snapshots import publish as publish_module
from kb_snapshots import signing
from sync_server.__main__ import main as server_main
from tests.server.harness import LiveServer, make_harness
from tests.sync.snapshots import article_text, make_snapshot

ROOT = Path(__file__).resolve().parents[2]


def kb_cli(argv: list[str]) -> int:
    """kb_snapshots' verbs as its __main__ wires them: each module's register()."""
    parser = argparse.ArgumentParser(prog="python -m kb_snapshots")
    sub = parser.add_subparsers(dest="command", required=True)
    signing.register(sub)
    publish_module.register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.mark.parametrize("verb", ["keygen", "sign", "publish"])
def test_every_admin_verb_has_help(verb, capsys):
    with pytest.raises(SystemExit) as exit_info:
        kb_cli([verb, "--help"])
    assert exit_info.value.code == 0 and "usage:" in capsys.readouterr().out


def test_keygen_writes_a_private_key_only_its_owner_reads(tmp_path, capsys):
    assert kb_cli(["keygen", "--output", str(tmp_path / "admin")]) == 0
    assert stat.S_IMODE((tmp_path / "admin.key").stat().st_mode) == 0o600
    assert "public_key = " in capsys.readouterr().out
    assert kb_cli(["keygen", "--output", str(tmp_path / "admin")]) == 2
    assert "already exists" in capsys.readouterr().err


def test_sign_refuses_a_file_that_is_not_a_snapshot(tmp_path, capsys):
    kb_cli(["keygen", "--output", str(tmp_path / "admin")])
    (tmp_path / "notes.txt").write_text("hello")
    assert kb_cli(["sign", str(tmp_path / "notes.txt"), "--key", str(tmp_path / "admin.key")]) == 2
    assert "not an SQLite snapshot" in capsys.readouterr().err


def test_keygen_sign_trust_publish_end_to_end(tmp_path, monkeypatch, capsys):
    db_url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    kb_cli(["keygen", "--output", str(tmp_path / "admin")])
    assert server_main(["trust-key", str(tmp_path / "admin.pub"), "--database-url", db_url, "--label", "alice"]) == 0
    assert server_main(["token", "admin", "--scope", "publish", "--label", "kb", "--database-url", db_url]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    old = make_snapshot(tmp_path / "v1.sqlite", articles=60)
    new = make_snapshot(tmp_path / "v2.sqlite", articles=60, changed={5: article_text(5, salt="x")})
    harness = make_harness(db_url, tmp_path / "storage", rate=0)
    with LiveServer(harness) as live:
        monkeypatch.setenv("HELPDESK_ADMIN_TOKEN", token)
        for snapshot, version, extra in ((old, 1, []), (new, 2, ["--previous", str(old)])):
            assert kb_cli(["sign", str(snapshot), "--key", str(tmp_path / "admin.key"), "--kb", "acme-it",
                           "--version", str(version)] + extra) == 0
            assert kb_cli(["publish", str(snapshot), "--server", live.url]) == 0
        out = capsys.readouterr().out
        assert "published acme-it version 2" in out
        envelope = harness.client.get("/v1/kbs/acme-it/manifest", headers=harness.device).content
    public = mf.load_public_key((tmp_path / "admin.pub").read_text())
    manifest = mf.verify(envelope, [public])
    assert manifest.version == 2 and len(manifest.deltas) == 1


def test_server_help_and_bad_database_url(capsys):
    out = subprocess.run([sys.executable, "-m", "sync_server", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and "serve" in out.stdout and "trust-key" in out.stdout
    assert server_main(["migrate", "--database-url", "mysql://nope"]) == 2
    assert "expected sqlite:///PATH or postgresql://" in capsys.readouterr().err


def test_sign_names_the_kb_and_version_from_the_snapshot(tmp_path):
    import sqlite3

    snapshot = make_snapshot(tmp_path / "kb.sqlite", articles=5, kb_version="1795596591")
    with sqlite3.connect(snapshot) as db:
        db.execute("UPDATE meta SET key = 'kb_name', value = 'Contoso IT' WHERE key = 'name'")
    manifest, _, _ = signing.build_manifest(snapshot)
    assert (manifest.kb, manifest.version) == ("contoso-it", 1795596591)
    with pytest.raises(signing.SigningError, match="--kb: 'bad name!' is not a usable name"):
        signing.build_manifest(snapshot, kb="bad name!")


def test_an_encrypted_key_signs_only_with_its_passphrase(tmp_path, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse\n"))
    assert kb_cli(["keygen", "--output", str(tmp_path / "admin"), "--passphrase-stdin"]) == 0
    assert "correct horse" not in (tmp_path / "admin.key").read_text()
    snapshot = make_snapshot(tmp_path / "kb.sqlite", articles=5)
    key = str(tmp_path / "admin.key")
    assert kb_cli(["sign", str(snapshot), "--key", key]) == 2
    assert "the key is encrypted" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    assert kb_cli(["sign", str(snapshot), "--key", key, "--passphrase-stdin"]) == 2
    assert "wrong passphrase" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse\n"))
    assert kb_cli(["sign", str(snapshot), "--key", key, "--passphrase-stdin"]) == 0
    public = mf.load_public_key((tmp_path / "admin.pub").read_text())
    mf.verify(Path(f"{snapshot}.manifest.json").read_bytes(), [public])


def test_an_untrusted_key_can_no_longer_publish(tmp_path, capsys):
    db_url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    kb_cli(["keygen", "--output", str(tmp_path / "alice")])
    server_main(["trust-key", str(tmp_path / "alice.pub"), "--database-url", db_url, "--label", "alice"])
    capsys.readouterr()
    assert server_main(["keys", "--database-url", db_url]) == 0
    keyid = capsys.readouterr().out.split()[0]
    assert server_main(["untrust-key", keyid, "--database-url", db_url]) == 0
    assert server_main(["untrust-key", keyid, "--database-url", db_url]) == 2
    harness = make_harness(db_url, tmp_path / "storage", rate=0)
    snapshot = make_snapshot(tmp_path / "kb.sqlite", articles=5)
    manifest, _, _ = signing.build_manifest(snapshot, kb="acme-it", version=1)
    reply = harness.client.put("/v1/admin/kbs/acme-it/manifest", headers=harness.admin,
                               content=mf.sign(manifest, signing.load_signing_key(tmp_path / "alice.key")))
    assert reply.status_code == 403 and reply.json()["error"]["code"] == "untrusted_signature"


def test_serve_with_several_workers_answers(tmp_path):
    import socket
    import time

    import requests

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "sync_server", "--database-url", f"sqlite:///{tmp_path / 's.sqlite'}",
                               "--storage", str(tmp_path / "st"), "--port", str(port), "--workers", "2"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json() == {"status": "ok"}
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=20)
