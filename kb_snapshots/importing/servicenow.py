"""ServiceNow's knowledge base (the kb_knowledge table), through the Table API.

    drafts = read_servicenow("https://acme.service-now.com", auth=("jdoe", password))
    drafts = read_servicenow("https://acme.service-now.com", token=oauth_token)   # Bearer

`GET /api/now/table/kb_knowledge` with `sysparm_query=workflow_state=published^ORDERBYnumber`
lists the published articles only (drafts, articles in review, retired and outdated ones
are left out), in pages of PER_PAGE (`sysparm_limit`, `sysparm_offset`) until a short page.
Each record gives the title (`short_description`), the body (`text`, HTML, or `wiki` for a
wiki article), keywords (`meta`, comma separated) and the language (`language`: en, fr, or
fq for French Canadian). Every reply is bounded in size and time (desktop.itsm.http), and
no error message shows the password or token.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from desktop.itsm.http import HttpClient
from kb_snapshots.importing.draft import Draft
from kb_snapshots.importing.remote import password_of, secrets_hidden
from kb_snapshots.importing.html import to_markdown

PER_PAGE = 100
MAX_ARTICLES = 20_000
TABLE = "/api/now/table/kb_knowledge"
PUBLISHED_BY_NUMBER = "workflow_state=published^ORDERBYnumber"
FIELDS = "sys_id,number,short_description,text,wiki,article_type,meta,kb_category,language"
LANGUAGES = {"en": "en", "fr": "fr", "fq": "fr"}


def read_servicenow(url: str, auth: Any = None, token: str | None = None, session: Any = None,
                    timeout: float = 30.0) -> list[Draft]:
    base = url.rstrip("/")
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    client = HttpClient(base, session, timeout=timeout, auth=None if token else auth, headers=headers)
    drafts: list[Draft] = []
    with secrets_hidden(token, password_of(auth)):
        for offset in range(0, MAX_ARTICLES, PER_PAGE):
            page = client.json("GET", TABLE, params={"sysparm_query": PUBLISHED_BY_NUMBER, "sysparm_fields": FIELDS,
                                                     "sysparm_limit": PER_PAGE, "sysparm_offset": offset})
            records = page.get("result") if isinstance(page, dict) else None
            if not isinstance(records, list):
                break
            drafts += [draft for draft in (_draft(record, base) for record in records) if draft is not None]
            if len(records) < PER_PAGE:
                break
    return drafts[:MAX_ARTICLES]


def _draft(record: Any, base: str) -> Draft | None:
    if not isinstance(record, dict):
        return None
    title, number = record.get("short_description"), record.get("number")
    if not isinstance(title, str) or not title.strip() or not isinstance(number, str) or not number.strip():
        return None
    wiki, text = _text(record, "wiki"), _text(record, "text")
    body = wiki.strip() if record.get("article_type") == "wiki" and wiki.strip() else to_markdown(text, base + "/")
    keywords = [word.strip() for word in _text(record, "meta").split(",") if word.strip()]
    lang = LANGUAGES.get(_text(record, "language").strip().lower(), "")
    return Draft(title=title.strip(), body=body, source=f"{base}/kb_view.do?sysparm_article={quote(number.strip())}",
                 lang=lang, keywords=keywords)


def _text(record: dict, field: str) -> str:
    value = record.get(field)
    return value if isinstance(value, str) else ""
