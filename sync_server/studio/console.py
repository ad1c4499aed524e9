"""The test console: the real engine on the draft, one question at a time.

    GET /studio/console?q=…              the knowledge base as its files are now (drafts included)
    GET /studio/console?q=…&change=N     …with draft N applied (a change waiting for review)

The draft is built on the server (sync_server/studio/builds.py: seconds once its vectors
are cached; the page shows progress and refreshes itself), then the question is asked as
the tray app asks it: the reply's kind, the candidates with their confidence, and why:
the example questions and texts most like the question.
"""
from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from sync_server.auth import check_same_origin
from sync_server.studio import changes
from sync_server.studio.pages import open_studio, page

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_same_origin)])
_KINDS = {"answer": "Answers", "choose": "Offers a choice (\u201cdid you mean\u201d)", "unknown": "Does not understand",
          "smalltalk": "Small talk"}


@router.get("/studio/console", response_class=HTMLResponse)
def console(request: Request, q: str = "", change: int = 0) -> HTMLResponse:
    user, tree, refused = open_studio(request)
    if refused:
        return refused
    question = " ".join(q.split())[:300]
    files, applied = tree.files(), None
    if change:
        applied = changes.get(request.app.state.db, change)
        if applied is not None and applied.status == changes.PENDING:
            files[applied.path] = applied.text
        else:
            applied = None
    job = request.app.state.studio_builds.start(files, include_drafts=True)
    what = (f"the knowledge base with <a href='/studio/changes/{applied.id}'>draft {applied.id}</a> "
            f"({escape(applied.entry_id)}, by {escape(applied.author)}) applied" if applied else
            "the knowledge base as its files are now, drafts included")
    form = (f"<form class=filters method=get action='/studio/console'><input name=q value='{escape(question)}' "
            f"placeholder='Ask as an employee would' size=60 autofocus>"
            f"{f'<input type=hidden name=change value={applied.id}>' if applied else ''}"
            f"<button type=submit>Ask</button></form>")
    head = f"<div class=card><h2>Test console</h2><p>The real engine on {what}.</p>{form}"
    if job.state == "building":
        return page("Test console — KB Studio", f"{head}<p class=notice>Building the draft: {escape(job.progress)}"
                                               f"…</p><p class=note>This page refreshes itself.</p></div>", user,
                    refresh=2)
    if job.state == "failed":
        listed = "".join(f"<li>{escape(p)}</li>" for p in job.problems)
        return page("Test console — KB Studio", f"{head}<div class=problems><b>The draft does not build:</b>"
                                               f"<ul>{listed}</ul></div></div>", user)
    result = _answer(request.app.state.studio_builds.open(job), question) if question else ""
    return page("Test console — KB Studio", f"{head}<p class=note>Draft built in {job.seconds:.0f} s.</p>"
                                           f"{result}</div>", user)


def _answer(kb, question: str) -> str:
    reply = kb.ask(question)
    rows = "".join(f"<tr><td><a href='/studio/articles/{escape(h.id)}'>{escape(h.title)}</a></td><td>{escape(h.id)}"
                   f"</td><td>{escape(h.kind)}</td><td class=n>{h.score:.2f}</td></tr>" for h in reply.hits)
    why = "".join(f"<tr><td>{escape(text)}</td><td>{escape(field)}</td><td>{escape(entry_id)}</td>"
                  f"<td class=n>{similarity:.2f}</td></tr>" for entry_id, field, text, similarity
                  in kb.nearest_examples(question, limit=6))
    corrected = (f"<p class=note>Read as: {escape(', '.join(f'{a} → {b}' for a, b in reply.corrections.items()))}</p>"
                 if reply.corrections else "")
    ask_again = urlencode({"q": question})
    return (f"<h3 id=verdict>{escape(_KINDS.get(reply.kind, reply.kind))} <small>(language {escape(reply.lang)})</small>"
            f"</h3>{corrected}"
            + (f"<table id=candidates><tr><th>Candidate</th><th>Id</th><th>Kind</th><th>Confidence</th></tr>{rows}"
               f"</table>" if rows else "")
            + (f"<h3>Why: the most similar example questions and texts</h3><table id=why><tr><th>Text</th>"
               f"<th>From</th><th>Article</th><th>Similarity</th></tr>{why}</table>" if why else "")
            + (f"<p class=note>Not understood? <a href='/studio/gap?{escape(ask_again)}'>Teach it this question</a>"
               f"</p>" if reply.kind != "answer" else ""))
