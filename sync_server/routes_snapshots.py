"""Snapshot endpoints: devices poll manifests and fetch chunks; admins publish.

    GET  /v1/kbs/{kb}/manifest        device   signed manifest; ETag, 304 when unchanged
    GET  /v1/chunks/{sha256}          device   one zstd-compressed chunk (immutable)
    POST /v1/admin/chunks/missing     publish  which of these chunks the server lacks
    PUT  /v1/admin/chunks/{sha256}    publish  upload one chunk (verified against its name)
    GET  /v1/indexes/{sha256}         device   a snapshot's chunk index (immutable)
    GET  /v1/deltas/{sha256}          device   one patch from an earlier snapshot (immutable)
    PUT  /v1/admin/indexes/{sha256}   publish  upload a chunk index
    PUT  /v1/admin/deltas/{sha256}    publish  upload one patch
    PUT  /v1/admin/kbs/{kb}/manifest  publish  publish a manifest signed by a trusted key

The newest manifest per KB is kept in memory for `MANIFEST_TTL` seconds, so the 304
path answers without the database.
"""
from __future__ import annotations

import logging
import re
import time
from datetime import datetime, timezone

from typing import Annotated

from fastapi import APIRouter, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from desktop.sync import manifest as mf
from sync_server.auth import require
from sync_server.db import IntegrityError
from sync_server.errors import ApiError
from sync_server.published import record_published
from sync_server.storage import ChunkRejected

log = logging.getLogger("sync_server")
MANIFEST_TTL = 2.0
MAX_VERSION = 2 ** 63                 # versions and sizes are 64-bit columns
KB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
KbName = Annotated[str, PathParam(pattern=KB_NAME.pattern, description="knowledge-base name")]
Sha256 = Annotated[str, PathParam(pattern=r"^[0-9a-f]{64}$", description="sha256, lower-case hex")]
router = APIRouter()


class MissingQuery(BaseModel):
    chunks: list[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] = Field(
        max_length=100_000, description="sha256 of each chunk, hex")


class MissingReply(BaseModel):
    missing: list[str]


class Published(BaseModel):
    kb: str
    version: int
    sha256: str
    size: int


def _kb(name: str) -> str:
    if not KB_NAME.match(name):
        raise ApiError(422, "invalid", f"kb: not a knowledge-base name: {name[:70]!r}")
    return name


def trusted_keys(request: Request) -> list:
    return trusted_keys_of(request.app.state.db)


def trusted_keys_of(db) -> list:
    with db.transaction(write=False) as tx:
        return [mf.load_public_key(row[0]) for row in tx.all("SELECT public_key FROM trusted_keys")]


def current_manifest(request: Request, kb: str) -> tuple[str, bytes] | None:
    """(etag, envelope bytes) of the newest manifest, from memory when fresh."""
    cache: dict = request.app.state.manifests
    now = time.monotonic()
    hit = cache.get(kb)
    if hit and hit[2] > now:
        return hit[0], hit[1]
    with request.app.state.db.transaction(write=False) as tx:
        row = tx.one("SELECT version, sha256, envelope FROM manifests WHERE kb = ? "
                     "ORDER BY version DESC LIMIT 1", (kb,))
    if row is None:
        cache.pop(kb, None)
        return None
    etag = f'"{row[0]}-{row[1][:16]}"'
    cache[kb] = (etag, bytes(row[2]), now + MANIFEST_TTL)
    return etag, bytes(row[2])


@router.get("/v1/kbs/{kb}/manifest", tags=["snapshots"],
            responses={200: {"content": {"application/json": {}}, "description": "the signed manifest"},
                       304: {"description": "unchanged since the ETag given in If-None-Match"},
                       404: {"description": "nothing published for this kb"}})
def get_manifest(kb: KbName, request: Request) -> Response:
    require(request, "device")
    found = current_manifest(request, _kb(kb))
    if found is None:
        raise ApiError(404, "not_found", f"no snapshot published for kb '{kb}'")
    etag, body = found
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def _file(request: Request, sha: str, kind: str) -> FileResponse:
    require(request, "device")
    try:
        path = request.app.state.chunks.path(sha, kind)
    except ChunkRejected as exc:
        raise ApiError(422, "invalid", f"sha: {exc}") from None
    if not path.exists():
        raise ApiError(404, "not_found", f"no {kind[:-1]} {sha}")
    return FileResponse(path, media_type="application/zstd",
                        headers={"Cache-Control": "public, max-age=31536000, immutable"})


_ZSTD = {200: {"content": {"application/zstd": {}}, "description": "zstd frame"}}


@router.get("/v1/chunks/{sha}", tags=["snapshots"], response_class=FileResponse, responses=_ZSTD)
def get_chunk(sha: Sha256, request: Request) -> FileResponse:
    return _file(request, sha, "chunks")


@router.get("/v1/deltas/{sha}", tags=["snapshots"], response_class=FileResponse, responses=_ZSTD)
def get_delta(sha: Sha256, request: Request) -> FileResponse:
    return _file(request, sha, "deltas")


@router.get("/v1/indexes/{sha}", tags=["snapshots"], response_class=FileResponse,
            responses={200: {"content": {"application/json": {}}, "description": "chunk index"}})
def get_index(sha: Sha256, request: Request) -> FileResponse:
    reply = _file(request, sha, "indexes")
    reply.media_type = "application/json"
    reply.headers["content-type"] = "application/json"
    return reply


