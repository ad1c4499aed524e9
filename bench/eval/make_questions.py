"""Generate the comprehension evaluation set from questions_source.txt.

    python bench/eval/make_questions.py

writes bench/eval/questions.jsonl (in-scope questions) and
bench/eval/out_of_scope.jsonl (questions no topic answers, expected null).

Split: inside each (topic, language) group, round(35 %) of the questions are
marked "test" (held out, never used for tuning), spread evenly over the
group's order; the rest are "dev". The rule only depends on the source order,
so regenerating gives the same split.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "questions_source.txt"
TEST_SHARE = 0.35


def parse(path: Path) -> dict[str, dict[str, list[str]]]:
    """Return {topic id or "none": {"en": [...], "fr": [...]}} in source order."""
    groups: dict[str, dict[str, list[str]]] = {}
    current: str | None = None
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@ "):
            current = line[2:].strip()
            if current in groups:
                raise SystemExit(f"{path}:{lineno}: topic {current!r} appears twice")
            groups[current] = {"en": [], "fr": []}
            continue
        lang, _, text = line.partition(" ")
        if current is None or lang not in ("en", "fr") or not text.strip():
            raise SystemExit(f"{path}:{lineno}: cannot parse {raw!r}")
        groups[current][lang].append(text.strip())
    return groups


def test_positions(n: int) -> set[int]:
    """Indices (0-based) marked test: round-half-up(35 % of n), evenly spread."""
    k = math.floor(n * TEST_SHARE + 0.5)
    return {i for i in range(n) if (i + 1) * k // n > i * k // n}


def records(groups):
    in_scope, out_of_scope = [], []
    for topic, by_lang in groups.items():
        for lang in ("en", "fr"):
            items = by_lang[lang]
            tests = test_positions(len(items))
            for i, q in enumerate(items):
                split = "test" if i in tests else "dev"
                if topic == "none":
                    out_of_scope.append({"q": q, "lang": lang, "expected": None, "split": split})
                else:
                    expected = topic if lang == "en" else f"{topic}-fr"
                    in_scope.append({"q": q, "lang": lang, "expected": expected, "split": split})
    return in_scope, out_of_scope


def write_jsonl(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    in_scope, out_of_scope = records(parse(SOURCE))
    write_jsonl(HERE / "questions.jsonl", in_scope)
    write_jsonl(HERE / "out_of_scope.jsonl", out_of_scope)
    print(f"questions.jsonl: {len(in_scope)} lines, out_of_scope.jsonl: {len(out_of_scope)} lines")


if __name__ == "__main__":
    main()
