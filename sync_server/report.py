"""The statistics report behind the dashboard, the JSON endpoint and the CSV exports.

    data = report(db, days=30, min_installs=5)
    data["totals"]["comprehension_rate"]     # answered and not disowned / questions, 0..1 (None: none asked)
    data["gaps"]                             # questions not understood, >= min_installs installs
    month = monthly_report(db, "2026-11")    # the month's figures against the month before

What the figures mean (the dashboard says it too):
- questions = answered + "did you mean" offered + not understood (small talk is not a question);
- comprehension = (answered − answers marked "did not help") / questions; "did you mean"
  picked, abandoned, and not understood are shown apart, never counted as understood;
- satisfaction = helpful / (helpful + not helpful);
- solved without a ticket = helpful answers + guided steps completed; deflection = solved /
  (solved + tickets); escalation = tickets / dialogues;
- coverage: how many articles and trees (translations counted as one) answer 80% of uses.
Articles and trees are counted once per translation group and named by their title
(`published_entries`). Days after today (by the server's clock) never count.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sync_server.db import Database
from sync_server.handoff.figures import figures as live_chat_figures

DAILY_COLUMNS = ("day", "dialogues", "interactions", "understood", "not_understood", "helpful", "unhelpful",
                 "tickets_created", "trees_completed", "choose", "choose_picked", "requests_created")   # new ones last: CSVs stay readable
_DAILY_METRICS = {"dialogue_started": "dialogues", "question_understood": "understood",
                  "question_choose": "choose", "choose_picked": "choose_picked",
                  "question_not_understood": "not_understood", "feedback_helpful": "helpful",
                  "feedback_unhelpful": "unhelpful", "ticket_created": "tickets_created",
                  "tree_completed": "trees_completed", "request_created": "requests_created"}
MONTHS = 12
COVERAGE_SHARE = 0.8

# Rows stored before keys were checked on arrival count only if their key is one a
# published snapshot has (or '' where a metric has no key): see sync_server/published.py.
def _known_key(t: str = "stats_daily") -> str:
    return (f"({t}.key = '' OR ({t}.metric NOT IN ('dialogue_started', 'question_understood', "
            f"'question_not_understood', 'question_choose', 'choose_picked') AND EXISTS (SELECT 1 FROM published_ids p "
            f"WHERE p.id = {t}.key AND p.kind = CASE WHEN {t}.metric IN ('ticket_created', 'request_created') THEN 'team' "
            f"ELSE 'entry' END)))")


_KNOWN_KEY = _known_key()


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _figures(row: dict) -> dict:
    """The rates of one period's counts (a day, a month, the whole report)."""
    questions = row["understood"] + row["choose"] + row["not_understood"]
    solved = row["helpful"] + row["trees_completed"]
    return {
        "interactions": questions,
        "comprehension_rate": _ratio(max(row["understood"] - row["unhelpful"], 0), questions),
        "choose_rate": _ratio(row["choose"], questions),
        "not_understood_rate": _ratio(row["not_understood"], questions),
        "choose_abandoned": max(row["choose"] - row["choose_picked"], 0),
        "interactions_per_dialogue": round(questions / row["dialogues"], 2) if row["dialogues"] else None,
        "helpful_rate": _ratio(row["helpful"], row["helpful"] + row["unhelpful"]),
        "solved_without_ticket": solved,
        "deflection_rate": _ratio(solved, solved + row["tickets_created"]),
        "escalation_rate": _ratio(row["tickets_created"], row["dialogues"]),
        "tickets_avoided_estimate": solved,
    }


def _counts(tx, since: str, until: str, by: str) -> dict[str, dict]:
    """period (day or month, per `by`) -> counts of every metric."""
    period = "day" if by == "day" else "SUBSTR(day, 1, 7)"
    rows = tx.all(f"SELECT {period}, metric, SUM(count) FROM stats_daily WHERE day >= ? AND day <= ? AND "
                  + _KNOWN_KEY + f" GROUP BY {period}, metric", (since, until))
    found: dict[str, dict] = {}
    for key, metric, count in rows:
        column = _DAILY_METRICS.get(metric)
        if column:
            found.setdefault(key, {})[column] = found.get(key, {}).get(column, 0) + int(count)
    return found


def _empty(period: str, name: str = "day") -> dict:
    return {c: 0 for c in DAILY_COLUMNS if c != "day"} | {name: period}


def _bookings(tx, since: str, until: str) -> int:
    end = (date.fromisoformat(until) + timedelta(days=1)).isoformat()
    row = tx.one("SELECT COUNT(*) FROM bookings WHERE created_at >= ? AND created_at < ? AND cancelled_at IS NULL",
                 (since, end))
    return int(row[0]) if row else 0


