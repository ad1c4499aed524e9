"""The Studio's pages: server-rendered HTML, no script (the dashboard's Content-Security-Policy).

    GET  /studio                     sign-in, or the articles (?q=, lang=, team=), and "New article"
    GET  /studio/articles/ID         the editor          POST: save as a draft (a change to review)
    GET  /studio/changes             drafts waiting for review
    GET  /studio/changes/N           the diff            POST …/approve, …/reject (publishers), …/restore
    GET  /studio/articles/ID/history the approved changes, each one restorable as a new draft
    GET  /studio/audit               who did what
    GET  /studio/gap?q=…             add a question nobody could answer to an article (POST: as a draft)
    GET  /studio/new?q=…             a new article, its first example question given (POST: as a draft)
    POST /studio/login, /studio/logout

Every POST must come from this server's own pages (Origin/Referer, `check_same_origin`);
the session cookie is HttpOnly, SameSite=Lax, Secure over https.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from html import escape
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sync_server.auth import check_same_origin, own_scheme
from sync_server.dashboard import CSP, STYLE
from sync_server.studio import accounts, changes
from sync_server.studio.accounts import SESSION_COOKIE, SESSION_HOURS, StudioUser
from sync_server.studio.source import Article, Conflict, SourceTree, compose, sha256

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_same_origin)])
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
"""


def _page(title: str, body: str, user: StudioUser | None = None, status: int = 200) -> HTMLResponse:
    nav = ""
    if user is not None:
        nav = (f"<header><h1>KB Studio</h1><nav><a href='/studio'>Articles</a><a href='/studio/changes'>Drafts to "
               f"review</a><a href='/studio/audit'>History</a><a href='/admin'>Dashboard</a></nav>"
               f"<form method=post action='/studio/logout'>{escape(user.name)} ({escape(user.role)}) "
               f"<button type=submit>Sign out</button></form></header>")
    html = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
            f"<meta name=viewport content='width=device-width'><style>{STYLE}{STUDIO_STYLE}</style></head>"
            f"<body>{nav}<main>{body}</main></body></html>")
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store",
                                                           "X-Content-Type-Options": "nosniff"})


def _user(request: Request) -> StudioUser | None:
    return accounts.session_user(request.app.state.db, request.cookies.get(SESSION_COOKIE))


def _tree(request: Request) -> SourceTree | None:
    root = getattr(request.app.state.settings, "kb_source", None)
    return SourceTree(root) if root else None


async def _form(request: Request) -> dict[str, str]:
    raw = await request.body()
    if len(raw) > MAX_FORM:
        return {}
    return {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True).items()}


def _login(error: str = "", status: int = 200) -> HTMLResponse:
    message = f"<p class=error>{escape(error)}</p>" if error else ""
    return _page("Sign in — KB Studio", f"""<div class="card login"><h2>KB Studio</h2>
<form method=post action="/studio/login">{message}<label>Name<input name=name autocomplete=username required autofocus>
</label><label>Password<input type=password name=password autocomplete=current-password required></label>
<button type=submit>Sign in</button></form><p class=note>Accounts are made on the server:
<code>python -m sync_server studio-user NAME --role editor|publisher</code></p></div>""", status=status)


def _open(request: Request, posting: bool = False) -> tuple:
    """(user, tree, None) for a signed-in admin on a server with a KB source folder, else
    (…, the page to answer with): the sign-in form, or how to give the server its folder."""
    user = _user(request)
    if user is None:
        return None, None, (_login("Your session ended: sign in again (nothing was saved).", 401) if posting
                            else _login())
    tree = _tree(request)
    return user, tree, None if tree is not None else _no_tree(user)


def _no_tree(user: StudioUser) -> HTMLResponse:
    return _page("KB Studio", "<div class=card><p>The Studio edits a knowledge-base source folder. Start the server "
                              "with <code>--kb-source DIR</code> (the folder <code>kb_snapshots build</code> reads)."
                              "</p></div>", user, 503)


