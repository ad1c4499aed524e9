"""The Studio's pages: server-rendered HTML, no script (the dashboard's Content-Security-Policy).

    GET  /studio                     sign-in, or the articles (?q=, lang=, team=), and "New article"
    GET  /studio/audit               who did what
    GET  /studio/NAME.js             the Studio's own scripts (static/): signing, the live preview
    POST /studio/login, /studio/logout

and what every Studio page shares: the layout, who is signed in, the KB source tree.
The editor is in `editing`, drafts and versions in `review`.

Every POST must come from this server's own pages (Origin/Referer, `check_same_origin`);
the session cookie is HttpOnly, SameSite=Lax, Secure over https.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sync_server.auth import check_same_origin, own_scheme
from sync_server.dashboard import CSP, STYLE
from sync_server.studio import accounts, changes
from sync_server.studio.accounts import SESSION_COOKIE, SESSION_HOURS, StudioUser
from sync_server.studio.source import SourceTree

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_same_origin)])
SCRIPTS = {path.stem: path.read_text(encoding="utf-8") for path in (Path(__file__).parent / "static").glob("*.js")}
MAX_FORM = 512 * 1024
STUDIO_STYLE = """
nav a{color:#fff;margin-right:14px;text-decoration:none}nav a:hover{text-decoration:underline}
.edit label{display:block;margin:10px 0 2px;font-weight:600;font-size:14px}
.edit input[type=text],.edit textarea,.edit select{width:100%;box-sizing:border-box;padding:6px;font:inherit}
.edit textarea{font-family:ui-monospace,monospace;font-size:13px}.problems{background:#fdecea;padding:8px 12px;
border-radius:4px}.notice{background:#fff4d6;padding:8px 12px;border-radius:4px}.ok{background:#e6f4ea;
padding:8px 12px;border-radius:4px}pre.diff{background:#fafafa;padding:8px;overflow:auto;font-size:13px}
.add{color:#1b5e20;background:#e6f4ea;display:block}.del{color:#b71c1c;background:#fdecea;display:block}
.filters input,.filters select{padding:5px;margin-right:6px}.stale{color:#b26a00}.missing{color:#b00020}
.split{display:grid;grid-template-columns:1fr 1fr;gap:16px}.preview{border:1px solid #ccd;border-radius:4px;
padding:4px 12px;background:#fff;min-height:300px;max-height:460px;overflow:auto;font-size:14px}
tr.regression td,tr.wrong td{background:#fdecea}tr.fixed td{background:#e6f4ea}.unreachable{color:#b00020}
ul.tree{list-style:none;padding-left:18px;border-left:2px solid #dde}ul.tree li{margin:6px 0}
.node{display:inline-block;background:#eef3f8;border-radius:4px;padding:2px 8px;font-size:13px}
"""


def page(title: str, body: str, user: StudioUser | None = None, status: int = 200, *, script: str = "",
         refresh: int = 0) -> HTMLResponse:
    """A Studio page. `script` names one of the Studio's own scripts (served from /studio/),
    the only script a page may run; `refresh` reloads the page every N seconds (progress)."""
    nav = ""
    if user is not None:
        nav = (f"<header><h1>KB Studio</h1><nav><a href='/studio'>Articles</a><a href='/studio/trees'>Trees</a>"
               f"<a href='/studio/synonyms'>Synonyms</a><a href='/studio/import'>Import</a><a href='/studio/changes'>Drafts to "
               f"review</a><a href='/studio/console'>Test console</a><a href='/studio/releases'>Releases</a>"
               f"<a href='/studio/audit'>History</a><a href='/admin'>Dashboard</a></nav>"
               f"<form method=post action='/studio/logout'>{escape(user.name)} ({escape(user.role)}) "
               f"<button type=submit>Sign out</button></form></header>")
    head = f"<script src='/studio/{escape(script)}.js' defer></script>" if script else ""
    head += f"<meta http-equiv=refresh content={int(refresh)}>" if refresh else ""
    html = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
            f"<meta name=viewport content='width=device-width'><style>{STYLE}{STUDIO_STYLE}</style>{head}</head>"
            f"<body>{nav}<main>{body}</main></body></html>")
    policy = CSP + ("; script-src 'self'; connect-src 'self'" if script else "")
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": policy,
                                                           "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


def signed_in(request: Request) -> StudioUser | None:
    return accounts.session_user(request.app.state.db, request.cookies.get(SESSION_COOKIE))


def source_tree(request: Request) -> SourceTree | None:
    root = getattr(request.app.state.settings, "kb_source", None)
    return SourceTree(root) if root else None


async def form_fields(request: Request) -> dict[str, str]:
    raw = await request.body()
    if len(raw) > MAX_FORM:
        return {}
    return {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True).items()}


def login_page(error: str = "", status: int = 200) -> HTMLResponse:
    message = f"<p class=error>{escape(error)}</p>" if error else ""
    return page("Sign in — KB Studio", f"""<div class="card login"><h2>KB Studio</h2>
<form method=post action="/studio/login">{message}<label>Name<input name=name autocomplete=username required autofocus>
</label><label>Password<input type=password name=password autocomplete=current-password required></label>
<button type=submit>Sign in</button></form><p class=note>Accounts are made on the server:
<code>python -m sync_server studio-user NAME --role editor|publisher</code></p></div>""", status=status)


def open_studio(request: Request, posting: bool = False) -> tuple:
    """(user, tree, None) for a signed-in admin on a server with a KB source folder, else
    (…, the page to answer with): the sign-in form, or how to give the server its folder."""
    user = signed_in(request)
    if user is None:
        return None, None, (login_page("Your session ended: sign in again (nothing was saved).", 401) if posting
                            else login_page())
    tree = source_tree(request)
    return user, tree, None if tree is not None else no_tree_page(user)


def no_tree_page(user: StudioUser) -> HTMLResponse:
    return page("KB Studio", "<div class=card><p>The Studio edits a knowledge-base source folder. Start the server "
                              "with <code>--kb-source DIR</code> (the folder <code>kb_snapshots build</code> reads)."
                              "</p></div>", user, 503)


@router.get("/studio/{name}.js")
def script(name: str) -> Response:
    if name not in SCRIPTS:
        return Response("", status_code=404)
    return Response(SCRIPTS[name], media_type="text/javascript", headers={"Cache-Control": "no-cache",
                                                                          "X-Content-Type-Options": "nosniff"})


@router.post("/studio/login")
async def login(request: Request) -> Response:
    form = await form_fields(request)
    user = accounts.sign_in(request.app.state.db, form.get("name", ""), form.get("password", ""))
    if user is None:
        return login_page("That name and password do not match an active Studio account.", 401)
    session = accounts.open_session(request.app.state.db, user)
    accounts.audit(request.app.state.db, user.name, "signed in", "studio")
    reply = RedirectResponse("/studio", status_code=303)
    reply.set_cookie(SESSION_COOKIE, session, max_age=SESSION_HOURS * 3600, httponly=True, samesite="lax",
                     secure=own_scheme(request) == "https", path="/studio")
    return reply


@router.post("/studio/logout")
def logout(request: Request) -> Response:
    if request.cookies.get(SESSION_COOKIE):
        accounts.close_session(request.app.state.db, request.cookies[SESSION_COOKIE])
    reply = RedirectResponse("/studio", status_code=303)
    reply.delete_cookie(SESSION_COOKIE, path="/studio")
    return reply


def usage(request: Request) -> dict[str, int]:
    """Uses of each article and tree over the last 30 days, from the statistics."""
    since = (datetime.now(timezone.utc).date() - timedelta(days=29)).isoformat()
    with request.app.state.db.transaction(write=False) as tx:
        rows = tx.all("SELECT key, SUM(count) FROM stats_daily WHERE metric IN ('article_used', 'tree_used') "
                      "AND day >= ? GROUP BY key", (since,))
    return {key: int(count) for key, count in rows}


@router.get("/studio", response_class=HTMLResponse)
def articles(request: Request, q: str = "", lang: str = "", team: str = "") -> HTMLResponse:
    user, tree, refused = open_studio(request)
    if refused:
        return refused
    used, rows = usage(request), tree.articles()
    groups: dict[str, int] = {}
    for row in rows:
        a = row["article"]
        groups[a.translation_of or a.id] = groups.get(a.translation_of or a.id, 0) + used.get(a.id, 0)
    waiting = {c.entry_id for c in changes.pending(request.app.state.db)}
    wanted = q.strip().lower()
    shown = [r for r in rows if (not wanted or wanted in f"{r['article'].title} {r['article'].id}".lower())
             and (not lang or r["article"].lang == lang) and (not team or r["article"].team == team)]
    config = tree.config()
    options = lambda values, chosen: "".join(  # noqa: E731
        f"<option value='{escape(v)}'{' selected' if v == chosen else ''}>{escape(v or 'all')}</option>" for v in values)
    body_rows = "".join(
        f"<tr><td><a href='/studio/articles/{escape(r['article'].id)}'>{escape(r['article'].title)}</a>"
        f"{' <small>(draft waiting for review)</small>' if r['article'].id in waiting else ''}"
        f"{' <small>(status: draft)</small>' if r['article'].draft else ''}</td>"
        f"<td>{escape(r['article'].id)}</td><td>{escape(r['article'].lang)}</td><td>{escape(r['article'].team)}</td>"
        f"<td class=n>{groups.get(r['article'].translation_of or r['article'].id, 0)}</td>"
        f"<td>{r['changed']:%Y-%m-%d %H:%M}</td><td>{_translation(r['translation'])}</td></tr>" for r in shown)
    filters = (f"<form class=filters method=get action='/studio'><input name=q value='{escape(q)}' "
               f"placeholder='Search titles and ids'><select name=lang>{options(['', *config.get('languages', [])], lang)}"
               f"</select><select name=team>{options(['', *(config.get('teams') or {})], team)}</select>"
               f"<button type=submit>Filter</button></form>")
    return page("Articles — KB Studio", f"""<div class=card><h2>Articles ({len(shown)} of {len(rows)})
<a class=button href='/studio/new'>New article</a></h2>{filters}
<table><tr><th>Title</th><th>Id</th><th>Language</th><th>Team</th><th>Used (30 days, with translations)</th>
<th>Last change</th><th>Translations</th></tr>{body_rows}</table></div>""", user)


def _translation(state: str) -> str:
    return ", ".join(f"<span class={'stale' if part.endswith('stale') else 'missing'}>{escape(part)}</span>"
                     if part != "up to date" else escape(part) for part in state.split(", "))


@router.get("/studio/audit", response_class=HTMLResponse)
def history(request: Request) -> HTMLResponse:
    user = signed_in(request)
    if user is None:
        return login_page()
    rows = "".join(f"<tr><td>{escape(at)}</td><td>{escape(actor)}</td><td>{escape(action)}</td><td>{escape(target)}"
                   f"</td><td>{escape(detail)}</td></tr>" for at, actor, action, target, detail
                   in accounts.audit_log(request.app.state.db))
    return page("History — KB Studio", f"""<div class=card><h2>Who did what</h2><table><tr><th>When (UTC)</th>
<th>Who</th><th>What</th><th>On</th><th>Detail</th></tr>{rows}</table></div>""", user)


