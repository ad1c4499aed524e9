"""The Studio's release pages: prepare, compare, sign in the browser, publish, roll back.

    GET  /studio/releases                 releases, published versions (roll back), "Prepare a release"
    POST /studio/releases                 build the current files and compare them with what is published
    GET  /studio/releases/N               progress; then what changes, question by question, and signing
    POST /studio/releases/N/publish       the browser's signature (publishers); a regression needs a reason
    GET  /studio/releases/N/files         what changed in the files since the previous published release
    POST /studio/releases/rollback        a release holding an old version's content (publishers)

Signing runs in the browser: static/sign.js (served by `pages`), the page's only script.
"""
from __future__ import annotations

import base64
import difflib
from html import escape
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sync_server.auth import check_same_origin
from sync_server.studio import releases
from sync_server.studio.pages import form_fields, open_studio, page

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_same_origin)])
_VERDICTS = {"regression": "answered right before, wrong now", "fixed": "now answered right",
             "changed": "answer changes", "wrong": "not answered right first"}


def _missing(user, what: str = "No such release.") -> HTMLResponse:
    return page("Not found — KB Studio", f"<div class=card><p>{escape(what)}</p></div>", user, 404)


@router.get("/studio/releases", response_class=HTMLResponse)
def release_list(request: Request) -> HTMLResponse:
    user, tree, refused = open_studio(request)
    if refused:
        return refused
    db = request.app.state.db
    kb = releases.kb_name(db, tree)
    rows = "".join(
        f"<tr><td><a href='/studio/releases/{r.id}'>Release {r.id}</a>"
        f"{f' (back to version {r.rollback_of})' if r.rollback_of is not None else ''}</td><td>{escape(r.status)}</td>"
        f"<td>{r.version or ''}</td><td>{escape(r.created_by)}, {escape(r.created_at)}</td>"
        f"<td>{escape(r.published_by)} {escape(r.published_at or '')}</td></tr>" for r in releases.recent(db))
    versions = ""
    for number, (version, sha, at) in enumerate(releases.published_versions(db, kb)):
        action = "<i>what installs have now</i>" if number == 0 else (
            f"<form method=post action='/studio/releases/rollback'><input type=hidden name=kb value='{escape(kb)}'>"
            f"<input type=hidden name=version value='{version}'><button type=submit>Roll back to this version"
            f"</button></form>" if user.publishes else "")
        versions += f"<tr><td>{version}</td><td>{escape(at)}</td><td><code>{escape(sha[:12])}</code></td><td>{action}</td></tr>"
    return page("Releases — KB Studio", f"""<div class=card><h2>Releases of {escape(kb)}</h2>
<p>A release builds the knowledge base as its files are now, asks every test question and the questions people
asked of both the published version and the new one, then a publisher signs it with their own key, in this
browser, and installs receive it at their next sync.</p>
<form method=post action='/studio/releases'><button type=submit>Prepare a release from the current files</button>
</form><table><tr><th>Release</th><th>State</th><th>Version</th><th>Prepared</th><th>Published</th></tr>{rows}
</table></div><div class=card><h2>Published versions</h2><table><tr><th>Version</th><th>Published</th>
<th>Snapshot</th><th></th></tr>{versions}</table><p class=note>A rollback publishes the chosen version's content
as a new version (installs only move forward) and puts its files back in the knowledge base.</p></div>""", user)


@router.post("/studio/releases")
def start_release(request: Request) -> Response:
    user, tree, refused = open_studio(request, posting=True)
    if refused:
        return refused
    release_id = releases.prepare(request.app.state, tree, user)
    return RedirectResponse(f"/studio/releases/{release_id}", status_code=303)


@router.post("/studio/releases/rollback")
async def rollback(request: Request) -> Response:
    user, tree, refused = open_studio(request, posting=True)
    if refused:
        return refused
    if not user.publishes:
        return page("Not allowed — KB Studio", "<div class=card><p>Only publishers roll back.</p></div>", user, 403)
    form = await form_fields(request)
    try:
        release_id = releases.roll_back(request.app.state, form.get("kb", ""), int(form.get("version") or -1), user)
    except (releases.Refused, ValueError) as exc:
        return _missing(user, str(exc))
    return RedirectResponse(f"/studio/releases/{release_id}", status_code=303)