def _by_group(tx, since: str, until: str) -> dict[str, list[dict]]:
    """metric -> [{id, title, kind, count}] with translations counted as their original."""
    rows = tx.all("SELECT s.metric, COALESCE(e.grp, s.key), SUM(s.count) FROM stats_daily s "
                  "LEFT JOIN published_entries e ON e.id = s.key WHERE s.day >= ? AND s.day <= ? AND s.metric IN "
                  "('article_used', 'tree_used', 'tree_completed') AND s.key <> '' AND "
                  + _known_key("s") + " GROUP BY s.metric, COALESCE(e.grp, s.key)", (since, until))
    groups = {grp for _, grp, _ in rows}
    titles = _titles(tx, groups)
    ranked: dict[str, list[dict]] = {}
    for metric, grp, count in rows:
        title, kind = titles.get(grp, (grp, "tree" if metric.startswith("tree") else "article"))
        ranked.setdefault(metric, []).append({"id": grp, "title": title, "kind": kind, "count": int(count)})
    for items in ranked.values():
        items.sort(key=lambda r: (-r["count"], r["title"]))
    return ranked


def _titles(tx, groups: set[str]) -> dict[str, tuple[str, str]]:
    """group -> (its original's title, kind)."""
    wanted = sorted(groups)
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(wanted), 400):
        part = wanted[start:start + 400]
        for entry_id, title, kind in tx.all("SELECT id, title, kind FROM published_entries WHERE id IN "
                                            f"({', '.join('?' * len(part))})", tuple(part)):
            found[entry_id] = (title, kind)
    return found


def coverage(used: list[dict], share: float = COVERAGE_SHARE) -> dict:
    """How many entries answer `share` of all uses, and the curve (entries → cumulative share)."""
    total = sum(r["count"] for r in used)
    curve, running, needed = [], 0, None
    for rank, row in enumerate(sorted(used, key=lambda r: -r["count"]), start=1):
        running += row["count"]
        curve.append((rank, round(running / total, 4)))
        if needed is None and running >= share * total:
            needed = rank
    return {"share": share, "entries_needed": needed, "entries_used": len(used), "curve": curve}


def _months_back(today: date, months: int) -> date:
    """The first day of the month `months` before today's."""
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _next_month(month: date) -> date:
    return _months_back(month, -1)


def report(db: Database, days: int = 30, min_installs: int = 5, today: date | None = None) -> dict:
    today = today or datetime.now(timezone.utc).date()        # clients count days in UTC
    since, until = (today - timedelta(days=days - 1)).isoformat(), today.isoformat()
    first_month = _months_back(today, MONTHS - 1)
    with db.transaction(write=False) as tx:
        per_day = _counts(tx, since, until, "day")
        per_month = _counts(tx, first_month.isoformat(), until, "month")
        grouped = _by_group(tx, since, until)
        tickets = tx.all("SELECT key, SUM(count) AS n FROM stats_daily WHERE day >= ? AND day <= ? AND metric = "
                         "'ticket_created' AND key <> '' AND " + _KNOWN_KEY + " GROUP BY key ORDER BY n DESC, key",
                         (since, until))
        bookings = _bookings(tx, since, until)
        gaps = tx.all("SELECT text, COUNT(DISTINCT install_id) AS installs, SUM(count) AS asked "
                      "FROM stats_questions WHERE day >= ? AND day <= ? GROUP BY text "
                      "HAVING COUNT(DISTINCT install_id) >= ? ORDER BY installs DESC, asked DESC, text LIMIT 100",
                      (since, until, min_installs))
        hidden = tx.one("SELECT COUNT(*) FROM (SELECT text FROM stats_questions WHERE day >= ? AND day <= ? "
                        "GROUP BY text HAVING COUNT(DISTINCT install_id) < ?) AS rare", (since, until, min_installs))
    daily = []
    for offset in range(days):
        day = (today - timedelta(days=days - 1 - offset)).isoformat()
        row = _empty(day) | per_day.get(day, {})
        daily.append(row | {"interactions": _figures(row)["interactions"]})
    totals = {c: sum(r[c] for r in daily) for c in DAILY_COLUMNS if c not in ("day", "interactions")}
    totals |= _figures(totals) | {"bookings": bookings}
    monthly = []
    month = first_month
    while month <= today:
        key = month.strftime("%Y-%m")
        row = _empty(key, "month") | per_month.get(key, {})
        monthly.append(row | _figures(row))
        month = _next_month(month)
    used = grouped.get("article_used", []) + grouped.get("tree_used", [])
    return {
        "since": since, "until": today.isoformat(), "days": days, "min_installs": min_installs,
        "daily": daily, "totals": totals, "monthly": monthly,
        "top_articles": grouped.get("article_used", [])[:15], "top_trees": grouped.get("tree_used", [])[:15],
        "trees_completed": grouped.get("tree_completed", [])[:15],
        "tickets_by_team": [{"id": key, "count": int(n)} for key, n in tickets][:15],
        "coverage": coverage(used),
        "gaps": [{"question": text, "installs": int(n), "asked": int(a)} for text, n, a in gaps],
        "gaps_hidden": int(hidden[0]) if hidden else 0,
        "live_chat": live_chat_figures(db, days),
    }