@router.post("/studio/login")
async def login(request: Request) -> Response:
    form = await _form(request)
    user = accounts.sign_in(request.app.state.db, form.get("name", ""), form.get("password", ""))
    if user is None:
        return _login("That name and password do not match an active Studio account.", 401)
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


def _usage(request: Request) -> dict[str, int]:
    since = (datetime.now(timezone.utc).date() - timedelta(days=29)).isoformat()
    with request.app.state.db.transaction(write=False) as tx:
        rows = tx.all("SELECT key, SUM(count) FROM stats_daily WHERE metric IN ('article_used', 'tree_used') "
                      "AND day >= ? GROUP BY key", (since,))
    return {key: int(count) for key, count in rows}


@router.get("/studio", response_class=HTMLResponse)
def articles(request: Request, q: str = "", lang: str = "", team: str = "") -> HTMLResponse:
    user, tree, refused = _open(request)
    if refused:
        return refused
    usage, rows = _usage(request), tree.articles()
    groups: dict[str, int] = {}
    for row in rows:
        a = row["article"]
        groups[a.translation_of or a.id] = groups.get(a.translation_of or a.id, 0) + usage.get(a.id, 0)
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
    return _page("Articles — KB Studio", f"""<div class=card><h2>Articles ({len(shown)} of {len(rows)})
<a class=button href='/studio/new'>New article</a></h2>{filters}
<table><tr><th>Title</th><th>Id</th><th>Language</th><th>Team</th><th>Used (30 days, with translations)</th>
<th>Last change</th><th>Translations</th></tr>{body_rows}</table></div>""", user)


def _translation(state: str) -> str:
    return ", ".join(f"<span class={'stale' if part.endswith('stale') else 'missing'}>{escape(part)}</span>"
                     if part != "up to date" else escape(part) for part in state.split(", "))


def _editor(user: StudioUser, tree: SourceTree, article, values: dict, message: str = "", status: int = 200,
            seen: int = 0) -> HTMLResponse:
    teams = tree.config().get("teams") or {}
    team_options = "".join(f"<option value='{escape(k)}'{' selected' if k == values['team'] else ''}>"
                           f"{escape(str(v))}</option>" for k, v in {"": "(none)", **teams}.items())
    return _page(f"{article.title} — KB Studio", f"""<div class=card><h2>{escape(article.title)}
<small>({escape(article.id)}, {escape(article.lang)}, {escape(article.path)},
<a href='/studio/articles/{escape(article.id)}/history'>versions</a>)</small></h2>{message}
<form class=edit method=post action="/studio/articles/{escape(article.id)}">
<input type=hidden name=base value="{escape(values['base'])}"><input type=hidden name=seen value="{seen}">
<label for=title>Title</label><input type=text id=title name=title value="{escape(values['title'])}" required>
<label for=questions>Example questions (one a line: how employees ask for this)</label>
<textarea id=questions name=questions rows=6>{escape(values['questions'])}</textarea>
<label for=keywords>Keywords (comma separated)</label>
<input type=text id=keywords name=keywords value="{escape(values['keywords'])}">
<label for=team>Team (where escalations go)</label><select id=team name=team>{team_options}</select>
<label for=topic>Topic</label><input type=text id=topic name=topic value="{escape(values['topic'])}">
<label for=body>Body (Markdown; variables such as {{{{user.first_name}}}})</label>
<textarea id=body name=body rows=16>{escape(values['body'])}</textarea>
<p><button type=submit>Save as a draft</button> <span class=note>A publisher reviews it before it reaches
the file and the next build.</span></p></form></div>""", user, status)


def _values(article) -> dict:
    return {"base": article.sha256, "title": article.title, "questions": "\n".join(article.questions),
            "keywords": ", ".join(article.keywords), "team": article.team, "topic": article.topic,
            "body": article.body.strip()}