def _said(said: dict) -> str:
    if said["kind"] == "none":
        return "<i>not published</i>"
    if said["id"] is None:
        return escape({"unknown": "not understood", "smalltalk": "small talk"}.get(said["kind"], said["kind"]))
    what = "answers" if said["kind"] == "answer" else "offers"
    return f"{what} <b>{escape(said['title'] or said['id'])}</b> <small>({escape(said['id'])}, {said['score']:.2f})</small>"


def _report(found: dict) -> str:
    if "rollback_of" in found:
        restored = ("Its files are put back in the knowledge base." if found.get("restores_files") else
                    "It was published from the command line: the Studio has no copy of its files, so only installs "
                    "go back; the files stay as they are.")
        return f"<p>This release brings back the content of version {found['rollback_of']}. {restored}</p>"
    rows = "".join(
        f"<tr class={escape(r['verdict'])}><td>{escape(r['question'])}</td><td>{'test' if r['source'] == 'test' else 'asked'}"
        f"</td><td>{escape(r['expected'] or ('(none)' if r['source'] == 'test' else ''))}</td><td>{_said(r['before'])}</td>"
        f"<td>{_said(r['after'])}</td><td>{escape(_VERDICTS[r['verdict']])}</td></tr>" for r in found.get("rows", []))
    problems = "".join(f"<li>{escape(p)}</li>" for p in found.get("test_problems", []))
    summary = (f"<p>{found['tests']} test question(s): {found['right_before']} right first in the published version, "
               f"{found['right_after']} in this one; <b>{found['regressions']} regression(s)</b>, {found['fixed']} fixed. "
               f"{found['asked']} question(s) people asked that were not understood: this version answers "
               f"{found['asked_answered']} of them.</p>")
    if found.get("first"):
        summary += ("<p class=note>Nothing was published yet: below are the test questions this first release does "
                    "not answer right first.</p>")
    if not found["tests"]:
        summary += ("<p class=notice>The knowledge base has no test questions: add <code>tests/*.jsonl</code> files "
                    "(<code>{\"q\": \"…\", \"expected\": \"article-id\"}</code>, one a line) so regressions are found."
                    "</p>")
    if found.get("first") and not rows:
        return summary + "<p class=ok>Every test question is answered right first.</p>"
    table = (f"<table class=compare><tr><th>Question</th><th>From</th><th>Expected</th><th>Published version</th>"
             f"<th>This release</th><th></th></tr>{rows}</table>" if rows else "<p>No answer changes.</p>")
    return summary + (f"<div class=problems>Test files not read:<ul>{problems}</ul></div>" if problems else "") + table


def _sign_form(release: releases.Release) -> str:
    reason = ""
    if release.regressions:
        reason = ("<label for=override>Why publish with these regressions? (kept in the history)</label>"
                  "<textarea id=override name=override rows=2 required></textarea>")
    return f"""<form id=sign class=edit method=post action='/studio/releases/{release.id}/publish'
data-message='{base64.b64encode(release.message).decode()}'><h3>Sign and publish</h3>
<p>Your signing key stays on this computer: the browser reads it and sends only the signature.</p>
<label for=keyfile>Signing key file (<code>.key</code> or <code>.browser-key</code>)</label><input type=file id=keyfile>
<label for=passphrase>Passphrase (a protected key)</label><input type=password id=passphrase autocomplete=off>
<input type=hidden name=signature value=''>{reason}
<p><button type=submit>Sign and publish version {release.version}</button> <span id=sign-status role=status></span></p>
</form>"""


