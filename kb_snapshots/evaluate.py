"""`eval`: how well a snapshot understands a test file of questions.

A test file is JSON lines: `{"q": "my printr is jammed", "expected": "printer-paper-jam"}`;
`"expected": null` means the assistant should say it did not understand. Optional
keys: `lang` and `split`. The language is detected as the app does; `evaluate(...,
use_lang=True)` passes each case's `lang` to `ask` instead.

Measures, over questions with an expected id: right first (`top1`, the reply is not
`unknown` and its first hit is the expected one), right in the first three (`top3`),
and confident wrong (`answer` with the wrong id). Over questions expecting null:
`rejected` (the reply is `unknown` or small talk).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class EvalError(ValueError):
    """The test file is unreadable; the message names the file and line."""


@dataclass(frozen=True)
class Case:
    line: int
    question: str
    expected: str | None
    lang: str | None = None
    split: str | None = None


@dataclass(frozen=True)
class Failure:
    line: int
    question: str
    expected: str | None
    got: str | None
    kind: str


@dataclass
class EvalResult:
    in_scope: int = 0
    top1_hits: int = 0
    top3_hits: int = 0
    confident_wrong: int = 0
    out_of_scope: int = 0
    rejected: int = 0
    oos_confident: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def top1(self) -> float:
        return self.top1_hits / self.in_scope if self.in_scope else 1.0

    @property
    def top3(self) -> float:
        return self.top3_hits / self.in_scope if self.in_scope else 1.0

    @property
    def wrong(self) -> float:
        return self.confident_wrong / self.in_scope if self.in_scope else 0.0

    @property
    def rejection(self) -> float:
        return self.rejected / self.out_of_scope if self.out_of_scope else 1.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return 0.0
        values = sorted(self.latencies_ms)
        return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]

    def summary(self) -> dict[str, Any]:
        return {"in_scope": self.in_scope, "top1": round(self.top1, 4), "top3": round(self.top3, 4),
                "confident_wrong": round(self.wrong, 4), "out_of_scope": self.out_of_scope,
                "rejected": round(self.rejection, 4), "p50_ms": round(self.percentile(0.5), 2),
                "p99_ms": round(self.percentile(0.99), 2)}

    def describe(self) -> str:
        s = self.summary()
        parts = []
        if self.in_scope:
            parts.append(f"{s['in_scope']} questions: right first {s['top1']:.1%}, in top 3 {s['top3']:.1%}, "
                         f"confident wrong {s['confident_wrong']:.1%}")
        if self.out_of_scope:
            parts.append(f"{s['out_of_scope']} out of scope: rejected {s['rejected']:.1%}")
        parts.append(f"p50 {s['p50_ms']} ms, p99 {s['p99_ms']} ms")
        return "; ".join(parts)


def load_cases(path: Path) -> list[Case]:
    cases = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"{path}: cannot read ({exc.strerror})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("q"), str) or "expected" not in row:
            raise EvalError(f'{path}:{number}: expected {{"q": "...", "expected": "id" or null}}')
        cases.append(Case(number, row["q"], row["expected"], row.get("lang"), row.get("split")))
    return cases


def evaluate(kb, cases: list[Case], use_lang: bool = False) -> EvalResult:
    """Ask every question; `use_lang` passes each case's language instead of detecting it."""
    result = EvalResult()
    for case in cases:
        started = time.perf_counter()
        reply = kb.ask(case.question, lang=case.lang if use_lang else None)
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        ids = [hit.id for hit in reply.hits] if reply.kind in ("answer", "choose") else []
        first = ids[0] if ids else None
        if case.expected is None:
            result.out_of_scope += 1
            if reply.kind in ("unknown", "smalltalk"):
                result.rejected += 1
            else:
                result.failures.append(Failure(case.line, case.question, None, first, reply.kind))
            continue
        result.in_scope += 1
        if first == case.expected:
            result.top1_hits += 1
        else:
            result.failures.append(Failure(case.line, case.question, case.expected, first, reply.kind))
            if reply.kind == "answer":
                result.confident_wrong += 1
        if case.expected in ids[:3]:
            result.top3_hits += 1
    return result
