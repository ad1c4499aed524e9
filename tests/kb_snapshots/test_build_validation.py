"""Every rule of docs/kb-format.md fails the build with the exact `file:line: what is wrong`."""
from __future__ import annotations

import pytest

from kb_snapshots.build import BuildError, build

VALID_ARTICLE = """\
---
id: vpn-connect
title: Connect to the VPN
lang: en
questions:
  - how do I connect to the VPN?
---
Open the VPN client and sign in.
"""

VALID_TREE = """\
id: printer
title: My printer does not print
lang: en
start: start
nodes:
  start:
    text: Which printer?
    options:
      - label: Office
        next: office
      - label: Home
        next: home
  office:
    answer: Clear the queue.
  home:
    answer: Not supported.
"""

FR_TRANSLATION = """\
---
id: vpn-connect-fr
title: Se connecter au VPN
lang: fr
translation_of: vpn-connect
---
Ouvrez le client VPN.
"""


def _article(front: str, body: str = "Some help.") -> str:
    return f"---\n{front}---\n{body}\n"


def _tree_with(nodes_yaml: str, head: str = "id: t\ntitle: T\nlang: en\nstart: start\n") -> str:
    return head + "nodes:\n" + nodes_yaml


# (case id, files on top of kb.yaml, expected "file:line", words the message must contain)
CASES = [
    ("missing-id", {"articles/a.md": _article("title: A\nlang: en\n")},
     "articles/a.md:2", ["'id' is required"]),
    ("missing-title", {"articles/a.md": _article("id: a\nlang: en\n")},
     "articles/a.md:2", ["'title' is required"]),
    ("missing-lang", {"articles/a.md": _article("id: a\ntitle: A\n")},
     "articles/a.md:2", ["'lang' is required"]),
    ("empty-title", {"articles/a.md": _article("id: a\ntitle: ''\nlang: en\n")},
     "articles/a.md:3", ["'title' is required"]),
    ("id-uppercase", {"articles/a.md": _article("title: A\nid: VPN-Help\nlang: en\n")},
     "articles/a.md:3", ["VPN-Help", "[a-z0-9-]+"]),
    ("id-with-spaces", {"articles/a.md": _article("id: vpn help\ntitle: A\nlang: en\n")},
     "articles/a.md:2", ["vpn help", "[a-z0-9-]+"]),
    ("duplicate-id-names-other-file",
     {"articles/a.md": VALID_ARTICLE, "articles/z/b.md": _article("title: B\nlang: en\nid: vpn-connect\n")},
     "articles/z/b.md:4", ["vpn-connect", "already used by articles/a.md"]),
    ("duplicate-id-article-and-tree",
     {"articles/a.md": VALID_ARTICLE, "trees/t.yaml": VALID_TREE.replace("id: printer", "id: vpn-connect")},
     "trees/t.yaml:1", ["already used by articles/a.md"]),
    ("unknown-lang", {"articles/a.md": _article("id: a\ntitle: A\nlang: de\n")},
     "articles/a.md:4", ["lang 'de'", "en", "fr"]),
    ("unknown-team", {"articles/a.md": _article("id: a\ntitle: A\nlang: en\nteam: plumbing\n")},
     "articles/a.md:5", ["unknown team 'plumbing'", "service-desk"]),
    ("unknown-variable-in-body",
     {"articles/a.md": _article("id: a\ntitle: A\nlang: en\n", "Hello {{user.shoe_size}}.")},
     "articles/a.md:6", ["unknown variable {{user.shoe_size}}"]),
    ("unknown-variable-after-a-known-one",
     {"articles/a.md": _article("id: a\ntitle: A\nlang: en\n",
                                "Hello {{user.first_name}},\n\nyour shoes: {{user.shoe_size}}.")},
     "articles/a.md:8", ["unknown variable {{user.shoe_size}}"]),
    ("unknown-variable-after-blank-lines",
     {"articles/a.md": _article("id: a\ntitle: A\nlang: en\n", "\n\nHello {{usr.name}}.")},
     "articles/a.md:8", ["unknown variable {{usr.name}}"]),
    ("template-code-in-body",
     {"articles/a.md": _article("id: a\ntitle: A\nlang: en\n", "Run {{__import__('os').system('id')}} now.")},
     "articles/a.md:6", ["unknown variable {{__import__('os').system('id')}}"]),
    ("variable-name-with-spaces",
     {"articles/a.md": _article("id: a\ntitle: A\nlang: en\n", "Hi\n{{ user first name }}")},
     "articles/a.md:7", ["unknown variable {{user first name}}"]),
    ("unknown-variable-in-tree-text",
     {"trees/t.yaml": VALID_TREE.replace("text: Which printer?", "text: Which printer, {{user.nickname}}?")},
     "trees/t.yaml:7", ["unknown variable {{user.nickname}}"]),
    ("unknown-variable-in-tree-answer",
     {"trees/t.yaml": VALID_TREE.replace("answer: Not supported.", "answer: Call {{helpdesk.fax}}.")},
     "trees/t.yaml:16", ["unknown variable {{helpdesk.fax}}"]),
    ("unknown-variable-in-option-label",
     {"trees/t.yaml": VALID_TREE.replace("label: Home", "label: Home of {{user.nick}}")},
     "trees/t.yaml:11", ["unknown variable {{user.nick}}"]),
    ("unknown-variable-in-ticket-subject", {"trees/t.yaml": _tree_with(
        "  start:\n    ticket:\n      subject: Broken for {{user.nick}}\n")},
     "trees/t.yaml:8", ["unknown variable {{user.nick}}"]),
    ("node-id-written-twice", {"trees/t.yaml": VALID_TREE + "  home:\n    answer: Second home.\n"},
     "trees/t.yaml:17", ["'home' is written twice"]),
    ("front-matter-key-written-twice",
     {"articles/a.md": _article("id: a\ntitle: A\nlang: en\ntitle: B\n")},
     "articles/a.md:5", ["'title' is written twice"]),
    ("unknown-front-matter-key",
     {"articles/a.md": _article("id: a\ntitle: A\nlang: en\ncolour: red\n")},
     "articles/a.md:5", ["unknown key 'colour'"]),
    ("unknown-tree-key", {"trees/t.yaml": VALID_TREE + "owner: bob\n"},
     "trees/t.yaml:17", ["unknown key 'owner'"]),
    ("front-matter-not-closed", {"articles/a.md": "---\nid: a\ntitle: A\nlang: en\nbody text\n"},
     "articles/a.md:1", ["not closed"]),
    ("front-matter-missing", {"articles/a.md": "# Just Markdown\n\nNo front matter here.\n"},
     "articles/a.md:1", ["starts with '---'"]),
    ("invalid-yaml-in-front-matter", {"articles/a.md": _article("id: a\nlang: en\ntitle: VPN: how to\n")},
     "articles/a.md:4", ["not valid YAML"]),
    ("invalid-yaml-in-tree", {"trees/t.yaml": VALID_TREE.replace("answer: Clear the queue.", "answer: Clear: the queue.")},
     "trees/t.yaml:14", ["not valid YAML"]),
    ("invalid-yaml-in-kb-yaml", {"kb.yaml": "name: X\nlanguages: [en\n", "articles/a.md": VALID_ARTICLE},
     "kb.yaml:3", ["not valid YAML"]),
    ("question-with-unquoted-colon",
     {"articles/a.md": _article("id: a\ntitle: A\nlang: en\nquestions:\n  - vpn is slow\n  - error: access denied\n")},
     "articles/a.md:7", ["error: access denied", "quotes"]),
    ("tree-start-node-missing", {"trees/t.yaml": VALID_TREE.replace("start: start", "start: begin")},
     "trees/t.yaml:4", ["start node 'begin'"]),
    ("tree-next-dangling", {"trees/t.yaml": VALID_TREE.replace("next: home", "next: garage")},
     "trees/t.yaml:12", ["'next' points to unknown node 'garage'"]),
    ("tree-option-without-next", {"trees/t.yaml": VALID_TREE.replace("        next: home\n", "")},
     "trees/t.yaml:11", ["'next' is required"]),
    ("tree-if-ok-dangling", {"trees/t.yaml": _tree_with(
        "  start:\n    check: network.vpn\n    if_ok: nowhere\n    if_failed: end\n  end:\n    answer: Done.\n")},
     "trees/t.yaml:8", ["'if_ok' points to unknown node 'nowhere'"]),
    ("tree-if-failed-missing", {"trees/t.yaml": _tree_with(
        "  start:\n    check: network.vpn\n    if_ok: end\n  end:\n    answer: Done.\n")},
     "trees/t.yaml:7", ["'if_failed' is required"]),
    ("tree-unsolved-dangling", {"trees/t.yaml": VALID_TREE.replace(
        "answer: Clear the queue.", "answer: Clear the queue.\n    unsolved: ticket")},
     "trees/t.yaml:15", ["'unsolved' points to unknown node 'ticket'"]),
    ("tree-unreachable-node", {"trees/t.yaml": VALID_TREE + "  attic:\n    answer: Forgotten.\n"},
     "trees/t.yaml:17", ["node 'attic' cannot be reached"]),
    ("tree-node-with-two-kinds", {"trees/t.yaml": VALID_TREE.replace(
        "answer: Not supported.", "answer: Not supported.\n    booking: {reason: x}")},
     "trees/t.yaml:15", ["node 'home' must have exactly one", "answer, booking"]),
    ("tree-node-with-no-kind", {"trees/t.yaml": VALID_TREE.replace(
        "answer: Not supported.", "text: Nothing to do here.")},
     "trees/t.yaml:15", ["node 'home' must have exactly one", "none"]),
    ("tree-unknown-check", {"trees/t.yaml": _tree_with(
        "  start:\n    check: shell.rm_rf\n    if_ok: end\n    if_failed: end\n  end:\n    answer: Done.\n")},
     "trees/t.yaml:7", ["unknown check 'shell.rm_rf'", "network.vpn"]),
    ("tree-check-given-as-list", {"trees/t.yaml": _tree_with(
        "  start:\n    check: [network.vpn, rm]\n    if_ok: end\n    if_failed: end\n  end:\n    answer: Done.\n")},
     "trees/t.yaml:7", ["unknown check"]),
    ("ticket-field-bad-type", {"trees/t.yaml": _tree_with(
        "  start:\n    ticket:\n      subject: Broken\n      fields:\n        - id: since\n"
        "          label: Since when?\n          type: calendar\n")},
     "trees/t.yaml:12", ["type 'calendar'", "text, long_text, choice"]),
    ("ticket-choice-without-choices", {"trees/t.yaml": _tree_with(
        "  start:\n    ticket:\n      subject: Broken\n      fields:\n        - id: since\n"
        "          label: Since when?\n          type: choice\n")},
     "trees/t.yaml:10", ["choice field 'since' needs 'choices'"]),
    ("ticket-unknown-team", {"trees/t.yaml": _tree_with(
        "  start:\n    ticket:\n      subject: Broken\n      team: plumbing\n")},
     "trees/t.yaml:9", ["unknown team 'plumbing'"]),
    ("ticket-team-given-as-list", {"trees/t.yaml": _tree_with(
        "  start:\n    ticket:\n      subject: Broken\n      team: [a, b]\n")},
     "trees/t.yaml:9", ["unknown team"]),
    ("translation-of-nothing", {"articles/a.md": VALID_ARTICLE,
                                "articles/fr.md": FR_TRANSLATION.replace("of: vpn-connect", "of: vpn-typo")},
     "articles/fr.md:5", ["translation_of 'vpn-typo' names no article or tree"]),
    ("translation-same-language", {"articles/a.md": VALID_ARTICLE,
                                   "articles/fr.md": FR_TRANSLATION.replace("lang: fr", "lang: en")},
     "articles/fr.md:5", ["same language (en)"]),
    ("translation-of-a-translation",
     {"kb.yaml": "name: X\ndefault_lang: en\nlanguages: [en, fr, de]\n",
      "articles/a.md": VALID_ARTICLE, "articles/fr.md": FR_TRANSLATION,
      "articles/gr.md": "---\nid: vpn-de\ntitle: VPN\nlang: de\ntranslation_of: vpn-connect-fr\n---\nText.\n"},
     "articles/gr.md:5", ["'vpn-connect-fr' is itself a translation", "'vpn-connect'"]),
    ("two-translations-in-one-language",
     {"articles/a.md": VALID_ARTICLE, "articles/fr.md": FR_TRANSLATION,
      "articles/fr2.md": FR_TRANSLATION.replace("id: vpn-connect-fr", "id: vpn-connect-fr2")},
     "articles/fr2.md:5", ["already has a fr translation: vpn-connect-fr"]),
    ("missing-kb-yaml", {"kb.yaml": None, "articles/a.md": VALID_ARTICLE},
     "kb.yaml:1", ["missing"]),
    ("default-lang-not-in-languages",
     {"kb.yaml": "name: X\nlanguages: [en, fr]\ndefault_lang: de\n", "articles/a.md": VALID_ARTICLE},
     "kb.yaml:3", ["default_lang 'de'"]),
    ("unknown-kb-yaml-key", {"kb.yaml": "name: X\nlanguages: [en]\ndefault_lang: en\nlicence: MIT\n",
                             "articles/a.md": VALID_ARTICLE},
     "kb.yaml:4", ["unknown key 'licence'"]),
    ("synonyms-unknown-language", {"articles/a.md": VALID_ARTICLE, "synonyms.yaml": "en:\n  - [vpn, tunnel]\nde:\n  - [a, b]\n"},
     "synonyms.yaml:3", ["language 'de'"]),
    ("synonym-group-of-one-word", {"articles/a.md": VALID_ARTICLE,
                                   "synonyms.yaml": "en:\n  - [vpn, tunnel]\n  - [printer]\n"},
     "synonyms.yaml:1", ["at least two words", "['printer']"]),
    ("empty-kb", {}, "articles:1", ["no article and no tree"]),
]


