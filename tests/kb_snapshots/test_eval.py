"""`eval`: a test file of questions catches a comprehension regression before publishing."""
from __future__ import annotations

import json

import pytest

from desktop.engine import KnowledgeBase
from kb_snapshots.__main__ import main
from kb_snapshots.evaluate import EvalError, evaluate, load_cases

GOOD_CASES = [
    {"q": "I forgot my pasword", "expected": "password-reset"},
    {"q": "j'ai oublié mon mot de passe", "expected": "password-reset-fr"},
    {"q": "vpn will not connect", "expected": "vpn-connect"},
    {"q": "my printer won't print", "expected": "printer-troubleshoot"},
    {"q": "how to bake a chocolate cake", "expected": None},
    {"q": "thanks!", "expected": None},
]


def _write(path, rows):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_eval_summary_counts_right_first_top3_and_rejected(helpdesk_snapshot, tmp_path, capsys):
    tests = _write(tmp_path / "tests.jsonl", GOOD_CASES)
    assert main(["eval", str(helpdesk_snapshot), str(tests), "--json", "--min-top1", "0.99"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["in_scope"] == 4 and summary["out_of_scope"] == 2
    assert (summary["top1"], summary["top3"], summary["confident_wrong"], summary["rejected"]) == (1.0, 1.0, 0.0, 1.0)
    assert summary["p99_ms"] >= summary["p50_ms"] > 0


def test_eval_text_output_describes_the_result(helpdesk_snapshot, tmp_path, capsys):
    tests = _write(tmp_path / "tests.jsonl", GOOD_CASES)
    assert main(["eval", str(helpdesk_snapshot), str(tests)]) == 0
    out = capsys.readouterr().out
    assert "4 questions: right first 100.0%, in top 3 100.0%" in out
    assert "2 out of scope: rejected 100.0%" in out


def test_regression_below_min_top1_fails_naming_the_question(helpdesk_snapshot, tmp_path, capsys):
    tests = _write(tmp_path / "tests.jsonl", [
        *GOOD_CASES,
        "# a comment, then a blank line",
        "",
        {"q": "I forgot my password", "expected": "vpn-connect"},       # the KB answers otherwise
        {"q": "I forgot my password", "expected": None},                # should have been rejected
    ])
    assert main(["eval", str(helpdesk_snapshot), str(tests), "--min-top1", "0.99"]) == 1
    out, err = capsys.readouterr()
    assert f"{tests}:9: expected vpn-connect, got password-reset (answer) for 'I forgot my password'" in out
    assert f"{tests}:10: expected unknown, got password-reset (answer)" in out
    assert "regression" in err and "80.0%" in err
    assert "confident wrong 20.0%" in out


def test_without_min_top1_failures_are_listed_but_exit_0(helpdesk_snapshot, tmp_path, capsys):
    tests = _write(tmp_path / "tests.jsonl", [{"q": "I forgot my password", "expected": "vpn-connect"}])
    assert main(["eval", str(helpdesk_snapshot), str(tests)]) == 0
    assert "expected vpn-connect" in capsys.readouterr().out


@pytest.mark.parametrize("lines, line, reason", [
    (['{"q": "vpn", "expected": "vpn-connect"}', '{"q": "oops", "expected": '], 2, "not valid JSON"),
    (["", "# comment", "not json at all"], 3, "not valid JSON"),
    (['{"q": "vpn"}'], 1, '"expected"'),
    (['{"question": "vpn", "expected": null}'], 1, '"q"'),
    (['["vpn", "vpn-connect"]'], 1, '"q"'),
    (['{"q": 42, "expected": null}'], 1, '"q"'),
])
def test_bad_test_file_line_is_an_error_naming_file_and_line(helpdesk_snapshot, tmp_path, capsys, lines, line, reason):
    tests = tmp_path / "tests.jsonl"
    tests.write_text("\n".join(lines) + "\n")
    assert main(["eval", str(helpdesk_snapshot), str(tests)]) == 2
    err = capsys.readouterr().err
    assert f"{tests}:{line}: " in err and reason in err
    with pytest.raises(EvalError, match=f"{tests}:{line}: "):
        load_cases(tests)


def test_missing_test_file_or_snapshot_exits_2(helpdesk_snapshot, tmp_path, capsys):
    tests = _write(tmp_path / "tests.jsonl", GOOD_CASES)
    assert main(["eval", str(helpdesk_snapshot), str(tmp_path / "nope.jsonl")]) == 2
    assert "nope.jsonl: cannot read" in capsys.readouterr().err
    assert main(["eval", str(tmp_path / "nope.sqlite"), str(tests)]) == 2
    assert "no such snapshot file" in capsys.readouterr().err


def test_evaluate_keeps_line_numbers_and_optional_keys(tmp_path, helpdesk_snapshot):
    tests = _write(tmp_path / "tests.jsonl", [
        "", {"q": "mot de passe expiré", "expected": "password-reset-fr", "lang": "fr", "split": "dev"}])
    cases = load_cases(tests)
    assert [(c.line, c.lang, c.split) for c in cases] == [(2, "fr", "dev")]
    result = evaluate(KnowledgeBase.open(helpdesk_snapshot), cases, use_lang=True)
    assert (result.in_scope, result.top1, result.failures) == (1, 1.0, [])
