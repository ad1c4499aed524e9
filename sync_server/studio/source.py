"""The KB source tree the Studio edits: the same files `kb_snapshots` builds and git keeps.

    tree = SourceTree(Path("kb"))
    rows = tree.articles()                      # id, title, lang, team, translations (missing / stale)
    article = tree.article("printer-jam")       # its file's text, sha256 and fields
    text = compose(article.text, title=…, questions=[…], keywords=[…], team=…, topic=…, body=…)
    problems = tree.check(article.path, text)   # the builder's own messages for that file
    tree.write(article.path, text, base=article.sha256)   # Conflict if the file changed since

A change is checked against a copy of the whole tree, so cross-file rules (ids, translation
pairs) apply too. Writes replace the file in one step; nothing else is touched.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import yaml

from kb_snapshots.source import read_source
from kb_snapshots.validate import validate

FIELDS = ("title", "questions", "keywords", "team", "topic", "status")


class Conflict(Exception):
    """The file changed since the change was written."""


@dataclass
class Article:
    id: str
    path: str                 # relative to the tree's root
    text: str
    sha256: str
    title: str = ""
    lang: str = ""
    team: str = ""
    topic: str = ""
    questions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    body: str = ""
    translation_of: str = ""
    draft: bool = False


@dataclass
class TreeFile:
    id: str
    path: str
    text: str
    sha256: str
    data: dict

    @staticmethod
    def parse(text: str) -> dict:
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError:
            return {}
        return data if isinstance(data, dict) else {}

    def as_article(self) -> Article:
        """The tree as a file a change is proposed against (drafts handle both alike)."""
        return Article(id=self.id, path=self.path, text=self.text, sha256=self.sha256,
                       title=str(self.data.get("title") or ""), lang=str(self.data.get("lang") or ""))


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def dump_yaml(data: dict) -> str:
    """YAML as people write it: keys in their order, multi-line text as a `|` block."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split(text: str) -> tuple[dict, str]:
    """(front matter, body) of an article file."""
    if not text.startswith("---"):
        return {}, text
    end = text.find("\n---", 3)
    if end < 0:
        return {}, text
    data = yaml.safe_load(text[3:end]) or {}
    body = text[end + 4:]
    return (data if isinstance(data, dict) else {}), body[1:] if body.startswith("\n") else body


def compose(text: str, *, body: str, **fields) -> str:
    """The file `text` with the form's fields and body (`status` "draft", or empty for a
    published article); every other key (id, lang, translation_of) is kept as it was."""
    data, _ = split(text)
    for name in FIELDS:
        if name not in fields:
            continue
        value = fields.get(name)
        if value in (None, "", []):
            data.pop(name, None)
        else:
            data[name] = value
    return f"---\n{dump_yaml(data)}---\n{body.strip()}\n"


KB_FILES = ("kb.yaml", "synonyms.yaml")
KB_FOLDERS = ("articles", "trees", "tests")


def _kb_file(relative: Path) -> bool:
    parts = relative.parts
    if not parts or any(part.startswith(".") for part in parts):
        return False
    return relative.as_posix() in KB_FILES or (len(parts) > 1 and parts[0] in KB_FOLDERS)


