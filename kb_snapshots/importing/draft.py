"""Imported knowledge, written as a KB source tree of draft articles.

    drafts = [Draft(title="Reset your password", body="1. Open …", source="rt article 12")]
    written = write_source(drafts, Path("imported"))

Each draft becomes `articles/<lang>/<id>.md` with `status: draft` (the builder leaves
drafts out of snapshots until an admin has read them and removed the line), its title,
the example questions suggested from its title and body, and where it came from as a
comment. A kb.yaml is written when the folder has none. Bodies are Markdown that the
builder accepts: pictures become their description, raw HTML is gone, `{{` is escaped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from unidecode import unidecode

from desktop.engine.text import detect_language

MAX_TITLE = 200
MAX_QUESTIONS = 6
QUESTION_RE = re.compile(r"(?:^|(?<=[.!:\n)]))\s*([^.!?:\n#>*|()]{8,160}\?)")
HOW_TO_RE = re.compile(r"^(how (?:do|can|to) (?:i |we |you )?|comment )", re.IGNORECASE)
# Titles that start with one of these read as a task ("Reset your password"): "how do I …?"
TASK_VERBS = frozenset("access activate add book cancel change check choose clean configure connect copy create "
                       "delete disable download enable encrypt extend find fix get install join log map move open "
                       "order print recover register remove rename renew replace report request reset restore "
                       "send set share sign switch sync transfer uninstall unlock update upgrade use".split())
YOUR_RE = re.compile(r"\byour\b")
FR_INFINITIVE_RE = re.compile(r"^[a-zàâçéèêëîïôûùüÿœ]+(er|ir|re)$")


@dataclass
class Draft:
    title: str
    body: str                      # Markdown
    source: str                    # where it came from: a URL, a file, "rt article 12"
    lang: str = ""                 # "" = guessed from the text
    keywords: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)   # the source's own, if it has any


def slug(text: str, taken: set[str]) -> str:
    """A free article id from `text`: lowercase ASCII words joined by dashes."""
    base = re.sub(r"[^a-z0-9]+", "-", unidecode(text).lower()).strip("-")[:60].strip("-") or "article"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def suggest_questions(title: str, body: str, lang: str) -> list[str]:
    """How an employee might ask for this article: its title as a question, and the
    questions its body already asks (FAQ headings, "Why can't I…?")."""
    found: list[str] = []
    clean_title = title.strip().rstrip(".")
    if clean_title.endswith("?"):
        found.append(clean_title)
    elif HOW_TO_RE.match(clean_title):
        found.append(clean_title + " ?" if lang == "fr" else clean_title + "?")
    else:
        lowered = clean_title[:1].lower() + clean_title[1:]
        first = lowered.split()[0] if lowered.split() else ""
        if lang == "fr" and FR_INFINITIVE_RE.match(first):
            found.append(f"comment {lowered} ?")
        elif lang != "fr" and first in TASK_VERBS:
            found.append(f"how do I {YOUR_RE.sub('my', lowered)}?")
        found.append(clean_title)
    for match in QUESTION_RE.finditer(re.sub(r"[*_`#]+", "", body)):
        question = " ".join(match.group(1).split())
        if question.lower() not in {q.lower() for q in found}:
            found.append(question)
    return found[:MAX_QUESTIONS]


def clean_body(markdown: str) -> str:
    """What the builder accepts: no pictures, no raw HTML, no `{{` taken for a variable."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", lambda m: f"({m.group(1)})" if m.group(1).strip() else "", markdown)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    text = re.sub(r"<(/?[A-Za-z][^<>]*)>", r"`<\1>`", text)
    text = text.replace("{{", "{ {").replace("}}", "} }")
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


def _front_matter(entry: dict) -> str:
    return yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=1000)


def write_source(drafts: list[Draft], output: Path, languages: tuple[str, ...] = ("en", "fr"),
                 default_lang: str = "en", name: str = "Imported knowledge") -> list[Path]:
    """Write every draft under `output`; returns the article files written. Existing files
    are never overwritten: a second import of the same source gets new ids."""
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    config_file = output / "kb.yaml"
    if not config_file.exists():
        config_file.write_text(yaml.safe_dump({"name": name, "default_lang": default_lang,
                                               "languages": list(languages), "teams": {}},
                                              sort_keys=False, allow_unicode=True), encoding="utf-8")
    taken = {path.stem for path in output.glob("articles/**/*.md")}
    written: list[Path] = []
    for draft in drafts:
        title = " ".join(draft.title.split())[:MAX_TITLE] or "Untitled"
        body = clean_body(draft.body)
        if not body.strip():
            body = f"(The original, {draft.source}, had no text.)\n"
        lang = draft.lang if draft.lang in languages else detect_language(f"{title}\n{body}", list(languages),
                                                                        default_lang)
        article_id = slug(title, taken)
        entry = {"id": article_id, "title": title, "lang": lang, "status": "draft"}
        if draft.keywords:
            entry["keywords"] = [" ".join(k.split())[:80] for k in draft.keywords if k.strip()][:20]
        entry["questions"] = (draft.questions or suggest_questions(title, body, lang))[:MAX_QUESTIONS]
        path = output / "articles" / lang / f"{article_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        source_line = " ".join(draft.source.split())[:300]
        path.write_text(f"---\n# imported from {source_line}\n{_front_matter(entry)}---\n{body}", encoding="utf-8")
        written.append(path)
    return written
