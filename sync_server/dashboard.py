"""The admin dashboard: server-rendered HTML with inline SVG charts, behind a login.

    GET  /admin          the dashboard (or the sign-in form)      ?days=30
    POST /admin/login    form field `token`: an admin token with the `stats` scope
    POST /admin/logout

Signing in sets an HttpOnly, SameSite=Lax session cookie, Secure when the request came
over https (or the server is configured for it); the CSV export (`/v1/admin/stats.csv`)
accepts it too. Every POST here, sign-in included (no login CSRF), must come from this
server's own pages: Origin or Referer naming another site is a 403 (`auth.check_same_origin`). Pages carry a Content-Security-Policy that
allows no script at all.
"""
from __future__ import annotations

from datetime import date
from html import escape
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sync_server.auth import SESSION_COOKIE, SESSION_HOURS, check_same_origin, own_scheme
from sync_server.charts import bar_chart, line_chart
from sync_server.handoff.figures import duration
from sync_server.report import report

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_same_origin)])   # every POST
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'"

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#222}
header{background:#1d3557;color:#fff;padding:12px 24px;display:flex;justify-content:space-between;align-items:center}
header h1{font-size:18px;margin:0} header form{margin:0} main{padding:16px 24px;max-width:1400px}
.tiles{display:flex;gap:12px;flex-wrap:wrap}.tile{background:#fff;border-radius:6px;padding:12px 16px;min-width:150px;
box-shadow:0 1px 2px #0002}.tile b{display:block;font-size:26px}.tile span{color:#555;font-size:13px}
.tile small{display:block;color:#777;font-size:11px;max-width:180px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:12px;margin-top:12px}
.card{background:#fff;border-radius:6px;padding:12px 16px;box-shadow:0 1px 2px #0002}.chart{width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:14px}td,th{text-align:left;padding:4px 6px;border-bottom:1px solid #eee}
td.n{text-align:right}.note{color:#666;font-size:12px}button,a.button{background:#457b9d;color:#fff;border:0;
border-radius:4px;padding:6px 12px;text-decoration:none;font-size:14px;cursor:pointer}
.login{max-width:380px;margin:80px auto}.login input{width:100%;padding:8px;margin:8px 0;box-sizing:border-box}
.error{color:#b00020}
"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
            f"<meta name=viewport content='width=device-width'><style>{STYLE}</style></head><body>{body}</body></html>")
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store",
                                                           "X-Content-Type-Options": "nosniff"})


def _login_form(error: str = "", status: int = 200) -> HTMLResponse:
    message = f"<p class=error>{escape(error)}</p>" if error else ""
    return _page("Sign in — Helpdesk Assistant", f"""<div class="card login"><h2>Helpdesk Assistant statistics</h2>
<form method=post action="/admin/login">{message}<label>Admin token (scope <code>stats</code>)
<input type=password name=token autocomplete=off autofocus required></label><button type=submit>Sign in</button></form>
<p class=note>Create one on the server: <code>python -m sync_server token admin --scope stats --label NAME</code></p>
</div>""", status)


def _signed_in(request: Request):
    session = request.cookies.get(SESSION_COOKIE)
    principal = request.app.state.tokens.session(session) if session else None
    return principal if principal and "stats" in principal.scopes else None


@router.get("/admin", response_class=HTMLResponse)
def dashboard(request: Request, days: int = 30) -> HTMLResponse:
    if _signed_in(request) is None:
        return _login_form()
    days = min(max(days, 1), 366)
    data = report(request.app.state.db, days, request.app.state.settings.min_installs)
    counter = request.app.state.itsm_counts
    if counter is not None:
        from sync_server.itsm_counts import ticket_share  # noqa: PLC0415

        data["itsm"] = ticket_share(request.app.state.db, counter, date.fromisoformat(data["until"]))
    return _page("Helpdesk Assistant statistics", _render(data))


def _itsm(share: dict | None) -> str:
    if share is None:
        return ""
    rows = "".join(f"<tr><td>{escape(r['month'])}</td><td>{escape(r['team'])}</td><td>{escape(r['queue'])}</td>"
                   f"<td class=n>{'not read' if r['all'] is None else r['all']}</td><td class=n>{r['assistant']}</td>"
                   f"<td class=n>{_pct(r['share'])}</td></tr>" for r in share["rows"])
    problem = f"<p class=error>{escape(share['source'])} could not be read: {escape(share['problem'])}</p>" \
        if share["problem"] else ""
    return (f"<div class=card><h3>Tickets from the assistant among all {escape(share['source'])} tickets</h3>{problem}"
            f"<table id=itsm-share><tr><th>Month</th><th>Team</th><th>Queue</th><th>All tickets</th>"
            f"<th>From the assistant</th><th>Share</th></tr>{rows}</table></div>")


@router.post("/admin/login")
async def login(request: Request) -> Response:
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    token = (form.get("token") or [""])[0].strip()
    principal = request.app.state.tokens.lookup(token) if token else None
    if principal is None or "stats" not in principal.scopes:
        return _login_form("That token is unknown, revoked, or lacks the stats scope.", 401)
    session = request.app.state.tokens.open_session(principal)
    reply = RedirectResponse("/admin", status_code=303)
    reply.set_cookie(SESSION_COOKIE, session, max_age=SESSION_HOURS * 3600, httponly=True, samesite="lax",
                     secure=own_scheme(request) == "https", path="/")
    return reply


@router.post("/admin/logout")
def logout(request: Request) -> Response:
    if request.cookies.get(SESSION_COOKIE):
        request.app.state.tokens.close_session(request.cookies[SESSION_COOKIE])
    reply = RedirectResponse("/admin", status_code=303)
    reply.delete_cookie(SESSION_COOKIE, path="/")
    return reply


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _table(rows: list[dict], columns: list[tuple[str, str]], empty: str) -> str:
    if not rows:
        return f"<p class=note>{escape(empty)}</p>"
    head = "".join(f"<th>{escape(label)}</th>" for _, label in columns)
    body = "".join("<tr>" + "".join(f"<td class={'n' if isinstance(r[k], int) else 't'}>{escape(str(r[k]))}</td>"
                                    for k, _ in columns) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _gaps(gaps: list[dict]) -> str:
    """The gap report, each question a link to add it to an article in the Studio."""
    if not gaps:
        return "<p class=note>No question reached the threshold yet.</p>"
    rows = "".join(f"<tr><td>{escape(g['question'])}</td><td class=n>{g['installs']}</td><td class=n>{g['asked']}</td>"
                   f"<td><a href='/studio/gap?{escape(urlencode({'q': g['question']}))}'>Add to an article</a></td></tr>"
                   for g in gaps)
    return f"<table><tr><th>Question (scrubbed)</th><th>Installs</th><th>Asked</th><th></th></tr>{rows}</table>"


def _tiles(t: dict, live_chat: dict | None = None) -> str:
    tiles = [("Dialogues", t["dialogues"], f"{t['interactions_per_dialogue'] or 0:g} questions each"),
             ("Questions", t["interactions"], ""),
             ("Comprehension", _pct(t["comprehension_rate"]), "answered and not marked unhelpful"),
             ("Did you mean", _pct(t["choose_rate"]), f"{t['choose_picked']} picked, {t['choose_abandoned']} abandoned"),
             ("Not understood", _pct(t["not_understood_rate"]), ""),
             ("Satisfaction", _pct(t["helpful_rate"]), "helpful of rated answers"),
             ("Solved without a ticket", t["solved_without_ticket"], "helpful answers + guided steps completed"),
             ("Deflection", _pct(t["deflection_rate"]), "solved / (solved + tickets)"),
             ("Tickets (incidents)", t["tickets_created"], f"escalation {_pct(t['escalation_rate'])} of dialogues"),
             ("Service requests", t["requests_created"], "catalog forms sent, apart from incidents"),
             ("Bookings", t["bookings"], "callback appointments")]
    chat = live_chat or {}
    if chat.get("conversations"):
        tiles += [("Live chats", chat["conversations"], f"median wait {duration(chat['median_wait'])}"),
                  ("Left before an answer", _pct(chat["abandonment"]), f"{chat['abandoned']} of the live chats")]
    return "".join(f"<div class=tile><b>{escape(str(v))}</b><span>{escape(k)}</span>"
                   + (f"<small>{escape(note)}</small>" if note else "") + "</div>" for k, v, note in tiles)


def _render(data: dict) -> str:
    t = data["totals"]
    daily, monthly, cover = data["daily"], data["monthly"], data["coverage"]
    comprehension = [(r["day"], (r["understood"] - r["unhelpful"]) / r["interactions"] if r["interactions"] else None)
                     for r in daily]
    charts = [bar_chart([(r["day"], r["dialogues"]) for r in daily], "Dialogues per day"),
              bar_chart([(r["day"], r["interactions"]) for r in daily], "Questions per day", color="#6a4c93"),
              line_chart([(r["day"], max(v, 0.0) if v is not None else None) for r, (_, v) in
                          zip(daily, comprehension)], "Comprehension rate per day", percent=True),
              bar_chart([(r["day"], r["tickets_created"]) for r in daily], "Tickets created per day", color="#c0392b"),
              line_chart([(r["month"], r["comprehension_rate"]) for r in monthly],
                         "Comprehension per month (12 months)", percent=True),
              line_chart([(r["month"], r["deflection_rate"]) for r in monthly],
                         "Deflection per month (12 months)", percent=True, color="#1d3557"),
              line_chart([(str(rank), share) for rank, share in cover["curve"]],
                         "Coverage: share of uses answered by the N most used entries", percent=True,
                         color="#e76f51", tick=str)]
    cards = "".join(f"<div class=card>{svg}</div>" for svg in charts)
    needed = cover["entries_needed"]
    coverage_note = (f"{needed} of the {cover['entries_used']} articles and trees used answer "
                     f"{cover['share']:.0%} of uses." if needed else "No article or tree used yet.")
    gaps_note = (f"Questions asked by fewer than {data['min_installs']} installs stay hidden "
                 f"({data['gaps_hidden']} now).")
    entry_columns = [("title", "Title"), ("count", "Used")]
    return f"""<header><h1>Helpdesk Assistant — last {data['days']} days ({data['since']} to {data['until']})</h1>
<form method=post action="/admin/logout"><a class=button href="/admin/board">Banners and slots</a>
<a class=button href="/v1/admin/stats.csv?days={data['days']}">Export CSV</a>
<a class=button href="/v1/admin/report.pdf">Monthly report (PDF)</a>
<button type=submit>Sign out</button></form></header><main>
<div class=tiles>{_tiles(t, data.get('live_chat'))}</div><div class=grid>{cards}
<div class=card><h3>Top articles</h3>{_table(data['top_articles'], entry_columns, 'No data yet.')}
<p class=note>{escape(coverage_note)} A translated article counts once, under its original's title.</p></div>
<div class=card><h3>Top decision trees</h3>{_table(data['top_trees'], [('title', 'Title'), ('count', 'Started')],
                                                'No data yet.')}
<h3>Tickets by team</h3>{_table(data['tickets_by_team'], [('id', 'Team'), ('count', 'Tickets')], 'No tickets.')}</div>
<div class=card><h3>Knowledge gaps: questions not understood</h3>
{_gaps(data['gaps'])}<p class=note>{escape(gaps_note)}
<a href="/v1/admin/stats.csv?table=gaps&amp;days={data['days']}">Gap report as CSV</a>.
Comprehension counts answers only: a "did you mean" list, an answer marked "did not help" and a question
not understood are shown apart.</p></div>{_itsm(data.get('itsm'))}{_live_chat(data.get('live_chat'))}</div></main>"""


def _live_chat(chat: dict | None) -> str:
    """Live chat with the helpdesk: waits, abandonment, conversations per agent (/agent/figures)."""
    if not chat or not chat.get("conversations"):
        return ""
    agents = _table([{"agent": a["agent"], "count": a["conversations"], "length": duration(a["median_handle"])}
                     for a in chat["agents"]], [("agent", "Agent"), ("count", "Conversations"),
                                                ("length", "Median length")], "None taken yet.")
    return (f"<div class=card><h3>Live chat with the helpdesk</h3><p>{chat['conversations']} conversations, "
            f"{chat['taken']} answered by an agent; median wait {escape(duration(chat['median_wait']))}, 9 in 10 "
            f"waited less than {escape(duration(chat['p90_wait']))}; {escape(_pct(chat['abandonment']))} left before "
            f"an answer.</p>{agents}</div>")
