"""Patches the server makes itself: from each of the last few published versions to the
newest, so installs that skipped versions still download kilobytes, not chunks.

    GET /v1/kbs/{kb}/patches/{from_sha256}?to={sha256}   device  {"sha256", "size"} or 404

After a publish, `PatchMaker.schedule(kb)` rebuilds the newest and the `history`
previous snapshots from stored chunks and writes a zstd patch (`patch-from`) for each
pair not already covered by a signed patch in the manifest, in a background thread.
Patches are not signed and need not be: the client applies one only to the file whose
sha256 it names, bounds the output by the signed size and installs the result only if
its sha256 is the one the signed manifest gives. Any problem leaves clients on chunks.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from desktop.sync import chunking
from desktop.sync import manifest as mf
from sync_server.auth import require
from sync_server.db import Database, IntegrityError
from sync_server.errors import ApiError
from sync_server.published import rebuild
from sync_server.routes_snapshots import KbName, Sha256
from sync_server.storage import ChunkStore

log = logging.getLogger("sync_server.patches")
router = APIRouter()


class PatchInfo(BaseModel):
    sha256: str
    size: int


@router.get("/v1/kbs/{kb}/patches/{from_sha}", tags=["snapshots"])
def get_patch(kb: KbName, from_sha: Sha256, request: Request,
              to: Annotated[str, Query(pattern=r"^[0-9a-f]{64}$")]) -> PatchInfo:
    """Where to download a patch from the snapshot `from_sha` to the snapshot `to`."""
    require(request, "device")
    with request.app.state.db.transaction(write=False) as tx:
        row = tx.one("SELECT delta_sha256, size FROM patches WHERE kb = ? AND from_sha256 = ? AND to_sha256 = ?",
                     (kb, from_sha, to))
    if row is None:
        raise ApiError(404, "not_found", "no patch between these snapshots; download the chunks")
    return PatchInfo(sha256=row[0], size=row[1])


class PatchMaker:
    def __init__(self, db: Database, store: ChunkStore, history: int = 5, background: bool = True) -> None:
        self.db, self.store, self.history, self.background = db, store, history, background
        self._lock = threading.Lock()

    def schedule(self, kb: str) -> None:
        if self.history <= 0:
            return
        if self.background:
            threading.Thread(target=self.make, args=(kb,), name=f"patches-{kb}", daemon=True).start()
        else:
            self.make(kb)

    def _snapshot(self, envelope: bytes) -> tuple[mf.Manifest, bytes]:
        return rebuild(self.store, envelope)

    def make(self, kb: str) -> int:
        """Write the missing patches to the newest version of `kb`; returns how many."""
        made = 0
        with self._lock:                       # one publish at a time: bounded memory and CPU
            try:
                with self.db.transaction(write=False) as tx:
                    rows = tx.all("SELECT envelope FROM manifests WHERE kb = ? ORDER BY version DESC LIMIT ?",
                                  (kb, self.history + 1))
                if len(rows) < 2:
                    return 0
                newest, new_data = self._snapshot(bytes(rows[0][0]))
                signed = {d.from_sha256 for d in newest.deltas}
                for (envelope,) in rows[1:]:
                    old, old_data = self._snapshot(bytes(envelope))
                    if old.sha256 in signed or old.sha256 == newest.sha256:
                        continue
                    patch = chunking.make_delta(old_data, new_data)
                    if len(patch) > len(new_data) // 4:
                        continue
                    sha = hashlib.sha256(patch).hexdigest()
                    self.store.put_blob("deltas", sha, patch)
                    try:
                        with self.db.transaction() as tx:
                            tx.execute("INSERT INTO patches (kb, from_sha256, to_sha256, delta_sha256, size, created_at) "
                                       "VALUES (?, ?, ?, ?, ?, ?)", (kb, old.sha256, newest.sha256, sha, len(patch),
                                                                     datetime.now(timezone.utc).isoformat()))
                        made += 1
                    except IntegrityError:
                        pass                   # another replica made it
            except Exception:  # noqa: BLE001 - a missing patch only costs bytes; never fail a publish
                log.exception("could not make patches for %s", kb)
        return made
