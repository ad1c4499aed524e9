"""Releases: the KB source built on the server, compared with what is published, signed
by a publisher in the browser, and published to the fleet.

    release_id = prepare(state, tree, user)       # builds in the background: "building" → "ready" | "failed"
    release = get(db, release_id)
    release.message                               # the bytes the publisher's key signs
    publish(state, tree, release, signature, user, override="")    # Refused with the reason
    rollback_id = roll_back(state, kb, version, user)                # an old version's content, a new version

The server never holds a signing key: it prepares the manifest, the publisher's browser
signs it (sign.js, WebCrypto Ed25519; the key file is read there and never sent), and the
server only accepts a signature that verifies with a key it was told to trust, the same
check as `PUT /v1/admin/kbs/{kb}/manifest`. Versions only grow, so a rollback is a new,
higher version holding an old version's snapshot (clients accept it; The Update
Framework's rule), and it writes that version's source files back to the tree. Patches
from earlier versions are made by the server after each publish (sync_server/patches.py).
"""
from __future__ import annotations

import base64
import json
import logging
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from desktop.sync import chunking
from desktop.sync import manifest as mf
from kb_snapshots.signing import build_manifest, slug
from sync_server.errors import ApiError
from sync_server.published import rebuild
from sync_server.routes_snapshots import publish_envelope, trusted_keys_of
from sync_server.studio.accounts import StudioUser, audit
from sync_server.studio.source import SourceTree
from sync_server.studio.trial import compare, test_questions

log = logging.getLogger("sync_server.studio")
BUILDING, READY, FAILED, PUBLISHED = "building", "ready", "failed", "published"
EXPIRY_DAYS = 30
_COLUMNS = ("id, kb, version, status, rollback_of, created_by, created_at, progress, problems, snapshot_sha256, "
            "size, signed_body, report, regressions, override_reason, published_by, published_at")


class Refused(Exception):
    """The release cannot be published; the message says why, in plain words."""


@dataclass(frozen=True)
class Release:
    id: int
    kb: str
    version: int
    status: str
    rollback_of: int | None
    created_by: str
    created_at: str
    progress: str
    problems: str
    snapshot_sha256: str
    size: int
    signed_body: str
    report: str
    regressions: int
    override_reason: str
    published_by: str
    published_at: str | None

    @property
    def message(self) -> bytes:
        return self.signed_body.encode("utf-8")

    @property
    def findings(self) -> dict:
        return json.loads(self.report) if self.report else {}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def get(db, release_id: int) -> Release | None:
    with db.transaction(write=False) as tx:
        row = tx.one(f"SELECT {_COLUMNS} FROM studio_releases WHERE id = ?", (release_id,))
    return Release(*row) if row else None


def recent(db, limit: int = 50) -> list[Release]:
    with db.transaction(write=False) as tx:
        rows = tx.all(f"SELECT {_COLUMNS} FROM studio_releases ORDER BY id DESC LIMIT ?", (limit,))
    return [Release(*row) for row in rows]


def sources(db, release_id: int) -> dict[str, str]:
    with db.transaction(write=False) as tx:
        row = tx.one("SELECT sources FROM studio_releases WHERE id = ?", (release_id,))
    return json.loads(zlib.decompress(bytes(row[0]))) if row and row[0] is not None else {}


def published_sources(db, kb: str, version: int) -> tuple[int | None, dict[str, str]]:
    """The release that published this version, and its source files (empty if it was
    published from the command line)."""
    with db.transaction(write=False) as tx:
        row = tx.one("SELECT id FROM studio_releases WHERE kb = ? AND version = ? AND status = ?", (kb, version, PUBLISHED))
    return (int(row[0]), sources(db, int(row[0]))) if row else (None, {})


def published_versions(db, kb: str, limit: int = 30) -> list[tuple[int, str, str]]:
    """(version, sha256, published at) of the versions published for `kb`, newest first."""
    with db.transaction(write=False) as tx:
        return tx.all("SELECT version, sha256, published_at FROM manifests WHERE kb = ? ORDER BY version DESC LIMIT ?",
                      (kb, limit))


def kb_name(db, tree: SourceTree) -> str:
    """The sync name the fleet polls: the one already published, else the KB's name."""
    with db.transaction(write=False) as tx:
        names = [row[0] for row in tx.all("SELECT DISTINCT kb FROM manifests")]
    return names[0] if len(names) == 1 else slug(str(tree.config().get("name") or "kb")) or "kb"


