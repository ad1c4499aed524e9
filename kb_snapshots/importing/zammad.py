"""Zammad's knowledge base, through its REST API (docs.zammad.org, API, Knowledge Base).

    drafts = read_zammad("https://support.example.com", auth=("jdoe", password))
    drafts = read_zammad("https://support.example.com", token=access_token)   # Token token=…

`POST /api/v1/knowledge_bases/init` returns the structure as id-keyed maps
(KnowledgeBase, KnowledgeBaseLocale, KnowledgeBaseCategory, KnowledgeBaseAnswer,
KnowledgeBaseAnswerTranslation: title, kb_locale_id, answer_id, content_id) but no bodies;
`GET /api/v1/knowledge_bases/{kb}/answers/{answer}?include_contents={content ids}` returns
one answer's KnowledgeBaseAnswerTranslationContent (the HTML bodies) for each published
answer, and `GET /api/v1/locales` names the system locales (en-us, fr-fr…) that a
KnowledgeBaseLocale's `system_locale_id` points to. Every translation of a published answer
(published_at passed, archived_at not passed) is one draft; drafts, internal-only and
archived answers are left out. Every reply is bounded in size and time (desktop.itsm.http),
and no error message shows the password or token.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

from desktop.itsm.errors import Forbidden, NotFound
from desktop.itsm.http import HttpClient
from kb_snapshots.importing.draft import Draft
from kb_snapshots.importing.remote import int_id, password_of, secrets_hidden
from kb_snapshots.importing.html import to_markdown

MAX_ARTICLES = 20_000
LANGUAGES = ("en", "fr")


def read_zammad(url: str, auth: Any = None, token: str | None = None, session: Any = None,
                timeout: float = 30.0) -> list[Draft]:
    base = url.rstrip("/")
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token token={token}"
    client = HttpClient(base + "/api/v1", session, timeout=timeout, auth=None if token else auth, headers=headers)
    with secrets_hidden(token, password_of(auth)):
        assets = client.json("POST", "/knowledge_bases/init", json={})
        locales = _locale_codes(client)
        return _drafts(client, base, assets if isinstance(assets, dict) else {}, locales)


def _drafts(client: HttpClient, base: str, assets: dict, locales: dict[int, str]) -> list[Draft]:
    answers = _records(assets, "KnowledgeBaseAnswer")
    categories = _records(assets, "KnowledgeBaseCategory")
    kb_locales = _records(assets, "KnowledgeBaseLocale")
    knowledge_bases = _records(assets, "KnowledgeBase")
    translations_of: dict[int, list[dict]] = defaultdict(list)
    for translation in _records(assets, "KnowledgeBaseAnswerTranslation").values():
        title = translation.get("title")
        content_id = int_id(translation.get("content_id"))
        if isinstance(title, str) and title.strip() and content_id is not None:
            translations_of[int_id(translation.get("answer_id"))].append(translation)
    drafts: list[Draft] = []
    for answer_id, answer in sorted(answers.items()):
        if len(drafts) >= MAX_ARTICLES:
            break
        kb_id = _knowledge_base_of(answer, categories, knowledge_bases)
        if kb_id is None or not translations_of[answer_id] or not _published(answer):
            continue
        translations = translations_of[answer_id]
        bodies = _bodies(client, kb_id, answer_id, [int_id(t["content_id"]) for t in translations])
        for translation in translations:
            kb_locale = kb_locales.get(int_id(translation.get("kb_locale_id")), {})
            locale = locales.get(int_id(kb_locale.get("system_locale_id")), "")
            answer_path = f"locale/{locale}/answer/{answer_id}" if locale else f"answer/{answer_id}"
            drafts.append(Draft(title=translation["title"].strip(),
                                body=to_markdown(bodies.get(int_id(translation["content_id"]), ""), base + "/"),
                                source=f"{base}/#knowledge_base/{kb_id}/{answer_path}",
                                lang=_language(locale)))
    return drafts[:MAX_ARTICLES]


def _bodies(client: HttpClient, kb_id: int, answer_id: int, content_ids: list[int | None]) -> dict[int, str]:
    """content id -> HTML body, for one answer's translations."""
    wanted = ",".join(str(content_id) for content_id in content_ids if content_id is not None)
    reply = client.json("GET", f"/knowledge_bases/{kb_id}/answers/{answer_id}", params={"include_contents": wanted})
    assets = reply.get("assets") if isinstance(reply, dict) else None
    contents = _records(assets if isinstance(assets, dict) else {}, "KnowledgeBaseAnswerTranslationContent")
    return {content_id: content["body"] for content_id, content in contents.items()
            if isinstance(content.get("body"), str)}


def _locale_codes(client: HttpClient) -> dict[int, str]:
    """system locale id -> its code ("en-us"); empty (languages are guessed) if not listed."""
    try:
        listing = client.json("GET", "/locales")
    except (NotFound, Forbidden):
        return {}
    codes: dict[int, str] = {}
    for locale in listing if isinstance(listing, list) else []:
        if isinstance(locale, dict) and int_id(locale.get("id")) is not None and isinstance(locale.get("locale"), str):
            codes[int_id(locale["id"])] = locale["locale"].strip().lower()
    return codes


def _knowledge_base_of(answer: dict, categories: dict[int, dict], knowledge_bases: dict[int, dict]) -> int | None:
    category = categories.get(int_id(answer.get("category_id")), {})
    kb_id = int_id(category.get("knowledge_base_id"))
    if kb_id is None and knowledge_bases:
        kb_id = min(knowledge_bases)
    return kb_id


def _published(answer: dict) -> bool:
    return _passed(answer.get("published_at")) and not _passed(answer.get("archived_at"))


def _passed(timestamp: Any) -> bool:
    """Whether `timestamp` (ISO 8601, as Zammad writes it) is a moment already gone."""
    if not isinstance(timestamp, str):
        return False
    try:
        moment = datetime.fromisoformat(timestamp.strip())
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment <= datetime.now(timezone.utc)


def _language(locale: str) -> str:
    lang = locale.split("-")[0]
    return lang if lang in LANGUAGES else ""


def _records(assets: dict, model: str) -> dict[int, dict]:
    """One id-keyed map of an assets bundle, keeping only records that are dicts with a numeric id."""
    found = assets.get(model)
    if not isinstance(found, dict):
        return {}
    return {int_id(key): record for key, record in found.items()
            if int_id(key) is not None and isinstance(record, dict)}
