"""Live chat under load: conversations and agents on one server core, delivery latency each
way, and every message stored and delivered exactly once across a server restart; the
employees' WebSocket against their long-polling fallback, in the same run.

    set -a; . .ci/env; set +a            # HELPDESK_TEST_PG_URL (`bash .ci/services/postgres.sh` once)
    .venv/bin/python -m bench.handoff_bench [--conversations 500 --agents 50 --seconds 60]
        [--peer-conversations 100] [--interval 3] [--runs 1] [--no-write]

Each scenario (WebSocket and long polling at `--conversations`, then both again at
`--peer-conversations`, a load one core carries on long polling too) runs on a fresh
PostgreSQL schema: the real server (`python -m sync_server serve`) in a subprocess pinned to
core 1 (`taskset -c 1`; PostgreSQL runs as its own processes, on either core), and every
client in this process, one asyncio event loop pinned to core 0:

- agents over ~5 teams, each signed in (POST /agent/login) on /agent/live, available, and
  taking its share of its team's queue;
- employees, each with its own install credential (POST /v1/enrolments), each starting a
  conversation (POST /v1/handoff/conversations) and following it: over
  /v1/handoff/conversations/{id}/live, or by long polling (GET …/events?wait=25, POST …/frames);
- then every employee and every agent writes in each of its conversations about every
  `--interval` seconds (randomised ±50%), each message carrying its send time; delivery
  latency = receive time - send time, per direction;
- halfway, the server gets SIGTERM and starts again on the same port and database; clients
  reconnect (employees with ?after=<last seq seen>, agents with ?seq= and a "hello" carrying
  theirs) and send again what was not acknowledged, with the same number;
- at the end, per conversation and direction: every message sent is stored once (read from
  the database) and was received once by the other party.

Latency percentiles, rates and CPU are over the steady parts (before the SIGTERM, and after
everything sent until every client was back has arrived); the messages caught by the restart
are counted apart. Server CPU is the server process's utime+stime (/proc/PID/stat). Rewrites
the "Live chat" section of bench/RESULTS.md. `--profile PREFIX` runs the server under
cProfile (CPU time, every thread), `HB_TIMELINE=1` prints latency and CPU per 5 s.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.handoff_clients import PASSWORD, ROOT, AgentClient, Chat, Http, Load, Server
from bench.handoff_probes import cpu_between, cpu_samples, loop_lag, percentile
from bench.handoff_report import DRAIN, END, START, TEAMS, TRANSPORTS, section, show
from bench.results_file import write_section



# -- measuring ------------------------------------------------------------------------------


# -- a small HTTP/1.1 client (keep-alive; lighter than a full client for 1,000 sockets) -----


# -- the server -----------------------------------------------------------------------------


# -- the clients ----------------------------------------------------------------------------


# -- one run --------------------------------------------------------------------------------


def fresh_schema(pg_url: str) -> tuple[str, callable]:
    """A URL whose search_path is a new, empty schema, and a function that drops it."""
    import psycopg

    schema = "bench_" + secrets.token_hex(6)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")

    def drop() -> None:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    return f"{pg_url}{'&' if '?' in pg_url else '?'}options=-csearch_path%3D{schema}", drop


async def run_once(transport: str, conversations: int, agent_count: int, args, pg_url: str) -> dict:
    from sync_server.db import Database
    from sync_server.handoff.agents import add_agent

    db_url, drop = fresh_schema(pg_url)
    work = Path(tempfile.mkdtemp(prefix="handoff-bench-"))
    server = Server(db_url, work, Path(f"{args.profile}-{transport.replace(' ', '-')}") if args.profile else None)
    load: Load | None = None
    try:
        # The fleet's enrolment token from the command line; the agents' accounts with the
        # functions the `agent` command calls (scrypt-hashed passwords, on the same database).
        fleet = subprocess.run([sys.executable, "-m", "sync_server", "token", "device", "--label", "fleet",
                                "--database-url", db_url], cwd=ROOT, capture_output=True, text=True,
                               check=True).stdout.strip().splitlines()[-1]
        teams = TEAMS[:max(1, min(len(TEAMS), agent_count))]
        agents = [AgentClient(i, teams[i % len(teams)]) for i in range(agent_count)]
        db = Database.connect(db_url)
        for agent in agents:
            add_agent(db, agent.name, [agent.team], PASSWORD)
        db.close()
        await server.start()
        chats = [Chat(i, teams[i % len(teams)]) for i in range(conversations)]
        load = Load(server, transport, chats, agents)
        setup_began = time.time()

        async def enrol(chat: Chat, http_pool: asyncio.Queue) -> None:
            http = await http_pool.get()
            try:
                status, _, body = await http.request("POST", "/v1/enrolments",
                                                     {"Authorization": f"Bearer {fleet}"})
                assert status == 201, (status, body[:300])
                chat.credential = json.loads(body)["credential"]
                status, _, body = await http.request("POST", "/v1/handoff/conversations",
                    {"Authorization": f"Bearer {chat.credential}", "Content-Type": "application/json"},
                    json.dumps({"question": f"question {chat.index}: my {chat.team} does not work",
                                "team": chat.team, "employee": f"Employee {chat.index}"}).encode())
                assert status == 201, (status, body[:300])
                chat.id = json.loads(body)["id"]
                load.by_id[chat.id] = chat
            finally:
                await http_pool.put(http)

        pool: asyncio.Queue = asyncio.Queue()
        for _ in range(8):
            pool.put_nowait(Http(server.port))
        await asyncio.gather(*(enrol(c, pool) for c in chats))

        async def login(agent: AgentClient) -> None:
            http = await pool.get()
            try:
                status, headers, body = await http.request("POST", "/agent/login", {"Origin": server.url,
                                             "Content-Type": "application/x-www-form-urlencoded"},
                    urlencode({"name": agent.name, "password": PASSWORD}).encode())
                assert status == 303, (status, body[:300])
                cookie = next(c for c in headers["set-cookie"] if c.startswith("hd_agent="))
                agent.cookie = cookie.split(";", 1)[0].split("=", 1)[1]
            finally:
                await pool.put(http)
        await asyncio.gather(*(login(a) for a in agents))
        while not pool.empty():
            pool.get_nowait().close()

        # Each agent takes its share of its team's queue, round robin, as a team would.
        for team in teams:
            members = [a for a in agents if a.team == team]
            for j, chat in enumerate(c for c in chats if c.team == team):
                chat.agent = members[j % len(members)]
                chat.agent.chats.append(chat)
        for chat in chats:
            load.tasks.append(asyncio.create_task(load.employee_ws(chat) if transport == "websocket" else load.employee_poll(chat)))
            if transport != "websocket":
                load.tasks.append(asyncio.create_task(load.employee_poster(chat)))
        for agent in agents:
            load.tasks.append(asyncio.create_task(load.agent_ws(agent)))
        await asyncio.wait_for(asyncio.gather(*(a.connected.wait() for a in agents)), 120)
        for agent in agents:
            for chat in agent.chats:
                await agent.ws.send(json.dumps({"type": "take", "conversation": chat.id}))
        await asyncio.wait_for(asyncio.gather(*(c.active.wait() for c in chats)), 300)
        setup_seconds = time.time() - setup_began
        print(f"  {transport}: {len(chats)} conversations taken by {len(agents)} agents in {setup_seconds:.0f} s",
              flush=True)
        await asyncio.sleep(2)                         # let the take's wake-ups settle

        # -- the steady conversation, with a restart halfway ----------------------------------
        lag: list[float] = []
        load.tasks.append(asyncio.create_task(loop_lag(lag, lambda: load.stop)))
        load.sending = True
        for chat in chats:
            load.tasks.append(asyncio.create_task(load.talker(args.interval, lambda c=chat: load.employee_says(c))))
            load.tasks.append(asyncio.create_task(load.talker(args.interval, lambda c=chat: load.agent_says(c.agent, c))))
        samples: list[tuple] = []
        load.tasks.append(asyncio.create_task(cpu_samples(server, samples, lambda: load.stop)))
        await asyncio.sleep(0.5)
        t0 = time.time()
        await asyncio.sleep(args.seconds / 2)
        t_kill = time.time()
        load.restart_at = t_kill
        shutdown = await server.stop()
        start_seconds = await server.start()
        t_up = time.time()
        everyone = chats + agents
        while sum(1 for w in everyone if w.back_at) < len(everyone) and time.time() - t_up < 60:
            await asyncio.sleep(0.05)
        missing = sum(1 for w in everyone if not w.back_at)
        t_back = max([w.back_at for w in everyone] + [t_up])
        print(f"  {transport}: SIGTERM took {shutdown:.1f} s, start {start_seconds:.1f} s, every client back "
              f"{t_back - t_up:.1f} s later ({missing} not)", flush=True)
        remaining = max(5.0, args.seconds - (t_kill - t0))
        if server.profile:                             # profile the second half of what follows
            await asyncio.sleep(remaining / 2)
            server.process.send_signal(signal.SIGUSR1)
            remaining /= 2
        await asyncio.sleep(remaining)
        t_end = time.time()
        load.sending = False

        # -- drain: everything acknowledged and received, or give up -------------------------
        def outstanding() -> int:
            unacked = sum(len(c.e_unacked) for c in chats) + sum(len(a.unacked) for a in agents)
            unreceived = sum(len(c.sent[d]) - len(c.got[d]) for c in chats for d in "ea")
            return unacked + unreceived
        drain_began = time.time()
        while outstanding() and time.time() - drain_began < args.drain:
            await asyncio.sleep(0.1)
        drained = time.time() - drain_began if not outstanding() else None
        await asyncio.sleep(1.0)                       # late duplicates, if any, arrive here
        load.stop = True

        # -- figures ------------------------------------------------------------------------
        # The restart: from the SIGTERM until every client is back and everything sent until
        # then has arrived. Steady: the rest.
        latencies = load.tally.latencies
        t_rec = max([x[2] for x in latencies if x[1] <= t_back] + [t_back])
        caught = [x for x in latencies if t_kill <= x[1] <= t_rec or (x[1] < t_kill < x[2])]
        steady = [x for x in latencies if t0 <= x[1] <= t_end and not (t_kill <= x[1] <= t_rec or x[1] < t_kill < x[2])]
        steady_wall = (t_kill - t0) + max(0.0, t_end - t_rec)
        delivered = [x for x in latencies if t0 <= x[2] <= t_kill or t_rec <= x[2] <= t_end]
        before, after = cpu_between(samples, t0, t_kill), cpu_between(samples, t_rec, t_end)
        server_cpu, pg_cpu, bench_cpu, core1, sampled = (before[i] + after[i] for i in range(5))
        recovery = cpu_between(samples, t_up - start_seconds, t_rec)[0]
        sent = {d: sum(len(c.sent[d]) for c in chats) for d in "ea"}
        twice = {d: sum(c.twice[d] for c in chats) for d in "ea"}
        # What the database holds: each message sent stored once (no loss, no double), whatever
        # the clients saw.
        import psycopg
        with psycopg.connect(db_url) as conn:
            rows = conn.execute("SELECT conversation_id, body FROM chat_messages WHERE body LIKE 'bench %'").fetchall()
        stored: dict[tuple, int] = {}
        for conv_id, body in rows:
            parts = body.split()
            if len(parts) != 5 or parts[1] not in ("e", "a"):
                continue
            key = (conv_id, parts[1], int(parts[3]))
            stored[key] = stored.get(key, 0) + 1
        # Still in its sender's outbox (never acknowledged) when the bench stopped waiting: not
        # lost, the server was behind. Lost: acknowledged and not stored, or stored and not
        # received once everything else was.
        outbox = {(c.index, "e", k) for c in chats for k in c.e_unacked}
        outbox |= {(load.by_id[f["conversation"]].index, "a", int(f["text"].split()[3])) for a in agents
                   for f in a.unacked.values()}
        sent_keys = {(c.index, d, k): c for c in chats for d in "ea" for k in c.sent[d]}
        not_stored = {d: sum(1 for (i, dd, k), c in sent_keys.items() if dd == d and (c.id, d, k) not in stored
                             and (i, d, k) not in outbox) for d in "ea"}
        queued = {d: sum(1 for (_, dd, _) in outbox if dd == d) for d in "ea"}
        stored_twice = {d: sum(n - 1 for (_, dd, _), n in stored.items() if dd == d and n > 1) for d in "ea"}
        waiting = {d: sum(1 for (i, dd, k), c in sent_keys.items() if dd == d and (c.id, d, k) in stored
                          and k not in c.got[d]) for d in "ea"}
        lost = {d: (not_stored[d] + waiting[d]) if drained is not None else not_stored[d] for d in "ea"}
        undelivered = {d: queued[d] + (waiting[d] if drained is None else 0) for d in "ea"}
        result = {"transport": transport, "conversations": conversations, "agents": agent_count,
                  "setup": setup_seconds, "stored_twice": sum(stored_twice.values()),
                  "drained": drained if drained is not None else -1.0, "queued": sum(queued.values()),
                  "undelivered": sum(undelivered.values()),
                  "sent_e": sent["e"], "sent_a": sent["a"], "lost_e": lost["e"], "lost_a": lost["a"],
                  "twice_e": twice["e"], "twice_a": twice["a"],
                  "replayed_employee": load.tally.replayed["employee"], "replayed_agent": load.tally.replayed["agent"],
                  "errors": len(load.tally.errors), "error_sample": load.tally.errors[:5],
                  "rate": len(delivered) / steady_wall, "steady_wall": steady_wall,
                  "server_cpu": server_cpu, "server_share": server_cpu / steady_wall,
                  "server_ms_per_msg": 1000 * server_cpu / max(1, len(delivered)),
                  "pg_cpu": pg_cpu, "pg_ms_per_msg": 1000 * pg_cpu / max(1, len(delivered)),
                  "bench_cpu": bench_cpu, "bench_share": bench_cpu / steady_wall,
                  "core1_busy": core1 / max(sampled, 1e-9), "core1_server": server_cpu / max(sampled, 1e-9),
                  "lag_p99": 1000 * percentile(lag, 99),
                  "shutdown": shutdown, "start": start_seconds, "back": t_back - t_up, "not_back": missing,
                  "outage": t_back - t_kill, "recovered": t_rec - t_kill, "across": len(caught),
                  "across_p50": percentile([x[3] for x in caught], 50),
                  "across_max": max((x[3] for x in caught), default=0.0), "recovery_cpu": recovery}
        if os.environ.get("HB_TIMELINE"):             # p99 per 5 s of send time, to see where the tail is
            for start in range(int(t0), int(t_end), 5):
                part = [x[3] * 1000 for x in load.tally.latencies if start <= x[1] < start + 5]
                mark = " (restart)" if start <= t_kill < start + 5 else ""
                used = cpu_between(samples, start, start + 5)
                print(f"    t+{start - int(t0):3d}s: {len(part):5d} msgs, p50 {percentile(part, 50):7.1f} "
                      f"p99 {percentile(part, 99):7.1f} max {max(part, default=0):7.1f} ms, server CPU "
                      f"{100 * used[0] / 5:3.0f}%, PostgreSQL {100 * used[1] / 5:3.0f}%, core 1 busy "
                      f"{100 * used[3] / 5:3.0f}%{mark}")
            print(f"    recovered at t+{t_rec - t0:.1f}s")
        for d in "ea":
            first = [x[3] * 1000 for x in steady if x[0] == d and x[1] < t_kill]
            result[f"{d}_before_p50"], result[f"{d}_before_p99"] = percentile(first, 50), percentile(first, 99)
            values = [x[3] * 1000 for x in steady if x[0] == d]
            for q in (50, 95, 99):
                result[f"{d}_p{q}"] = percentile(values, q)
            result[f"{d}_max"] = max(values, default=float("nan"))
            result[f"{d}_count"] = len(values)
        return result
    except BaseException:
        if server.process is not None:
            print(server.log_tail(), file=sys.stderr)
        print(f"the server's logs are in {work}", file=sys.stderr)
        raise
    finally:
        failed = sys.exc_info()[0] is not None
        if load is not None:
            load.stop = True
            load.sending = False
            for task in load.tasks:
                task.cancel()
            await asyncio.gather(*load.tasks, return_exceptions=True)
        if server.process is not None and server.process.poll() is None:
            await server.stop(timeout=10)
        drop()
        if not failed and not server.profile:
            shutil.rmtree(work, ignore_errors=True)


# -- the report -----------------------------------------------------------------------------


def scenarios(args) -> list[tuple[str, int, int]]:
    """(transport, conversations, agents): the issue's load on both transports, then a
    smaller one that one core carries on long polling too (the latency comparison)."""
    loads = [(args.conversations, args.agents)]
    if args.peer_conversations:
        loads.append((args.peer_conversations, max(1, round(args.peer_conversations * args.agents
                                                             / max(1, args.conversations)))))
    transports = (args.only,) if args.only else TRANSPORTS
    return [(t, n, a) for n, a in loads for t in transports]


async def main_async(args) -> dict[tuple, list[dict]]:
    results: dict[tuple, list[dict]] = {}
    for run in range(args.runs):
        for transport, conversations, agent_count in scenarios(args):
            print(f"run {run + 1}: {transport}, {conversations} conversations, {agent_count} agents", flush=True)
            result = await run_once(transport, conversations, agent_count, args, args.pg_url)
            show(result)
            results.setdefault((transport, conversations, agent_count), []).append(result)
    return results


def profile_server(out: str, argv: list[str]) -> None:
    """Run `python -m MODULE ARGS` under cProfile in every thread (the event loop and the
    worker threads that talk to the database), counting CPU time, not waits. SIGUSR1 marks
    the start of what is reported; at SIGTERM what was spent since goes to OUT.prof and OUT.txt."""
    import cProfile
    import pstats
    import runpy
    import threading

    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()
    baseline: dict = {}

    def start_in_thread(*_) -> None:
        sys.setprofile(None)                        # this thread's hook only: later threads get theirs
        profile = cProfile.Profile(time.thread_time)
        with lock:
            profiles.append(profile)
        profile.enable()

    def merged() -> dict:
        total: dict = {}
        with lock:
            found = list(profiles)
        for profile in found:
            profile.snapshot_stats()
            for func, (cc, nc, tt, ct, callers) in profile.stats.items():
                was = total.get(func, (0, 0, 0.0, 0.0, {}))
                total[func] = (was[0] + cc, was[1] + nc, was[2] + tt, was[3] + ct, {**was[4], **callers})
        return total

    def mark(*_) -> None:
        baseline.clear()
        baseline.update(merged())

    def dump() -> None:
        class Since:
            def create_stats(self) -> None:
                pass
        since = Since()
        since.stats = {}
        for func, (cc, nc, tt, ct, callers) in merged().items():
            was = baseline.get(func, (0, 0, 0.0, 0.0, {}))
            if nc - was[1] > 0:
                since.stats[func] = (cc - was[0], nc - was[1], tt - was[2], ct - was[3], callers)
        stats = pstats.Stats(since)
        stats.dump_stats(out + ".prof")
        with open(out + ".txt", "w") as f:
            stats.stream = f
            stats.sort_stats("tottime").print_stats(70)
            stats.sort_stats("cumulative").print_stats(150)

    def on_term(*_) -> None:
        # uvicorn restores this handler after its graceful shutdown and raises SIGTERM again
        dump()
        os._exit(0)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGUSR1, mark)
    threading.setprofile(lambda *a: start_in_thread())
    start_in_thread()
    sys.argv = [argv[1], *argv[2:]]
    runpy.run_module(argv[1], run_name="__main__", alter_sys=True)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["profile"]:                     # the server under cProfile (--profile)
        profile_server(argv[1], argv[2:])
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.handoff_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=500)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60, help="steady conversation, restart included")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between messages, per party")
    parser.add_argument("--peer-conversations", type=int, default=100, metavar="N",
                        help="also compare both transports at N conversations (agents in proportion); 0: not")
    parser.add_argument("--runs", type=int, default=1, help="runs of each scenario (medians)")
    parser.add_argument("--drain", type=float, default=DRAIN, help=argparse.SUPPRESS)
    parser.add_argument("--pg-url", default=os.environ.get("HELPDESK_TEST_PG_URL", ""))
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--only", choices=TRANSPORTS, help="one transport (nothing is written)")
    parser.add_argument("--profile", metavar="PREFIX", help="run the server under cProfile (all threads; slower): "
                        "PREFIX-<transport>-N.txt, one per server start")
    args = parser.parse_args(argv)
    if not args.pg_url:
        parser.error("PostgreSQL: set HELPDESK_TEST_PG_URL (set -a; . .ci/env; set +a) or give --pg-url")
    os.sched_setaffinity(0, {0})                     # the clients on core 0, the server on core 1
    results = asyncio.run(main_async(args))
    if args.only:
        return 0
    command = ".venv/bin/python -m bench.handoff_bench" + "".join(f" --{k.replace('_', '-')} {getattr(args, k):g}" for k in ("conversations", "agents", "seconds", "interval",
                                                                  "peer_conversations", "runs")
        if getattr(args, k) != parser.get_default(k))
    text = section(args, results, command)
    print(text)
    if not args.no_write:
        write_section(text, START, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
