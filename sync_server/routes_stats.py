"""Statistics: devices upload anonymised daily aggregates; admins read the report.

    POST /v1/stats/batches          install one batch; a batch id already seen counts 0
    GET  /v1/admin/stats            stats   the report as JSON (?days=30)
    GET  /v1/admin/stats.csv        stats   per-day figures as CSV (no cell a spreadsheet runs)

Only what a real install could have counted is kept: article, tree and team ids that a
published snapshot has (`sync_server.published`; other keys are left out, so no one
writes into "Top articles"), days of the last 30 by the server's clock, at most
`MAX_COUNT` per key and day (more is a 422); a batch whose counts add up to more than
`MAX_BATCH_TOTAL` counts nothing. The receipt says how much was left out. Questions are scrubbed again here (defence in
depth; one that still looks personal is not kept) and stored per install, the one whose
credential sent the batch (sync_server/enrolment.py; an install id in the batch is not
believed), so the report can show a question only once `min_installs` installs the
server enrolled asked it. One install sends at most `MAX_BATCHES_PER_DAY` batches a day. Batch
ids are remembered for `BATCH_MEMORY_DAYS` (clients drop unsent batches sooner), so the
table of seen ids stays small.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from desktop.sync.scrub import scrub_or_drop
from desktop.sync.stats import METRICS
from sync_server.auth import require
from sync_server import published
from sync_server.db import IntegrityError
from sync_server.errors import ApiError
from sync_server.inputs import plain, spreadsheet_safe
from sync_server.report import DAILY_COLUMNS, report

router = APIRouter()
MAX_KEYS = 500
MAX_COUNT = 5_000             # one install, one key, one day: far beyond any person
MAX_BATCH_TOTAL = 50_000      # all counts of one batch together
ACCEPTED_DAYS = 30            # days older than this (the client drops them too) or ahead are left out
CLOCK_SLACK = timedelta(hours=1)
KEYLESS = ("dialogue_started", "question_understood", "question_not_understood", "question_choose",
           "choose_picked")
TEAM_KEYED = ("ticket_created", "request_created")   # the others are keyed by an article or tree id
BATCH_MEMORY_DAYS = 45
MAX_BATCHES_PER_DAY = 100     # the app sends one per sync (hourly by default)
PRUNE_EVERY = 1000            # batches between two prunings, per replica
_received = {"count": 0}


Key = Annotated[str, StringConstraints(max_length=64)]   # any other text is left out, not refused
Question = Annotated[str, StringConstraints(max_length=200)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Keyed = Annotated[dict[Key, Count], Field(max_length=MAX_KEYS)]


class Counters(BaseModel):
    """Per-metric counts by key (article or tree id, team; '' when there is none)."""
    model_config = ConfigDict(extra="forbid")
    dialogue_started: Keyed = {}
    question_understood: Keyed = {}
    question_not_understood: Keyed = {}
    article_used: Keyed = {}
    tree_used: Keyed = {}
    tree_completed: Keyed = {}
    feedback_helpful: Keyed = {}
    feedback_unhelpful: Keyed = {}
    ticket_created: Keyed = {}
    question_choose: Keyed = {}        # "did you mean" offered (older clients counted it as understood)
    choose_picked: Keyed = {}          # … and one of its candidates taken
    request_created: Keyed = {}        # service requests (catalog forms), apart from incidents


assert tuple(Counters.model_fields) == METRICS, "server and client metrics differ"


class DayStats(BaseModel):
    day: date
    counters: Counters = Field(default_factory=Counters)
    unanswered: Annotated[dict[Question, Count], Field(max_length=MAX_KEYS)] = {}


class Batch(BaseModel):
    batch_id: str = Field(pattern=r"^[0-9a-f]{32}$", description="random id; a retried batch reuses it")
    install_id: str = Field("", pattern=r"^([0-9a-f]{32})?$",
                            description="ignored (older clients): the install is the one whose credential sent the batch")
    days: list[DayStats] = Field(max_length=62)


class BatchReceipt(BaseModel):
    batch_id: str
    duplicate: bool
    ignored: int = Field(0, description="counts left out: days outside the last 30, ids that no "
                                        "published snapshot has, or a batch over the total cap")


def _accepted_days(now: datetime) -> tuple[date, date]:
    return (now - timedelta(days=ACCEPTED_DAYS)).date(), (now + CLOCK_SLACK).date()


def _known_keys(tx, batch: Batch) -> dict[str, set[str]]:
    """metric -> the keys of this batch that may be counted for it ('' always may)."""
    wanted: dict[str, set[str]] = {published.ENTRY: set(), published.TEAM: set()}
    for day in batch.days:
        for metric, keys in day.counters:
            if metric not in KEYLESS:
                wanted[published.TEAM if metric in TEAM_KEYED else published.ENTRY] |= set(keys)
    known = {kind: published.known_ids(tx, kind, ids) | {""} for kind, ids in wanted.items()}
    return {metric: {""} if metric in KEYLESS else known[published.TEAM if metric in TEAM_KEYED else published.ENTRY]
            for metric in METRICS}


@router.post("/v1/stats/batches", tags=["statistics"])
def post_batch(batch: Batch, request: Request) -> BatchReceipt:
    install = require(request, "install").install_ref
    total = sum(sum(keys.values()) for day in batch.days for _, keys in day.counters) + \
        sum(sum(day.unanswered.values()) for day in batch.days)
    credible = total <= MAX_BATCH_TOTAL         # more than any install counts: keep none of it
    clock = datetime.now(timezone.utc)
    now, (oldest, newest) = clock.isoformat(), _accepted_days(clock)
    ignored = 0
    try:
        with request.app.state.db.transaction() as tx:
            if tx.one("SELECT batch_id FROM stats_batches WHERE batch_id = ?", (batch.batch_id,)):
                return BatchReceipt(batch_id=batch.batch_id, duplicate=True)
            _within_quota(tx, install, clock)
            tx.execute("INSERT INTO stats_batches (batch_id, install_id, received_at) VALUES (?, ?, ?)",
                       (batch.batch_id, install, now))
            allowed = _known_keys(tx, batch)
            counters, questions = [], []
            for day in batch.days:
                if not credible or not oldest <= day.day <= newest:
                    ignored += sum(sum(keys.values()) for _, keys in day.counters) + sum(day.unanswered.values())
                    continue
                when = day.day.isoformat()
                for metric, keys in day.counters:
                    for key, count in keys.items():
                        if key in allowed[metric]:
                            counters.append((when, metric, key, count))
                        else:
                            ignored += count
                for text, count in day.unanswered.items():
                    cleaned = scrub_or_drop(plain(text)).strip()      # still personal: not kept
                    if cleaned:
                        questions.append((when, cleaned, install, count))
            counters.sort(), questions.sort()      # one lock order for every batch: no deadlocks
            tx.execute_many("INSERT INTO stats_daily (day, metric, key, count) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT (day, metric, key) DO UPDATE SET count = stats_daily.count + excluded.count",
                            counters)
            tx.execute_many("INSERT INTO stats_questions (day, text, install_id, count) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT (day, text, install_id) DO UPDATE SET count = stats_questions.count + "
                            "excluded.count", questions)
    except IntegrityError:
        return BatchReceipt(batch_id=batch.batch_id, duplicate=True)
    _received["count"] += 1
    if _received["count"] % PRUNE_EVERY == 1:
        prune_batch_ids(request.app.state.db)
    return BatchReceipt(batch_id=batch.batch_id, duplicate=False, ignored=ignored)


def _within_quota(tx, install: str, clock: datetime) -> None:
    """429 once this install sent `MAX_BATCHES_PER_DAY` batches since midnight UTC."""
    midnight = clock.replace(hour=0, minute=0, second=0, microsecond=0)
    sent = tx.one("SELECT COUNT(*) FROM stats_batches WHERE install_id = ? AND received_at >= ?",
                  (install, midnight.isoformat()))[0]
    if sent >= MAX_BATCHES_PER_DAY:
        wait = int((midnight + timedelta(days=1) - clock).total_seconds()) + 1
        raise ApiError(429, "rate_limited", f"this install sent {sent} statistics batches today; "
                       "the rest wait until tomorrow", {"Retry-After": str(wait)})


def prune_batch_ids(db, now: datetime | None = None) -> int:
    """Forget batch ids older than BATCH_MEMORY_DAYS; returns how many went."""
    cutoff = ((now or datetime.now(timezone.utc)) - timedelta(days=BATCH_MEMORY_DAYS)).isoformat()
    with db.transaction() as tx:
        return tx.execute("DELETE FROM stats_batches WHERE received_at < ?", (cutoff,))


Days = Annotated[int, Query(ge=1, le=366, description="how many days back")]


@router.get("/v1/admin/stats", tags=["statistics"])
def get_report(request: Request, days: Days = 30) -> dict:
    require(request, "stats")
    return report(request.app.state.db, days, request.app.state.settings.min_installs)


_TABLES = {   # ?table= -> (report key, columns)
    "daily": ("daily", DAILY_COLUMNS),
    "articles": ("top_articles", ("id", "count")),
    "trees": ("top_trees", ("id", "count")),
    "gaps": ("gaps", ("question", "installs", "asked")),
}




@router.get("/v1/admin/stats.csv", tags=["statistics"], response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": "the chosen table as CSV"}})
def get_csv(request: Request, days: Days = 30,
            table: Literal["daily", "articles", "trees", "gaps"] = "daily") -> Response:
    """Per-day figures, top articles, top trees or the gap report, for a spreadsheet."""
    require(request, "stats")
    data = report(request.app.state.db, days, request.app.state.settings.min_installs)
    key, columns = _TABLES[table]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in data[key]:
        writer.writerow([spreadsheet_safe(row[c]) for c in columns])
    return Response(out.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="helpdesk-{table}.csv"'})


Month = Annotated[str | None, Query(pattern=r"^20\d{2}-(0[1-9]|1[0-2])$",
                                    description="YYYY-MM (default: the last complete month)")]


@router.get("/v1/admin/report.csv", tags=["statistics"], response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": "the month's figures as CSV"}})
def get_monthly_csv(request: Request, month: Month = None) -> Response:
    """The monthly report for management: the month's figures against the month before."""
    return _monthly(request, month, "csv")


@router.get("/v1/admin/report.pdf", tags=["statistics"], response_class=Response,
            responses={200: {"content": {"application/pdf": {}}, "description": "the month's figures as PDF"}})
def get_monthly_pdf(request: Request, month: Month = None) -> Response:
    """The same report as a PDF to forward."""
    return _monthly(request, month, "pdf")


def _monthly(request: Request, month: str | None, kind: str) -> Response:
    from sync_server import monthly_report  # noqa: PLC0415 - the PDF library loads only when asked

    require(request, "stats")
    month = month or monthly_report.last_complete_month()
    try:
        figures = monthly_report.month_figures(request.app.state.db, month, request.app.state.settings.min_installs)
    except ValueError as exc:
        raise ApiError(422, "invalid_month", str(exc)) from None
    name = f"helpdesk-report-{month}.{kind}"
    if kind == "csv":
        return Response(monthly_report.as_csv(figures), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return Response(monthly_report.as_pdf(figures), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
