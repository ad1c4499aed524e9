"""The Studio's import page: existing knowledge brought in as draft articles, as
`python -m kb_snapshots import` does it.

    GET  /studio/import      the form        POST: files uploaded, or an ITSM's knowledge base read

Uploaded files (HTML, Markdown, Word, text from an intranet export) or the articles of
Request Tracker, ServiceNow, Zammad or GLPI are written into the KB source tree as
`status: draft` articles: the builder leaves them out until someone has read each one and
set it to "shown to employees" in the editor (a change a publisher approves). Passwords
and tokens are used for this one reading and never stored or shown; the audit log says
who imported what from where.
"""
from __future__ import annotations

import importlib
import tempfile
from html import escape
from pathlib import Path, PurePath

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from kb_snapshots.importing.command import SOURCES
from kb_snapshots.importing.draft import write_source
from kb_snapshots.importing.folder import SUFFIXES
from sync_server.auth import check_same_origin
from sync_server.studio.accounts import audit
from sync_server.studio.pages import open_studio, page

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_same_origin)])
MAX_UPLOAD_FILES = 500
REMOTE = [name for name, (_, _, remote, _) in SOURCES.items() if remote]


def _form(user, message: str = "", status: int = 200) -> HTMLResponse:
    sources = "".join(f"<option value={name}>{escape(SOURCES[name][3])}</option>" for name in REMOTE)
    return page("Import — KB Studio", f"""<div class=card><h2>Bring in existing knowledge</h2>{message}
<p>Imported articles arrive as drafts: employees do not see them until someone has read each one and set it to
"shown to employees". Example questions are suggested from each title and text.</p>
<form class=edit method=post action='/studio/import' enctype='multipart/form-data'><h3>From files</h3>
<label for=files>HTML, Markdown, Word (.docx) or text files, e.g. an intranet export</label>
<input type=file id=files name=files multiple accept='{",".join(sorted(SUFFIXES))}'>
<label for=base_url>Where they were published (relative links are made absolute against it)</label>
<input type=text id=base_url name=base_url placeholder='https://intranet.example.com/it/'>
<p><button type=submit name=source value=files>Import the files</button></p></form>
<form class=edit method=post action='/studio/import' enctype='multipart/form-data'><h3>From a helpdesk tool</h3>
<label for=source>Tool</label><select id=source name=source>{sources}</select>
<label for=url>Its address</label><input type=text id=url name=url placeholder='https://rt.example.com' required>
<label for=username>Account that may read the knowledge base</label><input type=text id=username name=username>
<label for=secret>Its password (or an API token, without an account name)</label>
<input type=password id=secret name=secret autocomplete=off>
<p class=note>Used for this import only: it is neither stored nor logged.</p>
<p><button type=submit>Import the articles</button></p></form></div>""", user, status)


@router.get("/studio/import", response_class=HTMLResponse)
def import_form(request: Request) -> HTMLResponse:
    user, _, refused = open_studio(request)
    return refused or _form(user)


def _read_remote(source: str, url: str, username: str, secret: str) -> list:
    module_name, function, _, _ = SOURCES[source]
    reader = getattr(importlib.import_module(module_name), function)
    options = {"auth": (username, secret)} if username else {"token": secret} if secret else {}
    return reader(url, **options)


def _read_files(uploads: list[tuple[str, bytes]], base_url: str) -> tuple[list, list[str]]:
    from kb_snapshots.importing.folder import read_folder  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as work:
        skipped = []
        for number, (name, data) in enumerate(uploads):
            clean = PurePath(name.replace("\\", "/")).name or f"file-{number}"
            if PurePath(clean).suffix.lower() not in SUFFIXES:
                skipped.append(f"{clean}: not HTML, Markdown, Word or text")
                continue
            target = Path(work) / f"{number:04d}-{clean}"
            target.write_bytes(data)
        drafts, more = read_folder(Path(work), base_url=base_url)
    for draft in drafts:
        draft.source = draft.source.split("-", 1)[-1]           # the name as uploaded
    return drafts, skipped + [line.split("-", 1)[-1] for line in more]


@router.post("/studio/import", response_class=HTMLResponse)
async def run_import(request: Request) -> Response:
    user, tree, refused = open_studio(request, posting=True)
    if refused:
        return refused
    form = await request.form(max_files=MAX_UPLOAD_FILES, max_fields=50)
    source = str(form.get("source") or "")
    skipped: list[str] = []
    secret = str(form.get("secret") or "")
    try:
        if source == "files":
            uploads = [(f.filename or "", await f.read()) for f in form.getlist("files") if hasattr(f, "read")]
            drafts, skipped = await run_in_threadpool(_read_files, uploads, str(form.get("base_url") or ""))
            origin = f"{len(uploads)} uploaded file(s)"
        elif source in REMOTE:
            url = str(form.get("url") or "").strip()
            drafts = await run_in_threadpool(_read_remote, source, url, str(form.get("username") or "").strip(), secret)
            origin = f"{source} {url}"
        else:
            return _form(user, "<div class=problems>Choose files or a tool.</div>", 400)
    except Exception as exc:  # noqa: BLE001 - a source that cannot be read is told in one line
        from desktop.itsm.errors import ItsmError  # noqa: PLC0415

        if not isinstance(exc, (ItsmError, OSError, ValueError)):
            raise
        message = str(exc).replace(secret, "***") if secret else str(exc)
        return _form(user, f"<div class=problems><b>Nothing was imported:</b> {escape(message)}</div>", 502)
    finally:
        await form.close()
    if not drafts:
        listed = "".join(f"<li>{escape(s)}</li>" for s in skipped)
        return _form(user, f"<div class=problems><b>Nothing to import.</b><ul>{listed}</ul></div>", 400)
    config = tree.config()
    languages = tuple(str(lang) for lang in config.get("languages") or ("en",))
    written = write_source(drafts, tree.root, languages=languages,
                           default_lang=str(config.get("default_lang") or languages[0]))
    audit(request.app.state.db, user.name, "imported", origin, f"{len(written)} draft article(s)")
    rows = "".join(f"<li><a href='/studio/articles/{escape(_id(p))}'>{escape(str(p.relative_to(tree.root)))}</a></li>"
                   for p in written[:200])
    listed = "".join(f"<li>{escape(s)}</li>" for s in skipped)
    return page("Imported — KB Studio", f"""<div class=card><h2>{len(written)} draft article(s) imported</h2>
<p class=ok>From {escape(origin)}. Read each one, fix its example questions, and set it to "shown to employees".</p>
<ul>{rows}</ul>{f'<h3>Skipped</h3><ul>{listed}</ul>' if listed else ''}</div>""", user)


def _id(path: Path) -> str:
    from sync_server.studio.source import split  # noqa: PLC0415

    data, _ = split(path.read_text(encoding="utf-8"))
    return str(data.get("id") or path.stem)
