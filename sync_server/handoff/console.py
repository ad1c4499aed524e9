"""The agent console at /agent: sign in, be available, take conversations and chat.

    GET  /agent                 sign-in, or the console (its one script: /agent/console.js)
    POST /agent/login, /agent/logout
    WS   /agent/live?seq={…}    the console's events and frames (docs/handoff.md); `seq`: the last
                                message number it has of each conversation, so a reconnect brings only what is new
    GET  /agent/events?cursor=…&wait=25    the same events by long polling, where a proxy blocks WebSockets
    POST /agent/frames          one frame, answered with its acknowledgement
    GET  /agent/entries?lang=fr what an agent can push: the published articles and guided steps
    GET  /agent/figures         supervisors: waiting times, conversations per agent, abandonment

The session cookie is HttpOnly, SameSite=Strict, Secure over https, and limited to /agent.
Every POST and the WebSocket's handshake must come from this server's own page (Origin):
a page elsewhere cannot ride on an agent's cookie (cross-site WebSocket hijacking). An open
socket lasts no longer than its session: signed out elsewhere, expired or disabled, it closes (4401).
"""
from __future__ import annotations

import asyncio
import json
from html import escape
from pathlib import Path

from fastapi import APIRouter, Depends, Request, WebSocket
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from sync_server.auth import _origin, check_same_origin, own_scheme
from sync_server.dashboard import CSP, STYLE
from sync_server.handoff import agents as accounts
from sync_server.handoff.agents import SESSION_COOKIE, SESSION_HOURS, Agent
from sync_server.handoff.employee import MAX_WAIT, serve_socket
from sync_server.handoff.figures import figures, figures_html
from sync_server.handoff.sessions import AgentFollower, agent_action
from sync_server.studio.pages import form_fields