@router.post("/v1/admin/chunks/missing", tags=["publishing"])
def missing_chunks(query: MissingQuery, request: Request) -> MissingReply:
    require(request, "publish")
    try:
        return MissingReply(missing=request.app.state.chunks.missing(query.chunks))
    except ChunkRejected as exc:
        raise ApiError(422, "invalid", f"chunks: {exc}") from None


@router.put("/v1/admin/chunks/{sha}", tags=["publishing"], status_code=201)
async def put_chunk(sha: Sha256, request: Request) -> dict:
    body = await request.body()
    return await run_in_threadpool(_put_chunk, sha, request, body)


def _put_chunk(sha: str, request: Request, body: bytes) -> dict:
    require(request, "publish")
    try:
        created = request.app.state.chunks.put(sha, body)
    except ChunkRejected as exc:
        raise ApiError(422, "invalid", str(exc)) from None
    return {"sha256": sha, "stored": created}


async def _put_blob(kind: str, sha: str, request: Request) -> dict:
    body = await request.body()
    return await run_in_threadpool(_store_blob, kind, sha, request, body)


def _store_blob(kind: str, sha: str, request: Request, body: bytes) -> dict:
    require(request, "publish")
    try:
        created = request.app.state.chunks.put_blob(kind, sha, body)
    except ChunkRejected as exc:
        raise ApiError(422, "invalid", str(exc)) from None
    return {"sha256": sha, "stored": created}


@router.put("/v1/admin/deltas/{sha}", tags=["publishing"], status_code=201)
async def put_delta(sha: Sha256, request: Request) -> dict:
    return await _put_blob("deltas", sha, request)


@router.put("/v1/admin/indexes/{sha}", tags=["publishing"], status_code=201)
async def put_index(sha: Sha256, request: Request) -> dict:
    return await _put_blob("indexes", sha, request)


@router.put("/v1/admin/kbs/{kb}/manifest", tags=["publishing"], status_code=201)
async def put_manifest(kb: KbName, request: Request) -> Published:
    raw = await request.body()
    return await run_in_threadpool(_publish, kb, request, raw)    # signature, files, database: off the loop


def _publish(kb: str, request: Request, raw: bytes) -> Published:
    require(request, "publish")
    return publish_envelope(request.app.state, _kb(kb), raw)


def publish_envelope(state, kb: str, raw: bytes) -> Published:
    """Publish a signed manifest whose chunks, index and patches are stored (ApiError if not)."""
    try:
        manifest = mf.verify(raw, trusted_keys_of(state.db))
    except mf.UntrustedKey as exc:
        raise ApiError(403, "untrusted_signature", str(exc)) from None
    except mf.ManifestError as exc:
        raise ApiError(422, "invalid_manifest", str(exc)) from None
    except (OverflowError, RecursionError):           # "version": 1e400, or JSON nested beyond reason
        raise ApiError(422, "invalid_manifest", "malformed manifest: a number or nesting beyond any "
                       "real manifest") from None
    if not manifest.version < MAX_VERSION or not manifest.size < MAX_VERSION:
        raise ApiError(422, "invalid_manifest", f"malformed manifest: version and size must be below 2^63 "
                       f"(got version {str(manifest.version)[:30]})")
    if manifest.kb != kb:
        raise ApiError(422, "invalid_manifest", f"manifest is for kb '{manifest.kb}', not '{kb}'")
    store = state.chunks
    try:
        chunks = mf.parse_chunk_index(store.path(manifest.index_sha256, "indexes").read_bytes(), manifest)
    except FileNotFoundError:
        raise ApiError(409, "chunks_missing", f"chunk index {manifest.index_sha256} not uploaded yet") from None
    except mf.ManifestError as exc:
        raise ApiError(422, "invalid_manifest", str(exc)) from None
    missing = store.missing([c.sha256 for c in chunks])
    missing += [d.sha256 for d in manifest.deltas if not store.path(d.sha256, "deltas").exists()]
    if missing:
        raise ApiError(409, "chunks_missing", f"{len(missing)} chunk(s) not uploaded yet, e.g. {missing[0]}")
    db = state.db
    try:
        _store(db, kb, manifest, raw)
    except IntegrityError:
        raise ApiError(409, "version_not_newer", f"version {manifest.version} was just published") from None
    state.manifests.pop(kb, None)
    try:
        record_published(db, store)              # its ids may now be counted in statistics
    except Exception:  # noqa: BLE001 - the snapshot is published; start-up tries again
        log.exception("could not record the ids of %s version %s", kb, manifest.version)
    state.patches.schedule(kb)
    return Published(kb=kb, version=manifest.version, sha256=manifest.sha256, size=manifest.size)


def _store(db, kb: str, manifest: mf.Manifest, raw: bytes) -> None:
    with db.transaction() as tx:
        latest = tx.one("SELECT MAX(version) FROM manifests WHERE kb = ?", (kb,))
        if latest and latest[0] is not None and manifest.version <= latest[0]:
            raise ApiError(409, "version_not_newer", f"version {manifest.version} is not newer than the "
                           f"published version {latest[0]}; versions only grow")
        tx.execute("INSERT INTO manifests (kb, version, sha256, size, envelope, published_at) VALUES (?, ?, ?, ?, ?, ?)",
                   (kb, manifest.version, manifest.sha256, manifest.size, raw,
                    datetime.now(timezone.utc).isoformat()))
