"""Reading a knowledge-base source tree (see docs/kb-format.md) with line numbers.

    >>> source = read_source(Path("kb_snapshots/sample_kb"))
    >>> source.articles[0].data["id"], source.articles[0].line("title")

Parsing never stops at the first problem: every unreadable file becomes a `Problem`
and the rest is still read, so an admin sees all that is wrong in one run.

Reading is bounded (`SourceLimits`): a file bigger than `max_file_bytes`, a folder
holding more than `max_total_bytes`, YAML nested deeper than `max_depth` and a file
linked from outside the KB folder are each a `Problem` naming the file, never a
traceback, an hour of indexing or someone else's file built in silently.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class SourceLimits:
    """How much a KB source may hold. The sample KB is 0.7 MB in 192 files, its
    biggest file 9 KB; a 100 MB article took 147 s and 5 GB to build."""

    max_file_bytes: int = 1024 * 1024          # one article, tree or kb.yaml
    max_total_bytes: int = 64 * 1024 * 1024    # every file of the KB together
    max_depth: int = 50                        # nested lists and mappings in one YAML document


DEFAULT_LIMITS = SourceLimits()
BOOLEAN_WORDS = "yes/no/on/off/true/false"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the source, shown as `file:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class LineDict(dict):
    """A mapping that remembers the line each key was written on (1-based), and the
    word of each value YAML read as a boolean (`id: yes` -> booleans["id"] == "yes")."""

    lines: dict[str, int]
    start_line: int
    booleans: dict[str, str]


class _Refused(yaml.composer.ComposerError):
    """Valid YAML this builder will not read (too deep, aliases expanding too far)."""


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records lines and refuses nesting deeper than `max_depth` (PyYAML
    composes nested nodes recursively: 5,000 levels overflow Python's stack) and aliases
    that expand past `max_expanded` characters (nine nested `*a` lists of nine make
    43 million values from a 1 KB file)."""

    max_depth = DEFAULT_LIMITS.max_depth
    max_expanded = DEFAULT_LIMITS.max_file_bytes
    _depth = 0
    _expanded = 0

    def compose_node(self, parent, index):  # noqa: ANN001, ANN201 - PyYAML's signature
        event = self.peek_event()
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                raise _Refused(None, None, f"YAML nested more than {self.max_depth} levels deep", event.start_mark)
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if isinstance(event, yaml.AliasEvent):
            self._expanded += _expanded_size(node, {}, self.max_expanded)
            if self._expanded > self.max_expanded:
                raise _Refused(
                    None, None, f"YAML aliases (*{event.anchor}) repeat more than {self.max_expanded:,} characters "
                                "of text; write the values out instead", event.start_mark)
        return node


def _expanded_size(node: yaml.Node, sizes: dict[int, int], cap: int) -> int:
    """Characters of text `node` stands for once every alias in it is written out
    (at least 1 per node); stops counting past `cap`."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    if isinstance(node, yaml.ScalarNode):
        total = max(1, len(node.value))
    else:
        total = 1
        children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
        for child in children:
            total += _expanded_size(child, sizes, cap) if child is not node else cap + 1
            if total > cap:
                break
    sizes[id(node)] = total
    return total


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
    mapping.booleans = {}
    mapping.start_line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain word", key_node.start_mark)
        mapping[str(key)] = loader.construct_object(value_node, deep=True)
        mapping.lines[str(key)] = key_node.start_mark.line + 1
        if isinstance(value_node, yaml.ScalarNode) and value_node.tag == "tag:yaml.org,2002:bool":
            mapping.booleans[str(key)] = value_node.value
    return mapping


def boolean_hint(data: Any, key: str) -> str:
    """For a value that had to be text: why YAML made it a boolean, and the fix ("" when
    it was not one). `id: yes` -> "YAML read yes as a boolean (...); put it in quotes: id: "yes"."""
    word = getattr(data, "booleans", {}).get(key)
    if word is None:
        return ""
    return (f"YAML read {word} as a boolean ({BOOLEAN_WORDS} are); "
            f"put it in quotes: {key}: \"{word}\"")


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
    catalog: list[SourceFile] = field(default_factory=list)      # service request items
    synonyms: SourceFile | None = None
    problems: list[Problem] = field(default_factory=list)


def _load_yaml(text: str, rel: str, offset: int, problems: list[Problem],
               limits: SourceLimits = DEFAULT_LIMITS) -> LineDict | None:
    loader = _LineLoader(text)
    loader.max_depth = limits.max_depth
    loader.max_expanded = limits.max_file_bytes
    try:
        data = loader.get_single_data()
    except RecursionError:     # a shape the depth check does not see; never a traceback
        problems.append(Problem(rel, 1 + offset, "not valid YAML: nested too deeply"))
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + offset
        reason = exc.problem if isinstance(exc, _Refused) else f"not valid YAML: {exc.problem or exc}"
        problems.append(Problem(rel, line, reason))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(rel, 1 + offset, f"not valid YAML: {exc}"))
        return None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        problems.append(Problem(rel, 1 + offset, "expected a mapping of keys to values"))
        return None
    return data


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


