"""The sync server's FastAPI application.

    app = create_app(Settings(database_url="sqlite:///sync.sqlite", storage=Path("store")))

The app is stateless apart from the database and the chunk folder, so any number of
replicas can run behind a load balancer. Migrations run at start-up. `/openapi.json`
describes every endpoint; `/docs` renders it.
"""
from __future__ import annotations

import json
import logging
import os
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from fastapi import FastAPI

from sync_server import errors
from sync_server.auth import TokenCache
from sync_server.db import Database
from sync_server.limits import Limits
from sync_server.migrations import migrate
from sync_server.published import record_published
from sync_server.storage import ChunkStore

log = logging.getLogger("sync_server")


@dataclass
class Settings:
    database_url: str = "sqlite:///sync_server.sqlite"
    storage: Path = Path("sync_storage")
    max_body: int = 1 << 20               # JSON requests
    max_upload: int = 32 << 20            # chunk, patch and manifest uploads
    rate: float = 20.0                    # requests per second per client address (0: off)
    burst: float = 60.0
    bulk_rate: float = 200.0              # the same for chunk, patch and index downloads
    bulk_burst: float = 1000.0
    min_installs: int = 5                 # a question is shown once this many installs asked it
    secure_cookies: bool = False          # set when served over HTTPS
    patch_history: int = 5                # server-made patches from this many earlier versions
    patch_in_background: bool = True
    enrolments_per_address: int = 3       # installs one client address may enrol per UTC day
    enrolments_per_hour: int = 1000       # installs one fleet token may enrol per hour
    kb_source: Path | None = None         # the KB source folder KB Studio edits (None: no Studio editing)
    rt_url: str = ""                      # Request Tracker to count all tickets in (token: HELPDESK_RT_TOKEN)
    rt_teams: dict = field(default_factory=dict)    # team id -> RT queue, for those counts
    actions_file: Path | None = None      # self-service actions (sync_server/actions/settings.py); None: off
    chat_queue: str = "General"           # RT queue for live-chat transcripts of a team not in rt_teams


@asynccontextmanager
async def _lifespan(app: FastAPI):
    yield
    app.state.handoff.close()          # the hand-over's listener and transcript threads


def create_app(settings: Settings) -> FastAPI:
    from sync_server import (board_admin, dashboard, enrolment, patches, routes_board, routes_snapshots,
                             routes_stats)
    from sync_server.studio import (console as studio_console, editing as studio_editing, pages as studio_pages,
                                    importing as studio_importing, preview as studio_preview,
                                    publishing as studio_publishing,
                                    review as studio_review, synonyms as studio_synonyms, trees as studio_trees)
    from sync_server.studio.builds import Builds

    db = Database.connect(settings.database_url)
    applied = migrate(db)
    if applied:
        log.info("applied migrations: %s", ", ".join(applied))
    app = FastAPI(title="Helpdesk Assistant sync server", version="1",
                  description="Signed knowledge-base snapshots, anonymised statistics, "
                              "announcements and helpdesk appointments.", lifespan=_lifespan)
    app.state.settings = settings
    app.state.db = db
    app.state.tokens = TokenCache(db)
    app.state.chunks = ChunkStore(settings.storage)
    try:
        record_published(db, app.state.chunks)    # snapshots published before ids were recorded
    except Exception:  # noqa: BLE001 - statistics then keep only ids recorded so far
        log.exception("could not read the ids of published snapshots")
    app.state.manifests = {}
    app.state.patches = patches.PatchMaker(db, app.state.chunks, settings.patch_history, settings.patch_in_background)
    app.state.studio_builds = Builds(Path(settings.storage) / "studio-builds")
    app.state.itsm_counts = None
    app.state.actions = None
    if settings.actions_file:
        from sync_server.actions.settings import ActionSettings

        app.state.actions = ActionSettings.load(settings.actions_file)
    if settings.rt_url and settings.rt_teams:
        from sync_server.itsm_counts import RtTicketCounts

        app.state.itsm_counts = RtTicketCounts(settings.rt_url, os.environ.get("HELPDESK_RT_TOKEN", ""),
                                               settings.rt_teams)
    from sync_server.handoff import console as handoff_console, employee as handoff_employee
    from sync_server.handoff.service import Handoff

    app.state.handoff = Handoff(db, settings.rt_url, settings.rt_teams, settings.chat_queue)
    errors.install(app)
    from sync_server.actions import routes as action_routes

    for module in (action_routes, routes_snapshots, patches, enrolment, routes_stats, routes_board, dashboard, board_admin,
                   studio_pages, studio_editing, studio_review, studio_console, studio_publishing,
                   studio_preview, studio_trees, studio_synonyms, studio_importing, handoff_employee, handoff_console):
        app.include_router(module.router, responses=errors.ERROR_RESPONSES)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict:
        with db.transaction(write=False) as tx:
            tx.one("SELECT 1")
        return {"status": "ok"}

    return app


def from_env() -> Limits:
    """The app for `uvicorn --factory` worker processes: settings come from the
    HELPDESK_SYNC_SETTINGS environment variable (JSON) that `serve --workers N` sets."""
    raw = json.loads(os.environ["HELPDESK_SYNC_SETTINGS"])
    raw["storage"] = Path(raw["storage"])
    raw["kb_source"] = Path(raw["kb_source"]) if raw.get("kb_source") else None
    raw["actions_file"] = Path(raw["actions_file"]) if raw.get("actions_file") else None
    return asgi(Settings(**raw))


def settings_json(settings: Settings) -> str:
    return json.dumps({**asdict(settings), "storage": str(settings.storage),
                       "kb_source": str(settings.kb_source) if settings.kb_source else None,
                       "actions_file": str(settings.actions_file) if settings.actions_file else None})


def asgi(settings: Settings) -> Limits:
    """The app wrapped in its size and rate limits: what uvicorn serves."""
    app = create_app(settings)

    def publisher(scope: dict) -> bool:
        """Requests carrying a valid publish token are not rate-limited: a publish is
        thousands of chunk uploads, and the token already says who is asking."""
        if not scope["path"].startswith("/v1/admin/"):
            return False
        header = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
        scheme, _, token = header.partition(" ")
        principal = app.state.tokens.lookup(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        return principal is not None and "publish" in principal.scopes

    return Limits(app, max_body=settings.max_body, max_large_body=settings.max_upload,
                  large_body_paths=("/v1/admin/chunks/", "/v1/admin/deltas/", "/v1/admin/indexes/", "/v1/admin/kbs/",
                                    "/studio/import"),
                  rate=settings.rate, burst=settings.burst, exempt=publisher,
                  bulk_paths=("/v1/chunks/", "/v1/deltas/", "/v1/indexes/"), bulk_rate=settings.bulk_rate,
                  bulk_burst=settings.bulk_burst)
