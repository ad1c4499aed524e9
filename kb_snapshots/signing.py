"""`keygen` and `sign`: Ed25519 admin keys and signed snapshot manifests.

    python -m kb_snapshots keygen --output keys/admin          # keys/admin.key + keys/admin.pub
    python -m kb_snapshots sign build/kb.sqlite --key keys/admin.key --expires-days 30 \
        --previous published/kb-41.sqlite
        # writes build/kb.sqlite.manifest.json and build/kb.sqlite.deltas/*.zst

`--previous` (repeatable) adds a small signed patch from each earlier snapshot, so
installs that have it download a few kilobytes instead of every changed chunk.

The public key (`admin.pub`, one line of base64) goes into the policy file's
`sync.public_key` and into the sync server's trusted keys
(`python -m sync_server trust-key admin.pub`). The private key file is created with
mode 0600, encrypted with a passphrase when `--passphrase-stdin` is given (Argon2id
and XSalsa20-Poly1305), and never leaves the admin's machine. Errors are `SigningError` with a
message naming the file.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import math
import os
import re
import sqlite3
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils
from nacl.signing import SigningKey

from desktop.sync import chunking
from desktop.sync.manifest import Chunk, Delta, Manifest, chunk_index, format_time, key_id, public_key_text, sign


KB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def slug(name: str) -> str:
    """A KB's display name as a sync name: 'Contoso IT' -> 'contoso-it'."""
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._")[:64]


class SigningError(ValueError):
    """A key or snapshot that cannot be used; the message names the file."""


ENCRYPTED_PREFIX = "helpdesk-ed25519-encrypted-v1:"


def _seal(seed: bytes, passphrase: str) -> str:
    """The seed encrypted with a key derived from the passphrase (Argon2id, XSalsa20-Poly1305)."""
    salt = nacl.utils.random(nacl.pwhash.argon2id.SALTBYTES)
    box = nacl.secret.SecretBox(_derive(passphrase, salt))
    return ENCRYPTED_PREFIX + base64.b64encode(salt + box.encrypt(seed)).decode()


def _derive(passphrase: str, salt: bytes) -> bytes:
    return nacl.pwhash.argon2id.kdf(nacl.secret.SecretBox.KEY_SIZE, passphrase.encode(), salt,
                                    opslimit=nacl.pwhash.argon2id.OPSLIMIT_MODERATE,
                                    memlimit=nacl.pwhash.argon2id.MEMLIMIT_MODERATE)


def keygen(output: Path, force: bool = False, passphrase: str = "") -> tuple[Path, Path]:
    """Write `output.key` (private, 0600; encrypted when a passphrase is given) and
    `output.pub`; returns both paths."""
    private, public = output.with_suffix(".key"), output.with_suffix(".pub")
    for path in (private, public):
        if path.exists() and not force:
            raise SigningError(f"{path}: already exists (use --force to replace it)")
    output.parent.mkdir(parents=True, exist_ok=True)
    key = SigningKey.generate()
    text = _seal(bytes(key), passphrase) if passphrase else base64.b64encode(bytes(key)).decode()
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")
    public.write_text(public_key_text(key.verify_key) + "\n")
    return private, public


def load_signing_key(path: Path, passphrase: str = "") -> SigningKey:
    """The private key at `path`; an encrypted one needs its passphrase."""
    try:
        text = Path(path).read_text().strip()
    except FileNotFoundError:
        raise SigningError(f"{path}: key file not found") from None
    if text.startswith(ENCRYPTED_PREFIX):
        if not passphrase:
            raise SigningError(f"{path}: the key is encrypted; give its passphrase (--passphrase-stdin)")
        try:
            blob = base64.b64decode(text[len(ENCRYPTED_PREFIX):], validate=True)
            salt, sealed = blob[:nacl.pwhash.argon2id.SALTBYTES], blob[nacl.pwhash.argon2id.SALTBYTES:]
            return SigningKey(nacl.secret.SecretBox(_derive(passphrase, salt)).decrypt(sealed))
        except nacl.exceptions.CryptoError:
            raise SigningError(f"{path}: wrong passphrase") from None
        except Exception:
            raise SigningError(f"{path}: damaged encrypted key") from None
    try:
        return SigningKey(base64.b64decode(text, validate=True))
    except Exception:
        raise SigningError(f"{path}: not an Ed25519 private key written by `keygen`") from None