@pytest.mark.parametrize("files, where, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_build_rejects_rule_break_at_its_line(make_kb, tmp_path, files, where, words):
    root = make_kb(files)
    output = tmp_path / "out.sqlite"
    with pytest.raises(BuildError) as caught:
        build(root, output)
    messages = [str(p) for p in caught.value.problems]
    matching = [m for m in messages if m.startswith(where + ":")]
    assert matching, f"no problem reported at {where}; got {messages}"
    assert any(all(w in m for w in words) for m in matching), f"{words} not in {matching}"
    assert not output.exists()


def test_build_reports_every_problem_in_one_run(make_kb, tmp_path):
    root = make_kb({
        "articles/a.md": _article("id: A\ntitle: A\nlang: de\n"),
        "articles/b.md": "no front matter\n",
        "trees/t.yaml": VALID_TREE.replace("next: home", "next: garage"),
    })
    with pytest.raises(BuildError) as caught:
        build(root, tmp_path / "out.sqlite")
    places = {f"{p.path}:{p.line}" for p in caught.value.problems}
    assert {"articles/a.md:2", "articles/a.md:4", "articles/b.md:1", "trees/t.yaml:12"} <= places


def test_valid_kb_with_article_tree_and_translation_builds(make_kb, tmp_path):
    root = make_kb({"articles/a.md": VALID_ARTICLE, "articles/fr.md": FR_TRANSLATION,
                    "trees/t.yaml": VALID_TREE})
    report = build(root, tmp_path / "out.sqlite", version=7)
    assert (report.articles, report.trees) == (2, 1)
    assert (tmp_path / "out.sqlite").stat().st_size > 0


def test_windows_line_endings_and_byte_order_marks_are_read_like_plain_files(tmp_path):
    root = tmp_path / "kb"
    (root / "articles").mkdir(parents=True)
    (root / "kb.yaml").write_bytes("\ufeffname: X\r\ndefault_lang: en\r\nlanguages: [en]\r\n".encode())
    (root / "articles/a.md").write_bytes(
        "\ufeff---\r\nid: a\r\ntitle: A\r\nlang: en\r\n---\r\n\r\nHello {{user.first_name}}\r\n{{bad.var}}\r\n".encode())
    with pytest.raises(BuildError) as caught:
        build(root, tmp_path / "out.sqlite")
    assert [str(p) for p in caught.value.problems] == ["articles/a.md:8: unknown variable {{bad.var}}"]


def test_file_that_is_not_utf8_is_reported_at_line_1(make_kb, tmp_path):
    root = make_kb({"articles/a.md": VALID_ARTICLE})
    (root / "articles/latin1.md").write_bytes(b"---\nid: b\ntitle: \xe9t\xe9\nlang: en\n---\nbody\n")
    with pytest.raises(BuildError) as caught:
        build(root, tmp_path / "out.sqlite")
    assert [str(p) for p in caught.value.problems] == ["articles/latin1.md:1: not UTF-8 text"]
