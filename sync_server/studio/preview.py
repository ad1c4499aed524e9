"""An article's body as the tray app shows it: variables filled with sample values, then
Markdown (CommonMark with tables and strikethrough, what Qt's Markdown reader accepts).

    html = preview_html("Call {{helpdesk.phone}}", lang="fr", defaults={"helpdesk.phone": "+33 1 23"})
    POST /studio/preview   body=…&lang=…   the same, for the editor's live preview (static/preview.js)

Raw HTML in the body is shown as text and links may only be http(s), mailto or tel: the
preview never runs or loads anything the text contains.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt

from desktop.engine.variables import render
from sync_server.auth import check_same_origin
from sync_server.studio.pages import form_fields, signed_in, source_tree

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_same_origin)])
SAMPLE_VALUES = {
    "user.first_name": "Marie", "user.last_name": "Dupont", "user.full_name": "Marie Dupont",
    "user.email": "marie.dupont@example.com", "user.login": "mdupont", "device.hostname": "PC-0421",
    "device.os": "Windows 11", "device.os_version": "23H2", "device.ip": "10.20.30.40", "device.free_disk_gb": "48",
    "device.uptime": "2 days", "device.network": "connected", "device.vpn": "not connected",
    "app.version": "1.0", "kb.version": "42",
}
MAX_BODY = 200_000
_SAFE_LINK = ("http://", "https://", "mailto:", "tel:", "#", "/")
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])
_markdown.validateLink = lambda url: url.strip().lower().startswith(_SAFE_LINK)


def preview_html(body: str, lang: str = "en", defaults: dict | None = None, kb_name: str = "") -> str:
    values = {**SAMPLE_VALUES, "kb.name": kb_name, **(defaults or {})}
    return _markdown.render(render(body[:MAX_BODY], values, lang=lang, markdown=True))


@router.post("/studio/preview", response_class=HTMLResponse)
async def preview(request: Request) -> HTMLResponse:
    if signed_in(request) is None:
        return HTMLResponse("<p>Sign in again to see the preview.</p>", status_code=401)
    form = await form_fields(request)
    tree = source_tree(request)
    config = tree.config() if tree else {}
    defaults = config.get("variables") if isinstance(config.get("variables"), dict) else {}
    html = preview_html(form.get("body", ""), form.get("lang", "en")[:8], {k: str(v) for k, v in defaults.items()},
                        str(config.get("name") or ""))
    return HTMLResponse(html, headers={"Content-Security-Policy": "default-src 'none'", "Cache-Control": "no-store",
                                       "X-Content-Type-Options": "nosniff"})
