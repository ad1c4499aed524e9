"""Drafts to review, and every approved version of an article.

    GET  /studio/changes             drafts waiting for review
    GET  /studio/changes/N           the diff            POST …/approve, …/reject (publishers), …/restore
    GET  /studio/articles/ID/history the approved changes, each one restorable as a new draft
"""
from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sync_server.auth import check_same_origin
from sync_server.studio import changes
from sync_server.studio.pages import form_fields, login_page, page, signed_in, source_tree
from sync_server.studio.source import Conflict

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_same_origin)])


@router.get("/studio/changes", response_class=HTMLResponse)
def waiting(request: Request) -> HTMLResponse:
    user = signed_in(request)
    if user is None:
        return login_page()
    rows = "".join(f"<tr><td><a href='/studio/changes/{c.id}'>{escape(c.entry_id)}</a></td><td>{escape(c.author)}</td>"
                   f"<td>{escape(c.created_at)}</td></tr>" for c in changes.pending(request.app.state.db))
    table = (f"<table><tr><th>Article</th><th>By</th><th>Saved</th></tr>{rows}</table>" if rows
             else "<p class=note>Nothing waits for review.</p>")
    return page("Drafts to review — KB Studio", f"<div class=card><h2>Drafts to review</h2>{table}</div>", user)


@router.get("/studio/changes/{change_id}", response_class=HTMLResponse)
def change_page(request: Request, change_id: int, saved: int = 0, message: str = "") -> HTMLResponse:
    user = signed_in(request)
    if user is None:
        return login_page()
    tree, change = source_tree(request), changes.get(request.app.state.db, change_id)
    if tree is None or change is None:
        return page("Not found — KB Studio", "<div class=card><p>No such draft.</p></div>", user, 404)
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
    if change.status == changes.PENDING:
        actions += (f"<p><a href='/studio/console?change={change.id}'>Try this draft in the test console</a>"
                    f"</p>")
    else:
        actions = f"<p class=note>{escape(change.status.capitalize())} by {escape(change.reviewer)}. {escape(change.note)}</p>"
    if change.status == changes.APPROVED:
        actions += (f"<form method=post action='/studio/changes/{change.id}/restore'><button type=submit>Restore this "
                    f"version (as a new draft)</button></form> <a href='/studio/articles/{escape(change.entry_id)}/"
                    f"history'>All versions of this article</a>")
    return page(f"Draft {change.id} — KB Studio", f"""<div class=card><h2>Draft {change.id}: {escape(change.entry_id)}
<small>by {escape(change.author)}, {escape(change.created_at)}, {escape(change.status)}</small></h2>{note}
<pre class=diff>{lines or '(no difference with the published text)'}</pre>{actions}</div>""", user)


@router.post("/studio/changes/{change_id}/{verdict}")
async def review(request: Request, change_id: int, verdict: str) -> Response:
    user = signed_in(request)
    if user is None:
        return login_page("Your session ended: sign in again.", 401)
    tree, change = source_tree(request), changes.get(request.app.state.db, change_id)
    if tree is None or change is None or verdict not in ("approve", "reject", "restore"):
        return page("Not found — KB Studio", "<div class=card><p>No such draft.</p></div>", user, 404)
    if verdict == "restore":
        article = tree.article(change.entry_id) or tree.file_at(change.path, change.entry_id)
        if change.status != changes.APPROVED:
            return page("Not found — KB Studio", "<div class=card><p>Nothing to restore.</p></div>", user, 404)
        restored = changes.propose(request.app.state.db, article, change.text, user)
        return RedirectResponse(f"/studio/changes/{restored}?saved=1", status_code=303)
    if not user.publishes:
        return page("Not allowed — KB Studio", "<div class=card><p>Only publishers approve or reject drafts.</p>"
                                                "</div>", user, 403)
    if change.status != changes.PENDING:
        return RedirectResponse(f"/studio/changes/{change.id}", status_code=303)
    form = await form_fields(request)
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
    user = signed_in(request)
    if user is None:
        return login_page()
    rows = "".join(f"<tr><td><a href='/studio/changes/{c.id}'>version of {escape(c.reviewed_at or c.created_at)}</a>"
                   f"</td><td>{escape(c.author)}</td><td>{escape(c.reviewer)}</td></tr>"
                   for c in changes.history(request.app.state.db, entry_id))
    table = (f"<table><tr><th>Approved</th><th>Written by</th><th>Approved by</th></tr>{rows}</table>" if rows else
             "<p class=note>No version was approved in the Studio yet.</p>")
    return page(f"History of {entry_id} — KB Studio", f"""<div class=card><h2>Versions of
<a href='/studio/articles/{escape(entry_id)}'>{escape(entry_id)}</a></h2>{table}<p class=note>Each version can be
restored as a new draft. Edits made to the file outside the Studio (a text editor, git) are in git's history.</p>
</div>""", user)


