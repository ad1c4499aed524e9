"""The rules a knowledge base must follow before it becomes a snapshot.

`validate(source)` returns the entries (articles and trees) as plain dicts ready for
the builder, plus every `Problem` found. The rules are those of docs/kb-format.md:
required fields, unique ids, known languages, teams, variables and checks, paired
translations, and trees whose every node is reachable with no dangling link. Markdown
holds no raw HTML, no picture and no link but https, mailto and tel (kb_snapshots.markup).
"""
from __future__ import annotations

import re
from typing import Any

from desktop.engine.variables import KB_DEFAULTABLE, KNOWN_VARIABLES, VARIABLE_RE
from kb_snapshots.catalog import ITEM_KEYS, check_links, item_entry
from kb_snapshots.checker import Checker
from kb_snapshots.markup import check_markdown, tree_texts
from kb_snapshots.source import LineDict, Problem, Source, SourceFile
from kb_snapshots.tree_nodes import validate_node

ID_RE = re.compile(r"^[a-z0-9-]+$")
LINK_KEYS = ("if_ok", "if_failed", "if_unknown", "unsolved")
ARTICLE_KEYS = {"id", "title", "lang", "questions", "keywords", "topic", "team", "translation_of", "status"}
STATUSES = ("draft", "published")
TREE_KEYS = ARTICLE_KEYS | {"start", "nodes"}


def validate_config(source: Source) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    config = {"name": "Knowledge base", "default_lang": "en", "languages": ["en"], "teams": {}}
    if source.config is None:
        return config, problems
    check = Checker(source.config, problems)
    data = source.config.data
    config["name"] = check.text(data, "name") or config["name"]
    languages = check.text_list(data, "languages")
    if not languages:
        check.add("'languages' is required: a list such as [en, fr]", "languages" if "languages" in data else None)
        languages = ["en"]
    config["languages"] = languages
    default = check.text(data, "default_lang")
    if default and default not in languages:
        check.add(f"default_lang '{default}' is not one of languages {languages}", "default_lang")
    config["default_lang"] = default or languages[0]
    teams = data.get("teams") or {}
    if not isinstance(teams, dict):
        check.add("'teams' must map a team key to its display name", "teams")
        teams = {}
    for key, name in teams.items():
        if not ID_RE.match(str(key)):
            check.add(f"team key '{key}' must match [a-z0-9-]+", key, teams)
        if not isinstance(name, str):
            check.add(f"team '{key}' needs a display name", key, teams)
    config["teams"] = {str(k): str(v) for k, v in teams.items()}
    defaults = _variable_defaults(check, data)
    if defaults:
        config["variables"] = defaults
    for key in data:
        if key not in CONFIG_KEYS:
            check.add(f"unknown key '{key}' (known: {', '.join(CONFIG_KEYS)})", key)
    return config, problems


CONFIG_KEYS = ("name", "default_lang", "languages", "teams", "variables")


def _variable_defaults(check: Checker, data: LineDict) -> dict[str, str]:
    """kb.yaml `variables`: the KB's own value for a helpdesk variable (the policy wins)."""
    given = data.get("variables") or {}
    if not isinstance(given, dict):
        check.add("'variables' must map a variable name to its value", "variables")
        return {}
    defaults = {}
    for name, value in given.items():
        if str(name) not in KB_DEFAULTABLE:
            check.add(f"variable '{name}' cannot have a knowledge-base value "
                      f"(allowed: {', '.join(sorted(KB_DEFAULTABLE))})", name, given)
        elif not isinstance(value, str) or not value.strip() or VARIABLE_RE.search(value):
            check.add(f"variable '{name}' needs a plain text value", name, given)
        else:
            defaults[str(name)] = value.strip()
    return defaults


