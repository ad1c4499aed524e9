"""Content-addressed chunk storage on disk, servable as-is by any static web server.

    store = ChunkStore(Path("/srv/helpdesk"))
    store.put(sha, compressed)      # verifies sha256(decompressed) == sha first
    store.path(sha)                 # /srv/helpdesk/chunks/ab/abcdef….zst
    store.put_blob("deltas", sha, patch)   # patches and chunk indexes: named by their own sha256

A chunk is written once under its hash, via a temporary file and an atomic rename, so
readers never see half a chunk and a CDN may cache it forever.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

import zstandard

from desktop.sync import chunking

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ChunkRejected(ValueError):
    """An uploaded chunk whose bytes are not what its name says."""


class ChunkStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        (self.root / "chunks").mkdir(parents=True, exist_ok=True)

    def path(self, sha: str, kind: str = "chunks") -> Path:
        if not SHA256.match(sha):
            raise ChunkRejected(f"not a sha256: {sha[:70]!r}")
        return self.root / kind / sha[:2] / f"{sha}.zst"

    def put_blob(self, kind: str, sha: str, data: bytes) -> bool:
        """Store a patch ("deltas") or a chunk index ("indexes") named by the sha256 of
        its own bytes; False if it was already there. Raises ChunkRejected."""
        if hashlib.sha256(data).hexdigest() != sha:
            raise ChunkRejected(f"{kind[:-1]} {sha[:12]}…: its bytes do not match its sha256")
        return self._write(self.path(sha, kind), data)

    def has(self, sha: str) -> bool:
        return self.path(sha).exists()

    def missing(self, shas: list[str]) -> list[str]:
        return sorted({sha for sha in shas if not self.has(sha)})

    def put(self, sha: str, compressed: bytes) -> bool:
        """Store a chunk; False if it was already there. Raises ChunkRejected."""
        target = self.path(sha)
        try:
            plain = chunking.decompress(compressed)
        except zstandard.ZstdError as exc:
            raise ChunkRejected(f"chunk {sha[:12]}…: not a zstandard frame of at most "
                                f"{chunking.MAX_SIZE} bytes ({exc})") from None
        if hashlib.sha256(plain).hexdigest() != sha:
            raise ChunkRejected(f"chunk {sha[:12]}…: its bytes do not match its sha256")
        return self._write(target, compressed)

    @staticmethod
    def _write(target: Path, compressed: bytes) -> bool:
        if target.exists():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(compressed)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True