@router.get("/studio/articles/{entry_id}", response_class=HTMLResponse)
def edit(request: Request, entry_id: str) -> HTMLResponse:
    user, tree, refused = _open(request)
    if refused:
        return refused
    article = tree.article(entry_id)
    if article is None:
        return _page("Not found — KB Studio", f"<div class=card><p>No article {escape(entry_id)}.</p></div>", user, 404)
    waiting = changes.pending(request.app.state.db, entry_id)
    message = "".join(f"<p class=notice>{escape(c.author)} saved a draft of this article at {escape(c.created_at)} "
                      f"that waits for review: <a href='/studio/changes/{c.id}'>see it</a>.</p>" for c in waiting)
    return _editor(user, tree, article, _values(article), message, seen=max((c.id for c in waiting), default=0))


@router.post("/studio/articles/{entry_id}", response_class=HTMLResponse)
async def save(request: Request, entry_id: str) -> Response:
    user = _user(request)
    if user is None:
        return _login("Your session ended: sign in again (your text was not saved).", 401)
    tree = _tree(request)
    article = tree.article(entry_id) if tree else None
    if article is None:
        return _page("Not found — KB Studio", f"<div class=card><p>No article {escape(entry_id)}.</p></div>", user, 404)
    form = await _form(request)
    values = {k: form.get(k, "") for k in ("base", "title", "questions", "keywords", "team", "topic", "body")}
    text = compose(article.text, body=values["body"], title=values["title"].strip(),
                   questions=[q.strip() for q in values["questions"].splitlines() if q.strip()],
                   keywords=[k.strip() for k in values["keywords"].split(",") if k.strip()],
                   team=values["team"].strip(), topic=values["topic"].strip())
    db = request.app.state.db
    newer = [c for c in changes.pending(db, entry_id) if c.id > int(form.get("seen") or 0) and c.author != user.name]
    if values["base"] != article.sha256 or newer:
        what = (f"{escape(newer[-1].author)} saved a draft of this article at {escape(newer[-1].created_at)} "
                f"(<a href='/studio/changes/{newer[-1].id}'>see it</a>)" if newer else
                "the article's file changed")
        message = (f"<p class=notice>Not saved: since you opened this page {what}. Your text is below, nothing is "
                   "lost; merge what they changed and save again.</p>")
        seen = max((c.id for c in changes.pending(db, entry_id)), default=0)
        return _editor(user, tree, article, values | {"base": article.sha256}, message, 409, seen)
    problems = tree.check(article.path, text)
    if problems:
        listed = "".join(f"<li>{escape(p)}</li>" for p in problems)
        return _editor(user, tree, article, values, f"<div class=problems><b>Not saved:</b><ul>{listed}</ul></div>",
                       400, int(form.get("seen") or 0))
    change_id = changes.propose(db, article, text, user)
    return RedirectResponse(f"/studio/changes/{change_id}?saved=1", status_code=303)


@router.get("/studio/changes", response_class=HTMLResponse)
def waiting(request: Request) -> HTMLResponse:
    user = _user(request)
    if user is None:
        return _login()
    rows = "".join(f"<tr><td><a href='/studio/changes/{c.id}'>{escape(c.entry_id)}</a></td><td>{escape(c.author)}</td>"
                   f"<td>{escape(c.created_at)}</td></tr>" for c in changes.pending(request.app.state.db))
    table = (f"<table><tr><th>Article</th><th>By</th><th>Saved</th></tr>{rows}</table>" if rows
             else "<p class=note>Nothing waits for review.</p>")
    return _page("Drafts to review — KB Studio", f"<div class=card><h2>Drafts to review</h2>{table}</div>", user)


