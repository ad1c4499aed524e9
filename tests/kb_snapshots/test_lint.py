"""`lint`: warnings that weaken a KB without blocking the build, and `--strict` for CI."""
from __future__ import annotations

import pytest

from kb_snapshots.__main__ import main
from kb_snapshots.lint import lint
from tests.kb_snapshots.kbfactory import article

EN = "kb.yaml", "name: X\ndefault_lang: en\nlanguages: [en]\n"


def _kb(**files):
    return {EN[0]: EN[1], **files}


CLEAN = _kb(**{
    "articles/a.md": article(id="vpn", title="Connect to the VPN", lang="en", questions=["vpn will not connect"]),
    "articles/b.md": article(id="pw", title="Reset a password", lang="en", questions=["I forgot my password"]),
})


def _messages(problems):
    return [str(p) for p in problems]


def test_clean_kb_has_no_warning(make_kb):
    assert lint(make_kb(CLEAN)) == ([], [])


def test_same_example_question_in_two_articles_is_reported_naming_both(make_kb):
    root = make_kb(_kb(**{
        "articles/a.md": article(id="vpn", title="VPN", lang="en", questions=["it does not work", "vpn down"]),
        "articles/z.md": article(id="wifi", title="Wi-Fi", lang="en", questions=["wifi down", "It does NOT work!"]),
    }))
    errors, warnings = lint(root)
    assert errors == []
    assert _messages(warnings) == [
        "articles/z.md:5: example question 'It does NOT work!' is also claimed by 'vpn' (articles/a.md)"]


def test_same_question_twice_in_one_article_is_not_a_conflict(make_kb):
    root = make_kb(_kb(**{"articles/a.md": article(id="vpn", title="VPN", lang="en",
                                                  questions=["vpn down", "VPN down"])}))
    assert lint(root) == ([], [])


def test_entry_without_example_questions_is_reported_at_its_title(make_kb):
    root = make_kb(_kb(**{"articles/a.md": "---\nid: vpn\nlang: en\ntitle: VPN\n---\nText.\n"}))
    assert _messages(lint(root)[1]) == [
        "articles/a.md:4: 'vpn' has no example questions: employees will only find it by words of its title"]


def test_missing_translation_is_reported_for_each_missing_language(make_kb):
    root = make_kb({
        "kb.yaml": "name: X\ndefault_lang: en\nlanguages: [en, fr, de]\n",
        "articles/a.md": article(id="vpn", title="VPN", lang="en", questions=["vpn down"]),
        "articles/a-fr.md": article(id="vpn-fr", title="VPN", lang="fr", questions=["vpn en panne"],
                                    translation_of="vpn"),
    })
    assert _messages(lint(root)[1]) == ["articles/a.md:2: 'vpn' has no translation in de"]


def test_lint_reports_build_errors_as_errors(make_kb):
    root = make_kb(_kb(**{"articles/a.md": "---\nid: Bad Id\ntitle: T\nlang: en\n---\nText.\n"}))
    errors, _ = lint(root)
    assert any(str(e).startswith("articles/a.md:2: id 'Bad Id'") for e in errors)


@pytest.mark.parametrize("files, strict, code, level", [
    (CLEAN, False, 0, None),
    (CLEAN, True, 0, None),
    (_kb(**{"articles/a.md": "---\nid: vpn\ntitle: VPN\nlang: en\n---\nText.\n"}), False, 0, "3: warning"),
    (_kb(**{"articles/a.md": "---\nid: vpn\ntitle: VPN\nlang: en\n---\nText.\n"}), True, 1, "3: warning"),
    (_kb(**{"articles/a.md": "---\nid: vpn\nlang: en\n---\nText.\n"}), False, 1, "2: error"),
])
def test_lint_command_exit_code_and_output(make_kb, capsys, files, strict, code, level):
    root = make_kb(files)
    assert main(["lint", str(root), *(["--strict"] if strict else [])]) == code
    out, err = capsys.readouterr()
    if level is None:
        assert out == ""
        assert "0 error(s), 0 warning(s)" in err
    else:
        assert f"{root / 'articles/a.md'}:{level}: " in out
