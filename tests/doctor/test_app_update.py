"""A newer app announced in the signed manifest is shown (doctor, update_notice), never installed."""
from __future__ import annotations

import base64
import json

import pytest

from desktop import __version__
from desktop.app_update import announced, is_newer, update_notice
from desktop.cli import main
from desktop.policy import parse_policy
from desktop.sync import manifest as mf
from desktop.sync.service import sync_once
from kb_snapshots.signing import build_manifest
from tests.doctor.conftest import SAMPLE, sync_section


def publish_with_app(harness, version: int, **app) -> None:
    """Publish the sample snapshot with extra signed fields (as a sign tool would add them)."""
    from desktop.sync import chunking

    manifest, data, _ = build_manifest(SAMPLE, kb="acme-it", version=version, previous=[], expires_days=30)
    store = harness.app.app.state.chunks
    split = chunking.split(data)
    for sha, piece in split:
        store.put(sha, chunking.compress(piece))
    store.put_blob("indexes", manifest.index_sha256, mf.chunk_index(mf.Chunk(s, len(p)) for s, p in split))
    body = {**manifest.body(), **app}
    sig = harness.key.sign(mf.canonical(body)).signature
    envelope = json.dumps({"signed": body, "signatures": [
        {"keyid": mf.key_id(harness.key.verify_key), "sig": base64.b64encode(sig).decode()}]}).encode()
    reply = harness.client.put("/v1/admin/kbs/acme-it/manifest", content=envelope, headers=harness.admin)
    assert reply.status_code == 201, reply.text


@pytest.mark.parametrize("candidate, current, newer", [
    ("0.2.0", "0.1.0", True), ("0.10.0", "0.9.9", True), ("0.1.0", "0.1.0", False),
    ("0.0.9", "0.1.0", False), ("v1.0", "0.1.0", True), ("", "0.1.0", False), ("soon", "0.1.0", False),
])
def test_is_newer_compares_release_numbers(candidate, current, newer):
    assert is_newer(candidate, current) is newer


def test_announcement_needs_an_https_download_link():
    envelope = json.dumps({"signed": {"app_version": "9.0", "app_download_url": "http://evil.example/x"}}).encode()
    assert announced(envelope).download_url == ""


def test_newer_app_in_the_signed_manifest_is_shown_by_doctor_and_not_installed(
        capsys, home, write_policy, sync_server):
    publish_with_app(sync_server.harness, 2, app_version="99.0.0",
                     app_download_url="https://downloads.example.com/helpdesk-assistant_99.0.0_amd64.deb")
    write_policy({"sync": sync_section(sync_server)})
    sync_once(parse_policy({"sync": sync_section(sync_server)}))
    notice = update_notice()
    assert notice is not None and notice.version == "99.0.0" and notice.current == __version__
    assert "downloads.example.com" in notice.text and "IT department" in notice.text
    assert main(["doctor", "--json", "--timeout", "2"]) == 0     # a notice, not a failure
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["app_update"]["status"] == "warning"
    assert "99.0.0" in checks["app_update"]["message"] and "never updates itself" in checks["app_update"]["message"]


def test_no_announcement_means_up_to_date(capsys, write_policy, sync_server):
    write_policy({"sync": sync_section(sync_server)})
    sync_once(parse_policy({"sync": sync_section(sync_server)}))
    assert update_notice() is None
    main(["doctor", "--json", "--timeout", "2"])
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["app_update"]["status"] == "ok"


def test_without_sync_the_app_update_line_is_skipped(capsys):
    main(["doctor", "--json"])
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["app_update"]["status"] == "skipped"