router = APIRouter(include_in_schema=False)
SESSION_RECHECK = 15.0                       # seconds between checks that an open socket's session is valid
SAME_SITE = [Depends(check_same_origin)]     # every POST (the WebSocket checks its Origin itself)
SCRIPT = (Path(__file__).parent / "static" / "console.js").read_text(encoding="utf-8")
CONSOLE_STYLE = """
main{max-width:none}h3{font-size:15px;margin:18px 0 6px;color:#1d3557}
.console{display:grid;grid-template-columns:320px minmax(0,1fr);gap:18px;align-items:start}
.availability{display:flex;flex-direction:column;gap:4px}.availability label{font-weight:600;cursor:pointer}
.availability input{width:16px;height:16px;vertical-align:-3px;margin-right:6px}
.status{font-size:13px;margin:0}.status.on{color:#1b5e20}.status.off{color:#b00020;font-weight:600}
.status:before{content:"";display:inline-block;width:8px;height:8px;border-radius:50%;background:#999;margin-right:6px}
.status.on:before{background:#2e7d32}.status.off:before{background:#c62828}
.list{list-style:none;padding:0;margin:0}
.list li{background:#fff;border-radius:6px;padding:8px 10px;margin:6px 0;box-shadow:0 1px 2px #0002;cursor:pointer;
border-left:4px solid transparent}.list li:hover{border-left-color:#a8c5e2}
.list li.current{border-left-color:#2f6fb3;background:#eef4fb}.list .question{font-weight:600}
.list small{color:#555;display:block;margin-top:2px}.list li.empty{cursor:default;color:#777;box-shadow:none;background:none;
padding-left:2px}.empty{color:#777}
.badge{background:#e63946;color:#fff;border-radius:9px;padding:0 7px;font-size:12px;margin-left:6px;font-weight:600}
.badge.zero{background:#9aa5b1}
.pane{background:#fff;border-radius:6px;padding:14px 18px;box-shadow:0 1px 2px #0002;min-height:560px}
.pane>.empty{margin-top:40px;text-align:center}
.pane-head{display:flex;justify-content:space-between;align-items:flex-start;gap:12px}
.pane-head h2{font-size:19px;margin:0 0 8px}.tag{font-size:12px;background:#e9ecef;color:#333;border-radius:10px;
padding:2px 9px;white-space:nowrap}.tag.on{background:#e3f2e6;color:#1b5e20}
.notice{background:#fff4e5;border-left:4px solid #f4a261;padding:6px 10px;margin:6px 0;font-size:14px}
.context{background:#f4f6f8;border-radius:6px;padding:8px 12px;font-size:14px}
.context h4{margin:8px 0 4px;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#52606d}
.context ul{margin:0;padding-left:18px}.context p{margin:4px 0}
.facts .key{color:#52606d}.facts .value{font-weight:600;margin-right:16px}
.columns{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:16px}
.context table{width:auto}.context th{font-weight:normal;color:#52606d;padding:1px 12px 1px 0;border:0}
.context td{padding:1px 0;border:0;font-family:ui-monospace,monospace;font-size:13px}
.transcript{height:320px;overflow:auto;border:1px solid #dde3ea;border-radius:6px;padding:8px 10px;margin:12px 0 4px;
background:#fcfdfe}
.msg{margin:6px 0;white-space:pre-wrap;line-height:1.4}.msg b{margin-right:2px}
.msg.employee b{color:#8a3b12}.msg.agent b{color:#1d3557}.msg.event{color:#6b7785;font-style:italic;font-size:13px;
text-align:center}.msg.pending{opacity:.6}.msg small{color:#777;font-style:italic}
.msg.push{background:#eef4fb;border-left:3px solid #2f6fb3;border-radius:4px;padding:4px 8px;width:fit-content}
.msg.push i{color:#52606d;font-style:normal}
.typing{color:#52606d;font-size:13px;min-height:18px;font-style:italic}
.row{display:flex;gap:8px;margin:8px 0;align-items:center}.row .label{min-width:64px;color:#52606d;font-size:14px}
.row input[type=text]{flex:1;padding:8px;border:1px solid #c3ccd5;border-radius:4px;font-size:14px}
select{padding:5px;border:1px solid #c3ccd5;border-radius:4px;background:#fff;font-size:14px;max-width:340px}
.tools{border-top:1px solid #eef1f4;margin-top:10px;padding-top:4px}
.row.end{border-top:1px solid #eef1f4;padding-top:10px;justify-content:flex-end}
button.primary{background:#1d3557}button.good{background:#2e7d32}button.quiet{background:#fff;color:#1d3557;
border:1px solid #1d3557}button:disabled,select:disabled{opacity:.5}
header nav a{color:#dbe7f3;margin-right:18px;text-decoration:none;font-size:15px}header nav a:hover{color:#fff;
text-decoration:underline}header form{color:#fff}
.figures h2{margin:4px 0 12px}.figures .tile{background:#f4f6f8;box-shadow:none}.figures table{width:auto;min-width:560px}
.figures th,.figures td{padding:6px 16px 6px 0}.figures th:not(:first-child),.figures td.n{text-align:right}
.figures th{color:#52606d;font-weight:600;font-size:13px}.figures .card{margin-bottom:14px}.figures h3{margin:4px 0 8px}
"""


def console_page(title: str, body: str, agent: Agent | None = None, status: int = 200, script: bool = False,
                 cookie: tuple[str, str] | None = None) -> HTMLResponse:
    nav = ""
    if agent is not None:
        supervisor = ("<a href='/agent'>Console</a><a href='/agent/figures'>Figures</a>" if agent.supervisor else "")
        nav = (f"<header><h1>Helpdesk — live chat</h1><nav>{supervisor}</nav><form method=post action='/agent/logout'>"
               f"{escape(agent.name)} <button type=submit>Sign out</button></form></header>")
    head = "<script src='/agent/console.js' defer></script>" if script else ""
    html = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
            f"<meta name=viewport content='width=device-width'><style>{STYLE}{CONSOLE_STYLE}</style>{head}</head>"
            f"<body>{nav}<main>{body}</main></body></html>")
    policy = CSP + ("; script-src 'self'; connect-src 'self'" if script else "")
    reply = HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": policy,
                                                            "Cache-Control": "no-store",
                                                            "X-Content-Type-Options": "nosniff"})
    return reply