class SourceTree:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def config(self) -> dict:
        try:
            data = yaml.safe_load((self.root / "kb.yaml").read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            return {}
        return data if isinstance(data, dict) else {}

    def _all(self) -> list[Article]:
        found = []
        for path in sorted(self.root.glob("articles/**/*.md")):
            text = path.read_text(encoding="utf-8", errors="replace")
            data, body = split(text)
            entry_id = str(data.get("id") or "")
            if not entry_id:
                continue
            found.append(Article(
                id=entry_id, path=str(path.relative_to(self.root)), text=text, sha256=sha256(text),
                title=str(data.get("title") or ""), lang=str(data.get("lang") or ""), team=str(data.get("team") or ""),
                topic=str(data.get("topic") or ""), questions=[str(q) for q in data.get("questions") or []],
                keywords=[str(k) for k in data.get("keywords") or []], body=body,
                translation_of=str(data.get("translation_of") or ""), draft=data.get("status") == "draft"))
        return found

    def files(self) -> dict[str, str]:
        """Every file of the knowledge base (kb.yaml, synonyms, articles, trees, tests) by
        relative path: what a release is built from and what a rollback restores."""
        found = {}
        for path in sorted(self.root.rglob("*")):
            relative = path.relative_to(self.root)
            if path.is_file() and _kb_file(relative):
                found[relative.as_posix()] = path.read_text(encoding="utf-8", errors="replace")
        return found

    def replace_all(self, files: dict[str, str]) -> list[str]:
        """Make the tree hold exactly `files` (kb files only; git and others untouched);
        returns the paths written or removed."""
        current = self.files()
        touched = []
        for path, text in files.items():
            if current.get(path) != text and _kb_file(Path(path)):
                target = self._inside(path)
                target.parent.mkdir(parents=True, exist_ok=True)
                temporary = target.with_name(f".{target.name}.studio.tmp")
                temporary.write_text(text, encoding="utf-8")
                os.replace(temporary, target)
                touched.append(path)
        for path in sorted(set(current) - set(files)):
            self._inside(path).unlink()
            touched.append(path)
        return touched

    def _inside(self, path: str) -> Path:
        target = (self.root / path).resolve()
        if not target.is_relative_to(self.root.resolve()):
            raise ValueError(f"{path} is outside the knowledge base")
        return target

    def trees(self) -> list[TreeFile]:
        found = []
        for path in sorted(self.root.glob("trees/**/*.yaml")):
            text = path.read_text(encoding="utf-8", errors="replace")
            data = TreeFile.parse(text)
            if data.get("id"):
                found.append(TreeFile(str(data["id"]), str(path.relative_to(self.root)), text, sha256(text), data))
        return found

    def file_at(self, path: str, entry_id: str) -> Article:
        """Any KB file (a tree, synonyms.yaml) as a file a change is proposed against."""
        target = self._inside(path)
        text = target.read_text(encoding="utf-8", errors="replace") if target.exists() else ""
        return Article(id=entry_id, path=path, text=text, sha256=sha256(text))

    def article(self, entry_id: str) -> Article | None:
        return next((a for a in self._all() if a.id == entry_id), None)

    def changed_at(self, article: Article) -> datetime:
        return datetime.fromtimestamp((self.root / article.path).stat().st_mtime, timezone.utc)

    def articles(self) -> list[dict]:
        """Every article with its translation state: for an original, each language of the
        KB with no translation ("missing") or one older than the original ("stale")."""
        articles = self._all()
        languages = [str(lang) for lang in self.config().get("languages") or []]
        translations: dict[str, dict[str, Article]] = {}
        for a in articles:
            if a.translation_of:
                translations.setdefault(a.translation_of, {})[a.lang] = a
        rows = []
        for a in articles:
            changed = self.changed_at(a)
            states = []
            if not a.translation_of:
                for lang in languages:
                    if lang == a.lang:
                        continue
                    other = translations.get(a.id, {}).get(lang)
                    if other is None:
                        states.append(f"{lang} missing")
                    elif self.changed_at(other) < changed:
                        states.append(f"{lang} stale")
            rows.append({"article": a, "changed": changed, "translation": ", ".join(states) or "up to date"})
        return rows

    def check(self, path: str, text: str) -> list[str]:
        """The builder's problems with the tree once `path` holds `text` ("line N: …")."""
        with tempfile.TemporaryDirectory() as work:
            copy = Path(work) / "kb"
            shutil.copytree(self.root, copy, ignore=shutil.ignore_patterns(".git"))
            (copy / path).write_text(text, encoding="utf-8")
            _, _, _, problems = validate(read_source(copy))
        return [f"line {p.line}: {p.message}" for p in problems if p.path == path] + \
               [f"{p.path}:{p.line}: {p.message}" for p in problems if p.path != path and path in p.message]

    def write(self, path: str, text: str, base: str) -> str:
        """Replace the file if it still is what the change was written against; returns
        the text it replaced."""
        target = self._inside(path)
        current = target.read_text(encoding="utf-8", errors="replace") if target.exists() else ""
        if sha256(current) != base:
            raise Conflict(path)
        temporary = target.with_name(f".{target.name}.studio.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
        return current