@router.get("/studio/releases/{release_id}", response_class=HTMLResponse)
def release_page(request: Request, release_id: int, message: str = "") -> HTMLResponse:
    user, tree, refused = open_studio(request)
    if refused:
        return refused
    release = releases.get(request.app.state.db, release_id)
    if release is None:
        return _missing(user)
    notice = f"<p class=notice>{escape(message)}</p>" if message else ""
    title = f"Release {release.id} — KB Studio"
    head = (f"<h2>Release {release.id} <small>{escape(release.kb)}, prepared by {escape(release.created_by)} at "
            f"{escape(release.created_at)}</small></h2>{notice}")
    if release.status == releases.BUILDING:
        return page(title, f"<div class=card>{head}<p class=notice>Building and comparing: "
                           f"{escape(release.progress or 'starting')}…</p><p class=note>This page refreshes itself."
                           f"</p></div>", user, refresh=2)
    if release.status == releases.FAILED:
        listed = "".join(f"<li>{escape(p)}</li>" for p in release.problems.splitlines())
        return page(title, f"<div class=card>{head}<div class=problems><b>The knowledge base does not build:</b>"
                           f"<ul>{listed}</ul></div><p>Fix the articles, then prepare a new release.</p></div>", user)
    body = f"<div class=card>{head}<p class=note>{escape(release.progress)}. <a href='/studio/releases/{release.id}/files'>" \
           f"What changed in the files</a></p>{_report(release.findings)}"
    if release.status == releases.PUBLISHED:
        body += (f"<p class=ok>Published as version {release.version} by {escape(release.published_by)} at "
                 f"{escape(release.published_at or '')}. Installs receive it at their next sync.</p>")
        if release.override_reason:
            body += f"<p class=note>Published despite regressions: {escape(release.override_reason)}</p>"
        return page(title, body + "</div>", user)
    if not user.publishes:
        return page(title, body + "<p class=note>A publisher signs and publishes it.</p></div>", user)
    return page(title, body + _sign_form(release) + "</div>", user, script="sign")


@router.post("/studio/releases/{release_id}/publish")
async def publish(request: Request, release_id: int) -> Response:
    user, tree, refused = open_studio(request, posting=True)
    if refused:
        return refused
    release = releases.get(request.app.state.db, release_id)
    if release is None:
        return _missing(user)
    form = await form_fields(request)
    try:
        releases.publish(request.app.state, tree, release, form.get("signature", ""), user, form.get("override", ""))
    except releases.Refused as exc:
        return RedirectResponse(f"/studio/releases/{release_id}?{urlencode({'message': str(exc)})}", status_code=303)
    return RedirectResponse(f"/studio/releases/{release_id}", status_code=303)


@router.get("/studio/releases/{release_id}/files", response_class=HTMLResponse)
def release_files(request: Request, release_id: int) -> HTMLResponse:
    user, tree, refused = open_studio(request)
    if refused:
        return refused
    db = request.app.state.db
    release = releases.get(db, release_id)
    if release is None:
        return _missing(user)
    earlier = [r for r in releases.recent(db, 500) if r.id < release.id and r.status == releases.PUBLISHED]
    before = releases.sources(db, earlier[0].id) if earlier else {}
    after = releases.sources(db, release.id)
    parts = []
    for path in sorted(set(before) | set(after)):
        if before.get(path) == after.get(path):
            continue
        lines = difflib.unified_diff((before.get(path) or "").splitlines(), (after.get(path) or "").splitlines(),
                                     f"{path} (before)", f"{path} (release {release.id})", lineterm="", n=2)
        shown = "".join(f"<span class={'add' if line.startswith('+') else 'del' if line.startswith('-') else 'ctx'}>"
                        f"{escape(line)}</span>\n" for line in list(lines)[:400])
        parts.append(f"<h3>{escape(path)}</h3><pre class=diff>{shown}</pre>")
    against = f"release {earlier[0].id} (version {earlier[0].version})" if earlier else "nothing (the first release)"
    return page(f"Files of release {release.id} — KB Studio", f"""<div class=card><h2>What changed in the files:
<a href='/studio/releases/{release.id}'>release {release.id}</a> against {escape(against)}</h2>
<p>{len(parts)} file(s) changed.</p>{''.join(parts)}</div>""", user)
