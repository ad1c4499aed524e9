"""Signed snapshot manifests: what a snapshot is, who vouches for it, until when.

A manifest is JSON, signed with Ed25519 the way The Update Framework signs metadata:

    {"signed": {"type": "helpdesk-snapshot", "format": 1, "kb": "acme-it",
                "version": 1764000000, "created": "2026-11-25T08:00:00Z",
                "expires": "2026-12-25T08:00:00Z", "sha256": "…", "size": 5242880,
                "index_sha256": "…", "index_size": 61234,
                "deltas": [{"from_sha256": "…", "sha256": "…", "size": 1374}, …]},
     "signatures": [{"keyid": "…", "sig": "<base64>"}]}

The signature covers the canonical JSON of `signed` (sorted keys, no spaces). `version`
only grows (rollback protection) and `expires` must be in the future (freeze
protection). The chunk index (a separate file named by its sha256, signed through
`index_sha256`) lists the content-defined pieces the file is rebuilt from; any
installed snapshot shares most of them. `deltas` are optional zstd patches from a
given earlier snapshot (`patch-from`: the old file is the dictionary), far smaller
still. Keeping the index out of the manifest keeps every poll and every patched
update small however big the knowledge base grows.
Errors (all `ManifestError`, a `ValueError`):

    ManifestError
    ├── BadManifest      not JSON, missing or mistyped field
    ├── UntrustedKey     signed by no key we trust, or the signature does not verify
    ├── RollbackRefused  version lower than the installed one
    └── FreezeRefused    expired
"""
from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any, Iterable

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

MANIFEST_TYPE = "helpdesk-snapshot"
FORMAT = 1
MAX_MANIFEST_BYTES = 4 * 1024 * 1024


class ManifestError(ValueError):
    """A manifest that must not be used; the message says why."""


class BadManifest(ManifestError):
    pass


class UntrustedKey(ManifestError):
    pass


class RollbackRefused(ManifestError):
    pass


class FreezeRefused(ManifestError):
    pass


@dataclass(frozen=True)
class Chunk:
    sha256: str
    size: int


@dataclass(frozen=True)
class Delta:
    from_sha256: str
    sha256: str          # of the compressed patch file as served
    size: int


@dataclass(frozen=True)
class Manifest:
    kb: str
    version: int
    created: str
    expires: str
    sha256: str
    size: int
    index_sha256: str
    index_size: int
    deltas: tuple[Delta, ...] = ()

    def body(self) -> dict[str, Any]:
        body = asdict(self)
        body["deltas"] = [asdict(d) for d in self.deltas]
        return {"type": MANIFEST_TYPE, "format": FORMAT, **body}

    def expires_at(self) -> datetime:
        return parse_time(self.expires)


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def key_id(verify_key: VerifyKey) -> str:
    """A short, stable name for a public key: the first 16 hex digits of its sha256."""
    return hashlib.sha256(bytes(verify_key)).hexdigest()[:16]


def public_key_text(verify_key: VerifyKey) -> str:
    return base64.b64encode(bytes(verify_key)).decode()


