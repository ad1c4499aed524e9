"""The Studio's editor: an article's form, new articles, and questions from the gap report.

    GET  /studio/articles/ID         the editor          POST: save as a draft (a change to review)
    GET  /studio/new?q=…             a new article, its first example question given (POST: as a draft)
    GET  /studio/gap?q=…             add a question nobody could answer to an article (POST: as a draft)

Every save is checked with the builder's own rules on a copy of the tree and kept as a
draft (sync_server/studio/changes.py); a second admin saving over a first is told about it.
"""
from __future__ import annotations

import re
from html import escape
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sync_server.auth import check_same_origin
from sync_server.studio import changes
from sync_server.studio.accounts import StudioUser
from sync_server.studio.pages import form_fields, login_page, open_studio, page, signed_in, source_tree
from sync_server.studio.preview import preview_html
from sync_server.studio.source import Article, SourceTree, compose, sha256

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_same_origin)])


def _editor(user: StudioUser, tree: SourceTree, article, values: dict, message: str = "", status: int = 200,
            seen: int = 0) -> HTMLResponse:
    teams = tree.config().get("teams") or {}
    team_options = "".join(f"<option value='{escape(k)}'{' selected' if k == values['team'] else ''}>"
                           f"{escape(str(v))}</option>" for k, v in {"": "(none)", **teams}.items())
    return page(f"{article.title} — KB Studio", f"""<div class=card><h2>{escape(article.title)}
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
<label for=status>Shown to employees</label><select id=status name=status>
<option value=''{'' if values['status'] == 'draft' else ' selected'}>Yes, once published</option>
<option value=draft{' selected' if values['status'] == 'draft' else ''}>Not yet (draft: left out of builds)</option></select>
<div class=split><div><label for=body>Body (Markdown; variables such as {{{{user.first_name}}}})</label>
<textarea id=body name=body rows=22>{escape(values['body'])}</textarea></div>
<div><label>Preview (as the tray app shows it, with sample values)</label>
<div id=preview class=preview data-lang="{escape(article.lang)}">{preview_html(values['body'], article.lang,
                                                                              _defaults(tree))}</div></div></div>
<p><button type=submit>Save as a draft</button> <span class=note>A publisher reviews it before it reaches
the file and the next build.</span></p></form></div>""", user, status, script="preview")


def _defaults(tree: SourceTree) -> dict:
    variables = tree.config().get("variables")
    return {str(k): str(v) for k, v in variables.items()} if isinstance(variables, dict) else {}


def _values(article) -> dict:
    return {"base": article.sha256, "title": article.title, "questions": "\n".join(article.questions),
            "keywords": ", ".join(article.keywords), "team": article.team, "topic": article.topic,
            "body": article.body.strip(), "status": "draft" if article.draft else ""}


@router.get("/studio/articles/{entry_id}", response_class=HTMLResponse)
def edit(request: Request, entry_id: str) -> HTMLResponse:
    user, tree, refused = open_studio(request)
    if refused:
        return refused
    article = tree.article(entry_id)
    if article is None:
        return page("Not found — KB Studio", f"<div class=card><p>No article {escape(entry_id)}.</p></div>", user, 404)
    waiting = changes.pending(request.app.state.db, entry_id)
    message = "".join(f"<p class=notice>{escape(c.author)} saved a draft of this article at {escape(c.created_at)} "
                      f"that waits for review: <a href='/studio/changes/{c.id}'>see it</a>.</p>" for c in waiting)
    return _editor(user, tree, article, _values(article), message, seen=max((c.id for c in waiting), default=0))


@router.post("/studio/articles/{entry_id}", response_class=HTMLResponse)
async def save(request: Request, entry_id: str) -> Response:
    user = signed_in(request)
    if user is None:
        return login_page("Your session ended: sign in again (your text was not saved).", 401)
    tree = source_tree(request)
    article = tree.article(entry_id) if tree else None
    if article is None:
        return page("Not found — KB Studio", f"<div class=card><p>No article {escape(entry_id)}.</p></div>", user, 404)
    form = await form_fields(request)
    values = {k: form.get(k, "") for k in ("base", "title", "questions", "keywords", "team", "topic", "body", "status")}
    text = compose(article.text, body=values["body"], title=values["title"].strip(),
                   questions=[q.strip() for q in values["questions"].splitlines() if q.strip()],
                   keywords=[k.strip() for k in values["keywords"].split(",") if k.strip()],
                   team=values["team"].strip(), topic=values["topic"].strip(),
                   status="draft" if values["status"] == "draft" else "")
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


