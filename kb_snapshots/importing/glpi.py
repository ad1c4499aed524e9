"""GLPI's knowledge base (KnowbaseItem), through its REST API (apirest.php).

    drafts = read_glpi("https://glpi.example.com", auth=("jdoe", password))
    drafts = read_glpi("https://glpi.example.com", token=user_token, app_token=app_token)

`GET /apirest.php/initSession` (basic auth, or `Authorization: user_token …`; `App-Token`
on every call when the API client needs one) gives a session_token, sent as
`Session-Token`; `GET /apirest.php/KnowbaseItem?range=0-99&expand_dropdowns=true` lists the
items a page of PER_PAGE at a time, until the total after the slash of `Content-Range`
(`0-99/250`) or a short page; `GET /apirest.php/killSession` ends the session, whatever
happened. Each item gives the title (`name`) and the body (`answer`, HTML that older GLPI
versions store entity-encoded: `&lt;p&gt;…`); FAQ items and the others alike are
imported, except items outside their visibility dates (`begin_date`, `end_date`). Every
reply is bounded in size and time (desktop.itsm.http), and no error message shows the
password or a token.
"""
from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from desktop.itsm.errors import BadResponse, ItsmError
from desktop.itsm.http import HttpClient, parse_json
from kb_snapshots.importing.draft import Draft
from kb_snapshots.importing.remote import int_id, password_of, secrets_hidden
from kb_snapshots.importing.html import to_markdown

PER_PAGE = 100
MAX_ARTICLES = 20_000
MAX_PAGES = MAX_ARTICLES // PER_PAGE
CONTENT_RANGE_RE = re.compile(r"\s*\d+\s*-\s*\d+\s*/\s*(\d{1,9})\s*")
SESSION_TOKEN_RE = re.compile(r"[A-Za-z0-9._-]{1,256}")


def read_glpi(url: str, auth: Any = None, token: str | None = None, app_token: str | None = None,
              session: Any = None, timeout: float = 30.0) -> list[Draft]:
    base = url.rstrip("/")
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    if app_token:
        headers["App-Token"] = app_token
    client = HttpClient(base + "/apirest.php", session, timeout=timeout, headers=headers)
    with secrets_hidden(token, app_token, password_of(auth)):
        client.headers["Session-Token"] = _init_session(client, auth, token)
        try:
            return _knowbase_items(client, base)
        finally:
            _kill_session(client)


def _init_session(client: HttpClient, auth: Any, token: str | None) -> str:
    login = {"Authorization": f"user_token {token}"} if token else {}
    reply = client.json("GET", "/initSession", headers=login, auth=None if token else auth)
    session_token = reply.get("session_token") if isinstance(reply, dict) else None
    if not isinstance(session_token, str) or not SESSION_TOKEN_RE.fullmatch(session_token):
        shown = f"{client.base_url}/initSession"
        raise BadResponse(f"GET {shown}: GLPI gave no usable session_token", method="GET", url=shown)
    return session_token


def _kill_session(client: HttpClient) -> None:
    try:
        client.request("GET", "/killSession")
    except ItsmError:
        pass


def _knowbase_items(client: HttpClient, base: str) -> list[Draft]:
    drafts: list[Draft] = []
    start = 0
    for _ in range(MAX_PAGES):
        response = client.request("GET", "/KnowbaseItem", params={"range": f"{start}-{start + PER_PAGE - 1}",
                                                                 "expand_dropdowns": "true"})
        items = parse_json(response, "GET", f"{client.base_url}/KnowbaseItem") if response.content else []
        if not isinstance(items, list) or not items:
            break
        drafts += [draft for draft in (_draft(item, base) for item in items) if draft is not None]
        start += PER_PAGE
        total = _total(response.headers.get("Content-Range"))
        if len(items) < PER_PAGE or (total is not None and start >= total) or len(drafts) >= MAX_ARTICLES:
            break
    return drafts[:MAX_ARTICLES]


def _draft(item: Any, base: str) -> Draft | None:
    if not isinstance(item, dict) or not _visible_now(item):
        return None
    item_id, name = int_id(item.get("id")), item.get("name")
    if item_id is None or not isinstance(name, str):
        return None
    title = html.unescape(name).strip()
    if not title:
        return None
    answer = item.get("answer") if isinstance(item.get("answer"), str) else ""
    if "<" not in answer and "&lt;" in answer:
        answer = html.unescape(answer)
    return Draft(title=title, body=to_markdown(answer, base + "/"),
                 source=f"{base}/front/knowbaseitem.form.php?id={item_id}")


def _visible_now(item: dict) -> bool:
    """Within the item's visibility dates ("2024-05-01 08:00:00", server time), when it has any."""
    now = datetime.now()
    begin, end = _moment(item.get("begin_date")), _moment(item.get("end_date"))
    return (begin is None or begin <= now) and (end is None or end > now)


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=None)
    except ValueError:
        return None


def _total(content_range: str | None) -> int | None:
    match = CONTENT_RANGE_RE.fullmatch(content_range or "")
    return int(match.group(1)) if match else None