def load_public_key(text: str) -> VerifyKey:
    """A public key from its base64 text (as in the policy file's sync.public_key)."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return VerifyKey(raw)
    except Exception:
        raise UntrustedKey(f"not an Ed25519 public key (expected 32 bytes of base64): {text[:20]!r}") from None


def parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise BadManifest(f"not an ISO 8601 time: {text!r}") from None
    if value.tzinfo is None:
        raise BadManifest(f"time without a time zone: {text!r}")
    return value


def format_time(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(manifest: Manifest, signing_key: SigningKey) -> bytes:
    """The signed envelope, as the bytes to write or upload."""
    body = manifest.body()
    sig = signing_key.sign(canonical(body)).signature
    envelope = {"signed": body,
                "signatures": [{"keyid": key_id(signing_key.verify_key), "sig": base64.b64encode(sig).decode()}]}
    return json.dumps(envelope, sort_keys=True, indent=1).encode()


def parse(raw: bytes) -> tuple[Manifest, dict[str, Any]]:
    """The manifest and its envelope, checked for shape only (no signature check)."""
    if len(raw) > MAX_MANIFEST_BYTES:
        raise BadManifest(f"manifest larger than {MAX_MANIFEST_BYTES} bytes")
    try:
        envelope = json.loads(raw)
        body = envelope["signed"]
        if body.get("type") != MANIFEST_TYPE or body.get("format") != FORMAT:
            raise BadManifest(f"not a format-{FORMAT} {MANIFEST_TYPE} manifest")
        deltas = tuple(Delta(str(d["from_sha256"]), str(d["sha256"]), int(d["size"]))
                       for d in body.get("deltas", []))
        manifest = Manifest(kb=str(body["kb"]), version=int(body["version"]), created=str(body["created"]),
                            expires=str(body["expires"]), sha256=str(body["sha256"]), size=int(body["size"]),
                            index_sha256=str(body["index_sha256"]), index_size=int(body["index_size"]),
                            deltas=deltas)
    except ManifestError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BadManifest(f"malformed manifest: {exc.__class__.__name__} {exc}") from None
    if not isinstance(envelope.get("signatures"), list):
        raise BadManifest("malformed manifest: no signatures list")
    if manifest.version < 0 or manifest.size < 0 or not 0 < manifest.index_size <= MAX_MANIFEST_BYTES * 8:
        raise BadManifest("malformed manifest: negative version or size, or an implausible index size")
    hashes = [manifest.sha256, manifest.index_sha256] + [h for d in deltas for h in (d.sha256, d.from_sha256)]
    for value in hashes:
        if len(value) != 64 or any(ch not in "0123456789abcdef" for ch in value):
            raise BadManifest(f"malformed manifest: not a sha256: {value[:70]!r}")
    parse_time(manifest.expires)
    return manifest, envelope


def chunk_index(chunks: Iterable[Chunk]) -> bytes:
    """The chunk index file: compact JSON, named by its sha256 in the manifest."""
    return canonical({"chunks": [[c.sha256, c.size] for c in chunks]})


def parse_chunk_index(raw: bytes, manifest: Manifest) -> tuple[Chunk, ...]:
    """The chunks of `manifest`'s snapshot, if `raw` is the index it signed."""
    if len(raw) != manifest.index_size or hashlib.sha256(raw).hexdigest() != manifest.index_sha256:
        raise BadManifest("chunk index does not match the signed manifest (tampered or truncated)")
    try:
        chunks = tuple(Chunk(str(sha), int(size)) for sha, size in json.loads(raw)["chunks"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BadManifest(f"malformed chunk index: {exc}") from None
    if sum(c.size for c in chunks) != manifest.size:
        raise BadManifest("malformed chunk index: chunk sizes do not add up to the snapshot size")
    return chunks


def verify(raw: bytes, trusted: Iterable[VerifyKey], *, installed_version: int | None = None,
           now: datetime | None = None) -> Manifest:
    """The manifest if a trusted key signed it, it is not older than what is installed,
    and it has not expired; otherwise a `ManifestError` saying which check failed."""
    manifest, envelope = parse(raw)
    keys = {key_id(k): k for k in trusted}
    if not keys:
        raise UntrustedKey("no trusted public key configured (policy sync.public_key)")
    message = canonical(envelope["signed"])
    for entry in envelope["signatures"]:
        key = keys.get(entry.get("keyid")) if isinstance(entry, dict) else None
        if key is None:
            continue
        try:
            key.verify(message, base64.b64decode(entry.get("sig", "")))
            break
        except (BadSignatureError, ValueError):
            raise UntrustedKey(f"signature by key {entry.get('keyid')} does not verify: "
                               "the manifest was altered") from None
    else:
        ids = ", ".join(str(e.get("keyid")) for e in envelope["signatures"] if isinstance(e, dict))
        raise UntrustedKey(f"manifest is not signed by a trusted key (signed by: {ids or 'nobody'}; "
                           f"trusted: {', '.join(keys)})")
    if installed_version is not None and manifest.version < installed_version:
        raise RollbackRefused(f"manifest version {manifest.version} is lower than the installed "
                              f"version {installed_version}: rollback refused")
    now = now or datetime.now(timezone.utc)
    if manifest.expires_at() <= now:
        raise FreezeRefused(f"manifest expired at {manifest.expires}: refusing a frozen snapshot")
    return manifest
