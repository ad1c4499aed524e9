"""Installing snapshots: verified, atomic, small updates, and the old one keeps
serving whenever anything goes wrong."""
from __future__ import annotations

import errno
from datetime import datetime, timedelta, timezone

import pytest
from nacl.signing import SigningKey

from desktop.sync import installer as installer_module
from desktop.sync import manifest as mf
from desktop.sync.client import InstallFailed, ServerUnreachable, VerificationFailed
from desktop.sync.service import sync_once
from tests.server.harness import LiveServer, make_harness


def test_first_sync_installs_the_published_snapshot(setup):
    setup.harness.publish(setup.v1, version=1)
    result = sync_once(setup.policy())
    assert result.changed and result.version == 1
    assert setup.current.read_bytes() == setup.v1.read_bytes()
    assert setup.installer.installed().version == 1


def test_unchanged_poll_is_a_304_with_no_body(setup):
    setup.harness.publish(setup.v1, version=1)
    sync_once(setup.policy())
    result = sync_once(setup.policy())
    assert (result.changed, result.method, result.bytes_received) == (False, "unchanged", 0)


def test_one_article_change_moves_under_5_percent_of_a_full_download(setup):
    setup.harness.publish(setup.v1, version=1)
    full = sync_once(setup.policy()).bytes_received
    setup.harness.publish(setup.v2, version=2, previous=[setup.v1])
    update = sync_once(setup.policy())
    assert update.method == "delta" and update.version == 2
    assert update.bytes_received <= 0.05 * full, (update.bytes_received, full)
    assert setup.current.read_bytes() == setup.v2.read_bytes()


def test_without_a_patch_only_changed_chunks_are_downloaded(setup):
    setup.harness.publish(setup.v1, version=1)
    full = sync_once(setup.policy()).bytes_received
    setup.harness.publish(setup.v2, version=2)
    update = sync_once(setup.policy())
    assert update.method == "chunks"
    assert update.bytes_received < 0.5 * full
    assert setup.current.read_bytes() == setup.v2.read_bytes()


def _stored_chunks(setup):
    return sorted((setup.harness.storage / "chunks").rglob("*.zst"), key=lambda p: p.stat().st_size)


@pytest.mark.parametrize("damage, reason", [
    (lambda blob: blob[:-7], "damaged or truncated"),
    (lambda blob: blob[:20] + bytes([blob[20] ^ 1]) + blob[21:], "damaged|tampered"),
])
def test_damaged_download_leaves_the_old_snapshot_serving(setup, damage, reason):
    setup.harness.publish(setup.v1, version=1)
    sync_once(setup.policy())
    before = set(_stored_chunks(setup))
    setup.harness.publish(setup.v2, version=2)
    for path in set(_stored_chunks(setup)) - before:
        path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(VerificationFailed, match=reason):
        sync_once(setup.policy())
    assert setup.current.read_bytes() == setup.v1.read_bytes()
    assert "does not match" in setup.installer.state()["last_error"] or "damaged" in setup.installer.state()["last_error"]


def test_snapshot_signed_by_another_key_is_refused(setup):
    setup.harness.publish(setup.v1, version=1)
    stranger = mf.public_key_text(SigningKey.generate().verify_key)
    with pytest.raises(VerificationFailed, match="not signed by a trusted key"):
        sync_once(setup.policy(public_key=stranger))
    assert not setup.current.exists()


def test_older_version_is_refused_as_a_rollback(setup, tmp_path, monkeypatch):
    setup.harness.publish(setup.v2, version=5)
    sync_once(setup.policy())
    other = make_harness(f"sqlite:///{tmp_path / 'other.sqlite'}", tmp_path / "other", key=setup.harness.key, rate=0)
    with LiveServer(other) as old_server:
        other.publish(setup.v1, version=3)
        policy = setup.policy(url=old_server.url)
        monkeypatch.setenv("HELPDESK_SYNC_TOKEN", other.device_token)
        with pytest.raises(VerificationFailed, match="lower than the installed version 5: rollback refused"):
            sync_once(policy)
    assert setup.current.read_bytes() == setup.v2.read_bytes()


def test_expired_manifest_is_refused_as_a_freeze(setup):
    setup.harness.publish(setup.v1, version=1, expires_days=30)
    later = datetime.now(timezone.utc) + timedelta(days=31)
    with pytest.raises(VerificationFailed, match="expired .* frozen"):
        sync_once(setup.policy(), now=later)
    assert not setup.current.exists()


