"""Supervisors' figures for live chat: how long employees wait, who handles how many
conversations, and how many leave before anyone answers. Shown at /agent/figures and as
dashboard tiles.

    figures(db, days=7)
    # {"conversations": 40, "taken": 36, "abandoned": 4, "abandonment": 0.1, "median_wait": 42.0,
    #  "p90_wait": 180.0, "teams": [...], "agents": [{"agent": "alice", "conversations": 20, "median_handle": 310.0}]}
"""
from __future__ import annotations

import statistics
from datetime import timedelta
from html import escape

from sync_server.db import Database
from sync_server.handoff.store import _seconds, now, stamp


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def figures(db: Database, days: int = 7) -> dict:
    since = stamp(now() - timedelta(days=days))
    with db.transaction(write=False) as tx:
        rows = tx.all("SELECT c.team, c.state, c.created_at, c.taken_at, c.ended_at, a.name FROM conversations c "
                      "LEFT JOIN agents a ON a.id = c.agent_id WHERE c.created_at > ?", (since,))
    waits, handles, per_team, per_agent = [], {}, {}, {}
    abandoned = taken = 0
    for team, state, created, taken_at, ended, agent in rows:
        t = per_team.setdefault(team, {"team": team, "conversations": 0, "abandoned": 0, "waits": []})
        t["conversations"] += 1
        if state == "abandoned":
            abandoned += 1
            t["abandoned"] += 1
        if taken_at:
            taken += 1
            wait = _seconds(created, taken_at)
            waits.append(wait)
            t["waits"].append(wait)
        if agent:
            a = per_agent.setdefault(agent, {"agent": agent, "conversations": 0, "handles": []})
            a["conversations"] += 1
            if ended and taken_at:
                a["handles"].append(_seconds(taken_at, ended))
                handles.setdefault(agent, []).append(_seconds(taken_at, ended))
    decided = abandoned + taken
    teams = [{"team": t["team"], "conversations": t["conversations"], "abandoned": t["abandoned"],
              "median_wait": statistics.median(t["waits"]) if t["waits"] else None}
             for t in sorted(per_team.values(), key=lambda t: -t["conversations"])]
    agents = [{"agent": a["agent"], "conversations": a["conversations"],
               "median_handle": statistics.median(a["handles"]) if a["handles"] else None}
              for a in sorted(per_agent.values(), key=lambda a: -a["conversations"])]
    return {"days": days, "conversations": len(rows), "taken": taken, "abandoned": abandoned,
            "abandonment": abandoned / decided if decided else None,
            "median_wait": statistics.median(waits) if waits else None, "p90_wait": _quantile(waits, 0.9),
            "teams": teams, "agents": agents}


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = int(seconds)
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def figures_html(f: dict) -> str:
    teams = "".join(f"<tr><td>{escape(t['team'])}</td><td class=n>{t['conversations']}</td><td class=n>"
                    f"{t['abandoned']}</td><td class=n>{duration(t['median_wait'])}</td></tr>" for t in f["teams"])
    agents = "".join(f"<tr><td>{escape(a['agent'])}</td><td class=n>{a['conversations']}</td><td class=n>"
                     f"{duration(a['median_handle'])}</td></tr>" for a in f["agents"])
    return f"""<div class=card><h2>Live chat, last {f['days']} days</h2><div class=tiles>
<div class=tile><b>{f['conversations']}</b>conversations</div><div class=tile><b>{duration(f['median_wait'])}</b>
median wait</div><div class=tile><b>{duration(f['p90_wait'])}</b>9 in 10 waited less than</div>
<div class=tile><b>{percent(f['abandonment'])}</b>left before an answer ({f['abandoned']})</div></div></div>
<div class=card><h3>Per team</h3><table><tr><th>Team</th><th>Conversations</th><th>Left before an answer</th>
<th>Median wait</th></tr>{teams or "<tr><td colspan=4>None yet.</td></tr>"}</table></div>
<div class=card><h3>Per agent</h3><table><tr><th>Agent</th><th>Conversations</th><th>Median length</th></tr>
{agents or "<tr><td colspan=3>None yet.</td></tr>"}</table></div>"""