def _login(error: str = "", status: int = 200) -> HTMLResponse:
    message = f"<p class=error>{escape(error)}</p>" if error else ""
    return console_page("Sign in — helpdesk live chat", f"""<div class="card login"><h2>Helpdesk live chat</h2>
<form method=post action="/agent/login">{message}<label>Name<input name=name autocomplete=username required autofocus>
</label><label>Password<input type=password name=password autocomplete=current-password required></label>
<button type=submit>Sign in</button></form><p class=note>Accounts are made on the server:
<code>python -m sync_server agent NAME --team TEAM</code></p></div>""", status=status)


def signed_in(request: Request | WebSocket) -> Agent | None:
    return accounts.session_agent(request.app.state.db, request.cookies.get(SESSION_COOKIE))


@router.get("/agent/console.js")
def script() -> Response:
    return Response(SCRIPT, media_type="text/javascript", headers={"Cache-Control": "no-cache",
                                                                   "X-Content-Type-Options": "nosniff"})


@router.get("/agent", response_class=HTMLResponse)
def console(request: Request) -> HTMLResponse:
    agent = signed_in(request)
    if agent is None:
        return _login()
    return console_page("Live chat — helpdesk", f"""<div class=console data-agent="{escape(agent.name)}">
<section><div class="card availability"><label><input type=checkbox id=available><span id=available-label>Available
for chats</span></label><p class=status id=link>Connecting…</p></div>
<h3>Waiting <span id=waiting-count class=badge>0</span></h3><ul class=list id=queue></ul>
<h3>My conversations</h3><ul class=list id=mine></ul></section>
<section class=pane id=pane><p class=empty>Take a waiting conversation to start.</p></section></div>""",
                        agent, script=True)


@router.post("/agent/login", dependencies=SAME_SITE)
async def login(request: Request) -> Response:
    form = await form_fields(request)
    agent = await run_in_threadpool(accounts.sign_in, request.app.state.db, form.get("name", ""),
                                    form.get("password", ""))
    if agent is None:
        return _login("That name and password do not match an active agent account.", 401)
    session = await run_in_threadpool(accounts.open_session, request.app.state.db, agent)
    reply = RedirectResponse("/agent", status_code=303)
    reply.set_cookie(SESSION_COOKIE, session, max_age=SESSION_HOURS * 3600, httponly=True, samesite="strict",
                     secure=own_scheme(request) == "https", path="/agent")
    return reply


@router.post("/agent/logout", dependencies=SAME_SITE)
def logout(request: Request) -> Response:
    agent = signed_in(request)
    if agent is not None:
        accounts.set_available(request.app.state.db, request.app.state.handoff.bus, agent, False)
        accounts.close_session(request.app.state.db, request.cookies[SESSION_COOKIE])
    reply = RedirectResponse("/agent", status_code=303)
    reply.delete_cookie(SESSION_COOKIE, path="/agent")
    return reply


@router.get("/agent/events")
async def events(request: Request, cursor: str = "{}", wait: float = 25.0) -> Response:
    agent = await run_in_threadpool(signed_in, request)
    if agent is None:
        return JSONResponse({"error": {"code": "unauthorized", "message": "sign in again"}}, status_code=401)
    try:
        given = json.loads(cursor[:64 * 1024])
    except ValueError:
        given = {}
    given = given if isinstance(given, dict) else {}
    handoff = request.app.state.handoff
    follower = AgentFollower(handoff.chats, handoff.bus, agent, given.get("seq"))
    follower.me_shown, follower.queue_shown, follower.mine_shown = (
        given.get(k) if isinstance(given.get(k), str) else None for k in ("me", "queue", "mine"))
    try:
        found = await follower.next(max(0.0, min(float(wait), MAX_WAIT)))
    finally:
        follower.close()
    return JSONResponse({"events": found, "cursor": {"seq": follower.cursor(), "me": follower.me_shown,
                                                     "queue": follower.queue_shown, "mine": follower.mine_shown}},
                        headers={"Cache-Control": "no-store"})