def _common(check: Checker, data: LineDict, config: dict[str, Any], kind: str,
            allowed: set[str] | None = None) -> dict[str, Any]:
    entry_id = check.text(data, "id")
    if entry_id and not ID_RE.match(entry_id):
        check.add(f"id '{entry_id}' must match [a-z0-9-]+ (lowercase letters, digits, dashes)", "id")
    lang = check.text(data, "lang")
    if lang and lang not in config["languages"]:
        check.add(f"lang '{lang}' is not one of the KB's languages {config['languages']}", "lang")
    team = check.text(data, "team", required=False)
    if team and team not in config["teams"]:
        check.add(f"unknown team '{team}' (kb.yaml teams: {', '.join(config['teams']) or 'none'})", "team")
    status = check.text(data, "status", required=False)
    if status and status not in STATUSES:
        check.add(f"status '{status}' must be draft or published", "status")
    allowed = allowed or (TREE_KEYS if kind == "tree" else ARTICLE_KEYS)
    for key in data:
        if key not in allowed:
            check.add(f"unknown key '{key}' (known: {', '.join(sorted(allowed))})", key)
    return {
        "id": entry_id, "kind": kind, "lang": lang, "team": team or None,
        "title": check.text(data, "title"),
        "topic": check.text(data, "topic", required=False) or None,
        "questions": check.text_list(data, "questions"),
        "keywords": check.text_list(data, "keywords"),
        "translation_of": check.text(data, "translation_of", required=False) or None,
        "draft": status == "draft",
        "path": check.file.path,
    }