def snapshot_meta(path: Path) -> dict[str, str]:
    """The snapshot's `meta` table (key -> value); empty when it has none."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return {str(k): str(v) for k, v in db.execute("SELECT key, value FROM meta")}
    except sqlite3.Error:
        return {}


def _read_snapshot(path: Path) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SigningError(f"{path}: cannot read the snapshot: {exc.strerror}") from None
    if not data.startswith(b"SQLite format 3\x00"):
        raise SigningError(f"{path}: not an SQLite snapshot (build one with `kb_snapshots build`)")
    return data


def build_deltas(data: bytes, previous: list[Path]) -> dict[str, tuple[str, bytes]]:
    """sha256 of each patch -> (sha256 of the snapshot it applies to, patch bytes).
    A patch bigger than a quarter of the snapshot is not worth offering and is left out."""
    deltas = {}
    for path in previous:
        old = _read_snapshot(path)
        patch = chunking.make_delta(old, data)
        if len(patch) <= len(data) // 4:
            deltas[hashlib.sha256(patch).hexdigest()] = (hashlib.sha256(old).hexdigest(), patch)
    return deltas


def build_manifest(snapshot: Path, *, kb: str | None = None, version: int | None = None,
                   expires_days: float = 30, now: datetime | None = None,
                   previous: list[Path] = ()) -> tuple[Manifest, bytes, dict[str, bytes]]:
    """The manifest describing `snapshot`, the snapshot's bytes and its patches by sha256.
    The chunk index it names is `chunk_index(...)` of the snapshot's chunks (publish
    recomputes it from the snapshot)."""
    check_expiry_days(expires_days)
    data = _read_snapshot(snapshot)
    deltas = build_deltas(data, list(previous))
    index = chunk_index(Chunk(sha, len(piece)) for sha, piece in chunking.split(data))
    meta = snapshot_meta(snapshot)
    now = now or datetime.now(timezone.utc)
    if version is None:
        stored = meta.get("kb_version", "")
        version = int(stored) if stored.isdigit() else int(time.time())
    if version < 0:
        raise SigningError("--version: must be a positive whole number")
    kb = kb or slug(meta.get("name") or meta.get("kb_name") or Path(snapshot).stem)
    if not KB_NAME.match(kb):
        raise SigningError(f"--kb: {kb!r} is not a usable name (letters, digits, '.', '_', '-'; "
                           "at most 64; it goes in the policy file's sync.kb)")
    manifest = Manifest(
        kb=kb,
        version=version, created=format_time(now),
        expires=format_time(now + timedelta(days=expires_days)),
        sha256=hashlib.sha256(data).hexdigest(), size=len(data),
        index_sha256=hashlib.sha256(index).hexdigest(), index_size=len(index),
        deltas=tuple(Delta(base, sha, len(patch)) for sha, (base, patch) in sorted(deltas.items())),
    )
    return manifest, data, {sha: patch for sha, (_, patch) in deltas.items()}


MAX_EXPIRY_DAYS = 3650


def check_expiry_days(days: float) -> None:
    """Refuse a lifetime that would sign a manifest already expired (0 or less), one
    that is not a number, or one past ten years; SigningError says which."""
    if not isinstance(days, (int, float)) or math.isnan(days):
        raise SigningError(f"--expires-days: {days!r} is not a number of days")
    if days <= 0:
        raise SigningError(f"--expires-days: must be more than 0 (got {days:g}): "
                           "installs refuse a manifest that has already expired")
    if days > MAX_EXPIRY_DAYS:
        raise SigningError(f"--expires-days: at most {MAX_EXPIRY_DAYS} (ten years), got {days:g}")


def _expiry_days(text: str) -> float:
    """argparse type for --expires-days: a positive number of days."""
    try:
        days = float(text)
        check_expiry_days(days)
    except (ValueError, SigningError) as exc:
        message = str(exc).removeprefix("--expires-days: ") if isinstance(exc, SigningError) \
            else f"{text!r} is not a number of days"
        raise argparse.ArgumentTypeError(message) from None
    return days


def deltas_dir(snapshot: Path) -> Path:
    """Where `sign` writes the patches and `publish` looks for them."""
    return Path(f"{snapshot}.deltas")


def sign_snapshot(snapshot: Path, key_path: Path, output: Path | None = None, passphrase: str = "",
                  **options) -> Path:
    """Sign `snapshot` with the key at `key_path`; returns the manifest's path."""
    key = load_signing_key(key_path, passphrase)
    manifest, _, patches = build_manifest(snapshot, **options)
    output = output or Path(f"{snapshot}.manifest.json")
    if patches:
        deltas_dir(snapshot).mkdir(exist_ok=True)
        for sha, patch in patches.items():
            (deltas_dir(snapshot) / f"{sha}.zst").write_bytes(patch)
    output.write_bytes(sign(manifest, key))
    return output


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `keygen` and `sign` verbs to the kb_snapshots command line."""
    p = subparsers.add_parser("keygen", help="create an Ed25519 admin key pair for signing snapshots")
    p.add_argument("--output", type=Path, required=True, help="path without extension: writes .key and .pub")
    p.add_argument("--force", action="store_true", help="replace existing key files")
    p.add_argument("--passphrase-stdin", action="store_true", help="encrypt the private key with a passphrase "
                                                                   "read from standard input")
    p.set_defaults(func=_keygen_command)
    p = subparsers.add_parser("sign", help="write a signed manifest for a built snapshot")
    p.add_argument("snapshot", type=Path, help="snapshot built by `build`")
    p.add_argument("--key", type=Path, required=True, help="private key written by `keygen`")
    p.add_argument("--kb", help="knowledge-base name (default: the snapshot's name, e.g. 'contoso-it')")
    p.add_argument("--version", type=int, help="version number; must grow (default: the snapshot's kb_version "
                                               "when it is a number, else the current Unix time)")
    p.add_argument("--expires-days", type=_expiry_days, default=30,
                   help=f"days until clients refuse it, more than 0 and at most {MAX_EXPIRY_DAYS} (default 30)")
    p.add_argument("--output", type=Path, help="manifest path (default: SNAPSHOT.manifest.json)")
    p.add_argument("--previous", type=Path, action="append", default=[],
                   help="an earlier published snapshot: add a small patch from it (repeatable)")
    p.add_argument("--passphrase-stdin", action="store_true", help="read the key's passphrase from standard input")
    p.set_defaults(func=_sign_command)


def _passphrase(args: argparse.Namespace) -> str:
    """The passphrase from standard input; typed without echo when that is a terminal."""
    if not args.passphrase_stdin:
        return ""
    if sys.stdin.isatty():
        import getpass
        return getpass.getpass("Key passphrase: ")
    return sys.stdin.readline().rstrip("\n")


def _keygen_command(args: argparse.Namespace) -> int:
    passphrase = _passphrase(args)
    try:
        private, public = keygen(args.output, force=args.force, passphrase=passphrase)
    except SigningError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    key = load_signing_key(private, passphrase)
    print(f"private key: {private} (keep it secret)\npublic key:  {public} (id {key_id(key.verify_key)})")
    print(f"policy file: [sync] public_key = \"{public.read_text().strip()}\"")
    return 0


def _sign_command(args: argparse.Namespace) -> int:
    try:
        path = sign_snapshot(args.snapshot, args.key, args.output, passphrase=_passphrase(args), kb=args.kb,
                             version=args.version, expires_days=args.expires_days, previous=args.previous)
    except SigningError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"signed manifest: {path}")
    return 0
