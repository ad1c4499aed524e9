"""Sync server benchmarks; writes the "Sync server" section of bench/RESULTS.md.

    python -m bench.sync_bench --old build/kb-v1.sqlite --new build/kb-v2.sqlite \\
        --pg-url postgresql://helpdesk:helpdesk@127.0.0.1/helpdesk_test

1. Bytes a client downloads for a one-article update versus a full snapshot, measured
   end to end (real server, real `desktop.sync` client, HTTP bodies counted).
2. Manifest polls per second on the 304 path: one server process pinned to one core
   (`taskset -c 0`), Debian's `wrk` on another core, loopback only, 10 s.
3. Statistics batches per second into PostgreSQL, same set-up, each batch unique.

Needs `wrk` and `taskset` (apt-get install wrk util-linux) and, for 3, a PostgreSQL URL.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from bench.sync_results import write_section
from desktop.sync import manifest as mf
from desktop.sync.client import SyncClient
from desktop.sync.installer import SnapshotInstaller
from kb_snapshots.publish import publish
from kb_snapshots.signing import keygen, sign_snapshot
from sync_server.__main__ import main as server_cli

ROOT = Path(__file__).resolve().parents[1]
INSTALLS = 1000               # enrolled installs sending statistics batches (100 a day each at most)
LUA_STATS = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local day = os.date("!%Y-%m-%d")
function hex(n) local s = "" for i = 1, n do s = s .. string.format("%x", math.random(0, 15)) end return s end
request = function()
  local headers = {Authorization = "Bearer " .. installs[math.random(#installs)]}
  local body = '{"batch_id":"' .. hex(32) .. '","days":[{"day":"' .. day ..
    '","counters":{"dialogue_started":{"":3},"question_understood":{"":5},"question_not_understood":{"":1},' ..
    '"article_used":{"password-reset":2,"printer-jam":1},"feedback_helpful":{"password-reset":1},' ..
    '"ticket_created":{"printing":1}},"unanswered":{"how do i frobnicate the plotter":1}}]}'
  return wrk.format(nil, nil, headers, body)
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`python -m sync_server serve` in a subprocess, pinned to one core."""

    def __init__(self, database_url: str, storage: Path, core: int = 0, extra: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = ["taskset", "-c", str(core), sys.executable, "-m", "sync_server", "serve",
                        "--database-url", database_url, "--storage", str(storage), "--port", str(self.port),
                        "--rate-limit", "0", *extra]

    def __enter__(self) -> "Server":
        self.process = subprocess.Popen(self.command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        self.process.kill()
        raise RuntimeError(f"server did not start: {self.process.stderr.read().decode()[-2000:]}")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def token(db_url: str, *args: str) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        server_cli(["token", *args, "--database-url", db_url])
    return out.getvalue().strip().splitlines()[-1]


def wrk(url: str, headers: dict[str, str], seconds: int, connections: int, script: Path | None = None) -> dict:
    command = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(command + [url], capture_output=True, text=True, timeout=seconds + 30).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rate": rate, "p99": p99.group(1) if p99 else "?", "errors": int(bad.group(1)) if bad else 0,
            "total": total, "raw": out}


def update_bytes(work: Path, old: Path, new: Path) -> dict:
    db_url = f"sqlite:///{work / 'bytes.sqlite'}"
    keygen(work / "admin")
    server_cli(["trust-key", str(work / "admin.pub"), "--database-url", db_url])
    admin, device = token(db_url, "admin", "--scope", "publish", "--label", "bench"), token(db_url, "device", "--label", "b")
    key = mf.load_public_key((work / "admin.pub").read_text())
    results = {"old_size": old.stat().st_size, "new_size": new.stat().st_size}
    with Server(db_url, work / "storage") as server:
        for path, version, previous in ((old, 1, []), (new, 2, [old])):
            sign_snapshot(path, work / "admin.key", kb="bench", version=version, previous=previous)
            publish(path, Path(f"{path}.manifest.json"), server.url, admin)
        for label, with_delta in (("delta", True), ("chunks", False)):
            installer = SnapshotInstaller(work / f"client-{label}" / "current.sqlite", use_deltas=with_delta)
            client = SyncClient(server.url, device)
            installer.target.parent.mkdir(parents=True)
            shutil.copy(old, installer.target)             # v1 installed, as after an earlier sync
            (installer.manifests).mkdir()
            envelope = Path(f"{old}.manifest.json").read_bytes()
            (installer.manifests / f"{mf.parse(envelope)[0].sha256}.json").write_bytes(envelope)
            result = installer.update(client, "bench", [key])
            assert result.changed and installer.target.read_bytes() == new.read_bytes()
            results[label] = result.bytes_received
        fresh = SnapshotInstaller(work / "client-full" / "current.sqlite")
        client = SyncClient(server.url, device)
        results["full"] = fresh.update(client, "bench", [key]).bytes_received
    return results


def polls(work: Path, snapshot: Path, seconds: int) -> dict:
    db_url = f"sqlite:///{work / 'polls.sqlite'}"
    keygen(work / "pollkey")
    server_cli(["trust-key", str(work / "pollkey.pub"), "--database-url", db_url])
    admin, device = token(db_url, "admin", "--scope", "publish", "--label", "p"), token(db_url, "device", "--label", "d")
    with Server(db_url, work / "poll-storage") as server:
        sign_snapshot(snapshot, work / "pollkey.key", kb="bench", version=1, output=work / "poll.manifest.json")
        publish(snapshot, work / "poll.manifest.json", server.url, admin)
        url = f"{server.url}/v1/kbs/bench/manifest"
        etag = requests.get(url, headers={"Authorization": f"Bearer {device}"}).headers["ETag"]
        check = requests.get(url, headers={"Authorization": f"Bearer {device}", "If-None-Match": etag})
        assert check.status_code == 304
        return wrk(url, {"Authorization": f"Bearer {device}", "If-None-Match": etag}, seconds, 64)


def stats_batches(work: Path, pg_url: str, seconds: int) -> dict:
    import psycopg

    schema = "bench_" + secrets.token_hex(4)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    db_url = f"{pg_url}{'&' if '?' in pg_url else '?'}options=-csearch_path%3D{schema}"
    try:
        device = token(db_url, "device", "--label", "stats")
        script = work / "stats.lua"
        with Server(db_url, work / "stats-storage", extra=("--enrolments-per-address", str(INSTALLS))) as server:
            # Batches come from many installs, each with its own credential (one install may
            # send 100 a day), as a fleet's do.
            installs = [requests.post(f"{server.url}/v1/enrolments", headers={"Authorization": f"Bearer {device}"},
                                      timeout=30).json()["credential"] for _ in range(INSTALLS)]
            script.write_text("installs = {" + ",".join(f'"{c}"' for c in installs) + "}\n" + LUA_STATS)
            result = wrk(f"{server.url}/v1/stats/batches", {}, seconds, 16, script)
        with psycopg.connect(db_url) as conn:
            result["stored"] = conn.execute("SELECT COUNT(*) FROM stats_batches").fetchone()[0]
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    return result


def edit_one_article(source: Path, copy: Path) -> Path:
    """Copy a KB source tree and add one sentence to its first article; returns that file."""
    shutil.copytree(source, copy)
    article = sorted((copy / "articles").rglob("*.md"))[0]
    article.write_text(article.read_text() + "\nIf this did not help, restart the computer and try again.\n")
    return article


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="a built snapshot")
    parser.add_argument("--new", type=Path, help="the same KB rebuilt with one article changed")
    parser.add_argument("--edit-one-article-of", type=Path, metavar="KB_SRC",
                        help="instead of --new: copy this KB source, add a sentence to one article, build it")
    parser.add_argument("--pg-url", default=os.environ.get("HELPDESK_TEST_PG_URL", ""))
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args(argv)
    for tool in ("wrk", "taskset"):
        if not shutil.which(tool):
            print(f"error: {tool} is missing (apt-get install wrk util-linux)", file=sys.stderr)
            return 2
    if not args.new and not args.edit_one_article_of:
        parser.error("give --new or --edit-one-article-of")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        old, new = work / "old.sqlite", work / "new.sqlite"
        shutil.copy(args.old, old)
        if args.new:
            shutil.copy(args.new, new)
        else:
            edited = edit_one_article(args.edit_one_article_of, work / "kb")
            print(f"building the KB with one article changed ({edited.name}) …")
            subprocess.run([sys.executable, "-m", "kb_snapshots", "build", str(work / "kb"), "--output", str(new)],
                           cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        sizes = update_bytes(work, old, new)
        print("update bytes:", sizes)
        poll = polls(work, old, args.seconds)
        print(f"polls: {poll['rate']:.0f}/s p99 {poll['p99']} errors {poll['errors']}")
        stats = stats_batches(work, args.pg_url, args.seconds) if args.pg_url else None
        if stats:
            print(f"stats batches: {stats['rate']:.0f}/s p99 {stats['p99']} stored {stats['stored']}")
    write_section(ROOT / "bench" / "RESULTS.md", sizes, poll, stats, " ".join(["python -m bench.sync_bench"] + (argv or sys.argv[1:])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