def validate_article(file: SourceFile, config: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    check = Checker(file, problems)
    entry = _common(check, file.data, config, "article")
    if not file.body.strip():
        problems.append(Problem(file.path, file.body_line, "the article has no body"))
    for match in VARIABLE_RE.finditer(file.body):
        name = match.group(1)
        if name not in KNOWN_VARIABLES:
            line = file.body_line + file.body.count("\n", 0, match.start())
            problems.append(Problem(file.path, line, f"unknown variable {{{{{name}}}}}"))
    for finding in check_markdown(file.body):
        if not finding.warning:
            problems.append(Problem(file.path, file.body_line + finding.line, finding.message))
    entry["body"] = file.body
    return entry


def validate_tree(file: SourceFile, config: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    check = Checker(file, problems)
    entry = _common(check, file.data, config, "tree")
    nodes = file.data.get("nodes")
    start = check.text(file.data, "start")
    if not isinstance(nodes, dict) or not nodes:
        check.add("'nodes' is required: a mapping of node id to node", "nodes" if "nodes" in file.data else None)
        entry["tree"] = {"start": start, "nodes": {}}
        return entry
    if start and start not in nodes:
        check.add(f"start node '{start}' is not defined in nodes", "start")
    edges: dict[str, list[str]] = {}
    for node_id, node in nodes.items():
        edges[node_id] = validate_node(check, nodes, str(node_id), node)
    for key, node, text in tree_texts(nodes):
        for finding in check_markdown(text):
            if not finding.warning:
                check.add(finding.message, key, node)
    if start in nodes:
        seen, stack = {start}, [start]
        while stack:
            for target in edges.get(stack.pop(), []):
                if target in nodes and target not in seen:
                    seen.add(target)
                    stack.append(target)
        for node_id in nodes:
            if node_id not in seen:
                check.add(f"node '{node_id}' cannot be reached from start '{start}'", node_id, nodes)
    entry["tree"] = {"start": start, "nodes": _plain(nodes)}
    entry["body"] = ""
    return entry


def validate_item(file: SourceFile, config: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """A service catalog item (kb_snapshots/catalog.py)."""
    check = Checker(file, problems)
    return item_entry(check, file.data, _common(check, file.data, config, "request", allowed=ITEM_KEYS))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def validate_synonyms(source: Source, config: dict[str, Any]) -> tuple[dict[str, list[list[str]]], list[Problem]]:
    problems: list[Problem] = []
    result: dict[str, list[list[str]]] = {}
    if source.synonyms is None:
        return result, problems
    check = Checker(source.synonyms, problems)
    for lang, groups in source.synonyms.data.items():
        if lang not in config["languages"]:
            check.add(f"language '{lang}' is not one of the KB's languages {config['languages']}", lang)
            continue
        if not isinstance(groups, list):
            check.add(f"'{lang}' must be a list of synonym groups", lang)
            continue
        result[lang] = []
        for group in groups:
            if not isinstance(group, list) or len(group) < 2 or not all(isinstance(w, str) for w in group):
                check.add(f"each '{lang}' group is a list of at least two words, got {group!r}", lang)
                continue
            result[lang].append([w.strip().lower() for w in group])
    return result, problems


def validate(source: Source) -> tuple[dict[str, Any], list[dict[str, Any]], dict, list[Problem]]:
    """Check a whole source tree: (config, entries, synonyms, problems)."""
    problems = list(source.problems)
    config, config_problems = validate_config(source)
    problems += config_problems
    entries = [validate_article(f, config, problems) for f in source.articles]
    entries += [validate_tree(f, config, problems) for f in source.trees]
    entries += [validate_item(f, config, problems) for f in source.catalog]
    synonyms, synonym_problems = validate_synonyms(source, config)
    problems += synonym_problems
    problems += _cross_checks(source, entries, config)
    if not entries and not any(p.path.startswith(("articles", "trees")) for p in problems):
        problems.append(Problem("articles", 1, "the knowledge base has no article and no tree"))
    return config, entries, synonyms, sorted(set(problems))


def _cross_checks(source: Source, entries: list[dict[str, Any]], config: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    files = {f.path: f for f in source.articles + source.trees + source.catalog}
    by_id: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if not entry["id"]:
            continue
        if entry["id"] in by_id:
            first = by_id[entry["id"]]["path"]
            problems.append(Problem(entry["path"], files[entry["path"]].line("id"),
                                    f"id '{entry['id']}' is already used by {first}"))
        else:
            by_id[entry["id"]] = entry
    translations: dict[tuple[str, str], str] = {}
    for entry in entries:
        original_id = entry["translation_of"]
        if not original_id:
            continue
        file = files[entry["path"]]
        original = by_id.get(original_id)
        if original is None:
            problems.append(Problem(entry["path"], file.line("translation_of"),
                                    f"translation_of '{original_id}' names no article or tree"))
            continue
        if original["lang"] == entry["lang"]:
            problems.append(Problem(entry["path"], file.line("translation_of"),
                                    f"translation_of '{original_id}' is in the same language ({entry['lang']})"))
        if original["kind"] != entry["kind"]:
            problems.append(Problem(entry["path"], file.line("translation_of"),
                                    f"a {entry['kind']} cannot translate the {original['kind']} '{original_id}'"))
        if original["translation_of"]:
            problems.append(Problem(entry["path"], file.line("translation_of"),
                                    f"translation_of '{original_id}' is itself a translation; "
                                    f"name the original '{original['translation_of']}'"))
        key = (original_id, entry["lang"])
        if key in translations:
            problems.append(Problem(entry["path"], file.line("translation_of"),
                                    f"'{original_id}' already has a {entry['lang']} translation: {translations[key]}"))
        translations[key] = entry["id"]
    problems += check_links(entries, lambda path, key: files[path].line(key))
    for entry in entries:
        if entry["kind"] != "tree":
            continue
        file = files[entry["path"]]
        nodes = file.data.get("nodes")
        for node_id, node in (nodes if isinstance(nodes, dict) else {}).items():   # else reported above
            ticket = node.get("ticket") if isinstance(node, dict) else None
            team = ticket.get("team") if isinstance(ticket, dict) else None
            if team and (not isinstance(team, str) or team not in config["teams"]):
                problems.append(Problem(entry["path"], file.line("team", ticket),
                                        f"node '{node_id}': unknown team '{team}'"))
    return problems
