"""How well the statistics scrubber hides personal data, on a labelled set of questions.

    .venv/bin/python -m bench.scrub_bench [--set bench/scrub_set.jsonl] [--show]

Each line of the set is {"category", "lang", "text", "secrets", "split"}: a question an
employee could type, the kind of personal data it holds (or "clean"), the exact pieces
that must not leave the machine, and "dev" (seen while the patterns were written) or
"held-out" (written afterwards and measured once before any change; what is learnt from
it goes into a new held-out part). `--split` picks one. A question *leaks* when it is kept and one of its secrets is
still in the text that would be stored (compared without case and accents). A clean
question is *over-scrubbed* when what is kept differs from the question itself (beyond
lower-casing and spaces) or when it is dropped. Prints one line per category; `--real`
also runs the sample KB's example questions (and AskUbuntu's, if the shared evaluation
data is there) as clean questions. Takes a few seconds. The figures go to the "Hardening" section of bench/RESULTS.md by hand.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import desktop.sync.scrub as scrubber

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "bench" / "scrub_set.jsonl"
KB = ROOT / "kb_snapshots" / "sample_kb"
ASKUBUNTU = ROOT.parent / "shared" / "eval-data" / "askubuntu_intents.jsonl"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def kept_text(question: str) -> str:
    """What the statistics would store for `question`; "" when it is dropped."""
    keep = getattr(scrubber, "scrub_or_drop", None) or scrubber.scrub   # the old scrubber had no drop
    return keep(question, names=())


def measure(samples: list[dict]) -> dict[str, dict[str, int]]:
    """Per category: samples, leaked (or over-scrubbed for "clean"), dropped."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: {"samples": 0, "bad": 0, "dropped": 0})
    for sample in samples:
        row = table[sample["category"]]
        row["samples"] += 1
        kept = kept_text(sample["text"])
        row["dropped"] += not kept
        if sample["category"] == "clean":
            plain = re.sub(r"\s+", " ", _fold(sample["text"])).strip()[:scrubber.MAX_LENGTH]
            bad = _fold(kept) != plain
        else:
            bad = bool(kept) and any(_fold(secret) in _fold(kept) for secret in sample["secrets"])
        row["bad"] += bad
        if bad and SHOW:
            print(f"  {sample['category']:<12} {sample['text']!r}\n  {'':<12} -> {kept!r}")
    return table


SHOW = False


def real_it_questions() -> dict[str, list[str]]:
    """Clean questions written for other purposes: the sample KB's example phrasings (EN, FR)
    and, when present, the AskUbuntu intent questions of the shared evaluation data."""
    import yaml
    found: dict[str, list[str]] = defaultdict(list)
    for article in sorted(KB.rglob("*.md")):
        text = article.read_text(encoding="utf-8")
        if text.startswith("---"):
            meta = yaml.safe_load(text.split("---", 2)[1]) or {}
            found[f"sample KB ({meta.get('lang', '?')})"] += [q for q in meta.get("questions") or [] if isinstance(q, str)]
    if ASKUBUNTU.exists():
        found["AskUbuntu"] = [json.loads(line)["q"] for line in ASKUBUNTU.read_text(encoding="utf-8").splitlines()
                              if line.strip()]
    return found


def main(argv: list[str] | None = None) -> int:
    global SHOW
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=SET)
    parser.add_argument("--split", choices=("dev", "held-out", "held-out-2"), help="only this part of the set")
    parser.add_argument("--real", action="store_true",
                        help="also count changes to the sample KB's example questions (and AskUbuntu's)")
    parser.add_argument("--show", action="store_true", help="print every leak and over-scrubbed question")
    args = parser.parse_args(argv)
    SHOW = args.show
    samples = [json.loads(line) for line in args.set.read_text(encoding="utf-8").splitlines() if line.strip()]
    samples = [s for s in samples if args.split in (None, s.get("split", "dev"))]
    table = measure(samples)
    print(f"{'category':<12} {'samples':>7} {'leaked':>7} {'dropped':>7}")
    for category in sorted(table, key=lambda c: (c == "clean", c)):
        row = table[category]
        label = "changed" if category == "clean" else "leaked"
        print(f"{category:<12} {row['samples']:>7} {row['bad']:>7} {row['dropped']:>7}   ({label})")
    personal = [row for cat, row in table.items() if cat != "clean"]
    leaked, total = sum(r["bad"] for r in personal), sum(r["samples"] for r in personal)
    clean = table.get("clean", {"samples": 0, "bad": 0})
    print(f"personal questions leaked: {leaked} of {total}; clean questions changed or dropped: "
          f"{clean['bad']} of {clean['samples']}")
    if args.real:
        for source, questions in real_it_questions().items():
            table = measure([{"category": "clean", "text": q, "secrets": []} for q in questions])
            row = table["clean"]
            print(f"{source}: {row['samples']} questions, {row['bad']} changed, {row['dropped']} dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