def _latest(db, kb: str) -> tuple[int, bytes | None]:
    with db.transaction(write=False) as tx:
        row = tx.one("SELECT version, envelope FROM manifests WHERE kb = ? ORDER BY version DESC LIMIT 1", (kb,))
    return (int(row[0]), bytes(row[1])) if row else (0, None)


def _update(db, release_id: int, **values) -> None:
    names = ", ".join(f"{name} = ?" for name in values)
    with db.transaction() as tx:
        tx.execute(f"UPDATE studio_releases SET {names} WHERE id = ?", (*values.values(), release_id))


def _insert(db, kb: str, user: StudioUser, files: dict[str, str], status: str, rollback_of: int | None = None) -> int:
    packed = zlib.compress(json.dumps(files, ensure_ascii=False).encode("utf-8"), 6)
    with db.transaction() as tx:
        tx.execute("INSERT INTO studio_releases (kb, status, rollback_of, created_by, created_at, sources) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (kb, status, rollback_of, user.name, _now(), packed))
        return int(tx.one("SELECT MAX(id) FROM studio_releases WHERE created_by = ?", (user.name,))[0])


def prepare(state, tree: SourceTree, user: StudioUser, background: bool = True) -> int:
    """Start building a release from the tree's files; returns its id."""
    files = tree.files()
    kb = kb_name(state.db, tree)
    release_id = _insert(state.db, kb, user, files, BUILDING)
    audit(state.db, user.name, "release prepared", kb, f"release {release_id}")
    if background:
        threading.Thread(target=_prepare, args=(state, release_id, kb, files), name="studio-release",
                         daemon=True).start()
    else:
        _prepare(state, release_id, kb, files)
    return release_id


def _prepare(state, release_id: int, kb: str, files: dict[str, str]) -> None:
    db, last = state.db, [0.0]

    def progress(message: str) -> None:
        if time.monotonic() - last[0] >= 1.0:
            last[0] = time.monotonic()
            _update(db, release_id, progress=message[:200])

    try:
        job = state.studio_builds.run(files, include_drafts=False, progress=progress)
        if job.state != "ready":
            _update(db, release_id, status=FAILED, problems="\n".join(job.problems))
            return
        _update(db, release_id, progress="comparing with the published version")
        data = job.snapshot.read_bytes()
        pieces = chunking.split(data)
        for sha, piece in pieces:
            if not state.chunks.has(sha):
                state.chunks.put(sha, chunking.compress(piece))
        index = mf.chunk_index(mf.Chunk(sha, len(piece)) for sha, piece in pieces)
        report = _compare(state, kb, files, job)
        latest, _ = _latest(db, kb)
        version = max(int(time.time()), latest + 1)
        manifest, _, _ = build_manifest(job.snapshot, kb=kb, version=version, expires_days=EXPIRY_DAYS)
        if not state.chunks.path(manifest.index_sha256, "indexes").exists():
            state.chunks.put_blob("indexes", manifest.index_sha256, index)
        _update(db, release_id, status=READY, version=version, snapshot_sha256=manifest.sha256, size=manifest.size,
                signed_body=mf.canonical(manifest.body()).decode("utf-8"), report=json.dumps(report),
                regressions=int(report["regressions"]), progress=f"built in {job.seconds:.0f} s, compared in "
                                                                 f"{report['seconds']:.0f} s")
    except Exception as exc:  # noqa: BLE001 - shown on the release's page, logged in full
        log.exception("release %s could not be prepared", release_id)
        _update(db, release_id, status=FAILED, problems=f"{exc.__class__.__name__}: {str(exc)[:300]}")


def _compare(state, kb: str, files: dict[str, str], job) -> dict:
    from desktop.engine import KnowledgeBase  # noqa: PLC0415

    draft = state.studio_builds.open(job)
    _, envelope = _latest(state.db, kb)
    with tempfile.TemporaryDirectory() as work:
        published = None
        if envelope is not None:
            _, data = rebuild(state.chunks, envelope)
            (Path(work) / "published.sqlite").write_bytes(data)
            published = KnowledgeBase.open(Path(work) / "published.sqlite")
        cases, problems = test_questions(files, Path(work))
        report = compare(published, draft, cases, asked_questions(state))
    return report | {"test_problems": problems, "first": envelope is None}


def asked_questions(state, days: int = 30) -> list[str]:
    """What people asked and the assistant did not understand, as the gap report shows it
    (only questions asked on at least `min_installs` installs)."""
    since = (datetime.now(timezone.utc).date() - timedelta(days=days - 1)).isoformat()
    with state.db.transaction(write=False) as tx:
        rows = tx.all("SELECT text FROM stats_questions WHERE day >= ? GROUP BY text HAVING COUNT(DISTINCT install_id) "
                      ">= ? ORDER BY COUNT(DISTINCT install_id) DESC, text LIMIT 300",
                      (since, state.settings.min_installs))
    return [row[0] for row in rows]


def roll_back(state, kb: str, version: int, user: StudioUser) -> int:
    """A release (ready to sign) holding the snapshot of `kb` at `version` under a new version."""
    with state.db.transaction(write=False) as tx:
        row = tx.one("SELECT envelope FROM manifests WHERE kb = ? AND version = ?", (kb, version))
    if row is None:
        raise Refused(f"version {version} of {kb} was never published")
    old, _ = mf.parse(bytes(row[0]))
    origin, files = published_sources(state.db, kb, version)
    latest, _ = _latest(state.db, kb)
    now = datetime.now(timezone.utc)
    body = mf.Manifest(kb=kb, version=max(int(time.time()), latest + 1), created=mf.format_time(now),
                       expires=mf.format_time(now + timedelta(days=EXPIRY_DAYS)), sha256=old.sha256, size=old.size,
                       index_sha256=old.index_sha256, index_size=old.index_size, deltas=()).body()
    release_id = _insert(state.db, kb, user, files, READY, rollback_of=version)
    report = {"rollback_of": version, "origin_release": origin, "restores_files": bool(files)}
    _update(state.db, release_id, version=body["version"], snapshot_sha256=old.sha256, size=old.size,
            signed_body=mf.canonical(body).decode("utf-8"), report=json.dumps(report),
            progress=f"the content of version {version}, as a new version")
    audit(state.db, user.name, "rollback prepared", kb, f"release {release_id}: back to version {version}")
    return release_id


def publish(state, tree: SourceTree, release: Release, signature: str, user: StudioUser, override: str = "") -> int:
    """Publish a ready release with the publisher's signature over `release.message`."""
    if not user.publishes:
        raise Refused("Only publishers publish.")
    if release.status != READY:
        raise Refused(f"This release is {release.status}; only a ready release is published.")
    override = " ".join(override.split())[:500]
    if release.regressions and not override:
        raise Refused(f"{release.regressions} test question(s) the published version answers right would be "
                      "answered wrong. Fix the articles, or give the reason to publish anyway.")
    try:
        sig = base64.b64decode(signature.strip(), validate=True)
    except ValueError:
        raise Refused("The signature is not readable; sign again.") from None
    keys = [key for key in trusted_keys_of(state.db) if _verifies(key, release.message, sig)]
    if not keys:
        raise Refused("This key is not one the server trusts to publish (or the file is not a signing key). "
                      "Use the key whose public half was given to `python -m sync_server trust-key`.")
    envelope = {"signed": json.loads(release.signed_body),
                "signatures": [{"keyid": mf.key_id(keys[0]), "sig": base64.b64encode(sig).decode()}]}
    try:
        published = publish_envelope(state, release.kb, json.dumps(envelope, sort_keys=True, indent=1).encode())
    except ApiError as exc:
        if exc.code == "version_not_newer":
            raise Refused("A newer version was published since this release was prepared: prepare a new one.") from None
        raise Refused(exc.message) from None
    restored = []
    if release.rollback_of is not None:
        files = sources(state.db, release.id)
        restored = tree.replace_all(files) if files else []
    _update(state.db, release.id, status=PUBLISHED, published_by=user.name, published_at=_now(),
            override_reason=override)
    detail = f"release {release.id}, version {published.version}"
    detail += f"; back to version {release.rollback_of} ({len(restored)} file(s) restored)" \
        if release.rollback_of is not None else ""
    detail += f"; {release.regressions} regression(s) accepted: {override}" if release.regressions else ""
    audit(state.db, user.name, "published", release.kb, detail)
    return published.version


def _verifies(key, message: bytes, sig: bytes) -> bool:
    try:
        key.verify(message, sig)
        return True
    except Exception:  # noqa: BLE001 - nacl's BadSignatureError, or a signature of the wrong length
        return False