def test_full_disk_leaves_the_old_snapshot_serving(setup, monkeypatch):
    setup.harness.publish(setup.v1, version=1)
    sync_once(setup.policy())
    setup.harness.publish(setup.v2, version=2, previous=[setup.v1])
    real = installer_module._atomic_write

    def full_disk(path, data, **kw):
        if path.name == "incoming.sqlite":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, **kw)

    monkeypatch.setattr(installer_module, "_atomic_write", full_disk)
    with pytest.raises(InstallFailed, match="the disk is full; the previous one stays in use"):
        sync_once(setup.policy())
    assert setup.current.read_bytes() == setup.v1.read_bytes()
    assert setup.installer.installed().version == 1


def test_interrupted_download_resumes_without_refetching(setup, monkeypatch):
    setup.harness.publish(setup.v1, version=1)
    from desktop.sync.client import SyncClient
    attempts: list[list[str]] = [[], []]
    real = SyncClient.chunk

    def flaky(self, sha):
        first = attempts[0]
        if len(first) == 10 and not attempts[1] and not getattr(flaky, "failed", False):
            flaky.failed = True
            raise ServerUnreachable("connection reset")
        (attempts[1] if getattr(flaky, "failed", False) else first).append(sha)
        return real(self, sha)

    monkeypatch.setattr(SyncClient, "chunk", flaky)
    with pytest.raises(ServerUnreachable):
        sync_once(setup.policy())
    assert not setup.current.exists()
    sync_once(setup.policy())
    assert setup.current.read_bytes() == setup.v1.read_bytes()
    assert len(attempts[0]) == 10 and attempts[1]
    assert not set(attempts[0]) & set(attempts[1]), "chunks from the first attempt were downloaded again"


def test_tampered_chunk_index_is_refused(setup):
    setup.harness.publish(setup.v1, version=1)
    for path in (setup.harness.storage / "indexes").rglob("*.zst"):
        path.write_bytes(path.read_bytes().replace(b'"chunks":[["', b'"chunks":[["0', 1)[:-1])
    with pytest.raises(VerificationFailed, match="chunk index does not match the signed manifest"):
        sync_once(setup.policy())
    assert not setup.current.exists()


def test_a_server_that_stops_publishing_is_noticed_once_the_snapshot_expires(setup):
    setup.harness.publish(setup.v1, version=1, expires_days=30)
    sync_once(setup.policy())
    later = datetime.now(timezone.utc) + timedelta(days=31)
    with pytest.raises(VerificationFailed, match="expired .* offers nothing newer"):
        sync_once(setup.policy(), now=later)
    assert setup.current.read_bytes() == setup.v1.read_bytes()


def test_server_made_patch_serves_installs_that_skipped_versions(setup):
    setup.harness.app.app.state.patches.history = 5
    setup.harness.publish(setup.v1, version=1)
    full = sync_once(setup.policy()).bytes_received
    setup.harness.publish(setup.v2, version=2)            # signed without --previous
    update = sync_once(setup.policy())
    assert update.method == "server-patch" and update.bytes_received <= 0.05 * full
    assert setup.current.read_bytes() == setup.v2.read_bytes()


def test_a_bad_server_patch_falls_back_to_chunks(setup):
    setup.harness.app.app.state.patches.history = 5
    setup.harness.publish(setup.v1, version=1)
    sync_once(setup.policy())
    before = set((setup.harness.storage / "deltas").rglob("*.zst"))
    setup.harness.publish(setup.v2, version=2)
    for path in set((setup.harness.storage / "deltas").rglob("*.zst")) - before:
        path.write_bytes(b"\x28\xb5\x2f\xfd" + b"garbage" * 10)
    update = sync_once(setup.policy())
    assert update.method == "chunks" and setup.current.read_bytes() == setup.v2.read_bytes()


def test_snapshot_built_for_a_newer_app_is_refused_and_the_old_one_kept(setup, tmp_path):
    from tests.sync.snapshots import make_snapshot

    setup.harness.publish(setup.v1, version=1)
    sync_once(setup.policy())
    newer = make_snapshot(tmp_path / "newer.sqlite", articles=20, schema_version=99)
    setup.harness.publish(newer, version=2)
    with pytest.raises(VerificationFailed, match="cannot be used by this app: .*built for a newer app"):
        sync_once(setup.policy())
    assert setup.current.read_bytes() == setup.v1.read_bytes()


def test_first_install_waits_out_rate_limits_instead_of_failing(setup, tmp_path, monkeypatch):
    limited = make_harness(f"sqlite:///{tmp_path / 'limited.sqlite'}", tmp_path / "limited", key=setup.harness.key,
                           rate=5, burst=5, bulk_rate=100, bulk_burst=20)
    with LiveServer(limited) as server:
        limited.publish(setup.v1, version=1)
        monkeypatch.setenv("HELPDESK_SYNC_TOKEN", limited.device_token)
        assert sync_once(setup.policy(url=server.url)).version == 1
    assert setup.current.read_bytes() == setup.v1.read_bytes()
