"""One small database layer over SQLite (default) and PostgreSQL (psycopg 3).

    db = Database.connect("sqlite:///var/lib/helpdesk/sync.sqlite")   # or postgresql://…
    with db.transaction() as tx:
        tx.execute("INSERT INTO kbs (name) VALUES (?)", ("acme",))
        row = tx.one("SELECT name FROM kbs WHERE name = ?", ("acme",))

SQL is written once with `?` placeholders; PostgreSQL gets `%s`. A parameter neither
database can store alike (a NUL byte in text, an integer beyond 64 bits) raises
`UnstorableValue` before the statement runs, so bad input is a 422 on both, not a 500. Each thread keeps its
own connection (FastAPI runs endpoints in a thread pool). `transaction()` commits on
success and rolls back on any exception. `IntegrityError` is the one error callers
catch (a unique key taken), whichever database raised it.
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence


class DatabaseError(RuntimeError):
    """The database URL is wrong or the database cannot be reached."""


class IntegrityError(Exception):
    """A constraint was violated (duplicate key)."""


class UnstorableValue(ValueError):
    """A value no database column can hold the same on SQLite and PostgreSQL: text with a
    NUL byte, an integer outside 64 bits. Answered 422 (see errors.install), never a 500."""


INT64 = (-(2 ** 63), 2 ** 63 - 1)


def _storable(params: Sequence[Any]) -> tuple:
    """`params` as a tuple, or `UnstorableValue` naming the first one that cannot be stored."""
    params = tuple(params)
    for position, value in enumerate(params, 1):
        if isinstance(value, str) and "\x00" in value:
            raise UnstorableValue(f"value {position} contains a NUL byte")
        if isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]:
            raise UnstorableValue(f"value {position} is outside the 64-bit integer range")
    return params


class Transaction:
    def __init__(self, conn: Any, dialect: str) -> None:
        self._conn = conn
        self.dialect = dialect
        self.committed: list = []           # callables run once the transaction has committed

    def on_commit(self, action) -> None:
        """Run `action()` after a successful commit (never after a rollback)."""
        self.committed.append(action)

    def _done(self) -> None:
        for action in self.committed:
            action()

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; returns the number of rows changed."""
        try:
            cur = self._conn.execute(self._sql(sql), _storable(params))
        except Exception as exc:
            if _is_integrity(exc):
                raise IntegrityError(str(exc)) from None
            raise
        return cur.rowcount

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many rows (pipelined on PostgreSQL)."""
        if not rows:
            return
        rows = [_storable(r) for r in rows]
        try:
            if self.dialect == "postgresql":
                with self._conn.cursor() as cur:
                    cur.executemany(self._sql(sql), rows)
            else:
                self._conn.executemany(sql, rows)
        except Exception as exc:
            if _is_integrity(exc):
                raise IntegrityError(str(exc)) from None
            raise

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return [tuple(r) for r in self._conn.execute(self._sql(sql), _storable(params)).fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        row = self._conn.execute(self._sql(sql), _storable(params)).fetchone()
        return tuple(row) if row is not None else None

    def insert_id(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run an INSERT and return the new row's integer id (`IntegrityError` when a key is taken)."""
        params = _storable(params)
        try:
            if self.dialect == "postgresql":
                row = self._conn.execute(self._sql(sql + " RETURNING id"), tuple(params)).fetchone()
                return int(row[0])
            cur = self._conn.execute(sql, tuple(params))
        except Exception as exc:
            if _is_integrity(exc):
                raise IntegrityError(str(exc)) from None
            raise
        return int(cur.lastrowid)


def _is_integrity(exc: Exception) -> bool:
    if isinstance(exc, sqlite3.IntegrityError):
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is in the server extra
        return False
    return isinstance(exc, psycopg.errors.IntegrityError)


class Database:
    """A database URL and a per-thread connection to it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self._all: dict[int, Any] = {}          # thread ident -> its connection
        self._all_lock = threading.Lock()
        if url.startswith("sqlite:///"):
            self.dialect = "sqlite"
            self.path = url[len("sqlite:///"):]
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        elif url.startswith(("postgresql://", "postgres://")):
            self.dialect = "postgresql"
        else:
            raise DatabaseError(f"--database-url: expected sqlite:///PATH or postgresql://…, got {url!r}")

    @classmethod
    def connect(cls, url: str) -> "Database":
        db = cls(url)
        with db.transaction() as tx:
            tx.one("SELECT 1")
        return db

    def _connection(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        try:
            if self.dialect == "sqlite":
                conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
            else:
                import psycopg
                conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except Exception as exc:
            raise DatabaseError(f"cannot open the database {self.redacted_url()}: {exc}") from None
        self._local.conn = conn
        threading.current_thread()      # a thread started outside Python is listed from now on, so kept
        with self._all_lock:
            self._all = self._living(self._all)
            stale = self._all.pop(threading.get_ident(), None)      # a dead thread's, whose ident was reused
            if stale is not None:
                _close(stale)
            self._all[threading.get_ident()] = conn
        return conn

    @staticmethod
    def _living(connections: dict[int, Any]) -> dict[int, Any]:
        """The connections of threads still running; the others are closed. Worker pools
        end idle threads and start new ones: without this each would leave a connection
        open until the database ran out of them."""
        alive = {thread.ident for thread in threading.enumerate()}
        for ident in [i for i in connections if i not in alive]:
            _close(connections.pop(ident))
        return connections

    def redacted_url(self) -> str:
        if "@" in self.url and "://" in self.url:
            scheme, rest = self.url.split("://", 1)
            return f"{scheme}://…@{rest.split('@', 1)[1]}"
        return self.url

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Transaction]:
        """A transaction; `write=False` lets SQLite readers run side by side."""
        conn = self._connection()
        if self.dialect == "sqlite":
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            tx = Transaction(conn, self.dialect)
            try:
                yield tx
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            tx._done()
        else:
            try:
                with conn.transaction():
                    tx = Transaction(conn, self.dialect)
                    yield tx
                tx._done()
            except Exception as exc:
                if conn.closed or conn.broken:
                    self._local.conn = None
                if _is_integrity(exc):
                    raise IntegrityError(str(exc)) from None
                raise

    def close(self) -> None:
        """Close every thread's connection (at shutdown)."""
        with self._all_lock:
            conns, self._all = list(self._all.values()), {}
        for conn in conns:
            _close(conn)
        self._local = threading.local()


def _close(conn: Any) -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - closing is best effort
        pass
