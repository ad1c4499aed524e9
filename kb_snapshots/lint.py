"""`lint`: what weakens a knowledge base without making it invalid.

Errors are the build's own (`file:line: what is wrong`); warnings are:
- two articles or trees claiming the same example question (the engine cannot tell
  them apart for that question);
- an article or tree without example questions (it is found by its title only);
- an entry with no translation into one of the KB's languages;
- a plain http link (the app opens it only where the policy allows http);
- a draft (`status: draft`: left out of snapshots until someone has read it).
Unreachable tree nodes and dangling links are build errors, so lint reports them too.
"""
from __future__ import annotations

from pathlib import Path

from desktop.engine.text import words
from kb_snapshots.markup import check_markdown, tree_texts
from kb_snapshots.source import Problem, SourceFile, read_source
from kb_snapshots.validate import validate


def lint(src: Path) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) for a KB source folder."""
    source = read_source(Path(src))
    config, entries, _, errors = validate(source)
    files = {f.path: f for f in source.articles + source.trees}
    warnings: list[Problem] = []
    claimed: dict[str, tuple[str, str]] = {}
    for entry in sorted(entries, key=lambda e: e["path"]):
        file = files.get(entry["path"])
        line = file.line("questions") if file else 1
        if entry["draft"]:
            warnings.append(Problem(entry["path"], file.line("status") if file else 1,
                                    f"'{entry['id']}' is a draft: employees will not see it until "
                                    "'status: draft' is removed"))
        if not entry["questions"]:
            warnings.append(Problem(entry["path"], file.line("title") if file else 1,
                                    f"'{entry['id']}' has no example questions: employees will only "
                                    "find it by words of its title"))
        for question in entry["questions"]:
            key = " ".join(words(question))
            if key in claimed and claimed[key][0] != entry["id"]:
                other_id, other_path = claimed[key]
                warnings.append(Problem(entry["path"], line,
                                        f"example question {question!r} is also claimed by "
                                        f"'{other_id}' ({other_path})"))
            else:
                claimed[key] = (entry["id"], entry["path"])
    groups: dict[str, set[str]] = {}
    for entry in entries:
        root = entry["translation_of"] or entry["id"]
        groups.setdefault(root, set()).add(entry["lang"])
    for entry in entries:
        if entry["translation_of"]:
            continue
        missing = [lang for lang in config["languages"] if lang not in groups.get(entry["id"], set())]
        if missing:
            file = files.get(entry["path"])
            warnings.append(Problem(entry["path"], file.line("id") if file else 1,
                                    f"'{entry['id']}' has no translation in {', '.join(missing)}"))
    for file in source.articles:
        warnings += [Problem(file.path, file.body_line + f.line, f.message)
                     for f in check_markdown(file.body) if f.warning]
    for file in source.trees:
        warnings += _tree_link_warnings(file)
    return errors, sorted(warnings)


def _tree_link_warnings(file: SourceFile) -> list[Problem]:
    return [Problem(file.path, file.line(key, node), f.message)
            for key, node, text in tree_texts(file.data.get("nodes")) for f in check_markdown(text) if f.warning]
