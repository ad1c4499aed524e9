"""The published version against the draft, question by question: what a release changes.

    cases = test_questions(files)                     # the KB's tests/*.jsonl (`kb_snapshots eval` files)
    report = compare(published_kb, draft_kb, cases, asked=["imprimante bloquée", …])
    report["regressions"], report["fixed"], report["rows"]

A test question regresses when the published version answered it right first and the
draft does not (for a first release, the rows are the test questions it gets wrong); the questions people really asked (those the assistant did not
understand, from the statistics) have no expected answer, so for them the report shows
what the draft would now say. Each question is asked of the real engine, as the tray app
asks it.
"""
from __future__ import annotations

import time
from pathlib import PurePosixPath

from kb_snapshots.evaluate import Case, EvalError, load_cases

MAX_CASES = 3000
MAX_ASKED = 300


def outcome(kb, question: str, lang: str | None = None) -> dict:
    """What the engine says: the reply's kind and its first candidate (id, title, score)."""
    if kb is None:
        return {"kind": "none", "id": None, "title": "", "score": 0.0}
    reply = kb.ask(question, lang=lang)
    first = reply.hits[0] if reply.hits and reply.kind in ("answer", "choose") else None
    return {"kind": reply.kind, "id": first.id if first else None, "title": first.title if first else "",
            "score": round(first.score, 3) if first else 0.0}


def right(said: dict, expected: str | None) -> bool:
    if expected is None:
        return said["kind"] in ("unknown", "smalltalk")
    return said["id"] == expected


def test_questions(files: dict[str, str], work) -> tuple[list[Case], list[str]]:
    """The test questions in the KB's tests/*.jsonl files, and the problems reading them."""
    cases: list[Case] = []
    problems = []
    for path, text in sorted(files.items()):
        parts = PurePosixPath(path).parts
        if parts[0] != "tests" or not path.endswith(".jsonl"):
            continue
        copy = work / "cases.jsonl"
        copy.write_text(text, encoding="utf-8")
        try:
            cases += load_cases(copy)
        except EvalError as exc:
            problems.append(str(exc).replace(str(copy), path))
    return cases[:MAX_CASES], problems


def compare(before, after, cases: list[Case], asked: list[str]) -> dict:
    """Every question asked of both versions; rows are kept when the reply changes."""
    started = time.monotonic()
    rows, regressions, fixed, right_before, right_after = [], 0, 0, 0, 0
    for case in cases:
        old, new = outcome(before, case.question, case.lang), outcome(after, case.question, case.lang)
        was, now = right(old, case.expected), right(new, case.expected)
        right_before += was
        right_after += now
        verdict = "regression" if was and not now else "fixed" if now and not was else \
            "changed" if (old["kind"], old["id"]) != (new["kind"], new["id"]) else "same"
        regressions += verdict == "regression"
        fixed += verdict == "fixed" and before is not None
        if before is None and not now:
            verdict = "wrong"                  # a first release: what it gets wrong is what matters
        if verdict != "same" and (before is not None or verdict == "wrong"):
            rows.append({"source": "test", "question": case.question, "expected": case.expected,
                         "before": old, "after": new, "verdict": verdict})
    answered = 0
    for question in asked[:MAX_ASKED]:
        old, new = outcome(before, question), outcome(after, question)
        answered += new["kind"] == "answer"
        if before is not None and (old["kind"], old["id"]) != (new["kind"], new["id"]):
            rows.append({"source": "asked", "question": question, "expected": None, "before": old, "after": new,
                         "verdict": "changed"})
    order = {"regression": 0, "wrong": 0, "fixed": 1, "changed": 2}
    rows.sort(key=lambda r: (order[r["verdict"]], r["source"], r["question"]))
    return {"tests": len(cases), "asked": min(len(asked), MAX_ASKED), "regressions": regressions, "fixed": fixed,
            "right_before": right_before, "right_after": right_after, "asked_answered": answered,
            "rows": rows[:500], "seconds": round(time.monotonic() - started, 1)}
