"""The live-chat bench's tables for bench/RESULTS.md: WebSocket against long polling, per
load, medians over runs."""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

START, END = "<!-- handoff:start -->", "<!-- handoff:end -->"
TEAMS = ("printing", "network", "accounts", "hardware", "software")
TRANSPORTS = ("websocket", "long polling")
DRAIN = 45.0                 # seconds to wait, after the last message, for everything to arrive


def show(result: dict) -> None:
    r = result
    print(f"  {r['transport']} ({r['conversations']}): employee→agent p50/p95/p99 {r['e_p50']:.1f}/{r['e_p95']:.1f}/{r['e_p99']:.1f} ms, "
          f"agent→employee {r['a_p50']:.1f}/{r['a_p95']:.1f}/{r['a_p99']:.1f} ms, {r['rate']:.0f} msgs/s, "
          f"server CPU {r['server_cpu']:.1f} s in {r['steady_wall']:.1f} s ({r['server_ms_per_msg']:.2f} ms/msg), "
          f"PostgreSQL {r['pg_ms_per_msg']:.2f} ms/msg, bench {100 * r['bench_share']:.0f}% of a core; "
          f"restart: back {r['back']:.1f} s, delivered all {r['recovered']:.1f} s after SIGTERM; "
          f"{'drained in %.1f s' % r['drained'] if r['drained'] >= 0 else 'NOT drained'}: undelivered "
          f"{r['undelivered']} ({r['queued']} unacknowledged), lost {r['lost_e']}+{r['lost_a']}, "
          f"stored twice {r['stored_twice']}, "
          f"received twice {r['twice_e']}+{r['twice_a']}, replayed "
          f"{r['replayed_employee']}+{r['replayed_agent']}, errors {r['errors']} {r['error_sample'][:2]}", flush=True)

def table(results: dict[tuple, list[dict]], conversations: int, agents: int) -> list[str]:
    """WebSocket against long polling at one load: medians over runs, sums for the counts."""
    runs = {t: results.get((t, conversations, agents), []) for t in TRANSPORTS}
    med = {t: {k: statistics.median(r[k] for r in rs) for k in rs[0] if isinstance(rs[0][k], (int, float))}
           for t, rs in runs.items() if rs}
    total = {t: {k: sum(r[k] for r in rs) for k in ("sent_e", "sent_a", "lost_e", "lost_a", "twice_e", "twice_a",
                                                   "queued", "undelivered", "stored_twice", "replayed_employee",
                                                   "replayed_agent", "errors", "across")}
             for t, rs in runs.items() if rs}
    ws, lp = med.get("websocket"), med.get("long polling")
    count = max(len(rs) for rs in runs.values())
    of = f"median of {count} runs" if count > 1 else "one run"
    cols = [t for t in TRANSPORTS if t in med]

    def cell(t: str, text) -> str:
        return text(med[t], total[t])

    def ratio(key: str) -> str:
        if ws is None or lp is None or not ws[key]:
            return ""
        return f"{lp[key] / ws[key]:.1f}×"

    def row(label: str, text, ratio_text: str = "") -> str:
        return f"| {label} | " + " | ".join(cell(t, text) for t in cols) + (f" | {ratio_text} |" if ws and lp
                                                                            else " |")

    head = f"| {conversations} conversations, {agents} agents ({of}) | " + " | ".join(
        "WebSocket" if t == "websocket" else "long polling" for t in cols) + (" | long polling ÷ WebSocket |"
                                                                              if ws and lp else " |")
    lines = [head, "|---" * (len(cols) + 1 + (1 if ws and lp else 0)) + "|"]
    for label, d in (("employee → agent", "e"), ("agent → employee", "a")):
        lines.append(row(f"{label}: p50 / p95 / p99", lambda m, s, d=d: " / ".join(
            f"**{m[f'{d}_p{q}']:,.0f}**" if q == 99 else f"{m[f'{d}_p{q}']:,.0f}" for q in (50, 95, 99)) + " ms",
            " / ".join(ratio(f"{d}_p{q}") for q in (50, 95, 99))))
    lines.append(row("… before the SIGTERM only: p50 / p99 employee → agent; agent → employee", lambda m, s: "; ".join(
        f"{m[f'{d}_before_p50']:,.0f} / {m[f'{d}_before_p99']:,.0f} ms" for d in "ea")))
    lines += [
        row("messages delivered per second (steady parts)", lambda m, s: f"{m['rate']:.0f}", ratio("rate")),
        row("server CPU / wall of the steady parts (one core)", lambda m, s: f"{m['server_cpu']:.1f} s / "
            f"{m['steady_wall']:.1f} s = **{100 * m['server_share']:.0f}%**", ratio("server_share")),
        row("core 1 busy (anyone's work) / of which the server", lambda m, s:
            f"{100 * m.get('core1_busy', float('nan')):.0f}% / {100 * m.get('core1_server', float('nan')):.0f}%"),
        row("server CPU per message delivered", lambda m, s: f"**{m['server_ms_per_msg']:.2f} ms**",
            ratio("server_ms_per_msg")),
        row("PostgreSQL CPU per message (its own processes)", lambda m, s: f"{m['pg_ms_per_msg']:.2f} ms",
            ratio("pg_ms_per_msg")),
        row("the clients' process: CPU / wall; its event loop's lag, p99", lambda m, s:
            f"{100 * m['bench_share']:.0f}%; {m['lag_p99']:.0f} ms"),
        row("restart: SIGTERM to exit; start to /healthz; every client back", lambda m, s:
            f"{m['shutdown']:.1f} s; {m['start']:.1f} s; {m['back']:.1f} s"),
        row("… SIGTERM until all sent so far is delivered", lambda m, s: f"{m['recovered']:.1f} s"),
        row("messages caught by the restart: count; delivered after, p50 / max", lambda m, s:
            f"{s['across']:,}; {m['across_p50']:.1f} / {m['across_max']:.1f} s"),
        row("sent employee → agent / agent → employee", lambda m, s: f"{s['sent_e']:,} / {s['sent_a']:,}"),
        row("**lost** (acknowledged and not stored, or stored and never received)", lambda m, s:
            f"**{s['lost_e'] + s['lost_a']}**"),
        row(f"not delivered yet when the bench stopped waiting ({DRAIN:.0f} s after the last message): "
            "unacknowledged, in the sender's outbox / in all", lambda m, s: f"{s['queued']:,} / {s['undelivered']:,}"
            if s['undelivered'] else "0 (all delivered)"),
        row("**duplicated**: stored twice / received twice", lambda m, s:
            f"**{s['stored_twice']}** / **{s['twice_e'] + s['twice_a']}**"),
        row("already-seen messages sent again (dropped by seq), to employees / agents", lambda m, s:
            f"{s['replayed_employee']:,} / {s['replayed_agent']:,}"),
    ]
    return lines

