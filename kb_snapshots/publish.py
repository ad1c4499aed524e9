"""`publish`: upload a signed snapshot to the sync server.

    python -m kb_snapshots publish build/kb.sqlite --server https://sync.example.com \\
        --token-stdin < admin-token.txt
    # manifest: build/kb.sqlite.manifest.json (written by `sign`)

Only the chunks the server lacks are uploaded, then the manifest; the server accepts it
only if a key it trusts signed it and its version is newer than the published one.
The admin token comes from standard input (`--token-stdin`) or `HELPDESK_ADMIN_TOKEN`.
Errors are `PublishError`, with the server's own message when it refused.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

import requests

from desktop.sync import chunking
from desktop.sync import manifest as mf
from kb_snapshots.signing import deltas_dir


class PublishError(RuntimeError):
    """The snapshot could not be published; the message says why."""


def _check(reply: requests.Response, what: str) -> requests.Response:
    if reply.status_code < 300:
        return reply
    try:
        error = reply.json()["error"]
        detail = f"{error['code']}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        detail = reply.text[:200]
    raise PublishError(f"{what}: server answered {reply.status_code} ({detail})")


def publish(snapshot: Path, manifest_path: Path, server: str, token: str,
            session: requests.Session | None = None, timeout: float = 60) -> dict:
    """Upload missing chunks and the manifest; returns the server's reply and counts."""
    session = session or requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    base = server.rstrip("/")
    try:
        raw = manifest_path.read_bytes()
        data = snapshot.read_bytes()
    except OSError as exc:
        raise PublishError(f"{exc.filename}: {exc.strerror}") from None
    try:
        manifest, _ = mf.parse(raw)
    except mf.ManifestError as exc:
        raise PublishError(f"{manifest_path}: {exc}") from None
    if len(data) != manifest.size:
        raise PublishError(f"{snapshot}: does not match {manifest_path} (sign it again)")
    split = chunking.split(data)
    pieces = dict(split)
    index = mf.chunk_index(mf.Chunk(sha, len(piece)) for sha, piece in split)
    if hashlib.sha256(index).hexdigest() != manifest.index_sha256:
        raise PublishError(f"{snapshot}: does not match {manifest_path} (sign it again)")
    try:
        missing = _check(session.post(f"{base}/v1/admin/chunks/missing", headers=headers, timeout=timeout,
                                      json={"chunks": sorted(pieces)}), "listing chunks").json()["missing"]
        sent = 0
        for sha in missing:
            blob = chunking.compress(pieces[sha])
            _check(session.put(f"{base}/v1/admin/chunks/{sha}", data=blob, timeout=timeout,
                               headers={**headers, "Content-Type": "application/zstd"}), f"chunk {sha[:12]}")
            sent += len(blob)
        _check(session.put(f"{base}/v1/admin/indexes/{manifest.index_sha256}", data=index, timeout=timeout,
                           headers={**headers, "Content-Type": "application/json"}), "chunk index")
        for delta in manifest.deltas:
            patch = _read_patch(snapshot, delta.sha256)
            _check(session.put(f"{base}/v1/admin/deltas/{delta.sha256}", data=patch, timeout=timeout,
                               headers={**headers, "Content-Type": "application/zstd"}), f"delta {delta.sha256[:12]}")
            sent += len(patch)
        reply = _check(session.put(f"{base}/v1/admin/kbs/{manifest.kb}/manifest", data=raw, timeout=timeout,
                                   headers={**headers, "Content-Type": "application/json"}), "manifest").json()
    except requests.RequestException as exc:
        raise PublishError(f"cannot reach {base}: {exc}") from None
    return {**reply, "chunks_total": len(pieces), "chunks_uploaded": len(missing), "bytes_uploaded": sent}


def _read_patch(snapshot: Path, sha: str) -> bytes:
    path = deltas_dir(snapshot) / f"{sha}.zst"
    try:
        return path.read_bytes()
    except OSError:
        raise PublishError(f"{path}: patch named in the manifest is missing (sign it again)") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `publish` verb to the kb_snapshots command line."""
    p = subparsers.add_parser("publish", help="upload a signed snapshot to the sync server")
    p.add_argument("snapshot", type=Path)
    p.add_argument("--manifest", type=Path, help="signed manifest (default: SNAPSHOT.manifest.json)")
    p.add_argument("--server", required=True, help="sync server URL")
    p.add_argument("--token-stdin", action="store_true", help="read the admin token from standard input")
    p.set_defaults(func=_publish_command)


def _publish_command(args: argparse.Namespace) -> int:
    token = sys.stdin.readline().strip() if args.token_stdin else os.environ.get("HELPDESK_ADMIN_TOKEN", "")
    if not token:
        print("error: no admin token: pass --token-stdin or set HELPDESK_ADMIN_TOKEN", file=sys.stderr)
        return 2
    manifest = args.manifest or Path(f"{args.snapshot}.manifest.json")
    try:
        result = publish(args.snapshot, manifest, args.server, token)
    except PublishError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"published {result['kb']} version {result['version']}: {result['chunks_uploaded']} of "
          f"{result['chunks_total']} chunks uploaded ({result['bytes_uploaded']} bytes)")
    return 0