class _Reader:
    """Reads the KB's files as text within `limits`, each problem naming the file."""

    def __init__(self, root: Path, problems: list[Problem], limits: SourceLimits):
        self.root = root.resolve()
        self.problems = problems
        self.limits = limits
        self.total = 0
        self.full = False

    def text(self, path: Path, rel: str) -> str | None:
        if self.full:
            return None
        problem = self._refusal(path)
        if problem:
            self.problems.append(Problem(rel, 1, problem))
            return None
        try:
            with path.open("rb") as handle:
                data = handle.read(self.limits.max_file_bytes + 1)   # never more, whatever the size says
        except OSError as exc:
            self.problems.append(Problem(rel, 1, f"cannot read: {exc.strerror}"))
            return None
        if len(data) > self.limits.max_file_bytes:
            size = max(len(data), _size(path))
            self.problems.append(Problem(rel, 1, f"{_megabytes(size)}: bigger than the "
                                                 f"{_megabytes(self.limits.max_file_bytes)} a file may hold; "
                                                 "split it into several files"))
            return None
        self.total += len(data)
        if self.total > self.limits.max_total_bytes:
            self.full = True
            self.problems.append(Problem(rel, 1, f"the knowledge base passes "
                                                 f"{_megabytes(self.limits.max_total_bytes)} in total here; "
                                                 "this file and the ones after it were not read"))
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self.problems.append(Problem(rel, 1, "not UTF-8 text"))
        return None

    def _refusal(self, path: Path) -> str:
        """Why `path` may not be read ("" when it may): a link leading out of the KB
        folder, or something that is not a plain file (a device, a pipe)."""
        try:
            target = path.resolve(strict=True)
            mode = os.stat(target).st_mode
        except (OSError, RuntimeError) as exc:       # a broken or looping link
            return f"cannot read: {getattr(exc, 'strerror', None) or 'a link that leads nowhere'}"
        if not target.is_relative_to(self.root):
            return (f"a link to {target}, outside the knowledge-base folder: copy the file into "
                    "the folder instead")
        if not stat.S_ISREG(mode):
            return "not a plain file"
        return ""


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def read_article(path: Path, rel: str, problems: list[Problem], reader: _Reader | None = None,
                 limits: SourceLimits = DEFAULT_LIMITS) -> SourceFile | None:
    reader = reader or _Reader(path.parent, problems, limits)
    text = reader.text(path, rel)
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
    data = _load_yaml("\n".join(lines[1:end]), rel, 1, problems, reader.limits)
    if data is None:
        return None
    rest = "\n".join(lines[end + 1:])
    body = rest.strip("\n")
    skipped = len(rest) - len(rest.lstrip("\n"))   # blank lines before the body starts
    return SourceFile(rel, data, offset=1, body=body, body_line=end + 2 + skipped)


def read_source(root: Path, limits: SourceLimits = DEFAULT_LIMITS) -> Source:
    """Read every file of a KB source tree; problems are collected, not raised."""
    root = Path(root)
    source = Source(root=root)
    if not root.is_dir():
        source.problems.append(Problem(str(root), 1, "not a folder"))
        return source
    reader = _Reader(root, source.problems, limits)

    def yaml_file(path: Path, rel: str) -> LineDict | None:
        text = reader.text(path, rel)
        return _load_yaml(text, rel, 0, source.problems, limits) if text is not None else None

    config_path = root / "kb.yaml"
    if not config_path.exists() and not config_path.is_symlink():
        source.problems.append(Problem("kb.yaml", 1, "missing: every KB needs a kb.yaml"))
    else:
        data = yaml_file(config_path, "kb.yaml")
        if data is not None:
            source.config = SourceFile("kb.yaml", data)
    for path in sorted((root / "articles").rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        article = read_article(path, rel, source.problems, reader)
        if article is not None:
            source.articles.append(article)
    for path in sorted((root / "trees").rglob("*.yaml")) + sorted((root / "trees").rglob("*.yml")):
        rel = path.relative_to(root).as_posix()
        data = yaml_file(path, rel)
        if data is not None:
            source.trees.append(SourceFile(rel, data))
    for path in sorted((root / "catalog").rglob("*.yaml")) + sorted((root / "catalog").rglob("*.yml")):
        rel = path.relative_to(root).as_posix()
        data = yaml_file(path, rel)
        if data is not None:
            source.catalog.append(SourceFile(rel, data))
    synonyms_path = root / "synonyms.yaml"
    if synonyms_path.exists() or synonyms_path.is_symlink():
        data = yaml_file(synonyms_path, "synonyms.yaml")
        if data is not None:
            source.synonyms = SourceFile("synonyms.yaml", data)
    return source


def field_value(data: dict[str, Any], key: str, default: Any = None) -> Any:
    value = data.get(key, default)
    return default if value is None else value
