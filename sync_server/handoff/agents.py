"""Helpdesk agents: named accounts with their teams, sessions, availability.

    add_agent(db, "alice", ["printing", "network"], password, supervisor=False)
        # python -m sync_server agent alice --team printing --team network
    agent = sign_in(db, "alice", password)          # None when unknown, disabled or wrong
    session = open_session(db, agent)               # the cookie's value; only its sha256 is stored

Passwords are scrypt hashes, as for Studio accounts; a wrong password and an unknown name
get the same answer in the same time. A supervisor also sees every team's figures.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sync_server.db import Database
from sync_server.handoff.store import now
from sync_server.studio.accounts import _DUMMY_HASH, MIN_PASSWORD, _matches, hash_password

SESSION_COOKIE = "hd_agent"
SESSION_HOURS = 10
SEEN_EVERY = 30.0               # seconds between an open console's "still here"
TEAM_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass(frozen=True)
class Agent:
    id: int
    name: str
    teams: tuple[str, ...]
    supervisor: bool
    available: bool = False


def _agent(row: tuple) -> Agent:
    return Agent(int(row[0]), row[1], tuple(t for t in row[2].split(",") if t), bool(row[3]), bool(row[4]))


def add_agent(db: Database, name: str, teams: list[str], password: str, supervisor: bool = False) -> None:
    """Create the account, or set its teams, password and role (and enable it) when it exists."""
    name = name.strip()
    if not name or len(name) > 64 or not name.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise ValueError("a name is 1-64 letters, digits, dots, dashes or underscores")
    teams = [t.strip().lower() for t in teams if t.strip()]
    if not teams or any(set(t) - TEAM_CHARS for t in teams):
        raise ValueError("give at least one team (--team printing): the KB's team keys, lowercase")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password has at least {MIN_PASSWORD} characters")
    hashed = hash_password(password)
    with db.transaction() as tx:
        if tx.one("SELECT id FROM agents WHERE name = ?", (name,)):
            tx.execute("UPDATE agents SET teams = ?, password_hash = ?, supervisor = ?, disabled = 0 WHERE name = ?",
                       (",".join(teams), hashed, int(supervisor), name))
        else:
            tx.execute("INSERT INTO agents (name, password_hash, teams, supervisor, created_at) VALUES (?, ?, ?, ?, ?)",
                       (name, hashed, ",".join(teams), int(supervisor), now().isoformat()))


def disable_agent(db: Database, name: str) -> bool:
    with db.transaction() as tx:
        changed = tx.execute("UPDATE agents SET disabled = 1, available = 0 WHERE name = ?", (name,))
        tx.execute("DELETE FROM agent_sessions WHERE agent_id IN (SELECT id FROM agents WHERE name = ?)", (name,))
    return bool(changed)


def sign_in(db: Database, name: str, password: str) -> Agent | None:
    with db.transaction(write=False) as tx:
        row = tx.one("SELECT id, name, teams, supervisor, available, password_hash FROM agents "
                     "WHERE name = ? AND disabled = 0", (name.strip()[:64],))
    if row is None:
        _matches(password, _DUMMY_HASH)
        return None
    return _agent(row) if _matches(password, row[5]) else None


def _digest(session: str) -> str:
    return hashlib.sha256(session.encode()).hexdigest()


def open_session(db: Database, agent: Agent) -> str:
    session = secrets.token_urlsafe(32)
    with db.transaction() as tx:
        tx.execute("DELETE FROM agent_sessions WHERE expires_at < ?", (now().isoformat(),))
        tx.execute("INSERT INTO agent_sessions (id_hash, agent_id, expires_at) VALUES (?, ?, ?)",
                   (_digest(session), agent.id, (now() + timedelta(hours=SESSION_HOURS)).isoformat()))
    return session


def session_agent(db: Database, session: str | None) -> Agent | None:
    if not session:
        return None
    with db.transaction(write=False) as tx:
        row = tx.one("SELECT a.id, a.name, a.teams, a.supervisor, a.available FROM agent_sessions s "
                     "JOIN agents a ON a.id = s.agent_id WHERE s.id_hash = ? AND s.expires_at > ? AND a.disabled = 0",
                     (_digest(session[:128]), now().isoformat()))
    return _agent(row) if row else None


def close_session(db: Database, session: str) -> None:
    with db.transaction() as tx:
        tx.execute("DELETE FROM agent_sessions WHERE id_hash = ?", (_digest(session[:128]),))


def set_available(db: Database, bus, agent: Agent, available: bool) -> None:
    with db.transaction() as tx:
        tx.execute("UPDATE agents SET available = ?, seen_at = ? WHERE id = ?",
                   (int(available), now().isoformat(), agent.id))
        bus.publish(tx, *(f"q:{team}" for team in agent.teams), f"a:{agent.id}")


def seen(db: Database, agent_id: int) -> None:
    """The agent's console is open (its follower calls this every SEEN_EVERY seconds): an
    available agent whose console has been closed for store.PRESENT seconds counts as away."""
    with db.transaction() as tx:
        tx.execute("UPDATE agents SET seen_at = ? WHERE id = ?", (now().isoformat(), agent_id))



def all_agents(db: Database) -> list[Agent]:
    with db.transaction(write=False) as tx:
        return [_agent(r) for r in tx.all("SELECT id, name, teams, supervisor, available FROM agents "
                                          "WHERE disabled = 0 ORDER BY name")]


def by_name(db: Database, name: str) -> Agent | None:
    with db.transaction(write=False) as tx:
        row = tx.one("SELECT id, name, teams, supervisor, available FROM agents WHERE name = ? AND disabled = 0",
                     (name[:64],))
    return _agent(row) if row else None
