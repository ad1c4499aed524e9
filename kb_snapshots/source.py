"""Reading a knowledge-base source tree (see docs/kb-format.md) with line numbers.

    >>> source = read_source(Path("kb_snapshots/sample_kb"))
    >>> source.articles[0].data["id"], source.articles[0].line("title")

Parsing never stops at the first problem: every unreadable file becomes a `Problem`
and the rest is still read, so an admin sees all that is wrong in one run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the source, shown as `file:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class LineDict(dict):
    """A mapping that remembers the line each key was written on (1-based)."""

    lines: dict[str, int]
    start_line: int


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    written: set[str] = set()
    for key_node, _ in node.value:   # YAML keeps only the last of two equal keys: say so instead
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
            if key_node.value in written:
                raise yaml.constructor.ConstructorError(
                    None, None, f"'{key_node.value}' is written twice in the same mapping", key_node.start_mark)
            written.add(key_node.value)
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.lines = {}
    mapping.start_line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain word", key_node.start_mark)
        mapping[str(key)] = loader.construct_object(value_node, deep=True)
        mapping.lines[str(key)] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass
class SourceFile:
    """One parsed file: its data, where it lives and where each key was written."""

    path: str               # relative to the KB root, for messages
    data: LineDict
    offset: int = 0         # lines before the YAML starts (front matter delimiter)
    body: str = ""          # Markdown body, for articles
    body_line: int = 1

    def line(self, key: str | None = None, within: LineDict | None = None) -> int:
        mapping = within if within is not None else self.data
        if key is not None and key in getattr(mapping, "lines", {}):
            return mapping.lines[key] + self.offset
        return getattr(mapping, "start_line", 1) + self.offset


@dataclass
class Source:
    root: Path
    config: SourceFile | None = None
    articles: list[SourceFile] = field(default_factory=list)
    trees: list[SourceFile] = field(default_factory=list)
    synonyms: SourceFile | None = None
    problems: list[Problem] = field(default_factory=list)


def _load_yaml(text: str, rel: str, offset: int, problems: list[Problem]) -> LineDict | None:
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + offset
        problems.append(Problem(rel, line, f"not valid YAML: {exc.problem or exc}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(rel, 1 + offset, f"not valid YAML: {exc}"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(rel, 1 + offset, "expected a mapping of keys to values"))
        return None
    return data


def _read_text(path: Path, rel: str, problems: list[Problem]) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(rel, 1, "not UTF-8 text"))
    except OSError as exc:
        problems.append(Problem(rel, 1, f"cannot read: {exc.strerror}"))
    return None


def read_article(path: Path, rel: str, problems: list[Problem]) -> SourceFile | None:
    text = _read_text(path, rel, problems)
    if text is None:
        return None
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(rel, 1, "an article starts with '---' and YAML front matter"))
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        problems.append(Problem(rel, 1, "front matter is not closed by a '---' line"))
        return None
    data = _load_yaml("\n".join(lines[1:end]), rel, 1, problems)
    if data is None:
        return None
    rest = "\n".join(lines[end + 1:])
    body = rest.strip("\n")
    skipped = len(rest) - len(rest.lstrip("\n"))   # blank lines before the body starts
    return SourceFile(rel, data, offset=1, body=body, body_line=end + 2 + skipped)


def read_source(root: Path) -> Source:
    """Read every file of a KB source tree; problems are collected, not raised."""
    root = Path(root)
    source = Source(root=root)
    if not root.is_dir():
        source.problems.append(Problem(str(root), 1, "not a folder"))
        return source
    config_path = root / "kb.yaml"
    if not config_path.exists():
        source.problems.append(Problem("kb.yaml", 1, "missing: every KB needs a kb.yaml"))
    else:
        text = _read_text(config_path, "kb.yaml", source.problems)
        data = _load_yaml(text, "kb.yaml", 0, source.problems) if text is not None else None
        if data is not None:
            source.config = SourceFile("kb.yaml", data)
    for path in sorted((root / "articles").rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        article = read_article(path, rel, source.problems)
        if article is not None:
            source.articles.append(article)
    for path in sorted((root / "trees").rglob("*.yaml")) + sorted((root / "trees").rglob("*.yml")):
        rel = path.relative_to(root).as_posix()
        text = _read_text(path, rel, source.problems)
        data = _load_yaml(text, rel, 0, source.problems) if text is not None else None
        if data is not None:
            source.trees.append(SourceFile(rel, data))
    synonyms_path = root / "synonyms.yaml"
    if synonyms_path.exists():
        text = _read_text(synonyms_path, "synonyms.yaml", source.problems)
        data = _load_yaml(text, "synonyms.yaml", 0, source.problems) if text is not None else None
        if data is not None:
            source.synonyms = SourceFile("synonyms.yaml", data)
    return source


def field_value(data: dict[str, Any], key: str, default: Any = None) -> Any:
    value = data.get(key, default)
    return default if value is None else value
