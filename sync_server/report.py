"""The statistics report behind the dashboard, the JSON endpoint and the CSV export.

    data = report(db, days=30, min_installs=5)
    data["totals"]["comprehension_rate"]     # understood / asked, 0..1 (None when nothing asked)
    data["gaps"]                             # questions not understood, >= min_installs installs

Estimated tickets avoided = helpful answers + decision trees completed: each is someone
who got a solution from the assistant without opening a ticket. It is an estimate and
the dashboard says so. Days after today (by the server's clock) never count.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sync_server.db import Database

DAILY_COLUMNS = ("day", "dialogues", "interactions", "understood", "not_understood",
                 "helpful", "unhelpful", "tickets_created", "trees_completed")
_DAILY_METRICS = {"dialogue_started": "dialogues", "question_understood": "understood",
                  "question_not_understood": "not_understood", "feedback_helpful": "helpful",
                  "feedback_unhelpful": "unhelpful", "ticket_created": "tickets_created",
                  "tree_completed": "trees_completed"}


# Rows stored before keys were checked on arrival count only if their key is one a
# published snapshot has (or '' where a metric has no key): see sync_server/published.py.
_KNOWN_KEY = ("(key = '' OR (metric NOT IN ('dialogue_started', 'question_understood', 'question_not_understood') "
              "AND EXISTS (SELECT 1 FROM published_ids p WHERE p.id = stats_daily.key AND p.kind = "
              "CASE WHEN metric = 'ticket_created' THEN 'team' ELSE 'entry' END)))")


def report(db: Database, days: int = 30, min_installs: int = 5, today: date | None = None) -> dict:
    today = today or datetime.now(timezone.utc).date()        # clients count days in UTC
    since, until = (today - timedelta(days=days - 1)).isoformat(), today.isoformat()
    with db.transaction(write=False) as tx:
        sums = tx.all("SELECT day, metric, SUM(count) FROM stats_daily WHERE day >= ? AND day <= ? AND "
                      + _KNOWN_KEY + " GROUP BY day, metric", (since, until))
        top = tx.all("SELECT metric, key, SUM(count) AS n FROM stats_daily WHERE day >= ? AND day <= ? AND metric IN "
                     "('article_used', 'tree_used', 'tree_completed', 'ticket_created') AND key <> '' AND "
                     + _KNOWN_KEY + " GROUP BY metric, key ORDER BY n DESC, key", (since, until))
        gaps = tx.all("SELECT text, COUNT(DISTINCT install_id) AS installs, SUM(count) AS asked "
                      "FROM stats_questions WHERE day >= ? AND day <= ? GROUP BY text "
                      "HAVING COUNT(DISTINCT install_id) >= ? ORDER BY installs DESC, asked DESC, text LIMIT 100",
                      (since, until, min_installs))
        hidden = tx.one("SELECT COUNT(*) FROM (SELECT text FROM stats_questions WHERE day >= ? AND day <= ? "
                        "GROUP BY text HAVING COUNT(DISTINCT install_id) < ?) AS rare", (since, until, min_installs))
    daily: dict[str, dict] = {}
    for offset in range(days):
        day = (today - timedelta(days=days - 1 - offset)).isoformat()
        daily[day] = {c: 0 for c in DAILY_COLUMNS} | {"day": day}
    for day, metric, count in sums:
        column = _DAILY_METRICS.get(metric)
        if column and day in daily:
            daily[day][column] += int(count)
    for row in daily.values():
        row["interactions"] = row["understood"] + row["not_understood"]
    totals = {c: sum(r[c] for r in daily.values()) for c in DAILY_COLUMNS if c != "day"}
    asked = totals["understood"] + totals["not_understood"]
    rated = totals["helpful"] + totals["unhelpful"]
    totals["comprehension_rate"] = round(totals["understood"] / asked, 4) if asked else None
    totals["helpful_rate"] = round(totals["helpful"] / rated, 4) if rated else None
    totals["tickets_avoided_estimate"] = totals["helpful"] + totals["trees_completed"]

    def ranked(metric: str) -> list[dict]:
        return [{"id": key, "count": int(n)} for m, key, n in top if m == metric][:15]

    return {
        "since": since, "until": today.isoformat(), "days": days, "min_installs": min_installs,
        "daily": list(daily.values()), "totals": totals,
        "top_articles": ranked("article_used"), "top_trees": ranked("tree_used"),
        "trees_completed": ranked("tree_completed"), "tickets_by_team": ranked("ticket_created"),
        "gaps": [{"question": text, "installs": int(n), "asked": int(a)} for text, n, a in gaps],
        "gaps_hidden": int(hidden[0]) if hidden else 0,
    }
