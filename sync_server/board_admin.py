"""Dashboard pages for announcements and appointment slots (admins with `manage`).

    GET  /admin/board                         banners and slots, with forms to add them
    POST /admin/board/announcements           form: title, body, starts_at, ends_at, teams
    POST /admin/board/announcements/{id}/end
    POST /admin/board/slots                   form: starts_at, ends_at, capacity, team, location

Times are typed in UTC. The forms use the same validation as the JSON API, so a bad
value comes back as the same message, shown above the form. POSTs must come from this
server's own pages (Origin or Referer checked), besides the cookie being SameSite=Lax.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from html import escape
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from sync_server.auth import SESSION_COOKIE, check_same_origin
from sync_server.dashboard import _login_form, _page, _table
from sync_server.routes_board import _ANNOUNCEMENTS, _SLOTS, NewAnnouncement, NewSlot, RowId, _now, _utc

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_same_origin)])   # every POST


def _manager(request: Request):
    session = request.cookies.get(SESSION_COOKIE)
    principal = request.app.state.tokens.session(session) if session else None
    return principal if principal and "manage" in principal.scopes else None


async def _form(request: Request) -> dict[str, str]:
    fields = parse_qs((await request.body()).decode("utf-8", "replace"))
    return {key: values[0].strip() for key, values in fields.items()}


def _when(text: str) -> str:
    """A UTC time typed in a form ('2026-11-25T09:00' or with seconds)."""
    return text + ":00Z" if len(text) == 16 else (text if text.endswith("Z") else text + "Z")


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'form'}: {e['msg']}" for e in exc.errors())


@router.get("/admin/board", response_class=HTMLResponse)
def board(request: Request) -> HTMLResponse:
    if _manager(request) is None:
        return _login_form("Sign in with an admin token that has the manage scope.")
    return _board(request)


def _board(request: Request, error: str = "") -> HTMLResponse:
    now = _now()
    with request.app.state.db.transaction(write=False) as tx:
        banners = tx.all(_ANNOUNCEMENTS + "WHERE a.ends_at > ? ORDER BY a.starts_at", (now,))
        slots = tx.all(_SLOTS + "WHERE ends_at > ? ORDER BY starts_at", (now,))
    rows = [{"title": r[1], "from": r[3], "to": r[4], "teams": ", ".join(json.loads(r[5])) or "everyone",
             "affected": r[6], "end": r[0]} for r in banners]
    table = _table(rows, [("title", "Banner"), ("from", "From (UTC)"), ("to", "To (UTC)"), ("teams", "Teams"),
                          ("affected", "Affected too")], "No current or upcoming banner.")
    ends = "".join(f"<form method=post action='/admin/board/announcements/{r['end']}/end' style='display:inline'>"
                   f"<button>End “{escape(r['title'])}” now</button></form> " for r in rows)
    slot_rows = [{"from": r[1], "to": r[2], "team": r[4] or "any", "location": r[5],
                  "booked": f"{r[6]} / {r[3]}"} for r in slots]
    slot_table = _table(slot_rows, [("from", "From (UTC)"), ("to", "To (UTC)"), ("team", "Team"),
                                    ("location", "Where"), ("booked", "Booked")], "No upcoming slot.")
    message = f"<p class=error>{escape(error)}</p>" if error else ""
    body = f"""<header><h1>Announcements and appointments</h1><a class=button href="/admin">Statistics</a></header>
<main>{message}<div class=grid><div class=card><h3>Banners</h3>{table}<p>{ends}</p>
<form method=post action="/admin/board/announcements"><h4>New banner (times in UTC)</h4>
<p><input name=title placeholder="Mail is down" required maxlength=120 size=40></p>
<p><textarea name=body rows=3 cols=50 maxlength=2000 placeholder="What people should know"></textarea></p>
<p>From <input type=datetime-local name=starts_at required> to <input type=datetime-local name=ends_at required></p>
<p><input name=teams placeholder="teams, comma-separated (empty: everyone)" size=40></p>
<button type=submit>Publish banner</button></form></div>
<div class=card><h3>Helpdesk slots</h3>{slot_table}
<form method=post action="/admin/board/slots"><h4>New slot (times in UTC)</h4>
<p>From <input type=datetime-local name=starts_at required> to <input type=datetime-local name=ends_at required></p>
<p>Places <input type=number name=capacity min=1 max=500 value=1 required> Team <input name=team size=12>
Where <input name=location size=20 placeholder="Desk 2, or a call link"></p>
<button type=submit>Open slot</button></form></div></div></main>"""
    reply = _page("Announcements and appointments", body)
    if error:
        reply.status_code = 422
    return reply


def _back() -> Response:
    return RedirectResponse("/admin/board", status_code=303)


@router.post("/admin/board/announcements")
async def add_announcement(request: Request) -> Response:
    if _manager(request) is None:
        return _login_form("Sign in with an admin token that has the manage scope.", 401)
    form = await _form(request)
    try:
        new = NewAnnouncement(title=form.get("title", ""), body=form.get("body", ""),
                              starts_at=_when(form.get("starts_at", "")), ends_at=_when(form.get("ends_at", "")),
                              teams=[t.strip() for t in form.get("teams", "").split(",") if t.strip()])
    except ValidationError as exc:
        return _board(request, _problems(exc))
    with request.app.state.db.transaction() as tx:
        tx.insert_id("INSERT INTO announcements (title, body, starts_at, ends_at, teams, created_at) "
                     "VALUES (?, ?, ?, ?, ?, ?)", (new.title, new.body, _utc(new.starts_at), _utc(new.ends_at),
                                                   json.dumps(new.teams), _now()))
    return _back()


@router.post("/admin/board/announcements/{announcement_id}/end")
def end_banner(announcement_id: RowId, request: Request) -> Response:
    if _manager(request) is None:
        return _login_form("Sign in with an admin token that has the manage scope.", 401)
    with request.app.state.db.transaction() as tx:
        tx.execute("UPDATE announcements SET ends_at = ? WHERE id = ?",
                   (_utc(datetime.now(timezone.utc)), announcement_id))
    return _back()


@router.post("/admin/board/slots")
async def add_slot(request: Request) -> Response:
    if _manager(request) is None:
        return _login_form("Sign in with an admin token that has the manage scope.", 401)
    form = await _form(request)
    try:
        new = NewSlot(starts_at=_when(form.get("starts_at", "")), ends_at=_when(form.get("ends_at", "")),
                      capacity=form.get("capacity", "0"), team=form.get("team", ""), location=form.get("location", ""))
    except ValidationError as exc:
        return _board(request, _problems(exc))
    with request.app.state.db.transaction() as tx:
        tx.insert_id("INSERT INTO slots (starts_at, ends_at, team, location, capacity, booked) VALUES (?, ?, ?, ?, ?, 0)",
                     (_utc(new.starts_at), _utc(new.ends_at), new.team, new.location, new.capacity))
    return _back()
