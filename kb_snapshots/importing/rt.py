"""Request Tracker's built-in Articles, through REST2.

    drafts = read_rt("https://rt.example.com", auth=("root", password))

`GET /REST/2.0/articles?query=[{"field":"id","operator":">","value":0}]` (pages of 100:
REST2 lists a collection only for a query) lists them; `GET /REST/2.0/article/N` gives each
one's Name (the title), Summary and custom fields. The body is the `Content` custom field
(HTML or text, as RT's editor saved it), else every other text field in order. Disabled
articles are left out. Every reply is bounded in size and time (desktop.itsm.http).
"""
from __future__ import annotations

import json
import re
from typing import Any

from desktop.itsm.http import HttpClient
from kb_snapshots.importing.draft import Draft
from kb_snapshots.importing.html import to_markdown
from kb_snapshots.importing.remote import int_id, password_of, secrets_hidden

PER_PAGE = 100
EVERY_ARTICLE = json.dumps([{"field": "id", "operator": ">", "value": 0}])
MAX_ARTICLES = 20_000
HTML_HINT = re.compile(r"<(p|div|br|ul|ol|li|h[1-6]|a|b|strong|em|table|span)\b", re.IGNORECASE)


def read_rt(url: str, auth: Any = None, token: str | None = None, session: Any = None,
            timeout: float = 30.0) -> list[Draft]:
    headers = {"Authorization": f"token {token}"} if token else {}
    client = HttpClient(url.rstrip("/") + "/REST/2.0", session, timeout=timeout, auth=None if token else auth,
                        headers=headers)
    with secrets_hidden(token, password_of(auth)):
        return _articles(client, url)


def _articles(client: HttpClient, url: str) -> list[Draft]:
    drafts: list[Draft] = []
    page = 1
    while len(drafts) < MAX_ARTICLES and page <= MAX_ARTICLES // PER_PAGE:
        listing = client.json("GET", "/articles", params={"query": EVERY_ARTICLE, "page": page, "per_page": PER_PAGE})
        items = listing.get("items") if isinstance(listing, dict) else None
        if not isinstance(items, list) or not items:
            break
        for item in items:
            article_id = int_id(item.get("id")) if isinstance(item, dict) else None
            if article_id is not None:
                draft = _article(client, url, article_id)
                if draft is not None:
                    drafts.append(draft)
        pages = listing.get("pages")
        if not isinstance(pages, (int, float)) or page >= pages:
            break
        page += 1
    return drafts[:MAX_ARTICLES]


def _article(client: HttpClient, url: str, article_id: int) -> Draft | None:
    record = client.json("GET", f"/article/{article_id}")
    if not isinstance(record, dict) or str(record.get("Disabled", "0")) not in ("0", "", "None"):
        return None
    fields = [cf for cf in record.get("CustomFields") or [] if isinstance(cf, dict)]
    content = [cf for cf in fields if str(cf.get("name", "")).lower() == "content"] or fields
    parts = [str(value) for cf in content for value in (cf.get("values") or []) if isinstance(value, str)]
    raw = "\n\n".join(part for part in parts if part.strip())
    body = to_markdown(raw, base_url=url) if HTML_HINT.search(raw) else raw.strip()
    summary = str(record.get("Summary") or "").strip()
    if not body and summary:
        body = summary
    title = str(record.get("Name") or "").strip() or summary or f"RT article {article_id}"
    return Draft(title=title, body=body, source=f"{url.rstrip('/')}/Articles/Article/Display.html?id={article_id}")