@router.get("/studio/changes/{change_id}", response_class=HTMLResponse)
def change_page(request: Request, change_id: int, saved: int = 0, message: str = "") -> HTMLResponse:
    user = _user(request)
    if user is None:
        return _login()
    tree, change = _tree(request), changes.get(request.app.state.db, change_id)
    if tree is None or change is None:
        return _page("Not found — KB Studio", "<div class=card><p>No such draft.</p></div>", user, 404)
    file = tree.root / change.path
    current = file.read_text(encoding="utf-8", errors="replace") if file.exists() else ""     # a new article
    before = change.before_text if change.status == changes.APPROVED else current
    lines = "".join(f"<span class={'add' if line.startswith('+') else 'del' if line.startswith('-') else 'ctx'}>"
                    f"{escape(line)}</span>\n" for line in changes.diff(before, change.text, change.path))
    note = "<p class=ok>Saved as a draft. A publisher reviews it.</p>" if saved else ""
    note += f"<p class=notice>{escape(message)}</p>" if message else ""
    actions = ""
    if change.status == changes.PENDING and user.publishes:
        actions = (f"<form method=post action='/studio/changes/{change.id}/approve'><button type=submit>Approve and "
                   f"write to the knowledge base</button></form><form method=post action='/studio/changes/{change.id}/"
                   f"reject'><label>Reason <input name=reason required></label> <button type=submit>Reject</button>"
                   f"</form>")
    elif change.status == changes.PENDING:
        actions = "<p class=note>A publisher approves or rejects it.</p>"
    else:
        actions = f"<p class=note>{escape(change.status.capitalize())} by {escape(change.reviewer)}. {escape(change.note)}</p>"
    if change.status == changes.APPROVED:
        actions += (f"<form method=post action='/studio/changes/{change.id}/restore'><button type=submit>Restore this "
                    f"version (as a new draft)</button></form> <a href='/studio/articles/{escape(change.entry_id)}/"
                    f"history'>All versions of this article</a>")
    return _page(f"Draft {change.id} — KB Studio", f"""<div class=card><h2>Draft {change.id}: {escape(change.entry_id)}
<small>by {escape(change.author)}, {escape(change.created_at)}, {escape(change.status)}</small></h2>{note}
<pre class=diff>{lines or '(no difference with the published text)'}</pre>{actions}</div>""", user)


@router.post("/studio/changes/{change_id}/{verdict}")
async def review(request: Request, change_id: int, verdict: str) -> Response:
    user = _user(request)
    if user is None:
        return _login("Your session ended: sign in again.", 401)
    tree, change = _tree(request), changes.get(request.app.state.db, change_id)
    if tree is None or change is None or verdict not in ("approve", "reject", "restore"):
        return _page("Not found — KB Studio", "<div class=card><p>No such draft.</p></div>", user, 404)
    if verdict == "restore":
        article = tree.article(change.entry_id)
        if article is None or change.status != changes.APPROVED:
            return _page("Not found — KB Studio", "<div class=card><p>Nothing to restore.</p></div>", user, 404)
        restored = changes.propose(request.app.state.db, article, change.text, user)
        return RedirectResponse(f"/studio/changes/{restored}?saved=1", status_code=303)
    if not user.publishes:
        return _page("Not allowed — KB Studio", "<div class=card><p>Only publishers approve or reject drafts.</p>"
                                                "</div>", user, 403)
    if change.status != changes.PENDING:
        return RedirectResponse(f"/studio/changes/{change.id}", status_code=303)
    form = await _form(request)
    message = ""
    if verdict == "reject":
        changes.reject(request.app.state.db, change, user, form.get("reason", "").strip() or "no reason given")
    else:
        try:
            changes.approve(request.app.state.db, tree, change, user)
        except Conflict:
            message = ("The article changed since this draft was written (another draft was approved, or its file "
                       "was edited). Reject it and ask its author to redo it on the current text.")
    query = urlencode({"message": message}) if message else ""
    return RedirectResponse(f"/studio/changes/{change.id}" + (f"?{query}" if query else ""), status_code=303)


