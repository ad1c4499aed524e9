"""`python -m sync_server`: serve, and the few admin chores done on the server itself.

    python -m sync_server --database-url sqlite:///sync.sqlite --storage store --port 8470
    python -m sync_server token admin --scope publish --scope stats --label "kb team"
    python -m sync_server token device --label "fleet 2026"
    python -m sync_server trust-key keys/admin.pub --label alice
    python -m sync_server keys; python -m sync_server untrust-key KEYID
    python -m sync_server installs [--revoke-since 2026-12-01T09:00]   # enrolled installs per day
    python -m sync_server migrate

Every command takes `--database-url` (default `$HELPDESK_SYNC_DATABASE_URL` or
`sqlite:///sync_server.sqlite`). Tokens are printed once and stored hashed. Trusting
keys is done here on purpose: a stolen admin token cannot add a key and publish.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from desktop.sync import manifest as mf
from sync_server.auth import ADMIN_SCOPES, create_token, revoke_token
from sync_server.db import Database, DatabaseError
from sync_server.migrations import migrate

COMMANDS = ("serve", "token", "revoke", "trust-key", "untrust-key", "keys", "installs", "migrate", "studio-user",
            "agent")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sync_server",
                                     description="Helpdesk Assistant sync server (default command: serve)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url", default=os.environ.get("HELPDESK_SYNC_DATABASE_URL",
                                                                  "sqlite:///sync_server.sqlite"),
                        help="sqlite:///PATH (default) or postgresql://USER:PASS@HOST/DB")
    serve = sub.add_parser("serve", parents=[common], help="serve the API and the dashboard")
    serve.add_argument("--storage", type=Path, default=Path("sync_storage"), help="folder for snapshot chunks")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8470)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (one per core)")
    serve.add_argument("--rate-limit", type=float, default=20.0, help="requests/s per client address; 0 = off")
    serve.add_argument("--burst", type=float, default=60.0, help="requests a client may send at once")
    serve.add_argument("--forwarded-allow-ips", default="127.0.0.1",
                       help="load balancers whose X-Forwarded-For names the client (comma-separated; "
                            "rate limits then apply per employee machine, not per balancer)")
    serve.add_argument("--secure-cookies", action="store_true", help="mark dashboard cookies Secure (HTTPS)")
    serve.add_argument("--kb-source", type=Path, default=None,
                       help="the KB source folder KB Studio (/studio) edits: kb.yaml, articles/, trees/")
    serve.add_argument("--actions", type=Path, default=None, metavar="FILE",
                       help="self-service actions (unlock, new password) against the directory: IT's settings file")
    serve.add_argument("--rt-url", default="", help="Request Tracker whose ticket counts the dashboard shows next "
                                                    "to the assistant's (token in HELPDESK_RT_TOKEN)")
    serve.add_argument("--rt-team", action="append", default=[], metavar="TEAM=QUEUE",
                       help="which RT queue a team's tickets go to (repeat for each team)")
    serve.add_argument("--chat-queue", default="General",
                       help="RT queue for live-chat transcripts of a team no --rt-team names")
    serve.add_argument("--enrolments-per-address", type=int, default=3,
                       help="installs one client address may enrol per day (raise it for shared NAT addresses)")
    serve.add_argument("--enrolments-per-hour", type=int, default=1000,
                       help="installs one enrolment token may enrol per hour")
    token = sub.add_parser("token", parents=[common], help="create a token and print it once")
    token.add_argument("kind", choices=["admin", "device"])
    token.add_argument("--scope", action="append", default=[], choices=ADMIN_SCOPES, help="admin scope (repeat)")
    token.add_argument("--label", required=True, help="who or what holds it")
    revoke = sub.add_parser("revoke", parents=[common], help="revoke every token with this label")
    revoke.add_argument("--label", required=True)
    trust = sub.add_parser("trust-key", parents=[common], help="trust an admin public key for publishing")
    trust.add_argument("public_key", type=Path, help="the .pub file written by `kb_snapshots keygen`")
    trust.add_argument("--label", default="")
    untrust = sub.add_parser("untrust-key", parents=[common], help="stop accepting manifests signed by a key")
    untrust.add_argument("keyid", help="the key id shown by `keys` (or by `kb_snapshots keygen`)")
    sub.add_parser("keys", parents=[common], help="list the trusted admin keys")
    installs = sub.add_parser("installs", parents=[common],
                              help="how many installs enrolled per day; revoke the ones enrolled in a window")
    installs.add_argument("--revoke-since", metavar="UTC_TIME", help="revoke installs enrolled since then (ISO 8601)")
    installs.add_argument("--until", metavar="UTC_TIME", help="… and before then (default: now)")
    sub.add_parser("migrate", parents=[common], help="apply pending schema migrations and exit")
    studio = sub.add_parser("studio-user", parents=[common],
                            help="create a KB Studio account, or change its role and password (read from stdin)")
    studio.add_argument("name")
    studio.add_argument("--role", choices=["editor", "publisher"], default="editor")
    studio.add_argument("--disable", action="store_true", help="disable the account and end its sessions")
    agent = sub.add_parser("agent", parents=[common],
                           help="create a live-chat agent account, or change its teams and password (read from stdin)")
    agent.add_argument("name")
    agent.add_argument("--team", action="append", default=[], help="a KB team the agent answers for (repeat)")
    agent.add_argument("--supervisor", action="store_true", help="also sees every team's figures at /agent/figures")
    agent.add_argument("--disable", action="store_true", help="disable the account and end its sessions")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "serve")
    args = build_parser().parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args)
        db = Database.connect(args.database_url)
        migrate(db)
        if args.command == "token":
            print(create_token(db, args.kind, args.scope, label=args.label))
        elif args.command == "revoke":
            print(f"revoked {revoke_token(db, args.label)} token(s) labelled {args.label!r}")
        elif args.command == "trust-key":
            return _trust(db, args.public_key, args.label)
        elif args.command == "untrust-key":
            with db.transaction() as tx:
                gone = tx.execute("DELETE FROM trusted_keys WHERE keyid = ?", (args.keyid,))
            if not gone:
                print(f"error: no trusted key {args.keyid} (see `keys`)", file=sys.stderr)
                return 2
            print(f"key {args.keyid} is no longer trusted; snapshots it signed stay published")
        elif args.command == "keys":
            with db.transaction(write=False) as tx:
                for keyid, label, added in tx.all("SELECT keyid, label, added_at FROM trusted_keys ORDER BY added_at"):
                    print(f"{keyid}  {label}  (trusted since {added[:10]})")
        elif args.command == "installs":
            return _installs(db, args.revoke_since, args.until)
        elif args.command == "migrate":
            print("schema is current")
        elif args.command == "studio-user":
            return _studio_user(db, args)
        elif args.command == "agent":
            return _agent(db, args)
    except (DatabaseError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _password(name: str, minimum: int) -> str:
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"Password for {name} (at least {minimum} characters): ")
    return sys.stdin.readline().rstrip("\r\n")


def _agent(db: Database, args: argparse.Namespace) -> int:
    from sync_server.handoff import agents

    if args.disable:
        if not agents.disable_agent(db, args.name):
            print(f"error: no agent account {args.name!r}", file=sys.stderr)
            return 2
        print(f"{args.name} can no longer sign in to /agent")
        return 0
    agents.add_agent(db, args.name, args.team, _password(args.name, agents.MIN_PASSWORD), args.supervisor)
    print(f"{args.name} may sign in to /agent and answer for {', '.join(args.team)}"
          f"{' (supervisor)' if args.supervisor else ''}")
    return 0


def _studio_user(db: Database, args: argparse.Namespace) -> int:
    from sync_server.studio import accounts

    if args.disable:
        if not accounts.disable_user(db, args.name):
            print(f"error: no Studio account {args.name!r}", file=sys.stderr)
            return 2
        print(f"{args.name} can no longer sign in to the Studio")
        return 0
    accounts.add_user(db, args.name, args.role, _password(args.name, accounts.MIN_PASSWORD))
    print(f"{args.name} may sign in to /studio as {args.role}")
    return 0


def _trust(db: Database, path: Path, label: str) -> int:
    try:
        text = path.read_text().strip()
    except OSError as exc:
        print(f"error: {path}: {exc.strerror}", file=sys.stderr)
        return 2
    key = mf.load_public_key(text)
    with db.transaction() as tx:
        tx.execute("DELETE FROM trusted_keys WHERE keyid = ?", (mf.key_id(key),))
        tx.execute("INSERT INTO trusted_keys (keyid, public_key, label, added_at) VALUES (?, ?, ?, ?)",
                   (mf.key_id(key), text, label or path.stem, datetime.now(timezone.utc).isoformat()))
    print(f"trusted key {mf.key_id(key)} ({label or path.stem})")
    return 0


def _installs(db: Database, since: str | None, until: str | None) -> int:
    from sync_server.enrolment import installs_by_day, revoke_installs

    if since:
        try:
            start = datetime.fromisoformat(since.replace("Z", "+00:00"))
            end = datetime.fromisoformat(until.replace("Z", "+00:00")) if until else datetime.now(timezone.utc)
        except ValueError:
            print("error: times look like 2026-12-01T09:00 (UTC)", file=sys.stderr)
            return 2
        utc = [(t if t.tzinfo else t.replace(tzinfo=timezone.utc)).astimezone(timezone.utc) for t in (start, end)]
        gone = revoke_installs(db, utc[0].isoformat(), utc[1].isoformat())
        print(f"revoked {gone} install(s) enrolled from {utc[0]:%Y-%m-%d %H:%M} to {utc[1]:%Y-%m-%d %H:%M} UTC; "
              "genuine ones enrol again on their next sync")
        return 0
    rows = installs_by_day(db)
    for day, count in rows:
        print(f"{day}  {count:6d}")
    print(f"{sum(count for _, count in rows)} install(s) enrolled in the last 14 days, still valid")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from sync_server.app import Settings, asgi, settings_json

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings(database_url=args.database_url, storage=args.storage, rate=args.rate_limit,
                        burst=args.burst, secure_cookies=args.secure_cookies,
                        enrolments_per_address=args.enrolments_per_address,
                        enrolments_per_hour=args.enrolments_per_hour, kb_source=args.kb_source,
                        rt_url=args.rt_url, actions_file=args.actions, chat_queue=args.chat_queue, rt_teams=dict(t.split("=", 1) for t in args.rt_team if "=" in t))
    options = dict(host=args.host, port=args.port, log_level="warning", access_log=False, server_header=False,
                   ws_max_size=64 * 1024, ws_ping_interval=20.0, ws_ping_timeout=20.0,
                   proxy_headers=True, forwarded_allow_ips=args.forwarded_allow_ips,
                   timeout_graceful_shutdown=5)      # long polls and chat sockets resume elsewhere
    if args.workers > 1:
        asgi(settings).app.state.db.close()           # migrate once, before the workers start
        os.environ["HELPDESK_SYNC_SETTINGS"] = settings_json(settings)
        uvicorn.run("sync_server.app:from_env", factory=True, workers=args.workers, **options)
    else:
        uvicorn.run(asgi(settings), **options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
