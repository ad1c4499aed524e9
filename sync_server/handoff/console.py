"""The agent console at /agent: sign in, be available, take conversations and chat.

    GET  /agent                 sign-in, or the console (its one script: /agent/console.js)
    POST /agent/login, /agent/logout
    WS   /agent/live            the console's events and frames (docs/handoff.md)
    GET  /agent/events?cursor=…&wait=25    the same events by long polling, where a proxy blocks WebSockets
    POST /agent/frames          one frame, answered with its acknowledgement
    GET  /agent/entries?lang=fr what an agent can push: the published articles and guided steps
    GET  /agent/figures         supervisors: waiting times, conversations per agent, abandonment

The session cookie is HttpOnly, SameSite=Strict, Secure over https, and limited to /agent.
Every POST and the WebSocket's handshake must come from this server's own page (Origin):
a page elsewhere cannot ride on an agent's cookie (cross-site WebSocket hijacking).
"""
from __future__ import annotations

import hashlib
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
SAME_SITE = [Depends(check_same_origin)]     # every POST (the WebSocket checks its Origin itself)
SCRIPT = (Path(__file__).parent / "static" / "console.js").read_text(encoding="utf-8")
CONSOLE_STYLE = """
.console{display:grid;grid-template-columns:320px 1fr;gap:16px}.list{list-style:none;padding:0;margin:0}
.list li{background:#fff;border-radius:6px;padding:8px 10px;margin:6px 0;box-shadow:0 1px 2px #0002;cursor:pointer}
.list li.current{outline:2px solid #2f6fb3}.list small{color:#555;display:block}.empty{color:#777}
.pane{background:#fff;border-radius:6px;padding:12px 16px;box-shadow:0 1px 2px #0002;min-height:560px}
.context{background:#f4f6f8;border-radius:4px;padding:8px 12px;font-size:14px}.context h4{margin:6px 0 2px}
.transcript{height:300px;overflow:auto;border:1px solid #dde;border-radius:4px;padding:8px;margin:10px 0}
.msg{margin:4px 0;white-space:pre-wrap}.msg b{margin-right:6px}.msg.agent{color:#1d3557}.msg.event{color:#777;
font-style:italic}.typing{color:#777;font-size:13px;min-height:18px}.row{display:flex;gap:8px;margin:6px 0}
.row input[type=text]{flex:1;padding:6px}.status{font-size:13px;color:#555}.on{color:#1b5e20;font-weight:600}
.badge{background:#e63946;color:#fff;border-radius:9px;padding:0 7px;font-size:12px;margin-left:6px}
"""


def console_page(title: str, body: str, agent: Agent | None = None, status: int = 200, script: bool = False,
                 cookie: tuple[str, str] | None = None) -> HTMLResponse:
    nav = ""
    if agent is not None:
        supervisor = "<a href='/agent/figures' style='color:#fff;margin-right:14px'>Figures</a>" if agent.supervisor else ""
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
<section><div class=card><label><input type=checkbox id=available> Available for chats</label>
<p class=status id=link>Connecting…</p></div>
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
    session = accounts.open_session(request.app.state.db, agent)
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


def _signature(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


@router.get("/agent/events")
async def events(request: Request, cursor: str = "{}", wait: float = 25.0) -> Response:
    agent = signed_in(request)
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
    agent = signed_in(request)
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


@router.websocket("/agent/live")
async def live(websocket: WebSocket) -> None:
    own = _origin(f"{'https' if websocket.url.scheme == 'wss' else 'http'}://{websocket.headers.get('host', '')}")
    origin = websocket.headers.get("origin")
    agent = await run_in_threadpool(signed_in, websocket)
    if origin is None or _origin(origin) != own:
        await websocket.close(code=4403, reason="this console only works from its own page")
        return
    if agent is None:
        await websocket.close(code=4401, reason="sign in again")
        return
    await websocket.accept()
    handoff = websocket.app.state.handoff
    follower = AgentFollower(handoff.chats, handoff.bus, agent)

    def act(frame: dict) -> list[dict]:
        if frame.get("type") == "hello":           # the console reconnecting: what it already has
            seq = frame.get("seq")
            if isinstance(seq, dict):
                follower.cursors.update({str(k)[:64]: v for k, v in seq.items() if isinstance(v, int)})
            return []
        return agent_action(handoff.chats, handoff.bus, follower.agent, frame)
    await serve_socket(websocket, follower, act)


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
    return console_page("Figures — helpdesk live chat", figures_html(figures(request.app.state.db,
                                                                            max(1, min(days, 90)))), agent)