@router.get("/studio/articles/{entry_id}/history", response_class=HTMLResponse)
def article_history(request: Request, entry_id: str) -> HTMLResponse:
    user = _user(request)
    if user is None:
        return _login()
    rows = "".join(f"<tr><td><a href='/studio/changes/{c.id}'>version of {escape(c.reviewed_at or c.created_at)}</a>"
                   f"</td><td>{escape(c.author)}</td><td>{escape(c.reviewer)}</td></tr>"
                   for c in changes.history(request.app.state.db, entry_id))
    table = (f"<table><tr><th>Approved</th><th>Written by</th><th>Approved by</th></tr>{rows}</table>" if rows else
             "<p class=note>No version was approved in the Studio yet.</p>")
    return _page(f"History of {entry_id} — KB Studio", f"""<div class=card><h2>Versions of
<a href='/studio/articles/{escape(entry_id)}'>{escape(entry_id)}</a></h2>{table}<p class=note>Each version can be
restored as a new draft. Edits made to the file outside the Studio (a text editor, git) are in git's history.</p>
</div>""", user)


@router.get("/studio/audit", response_class=HTMLResponse)
def history(request: Request) -> HTMLResponse:
    user = _user(request)
    if user is None:
        return _login()
    rows = "".join(f"<tr><td>{escape(at)}</td><td>{escape(actor)}</td><td>{escape(action)}</td><td>{escape(target)}"
                   f"</td><td>{escape(detail)}</td></tr>" for at, actor, action, target, detail
                   in accounts.audit_log(request.app.state.db))
    return _page("History — KB Studio", f"""<div class=card><h2>Who did what</h2><table><tr><th>When (UTC)</th>
<th>Who</th><th>What</th><th>On</th><th>Detail</th></tr>{rows}</table></div>""", user)


def _suggestions(tree: SourceTree, question: str, limit: int = 8) -> list:
    """The articles whose title and example questions look most like `question`."""
    from rapidfuzz import fuzz, process  # noqa: PLC0415

    articles = [row["article"] for row in tree.articles()]
    texts = {i: " ".join([a.title, *a.questions]) for i, a in enumerate(articles)}
    found = process.extract(question, texts, scorer=fuzz.token_set_ratio, limit=limit)
    return [articles[i] for _, _, i in found]


@router.get("/studio/gap", response_class=HTMLResponse)
def gap(request: Request, q: str = "") -> HTMLResponse:
    user, tree, refused = _open(request)
    if refused:
        return refused
    question = " ".join(q.split())[:200]
    if not question:
        return RedirectResponse("/studio", status_code=303)
    suggested = _suggestions(tree, question)
    others = sorted((row["article"] for row in tree.articles()), key=lambda a: a.title.lower())
    options = "".join(f"<option value='{escape(a.id)}'>{escape(a.title)} ({escape(a.lang)})</option>" for a in suggested)
    options += "<option disabled>──────────</option>" + "".join(
        f"<option value='{escape(a.id)}'>{escape(a.title)} ({escape(a.lang)})</option>" for a in others)
    return _page("Add a question — KB Studio", f"""<div class=card><h2>Teach the assistant a question</h2>
<p>Employees asked <b>{escape(question)}</b> and the assistant did not understand. Add it to the example questions of
the article that answers it: the change is a draft a publisher reviews, and the next build learns it.</p>
<form class=edit method=post action="/studio/gap"><input type=hidden name=q value="{escape(question)}">
<label for=article>Article (most alike first)</label><select id=article name=article>{options}</select>
<p><button type=submit>Add as an example question</button> or
<a href="/studio/new?{escape(urlencode({'q': question}))}">start a new article with it</a></p></form></div>""", user)


@router.post("/studio/gap")
async def add_gap(request: Request) -> Response:
    user, tree, refused = _open(request, posting=True)
    if refused:
        return refused
    form = await _form(request)
    question = " ".join(form.get("q", "").split())[:200]
    article = tree.article(form.get("article", ""))
    if article is None or not question:
        return _page("Not found — KB Studio", "<div class=card><p>Choose an article.</p></div>", user, 404)
    questions = article.questions + ([question] if question.lower() not in {x.lower() for x in article.questions} else [])
    text = compose(article.text, body=article.body, title=article.title, questions=questions,
                   keywords=article.keywords, team=article.team, topic=article.topic)
    problems = tree.check(article.path, text)
    if problems:
        listed = "".join(f"<li>{escape(p)}</li>" for p in problems)
        return _page("Not added — KB Studio", f"<div class='card problems'><b>Not added:</b><ul>{listed}</ul></div>",
                     user, 400)
    change_id = changes.propose(request.app.state.db, article, text, user)
    return RedirectResponse(f"/studio/changes/{change_id}?saved=1", status_code=303)


