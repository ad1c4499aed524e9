"""Synonyms per language: one group a line, the canonical word first.

    GET  /studio/synonyms      a box per language of the KB     POST: saved as a draft of synonyms.yaml

The file keeps its shape: comment lines (`# accounts and sign-in`) stay where they were,
as lines starting with `#` in the box, and each group is written `- [a, b, c]`.
"""
from __future__ import annotations

import re
from html import escape

import yaml
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sync_server.auth import check_same_origin
from sync_server.studio import changes
from sync_server.studio.pages import form_fields, open_studio, page
from sync_server.studio.source import Article, sha256

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_same_origin)])
PATH, ENTRY = "synonyms.yaml", "synonyms"
_LANG = re.compile(r"^([a-z]{2,3}):\s*$")
_GROUP = re.compile(r"^\s*-\s*\[(.*)\]\s*$")


def to_boxes(text: str) -> tuple[str, dict[str, list[str]]]:
    """(the file's opening comments, each language's lines: "a, b, c" or "# comment")."""
    head, boxes, lang = [], {}, None
    for line in text.splitlines():
        match = _LANG.match(line)
        if match:
            lang = match.group(1)
            boxes.setdefault(lang, [])
        elif lang is None:
            head.append(line)
        elif line.strip().startswith("#"):
            boxes[lang].append(line.strip())
        elif _GROUP.match(line):
            words = yaml.safe_load(f"[{_GROUP.match(line).group(1)}]") or []
            boxes[lang].append(", ".join(str(w) for w in words))
        elif line.strip():                      # a shape this editor does not know: read it as YAML
            data = yaml.safe_load(text) or {}
            return "", {str(k): [", ".join(map(str, g)) for g in v or []] for k, v in data.items()}
    return "\n".join(head), boxes


def from_boxes(head: str, boxes: dict[str, list[str]]) -> str:
    lines = [head.rstrip()] if head.strip() else []
    for lang, rows in boxes.items():
        if not any(row.strip() and not row.strip().startswith("#") for row in rows):
            continue                            # no group: the language is left out, not written empty
        lines.append(f"{lang}:")
        for row in rows:
            row = row.strip()
            if row.startswith("#"):
                lines.append(f"  {row}")
            elif row:
                words = [w.strip() for w in row.split(",") if w.strip()]
                lines.append("  - [" + ", ".join(yaml.safe_dump(w, allow_unicode=True, width=1000).strip()
                                                 .removesuffix("...").strip() for w in words) + "]")
    return "\n".join(lines) + "\n"


def _form(user, languages: list[str], boxes: dict[str, list[str]], message: str = "", status: int = 200):
    areas = "".join(f"<label for=lang-{escape(lang)}>{escape(lang)}</label><textarea id=lang-{escape(lang)} "
                    f"name=lang-{escape(lang)} rows=14>{escape(chr(10).join(boxes.get(lang, [])))}</textarea>"
                    for lang in languages)
    return page("Synonyms — KB Studio", f"""<div class=card><h2>Synonyms</h2>{message}<p>One group a line, words
separated by commas; the first word is the one the others are read as (<i>password, pwd, mot de passe</i> is wrong:
keep each language in its own box). Lines starting with # are notes.</p><form class=edit method=post
action='/studio/synonyms'>{areas}<p><button type=submit>Save as a draft</button></p></form></div>""", user, status)


def _text(tree) -> str:
    file = tree.root / PATH
    return file.read_text(encoding="utf-8") if file.exists() else ""


@router.get("/studio/synonyms", response_class=HTMLResponse)
def synonyms(request: Request) -> HTMLResponse:
    user, tree, refused = open_studio(request)
    if refused:
        return refused
    _, boxes = to_boxes(_text(tree))
    waiting = changes.pending(request.app.state.db, ENTRY)
    message = "".join(f"<p class=notice>{escape(c.author)} saved a draft of the synonyms at {escape(c.created_at)}: "
                      f"<a href='/studio/changes/{c.id}'>see it</a>.</p>" for c in waiting)
    languages = [str(lang) for lang in tree.config().get("languages") or []]
    return _form(user, languages + [lang for lang in boxes if lang not in languages], boxes, message)


@router.post("/studio/synonyms", response_class=HTMLResponse)
async def save(request: Request) -> Response:
    user, tree, refused = open_studio(request, posting=True)
    if refused:
        return refused
    current = _text(tree)
    head, _ = to_boxes(current)
    form = await form_fields(request)
    boxes = {key[5:]: value.splitlines() for key, value in form.items() if key.startswith("lang-") and
             re.fullmatch(r"[a-z]{2,3}", key[5:])}
    text = from_boxes(head, boxes)
    problems = tree.check(PATH, text)
    if problems:
        listed = "".join(f"<li>{escape(p)}</li>" for p in problems)
        return _form(user, list(boxes), boxes, f"<div class=problems><b>Not saved:</b><ul>{listed}</ul></div>", 400)
    article = Article(id=ENTRY, path=PATH, text=current, sha256=sha256(current), title="Synonyms")
    change_id = changes.propose(request.app.state.db, article, text, user)
    return RedirectResponse(f"/studio/changes/{change_id}?saved=1", status_code=303)
