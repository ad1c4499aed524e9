"""Tokens: admin tokens (scopes publish, stats, manage), the fleet's enrolment tokens and
the install credentials they are exchanged for.

    token = create_token(db, "admin", ["publish", "stats"], label="kb team")  # shown once
    require(request, "publish")      # in an endpoint: the token's row, or 401/403

Only a token's sha256 is stored. A device enrolment token (scope `device`) is shared by
a fleet of installs (one per deployment, say), so it authenticates the fleet, never one
machine: it reads what every install may read and enrols (sync_server/enrolment.py).
An install credential (scopes `device` and `install`) is one install's, anonymous and
short-lived; whatever counts or books per install needs it. Lookups are cached for
`CACHE_SECONDS` so the manifest poll path does not touch the database; a revoked token
stops working within that time. The dashboard signs in with an admin token holding `stats` and gets a session cookie.
Every state-changing request riding on that cookie (and the sign-in form itself) must
come from this server's own pages: `check_same_origin` compares Origin (or Referer).
"""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from fastapi import Request

from sync_server.db import Database
from sync_server.errors import ApiError

ADMIN_SCOPES = ("publish", "stats", "manage")
DEVICE_SCOPE = "device"
INSTALL_SCOPE = "install"
ENROL_FIRST = ("enrol this install first (POST /v1/enrolments): the fleet's token cannot count, "
               "book or vote for an install")
CACHE_SECONDS = 30.0
SESSION_COOKIE = "hd_session"
SESSION_HOURS = 8


@dataclass(frozen=True)
class Principal:
    token_id: int
    kind: str
    scopes: frozenset[str]
    label: str

    @property
    def install_ref(self) -> str:
        """What statistics, "affected" counts and bookings are kept under for this install
        (a principal that `require(request, "install")` returned)."""
        return f"install-{self.token_id}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: Database, kind: str, scopes: list[str], label: str = "", expires_at: str | None = None,
                 enrolled_by: int | None = None) -> str:
    """A new token of `kind` ("admin", "device" or "install"); only its hash is stored."""
    if kind == "admin":
        unknown = set(scopes) - set(ADMIN_SCOPES)
        if unknown or not scopes:
            raise ValueError(f"admin scopes must be among {', '.join(ADMIN_SCOPES)}; got {', '.join(scopes) or 'none'}")
    elif kind == "device":
        scopes = [DEVICE_SCOPE]
    elif kind == "install":
        scopes = [DEVICE_SCOPE, INSTALL_SCOPE]
    else:
        raise ValueError(f"token kind must be admin, device or install, got {kind!r}")
    token = {"admin": "hda_", "device": "hdd_", "install": "hdi_"}[kind] + secrets.token_urlsafe(32)
    with db.transaction() as tx:
        tx.execute("INSERT INTO tokens (token_hash, kind, scopes, label, created_at, expires_at, enrolled_by) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", (_hash(token), kind, ",".join(sorted(scopes)), label,
                                                    datetime.now(timezone.utc).isoformat(), expires_at, enrolled_by))
    return token


def revoke_token(db: Database, label: str) -> int:
    with db.transaction() as tx:
        return tx.execute("UPDATE tokens SET revoked = 1 WHERE label = ?", (label,))


