"""Validate the comprehension evaluation set and print a summary.

    python bench/eval/validate.py [--topics PATH] [--trees PATH]

Checks every line of questions.jsonl and out_of_scope.jsonl: valid JSON with
exactly the keys q/lang/expected/split, lang en|fr, split dev|test, expected an
existing topic id (English id for English, "<id>-fr" for French) or null for
the out-of-scope file; every topic covered in both languages with at least the
minimum number of questions for its popularity (top and trees: 10, high: 6,
med: 4, low: 3); no duplicate question; a balanced language mix. Exits 1 on
any error.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
MINIMUM = {"top": 10, "high": 6, "med": 4, "low": 3, "tree": 10}
KEYS = {"q", "lang", "expected", "split"}


def load_topics(topics: Path, trees: Path) -> dict[str, str]:
    """Return {English id: popularity}; decision trees count as "tree"."""
    out: dict[str, str] = {}
    for line in topics.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            tid, _team, pop, _title = line.split("\t")
            out[tid] = pop
    for line in trees.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            tid, _team, _title = line.split("\t")
            out[tid] = "tree"
    return out


def read_jsonl(path: Path, errors: list[str]) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{path.name}:{n}: invalid JSON ({exc})")
            continue
        if not isinstance(row, dict) or set(row) != KEYS:
            errors.append(f"{path.name}:{n}: keys must be {sorted(KEYS)}")
            continue
        if not isinstance(row["q"], str) or not row["q"].strip():
            errors.append(f"{path.name}:{n}: empty question")
        if row["lang"] not in ("en", "fr"):
            errors.append(f"{path.name}:{n}: bad lang {row['lang']!r}")
        if row["split"] not in ("dev", "test"):
            errors.append(f"{path.name}:{n}: bad split {row['split']!r}")
        row["_line"] = n
        rows.append(row)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--topics", type=Path, default=HERE / "topics.tsv")
    ap.add_argument("--trees", type=Path, default=HERE / "trees.tsv")
    args = ap.parse_args()

    topics = load_topics(args.topics, args.trees)
    errors: list[str] = []
    questions = read_jsonl(HERE / "questions.jsonl", errors)
    oos = read_jsonl(HERE / "out_of_scope.jsonl", errors)

    # expected ids
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for row in questions:
        exp, lang = row["expected"], row["lang"]
        if not isinstance(exp, str):
            errors.append(f"questions.jsonl:{row['_line']}: expected must be a topic id")
            continue
        base = exp[:-3] if lang == "fr" and exp.endswith("-fr") else exp
        if lang == "fr" and not exp.endswith("-fr"):
            errors.append(f"questions.jsonl:{row['_line']}: French question needs a -fr id, got {exp!r}")
        if lang == "en" and exp.endswith("-fr"):
            errors.append(f"questions.jsonl:{row['_line']}: English question with French id {exp!r}")
        if base not in topics:
            errors.append(f"questions.jsonl:{row['_line']}: unknown topic {exp!r}")
            continue
        counts[(base, lang)][row["split"]] += 1
    for row in oos:
        if row["expected"] is not None:
            errors.append(f"out_of_scope.jsonl:{row['_line']}: expected must be null")

    # duplicates (case/space-insensitive), across both files
    seen: dict[str, str] = {}
    for name, rows in (("questions.jsonl", questions), ("out_of_scope.jsonl", oos)):
        for row in rows:
            key = " ".join(str(row["q"]).lower().split())
            where = f"{name}:{row['_line']}"
            if key in seen:
                errors.append(f"{where}: duplicate of {seen[key]}: {row['q']!r}")
            seen.setdefault(key, where)

    # coverage
    print(f"{'topic':32} {'pop':5} {'min':>3} | {'en dev/test':>11} | {'fr dev/test':>11}")
    for tid, pop in topics.items():
        cells = []
        for lang in ("en", "fr"):
            c = counts[(tid, lang)]
            total = c["dev"] + c["test"]
            if total < MINIMUM[pop]:
                errors.append(f"{tid} ({lang}): {total} questions, need {MINIMUM[pop]}")
            if total and not c["test"]:
                errors.append(f"{tid} ({lang}): no test question")
            cells.append(f"{c['dev']:>5}/{c['test']:<5}")
        print(f"{tid:32} {pop:5} {MINIMUM[pop]:>3} | {cells[0]:>11} | {cells[1]:>11}")

    def summary(name: str, rows: list[dict]) -> None:
        by = Counter((r["lang"], r["split"]) for r in rows)
        n = len(rows)
        test = by[("en", "test")] + by[("fr", "test")]
        print(f"{name}: {n} lines; en {by[('en','dev')]+by[('en','test')]} "
              f"(dev {by[('en','dev')]}, test {by[('en','test')]}), fr {by[('fr','dev')]+by[('fr','test')]} "
              f"(dev {by[('fr','dev')]}, test {by[('fr','test')]}); test share {test / max(n, 1):.1%}")

    print()
    print(f"topics: {len(topics)} ({sum(p != 'tree' for p in topics.values())} articles, "
          f"{sum(p == 'tree' for p in topics.values())} trees), all x 2 languages")
    summary("questions.jsonl", questions)
    summary("out_of_scope.jsonl", oos)
    for name, rows in (("questions.jsonl", questions), ("out_of_scope.jsonl", oos)):
        langs = Counter(r["lang"] for r in rows)
        if langs["en"] != langs["fr"]:
            errors.append(f"{name}: {langs['en']} English vs {langs['fr']} French lines")
    if len(questions) < 840:
        errors.append(f"questions.jsonl: {len(questions)} lines, need at least 840")
    if len(oos) != 120:
        errors.append(f"out_of_scope.jsonl: {len(oos)} lines, expected 120")

    if errors:
        print(f"\n{len(errors)} error(s):", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