@router.post("/agent/frames", dependencies=SAME_SITE)
async def frames(request: Request) -> Response:
    agent = await run_in_threadpool(signed_in, request)
    if agent is None:
        return JSONResponse({"error": {"code": "unauthorized", "message": "sign in again"}}, status_code=401)
    try:
        frame = json.loads((await request.body())[:16 * 1024])
    except ValueError:
        frame = None
    if not isinstance(frame, dict):
        return JSONResponse({"error": {"code": "invalid", "message": "the body is one JSON frame"}}, status_code=422)
    handoff = request.app.state.handoff
    return JSONResponse({"events": await run_in_threadpool(agent_action, handoff.chats, handoff.bus, agent, frame)})


def _cursors(raw: str | None) -> dict[str, int]:
    """The last message number the console has of each conversation (`?seq={"c-…": 12}`)."""
    try:
        given = json.loads((raw or "{}")[:16 * 1024])
    except ValueError:
        return {}
    if not isinstance(given, dict):
        return {}
    return {str(k)[:64]: v for k, v in given.items() if isinstance(v, int) and not isinstance(v, bool) and v >= 0}


@router.websocket("/agent/live")
async def live(websocket: WebSocket) -> None:
    secure = websocket.url.scheme == "wss" or getattr(websocket.app.state.settings, "secure_cookies", False)
    own = _origin(f"{'https' if secure else 'http'}://{websocket.headers.get('host', '')}")
    origin = websocket.headers.get("origin")
    if origin is None or _origin(origin) is None or _origin(origin) != own:
        await websocket.close(code=4403, reason="this console only works from its own page")
        return
    agent = await run_in_threadpool(signed_in, websocket)
    if agent is None:
        await websocket.close(code=4401, reason="sign in again")
        return
    await websocket.accept()
    handoff = websocket.app.state.handoff
    follower = AgentFollower(handoff.chats, handoff.bus, agent, _cursors(websocket.query_params.get("seq")))

    def act(frame: dict) -> list[dict]:
        if frame.get("type") == "hello":           # a client reconnecting: what it already has
            follower.cursors.update(_cursors(json.dumps(frame.get("seq"))))
            return []
        return agent_action(handoff.chats, handoff.bus, follower.agent, frame)

    async def session_lasts() -> None:
        """A socket lives no longer than its session (signed out elsewhere, expired, disabled)."""
        while True:
            await asyncio.sleep(SESSION_RECHECK)
            if await run_in_threadpool(signed_in, websocket) is None:
                await websocket.close(code=4401, reason="sign in again")
                return
    watcher = asyncio.create_task(session_lasts())
    try:
        await serve_socket(websocket, follower, act)
    finally:
        watcher.cancel()


@router.get("/agent/entries")
def entries(request: Request, lang: str = "") -> Response:
    if signed_in(request) is None:
        return JSONResponse({"error": {"code": "unauthorized", "message": "sign in again"}}, status_code=401)
    with request.app.state.db.transaction(write=False) as tx:
        rows = tx.all("SELECT id, kind, lang, title FROM published_entries ORDER BY title")
    return JSONResponse([{"id": r[0], "kind": r[1], "lang": r[2], "title": r[3]} for r in rows
                         if not lang or r[2] == lang])


@router.get("/agent/figures", response_class=HTMLResponse)
def supervisor(request: Request, days: int = 7) -> HTMLResponse:
    agent = signed_in(request)
    if agent is None:
        return _login()
    if not agent.supervisor:
        return console_page("Figures", "<div class=card><p>Only supervisors see the figures.</p></div>", agent, 403)
    found = figures(request.app.state.db, max(1, min(days, 90)))
    return console_page("Figures — helpdesk live chat", f"<div class=figures>{figures_html(found)}</div>", agent)
