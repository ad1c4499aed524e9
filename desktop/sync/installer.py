"""Verify a signed snapshot and swap it in atomically, or change nothing.

    installer = SnapshotInstaller(paths.installed_snapshot())
    installer.installed()                    # InstalledSnapshot(version, sha256, …) or None
    result = installer.update(client, "acme-it", trusted_keys)

Layout next to `current.sqlite`:

    current.sqlite             the snapshot the app opens (replaced only by os.replace)
    manifests/<sha256>.json    the signed manifest of each installed file, written
                               before the swap, so version and expiry are known after a
                               crash at any point
    partial/<sha256>           chunks already downloaded and verified: a new attempt
                               resumes where the last one stopped
    incoming.sqlite            the file being assembled (removed on failure)
    sync.lock                  held while an update runs: the tray's periodic sync and a
                               `python -m desktop sync` never assemble at the same time
    sync-state.json            ETag and last result, for `sync --status` and `doctor`

Order: manifest signature, rollback and freeze checks → a patch from the installed
file if the manifest offers one, else one the server made (else chunks: those already
in the installed file are reused, the rest downloaded) → size and sha256 of the assembled file → SQLite quick
check → record manifest → fsync → os.replace. Any failure raises a `SyncError` and
leaves `current.sqlite` untouched.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

import zstandard
from nacl.signing import VerifyKey

import desktop.sync.chunking as chunking
import desktop.sync.manifest as mf
from desktop.sync.client import InstallFailed, ServerUnreachable, SyncClient, SyncError, VerificationFailed


@dataclass(frozen=True)
class InstalledSnapshot:
    version: int
    sha256: str
    expires: str
    kb: str


@dataclass(frozen=True)
class UpdateResult:
    changed: bool
    version: int | None
    message: str
    bytes_received: int = 0
    method: str = ""          # "unchanged", "delta", "server-patch" or "chunks"


class SnapshotInstaller:
    def __init__(self, target: Path, check: Callable[[Path], None] | None = None, use_deltas: bool = True) -> None:
        """`check(path)` may raise to refuse a file the app could not open; `use_deltas=False`
        always rebuilds from chunks (to measure them)."""
        self.use_deltas = use_deltas
        self.target = Path(target)
        self.root = self.target.parent
        self.manifests = self.root / "manifests"
        self.partial = self.root / "partial"
        self.incoming = self.root / "incoming.sqlite"
        self.state_file = self.root / "sync-state.json"
        self.check = check or quick_check

    # -- what is installed -------------------------------------------------------------
    def installed(self) -> InstalledSnapshot | None:
        """The installed snapshot as its recorded manifest describes it; None if unknown."""
        if not self.target.exists():
            return None
        sha = _sha256_file(self.target)
        try:
            manifest, _ = mf.parse((self.manifests / f"{sha}.json").read_bytes())
        except (OSError, mf.ManifestError):
            return None
        return InstalledSnapshot(manifest.version, sha, manifest.expires, manifest.kb)

    def state(self) -> dict:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}

    def save_state(self, **values) -> None:
        state = {**self.state(), **values}
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            _atomic_write(self.state_file, json.dumps(state, indent=1).encode())
        except OSError:
            pass  # the state file is a convenience; a full disk must not hide the real result

    # -- update -----------------------------------------------------------------------
    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One update at a time per machine; the OS releases the lock if the process dies."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle = open(self.root / "sync.lock", "a+b")
        try:
            try:
                if os.name == "nt":
                    import msvcrt
                    msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
                else:
                    import fcntl
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise SyncError("another sync is already running on this machine; try again in a minute") from None
            yield
        finally:
            handle.close()

    def update(self, client: SyncClient, kb: str, trusted: Iterable[VerifyKey],
               now: datetime | None = None) -> UpdateResult:
        """Bring the installed snapshot up to date, or raise `SyncError` saying why not."""
        with self._exclusive():
            return self._update(client, kb, trusted, now)

    def _update(self, client: SyncClient, kb: str, trusted: Iterable[VerifyKey],
                now: datetime | None) -> UpdateResult:
        self.incoming.unlink(missing_ok=True)            # left by a crash: never trusted
        current = self.installed()
        state = self.state()
        etag = state.get("etag") if current and state.get("etag_sha256") == current.sha256 else None
        start = client.bytes_received
        reply = client.manifest(kb, etag)
        if reply.status == 304 and current:
            if mf.parse_time(current.expires) <= (now or datetime.now(timezone.utc)):
                raise VerificationFailed(f"the installed snapshot expired at {current.expires} and the server "
                                         "offers nothing newer (a frozen server?); it stays in use meanwhile")
            return UpdateResult(False, current.version, f"up to date (version {current.version})",
                                client.bytes_received - start, "unchanged")
        try:
            manifest = mf.verify(reply.body, trusted, installed_version=current.version if current else None, now=now)
        except mf.ManifestError as exc:
            raise VerificationFailed(f"refused the new snapshot: {exc}") from None
        if manifest.kb != kb:
            raise VerificationFailed(f"refused the new snapshot: it is for kb '{manifest.kb}', not '{kb}'")
        if current and manifest.sha256 == current.sha256:
            self.save_state(etag=reply.etag, etag_sha256=current.sha256)
            return UpdateResult(False, current.version, f"up to date (version {current.version})",
                                client.bytes_received - start, "unchanged")
        old = self.target.read_bytes() if self.target.exists() else b""
        data, method = self._fetch(client, manifest, old, current)
        self._install(manifest, reply.body, data)
        self.save_state(etag=reply.etag, etag_sha256=manifest.sha256)
        return UpdateResult(True, manifest.version, f"installed version {manifest.version} of {kb} ({method})",
                            client.bytes_received - start, method)

    def _fetch(self, client: SyncClient, manifest: mf.Manifest, old: bytes,
               current: InstalledSnapshot | None) -> tuple[bytes, str]:
        """The new file: from a signed patch, else a server-made patch, else chunks.
        A patch is only a way to get bytes: the result must have the signed sha256."""
        old_sha = current.sha256 if current else hashlib.sha256(old).hexdigest()
        if self.use_deltas and old:
            signed = [d.sha256 for d in manifest.deltas if d.from_sha256 == old_sha]
            for sha, method in [(s, "delta") for s in signed[:1]] + [(None, "server-patch")]:
                try:
                    sha = sha or client.server_patch(manifest.kb, old_sha, manifest.sha256)
                    if sha is None:
                        continue
                    patch = client.delta(sha)
                    if hashlib.sha256(patch).hexdigest() != sha:
                        continue
                    data = chunking.apply_delta(old, patch, manifest.size)
                except (zstandard.ZstdError, ServerUnreachable):
                    continue
                if hashlib.sha256(data).hexdigest() == manifest.sha256:
                    return data, method
        return self._assemble(client, manifest, old), "chunks"

    def _assemble(self, client: SyncClient, manifest: mf.Manifest, old: bytes) -> bytes:
        try:
            chunks = mf.parse_chunk_index(client.index(manifest.index_sha256), manifest)
        except mf.ManifestError as exc:
            raise VerificationFailed(str(exc)) from None
        local = dict(chunking.split(old)) if old else {}
        self.partial.mkdir(exist_ok=True)
        pieces = []
        for chunk in chunks:
            piece = local.get(chunk.sha256)
            if piece is None:
                piece = self._partial(chunk.sha256)
            if piece is None:
                try:
                    piece = chunking.decompress(client.chunk(chunk.sha256), max_size=chunk.size)
                except zstandard.ZstdError:
                    raise VerificationFailed(f"chunk {chunk.sha256[:12]}… is damaged or truncated") from None
                if hashlib.sha256(piece).hexdigest() != chunk.sha256 or len(piece) != chunk.size:
                    raise VerificationFailed(f"chunk {chunk.sha256[:12]}… does not match the signed manifest "
                                             "(tampered or corrupted)")
                self._keep_partial(chunk.sha256, piece)
            pieces.append(piece)
        data = b"".join(pieces)
        if len(data) != manifest.size or hashlib.sha256(data).hexdigest() != manifest.sha256:
            raise VerificationFailed("assembled snapshot does not match the signed sha256")
        return data

    def _partial(self, sha: str) -> bytes | None:
        try:
            piece = (self.partial / sha).read_bytes()
        except OSError:
            return None
        return piece if hashlib.sha256(piece).hexdigest() == sha else None

    def _keep_partial(self, sha: str, piece: bytes) -> None:
        try:
            _atomic_write(self.partial / sha, piece, sync=False)
        except OSError as exc:
            raise InstallFailed(f"cannot save the download in {self.partial}: {_why(exc)}") from None

    def _install(self, manifest: mf.Manifest, envelope: bytes, data: bytes) -> None:
        try:
            self.manifests.mkdir(exist_ok=True)
            _atomic_write(self.incoming, data, replace=False)
            self.check(self.incoming)
            _atomic_write(self.manifests / f"{manifest.sha256}.json", envelope)
            os.replace(self.incoming, self.target)
            _fsync_dir(self.root)
        except SyncError:
            self.incoming.unlink(missing_ok=True)
            raise
        except OSError as exc:
            self.incoming.unlink(missing_ok=True)
            raise InstallFailed(f"could not install the new snapshot: {_why(exc)}; the previous one stays in use") from None
        self._tidy(keep=manifest.sha256)

    def _tidy(self, keep: str) -> None:
        for path in list(self.partial.glob("*")) + [p for p in self.manifests.glob("*.json") if p.stem != keep]:
            path.unlink(missing_ok=True)


def quick_check(path: Path) -> None:
    """Refuse a file SQLite itself finds damaged."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as exc:
        raise VerificationFailed(f"the new snapshot is not a readable SQLite file: {exc}") from None
    if result != "ok":
        raise VerificationFailed(f"the new snapshot failed SQLite's check: {result}")


def app_check(path: Path) -> None:
    """`quick_check`, then the engine's own test that this app can read the snapshot
    (format, schema version, tables), so a snapshot built for a newer app is refused
    before it replaces one that works."""
    quick_check(path)
    from desktop.engine.snapshot import SnapshotError, connect

    try:
        db, _ = connect(path)
        db.close()
    except SnapshotError as exc:
        raise VerificationFailed(f"the new snapshot cannot be used by this app: {exc}") from None


def _why(exc: OSError) -> str:
    import errno
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    return exc.strerror or str(exc)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _atomic_write(path: Path, data: bytes, replace: bool = True, sync: bool = True) -> None:
    """Write `data` to `path` via a temporary file (or directly when replace=False)."""
    tmp = path.with_name(path.name + ".tmp") if replace else path
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