def section(args, results: dict[tuple, list[dict]], command: str) -> str:
    loads = sorted({(n, a) for (_, n, a) in results}, reverse=True)
    tables = "\n\n".join("\n".join(table(results, n, a)) for n, a in loads)
    return f"""{START}
## Live chat

Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on 2 vCPU shared with other work (load average
{uptime()} at the end), Python {sys.version.split()[0]}, PostgreSQL 15 on loopback. Command:

    set -a; . .ci/env; set +a
    {command}

The real server (`python -m sync_server serve --rate-limit 0`, one process) is pinned to core 1 with
`taskset -c 1`; PostgreSQL runs as its own processes on either core (its CPU is counted apart, and
includes whatever else used the cluster meanwhile); every client is in the bench process, one asyncio
event loop pinned to core 0. Agents (over {min(len(TEAMS), args.agents)} teams, on /agent/live) each take
their share of their team's queue; each employee has its own install credential and its own
conversation. Every employee and every agent writes about every {args.interval:g} s in each of its
conversations (±50%); each message carries its send time, and latency is receive time − send time in
the other party's client. Agents stay on the WebSocket in both columns; only the employees' transport
changes (long polling: GET …/events?wait=25 and POST …/frames, two connections per employee).
Halfway through the {args.seconds} s the server gets SIGTERM and is started again on the same port
and database; clients reconnect (employees with `?after=`, agents with `?seq=` and a `hello`) and send
again what was not acknowledged, under the same number. Percentiles, rates and CPU are over the steady
parts: before the SIGTERM, and after everything sent until every client was back has been delivered;
the messages caught in between are counted apart. CPU time is utime+stime from /proc. Lost and
duplicated are checked twice: in the database (each message sent stored exactly once) and in the
other party's client (each received exactly once).

{tables}
{END}"""

def uptime() -> str:
    try:
        return ", ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"
