"""`browser-key`: a copy of an admin key that the KB Studio's signing page can open.

    python -m kb_snapshots browser-key keys/admin.key --output keys/admin.browser-key --passphrase-stdin

Publishing from the KB Studio signs the manifest in the publisher's browser (WebCrypto
Ed25519): the key file is read there and never sent to the server. Browsers have no
Argon2id, so this copy is sealed with what they do have: PBKDF2-SHA256 (600,000
iterations) and AES-256-GCM, under the same passphrase as the original key:

    helpdesk-ed25519-browser-v1:<base64 of salt(16) | nonce(12) | sealed seed(32) + tag(16)>

The studio's sign.js opens exactly this format (and an unencrypted `keygen` key).
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import os
import sys
from pathlib import Path

from nacl.signing import SigningKey

from kb_snapshots.signing import SigningError, _passphrase, load_signing_key
from desktop.sync.manifest import key_id

PREFIX = "helpdesk-ed25519-browser-v1:"
ITERATIONS = 600_000


def _aes_key(passphrase: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", passphrase.encode("utf-8"), salt, ITERATIONS, dklen=32)


def seal(key: SigningKey, passphrase: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

    if not passphrase:
        raise SigningError("a browser key needs a passphrase (--passphrase-stdin)")
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_aes_key(passphrase, salt)).encrypt(nonce, bytes(key), None)
    return PREFIX + base64.b64encode(salt + nonce + sealed).decode()


def open_sealed(text: str, passphrase: str) -> SigningKey:
    """The key in a browser copy (what sign.js does, for tests and for checking a copy)."""
    from cryptography.exceptions import InvalidTag  # noqa: PLC0415
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

    blob = base64.b64decode(text.strip()[len(PREFIX):], validate=True)
    try:
        return SigningKey(AESGCM(_aes_key(passphrase, blob[:16])).decrypt(blob[16:28], blob[28:], None))
    except InvalidTag:
        raise SigningError("wrong passphrase") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("browser-key", help="a copy of an admin key the KB Studio's signing page can open")
    p.add_argument("key", type=Path, help="private key written by `keygen`")
    p.add_argument("--output", type=Path, required=True, help="the browser copy to write (mode 0600)")
    p.add_argument("--passphrase-stdin", action="store_true",
                   help="the key's passphrase, from standard input; it also protects the copy")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(func=_command)


def _command(args: argparse.Namespace) -> int:
    passphrase = _passphrase(args)
    try:
        key = load_signing_key(args.key, passphrase)
        if args.output.exists() and not args.force:
            raise SigningError(f"{args.output}: already exists (use --force to replace it)")
        text = seal(key, passphrase)
    except SigningError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")
    print(f"browser key: {args.output} (key id {key_id(key.verify_key)}); choose it on the Studio's release page")
    return 0