def _suggestions(tree: SourceTree, question: str, limit: int = 8) -> list:
    """The articles whose title and example questions look most like `question`."""
    from rapidfuzz import fuzz, process  # noqa: PLC0415

    articles = [row["article"] for row in tree.articles()]
    texts = {i: " ".join([a.title, *a.questions]) for i, a in enumerate(articles)}
    found = process.extract(question, texts, scorer=fuzz.token_set_ratio, limit=limit)
    return [articles[i] for _, _, i in found]


@router.get("/studio/gap", response_class=HTMLResponse)
def gap(request: Request, q: str = "") -> HTMLResponse:
    user, tree, refused = open_studio(request)
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
    return page("Add a question — KB Studio", f"""<div class=card><h2>Teach the assistant a question</h2>
<p>Employees asked <b>{escape(question)}</b> and the assistant did not understand. Add it to the example questions of
the article that answers it: the change is a draft a publisher reviews, and the next build learns it.</p>
<form class=edit method=post action="/studio/gap"><input type=hidden name=q value="{escape(question)}">
<label for=article>Article (most alike first)</label><select id=article name=article>{options}</select>
<p><button type=submit>Add as an example question</button> or
<a href="/studio/new?{escape(urlencode({'q': question}))}">start a new article with it</a></p></form></div>""", user)


@router.post("/studio/gap")
async def add_gap(request: Request) -> Response:
    user, tree, refused = open_studio(request, posting=True)
    if refused:
        return refused
    form = await form_fields(request)
    question = " ".join(form.get("q", "").split())[:200]
    article = tree.article(form.get("article", ""))
    if article is None or not question:
        return page("Not found — KB Studio", "<div class=card><p>Choose an article.</p></div>", user, 404)
    questions = article.questions + ([question] if question.lower() not in {x.lower() for x in article.questions} else [])
    text = compose(article.text, body=article.body, title=article.title, questions=questions,
                   keywords=article.keywords, team=article.team, topic=article.topic)
    problems = tree.check(article.path, text)
    if problems:
        listed = "".join(f"<li>{escape(p)}</li>" for p in problems)
        return page("Not added — KB Studio", f"<div class='card problems'><b>Not added:</b><ul>{listed}</ul></div>",
                     user, 400)
    change_id = changes.propose(request.app.state.db, article, text, user)
    return RedirectResponse(f"/studio/console?{urlencode({'q': question, 'change': change_id})}", status_code=303)


def _new_form(user: StudioUser, tree: SourceTree, values: dict, message: str = "", status: int = 200) -> HTMLResponse:
    config = tree.config()
    langs = "".join(f"<option value='{escape(str(v))}'{' selected' if v == values['lang'] else ''}>{escape(str(v))}"
                    f"</option>" for v in config.get("languages") or [])
    teams = "".join(f"<option value='{escape(k)}'{' selected' if k == values['team'] else ''}>{escape(str(v))}</option>"
                    for k, v in {"": "(none)", **(config.get("teams") or {})}.items())
    return page("New article — KB Studio", f"""<div class=card><h2>New article</h2>{message}
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
    user, tree, refused = open_studio(request)
    if refused:
        return refused
    default_lang = str(tree.config().get("default_lang") or "")
    return _new_form(user, tree, {"id": "", "title": "", "lang": default_lang, "team": "",
                                  "questions": " ".join(q.split())[:200], "body": ""})


@router.post("/studio/new", response_class=HTMLResponse)
async def create_article(request: Request) -> Response:
    user, tree, refused = open_studio(request, posting=True)
    if refused:
        return refused
    form = await form_fields(request)
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