def _new_form(user: StudioUser, tree: SourceTree, values: dict, message: str = "", status: int = 200) -> HTMLResponse:
    config = tree.config()
    langs = "".join(f"<option value='{escape(str(v))}'{' selected' if v == values['lang'] else ''}>{escape(str(v))}"
                    f"</option>" for v in config.get("languages") or [])
    teams = "".join(f"<option value='{escape(k)}'{' selected' if k == values['team'] else ''}>{escape(str(v))}</option>"
                    for k, v in {"": "(none)", **(config.get("teams") or {})}.items())
    return _page("New article — KB Studio", f"""<div class=card><h2>New article</h2>{message}
<form class=edit method=post action="/studio/new">
<label for=id>Id (lowercase letters, digits and dashes; it never changes)</label>
<input type=text id=id name=id value="{escape(values['id'])}" required>
<label for=title>Title</label><input type=text id=title name=title value="{escape(values['title'])}" required>
<label for=lang>Language</label><select id=lang name=lang>{langs}</select>
<label for=team>Team</label><select id=team name=team>{teams}</select>
<label for=questions>Example questions (one a line)</label>
<textarea id=questions name=questions rows=5>{escape(values['questions'])}</textarea>
<label for=body>Body (Markdown)</label><textarea id=body name=body rows=12>{escape(values['body'])}</textarea>
<p><button type=submit>Save as a draft</button></p></form></div>""", user, status)


_NEW_FIELDS = ("id", "title", "lang", "team", "questions", "body")


@router.get("/studio/new", response_class=HTMLResponse)
def new_article(request: Request, q: str = "") -> HTMLResponse:
    user, tree, refused = _open(request)
    if refused:
        return refused
    default_lang = str(tree.config().get("default_lang") or "")
    return _new_form(user, tree, {"id": "", "title": "", "lang": default_lang, "team": "",
                                  "questions": " ".join(q.split())[:200], "body": ""})


@router.post("/studio/new", response_class=HTMLResponse)
async def create_article(request: Request) -> Response:
    user, tree, refused = _open(request, posting=True)
    if refused:
        return refused
    form = await _form(request)
    values = {k: form.get(k, "").strip() for k in _NEW_FIELDS}
    entry_id, lang = values["id"], values["lang"]
    problems = []
    if not re.fullmatch(r"[a-z0-9-]{1,64}", entry_id):
        problems.append("the id is 1-64 lowercase letters, digits and dashes")
    elif tree.article(entry_id) is not None or any(c.entry_id == entry_id for c in changes.pending(request.app.state.db)):
        problems.append(f"the id {entry_id} is already taken")
    if not re.fullmatch(r"[a-z]{2,3}", lang):
        problems.append("choose a language")
    if not problems:
        path = f"articles/{lang}/{entry_id}.md"
        text = compose(f"---\nid: {entry_id}\ntitle: x\nlang: {lang}\n---\n", body=values["body"],
                       title=values["title"], team=values["team"],
                       questions=[q.strip() for q in values["questions"].splitlines() if q.strip()])
        problems = tree.check(path, text)
    if problems:
        listed = "".join(f"<li>{escape(p)}</li>" for p in problems)
        return _new_form(user, tree, values, f"<div class=problems><b>Not saved:</b><ul>{listed}</ul></div>", 400)
    article = Article(id=entry_id, path=path, text="", sha256=sha256(""))
    change_id = changes.propose(request.app.state.db, article, text, user)
    return RedirectResponse(f"/studio/changes/{change_id}?saved=1", status_code=303)
