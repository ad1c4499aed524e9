"""Publishing: only snapshots signed by a trusted admin key, versions only grow,
only missing chunks travel."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from desktop.sync import manifest as mf
from kb_snapshots.publish import PublishError, publish
from kb_snapshots.signing import build_manifest
from tests.server.harness import LiveServer
from tests.sync.snapshots import article_text, make_snapshot


@pytest.fixture
def live(server):
    """The server on a loopback port: publish talks to it with requests, as admins do."""
    with LiveServer(server) as running:
        yield running


def signed(tmp_path: Path, key: SigningKey, version: int, changed=None, name="v") -> tuple[Path, Path]:
    snapshot = make_snapshot(tmp_path / f"{name}{version}.sqlite", changed=changed)
    manifest, _, _ = build_manifest(snapshot, kb="acme-it", version=version)
    path = tmp_path / f"{name}{version}.manifest.json"
    path.write_bytes(mf.sign(manifest, key))
    return snapshot, path


def test_publish_then_devices_get_the_signed_manifest(server, live, tmp_path):
    snapshot, manifest = signed(tmp_path, server.key, 1)
    result = publish(snapshot, manifest, live.url, server.admin_token)
    assert result["version"] == 1 and result["chunks_uploaded"] == result["chunks_total"] > 10
    reply = server.client.get("/v1/kbs/acme-it/manifest", headers=server.device)
    assert reply.status_code == 200
    assert mf.verify(reply.content, [server.key.verify_key]).sha256 == result["sha256"]


def test_second_publish_uploads_only_the_changed_chunks(server, live, tmp_path):
    token = server.admin["Authorization"][7:]
    publish(*signed(tmp_path, server.key, 1), live.url, token)
    changed = {150: article_text(150, salt="edited")}
    result = publish(*signed(tmp_path, server.key, 2, changed), live.url, token)
    assert 0 < result["chunks_uploaded"] <= result["chunks_total"] * 0.1


def test_publish_refuses_a_manifest_signed_by_an_untrusted_key(server, live, tmp_path):
    snapshot, manifest = signed(tmp_path, SigningKey.generate(), 1)
    with pytest.raises(PublishError, match="403.*untrusted_signature.*not signed by a trusted key"):
        publish(snapshot, manifest, live.url, server.admin_token)
    assert server.client.get("/v1/kbs/acme-it/manifest", headers=server.device).status_code == 404


def test_publish_refuses_a_manifest_altered_after_signing(server, live, tmp_path):
    snapshot, manifest = signed(tmp_path, server.key, 1)
    envelope = json.loads(manifest.read_bytes())
    envelope["signed"]["expires"] = "2099-01-01T00:00:00Z"
    manifest.write_text(json.dumps(envelope))
    with pytest.raises(PublishError, match="does not verify"):
        publish(snapshot, manifest, live.url, server.admin_token)


def test_publish_refuses_a_version_that_does_not_grow(server, live, tmp_path):
    token = server.admin["Authorization"][7:]
    publish(*signed(tmp_path, server.key, 5), live.url, token)
    with pytest.raises(PublishError, match="409.*version 5 is not newer"):
        publish(*signed(tmp_path, server.key, 5, name="again"), live.url, token)


def test_chunk_upload_refuses_bytes_that_do_not_match_the_name(server):
    from desktop.sync import chunking

    reply = server.client.put("/v1/admin/chunks/" + "ab" * 32, content=chunking.compress(b"hello"),
                              headers=server.admin)
    assert reply.status_code == 422
    assert "do not match" in reply.json()["error"]["message"]


def test_manifest_unchanged_since_etag_is_a_304(server, live, tmp_path):
    publish(*signed(tmp_path, server.key, 1), live.url, server.admin_token)
    first = server.client.get("/v1/kbs/acme-it/manifest", headers=server.device)
    again = server.client.get("/v1/kbs/acme-it/manifest",
                              headers={**server.device, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("who, status", [("device", 403), ("nobody", 401)])
def test_only_publish_tokens_may_publish(server, who, status):
    headers = server.device if who == "device" else {}
    reply = server.client.post("/v1/admin/chunks/missing", json={"chunks": []}, headers=headers)
    assert reply.status_code == status
    assert set(reply.json()["error"]) == {"code", "message"}