class TokenCache:
    """token hash -> (Principal or None, expiry) for a short time."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[Principal | None, float]] = {}

    def lookup(self, token: str) -> Principal | None:
        digest = _hash(token)
        now = time.monotonic()
        entry = self._entries.get(digest)
        if entry and entry[1] > now:
            return entry[0]
        wall = datetime.now(timezone.utc)
        with self.db.transaction(write=False) as tx:
            row = tx.one("SELECT id, kind, scopes, label, expires_at FROM tokens WHERE token_hash = ? AND revoked = 0 "
                         "AND (expires_at IS NULL OR expires_at > ?)", (digest, wall.isoformat()))
        principal = Principal(row[0], row[1], frozenset(row[2].split(",")), row[3]) if row else None
        keep = CACHE_SECONDS
        if row and row[4]:                          # an install credential: not past its expiry
            keep = min(keep, (datetime.fromisoformat(row[4]) - wall).total_seconds())
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[digest] = (principal, now + keep)
        return principal

    def session(self, session_id: str) -> Principal | None:
        with self.db.transaction(write=False) as tx:
            row = tx.one("SELECT t.id, t.kind, t.scopes, t.label, s.expires_at FROM sessions s "
                         "JOIN tokens t ON t.id = s.token_id WHERE s.id_hash = ? AND t.revoked = 0",
                         (_hash(session_id),))
        if not row or row[4] < datetime.now(timezone.utc).isoformat():
            return None
        return Principal(row[0], row[1], frozenset(row[2].split(",")), row[3])

    def open_session(self, principal: Principal) -> str:
        session_id = secrets.token_urlsafe(32)
        expires = (datetime.now(timezone.utc) + timedelta(hours=SESSION_HOURS)).isoformat()
        with self.db.transaction() as tx:
            tx.execute("INSERT INTO sessions (id_hash, token_id, expires_at) VALUES (?, ?, ?)",
                       (_hash(session_id), principal.token_id, expires))
        return session_id

    def close_session(self, session_id: str) -> None:
        with self.db.transaction() as tx:
            tx.execute("DELETE FROM sessions WHERE id_hash = ?", (_hash(session_id),))


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a URL, or None when it has none (e.g. Origin: null)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not parts.hostname or scheme not in _DEFAULT_PORTS:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def own_scheme(request: Request) -> str:
    """How the browser reached us: https when the request came over TLS (uvicorn takes it
    from X-Forwarded-Proto of the proxies named by --forwarded-allow-ips) or when the
    server is configured as served over HTTPS."""
    settings = getattr(request.app.state, "settings", None)
    return "https" if getattr(settings, "secure_cookies", False) else request.url.scheme


def check_same_origin(request: Request) -> None:
    """A state-changing request a browser sent from another site is refused (403
    `cross_site`): its Origin, or lacking that its Referer, must be this server. A request
    carrying neither is not a browser's form (browsers send Origin on every POST) and passes."""
    if request.method in _SAFE_METHODS:
        return
    claimed = request.headers.get("origin")
    if claimed is None:
        claimed = request.headers.get("referer")
        if claimed is None:
            return
    host = request.headers.get("host", "")
    if _origin(claimed) is None or _origin(claimed) != _origin(f"{own_scheme(request)}://{host}"):
        raise ApiError(403, "cross_site", "this request came from another site "
                       f"({claimed[:100]}); sign in and send forms from this server's own pages")


def require(request: Request, scope: str) -> Principal:
    """The caller's principal if its token (or dashboard session) carries `scope`."""
    cache: TokenCache = request.app.state.tokens
    token = bearer(request)
    principal = cache.lookup(token) if token else None
    if principal is None and not token and request.cookies.get(SESSION_COOKIE):
        principal = cache.session(request.cookies[SESSION_COOKIE])
        if principal is not None:
            check_same_origin(request)          # a cookie rides along on forged requests; a token does not
    if principal is None:
        what = {**dict.fromkeys(ADMIN_SCOPES, "an admin token"), INSTALL_SCOPE: "an install credential"}.get(
            scope, "a device enrolment token")
        raise ApiError(401, "unauthorized", f"this needs {what} (Authorization: Bearer …)" if not token
                       else "unknown or revoked token", {"WWW-Authenticate": "Bearer"})
    if scope == INSTALL_SCOPE and principal.kind == "device":
        raise ApiError(403, "enrol_first", ENROL_FIRST)
    if scope not in principal.scopes:
        raise ApiError(403, "forbidden", f"token '{principal.label}' lacks the '{scope}' scope")
    return principal
