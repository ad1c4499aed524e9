"""Comprehension on knowledge bases nobody here wrote: few-shot KBs from public intent sets.

    .venv/bin/python -m bench.fewshot [--k 5 10] [--sets clinc150 hwu64] [--no-write]

For each set and K, a KB source tree is written with one article per intent (id and
title from the intent's name, K of its training requests as example questions, drawn
with a fixed seed), built with the real builder (vectors from the build cache), and
every held-out request is asked: CLINC150's `val` split (3,000) and its 200 out-of-scope
requests; HWU64's `test` fold (1,076). SQLite FTS5 BM25 and rapidfuzz answer the same
questions from the same snapshot, in the same run. Rewrites the "Few-shot" section of
bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import yaml  # noqa: E402

from bench.results_file import write_section  # noqa: E402
from bench.peers import Fts5Peer, RapidfuzzPeer  # noqa: E402
from desktop.engine import KnowledgeBase  # noqa: E402
from desktop.engine.embedder import shared_embedder  # noqa: E402
from kb_snapshots.build import build  # noqa: E402
from kb_snapshots.evaluate import Case, evaluate  # noqa: E402
from kb_snapshots.vector_cache import CachingEmbedder, VectorCache, default_cache_path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval-data"
START, END = "<!-- fewshot:start -->", "<!-- fewshot:end -->"
SPLITS = {"clinc150": ("train", "val"), "hwu64": ("train", "test")}
SEED = 13


def article_id(intent: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in intent.lower()).strip("-")


def load(dataset: str) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """({intent: training requests}, [(held-out request, intent)])."""
    train_split, test_split = SPLITS[dataset]
    train: dict[str, list[str]] = defaultdict(list)
    test: list[tuple[str, str]] = []
    with open(SHARED / "fewshot_dev.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["dataset"] != dataset:
                continue
            if row["split"] == train_split:
                train[row["intent"]].append(row["q"])
            elif row["split"] == test_split:
                test.append((row["q"], row["intent"]))
    return dict(train), test


def write_kb(folder: Path, name: str, examples: dict[str, list[str]], lang: str = "en") -> Path:
    """A KB source tree: one article per intent with its example questions."""
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    (folder / "kb.yaml").write_text(yaml.safe_dump({"name": name, "default_lang": lang, "languages": [lang],
                                                    "teams": {"service-desk": "Service desk"}}))
    for intent, questions in sorted(examples.items()):
        title = intent.replace("_", " ").replace("-", " ").strip().capitalize()
        front = {"id": article_id(intent), "title": title, "lang": lang, "questions": questions}
        text = f"---\n{yaml.safe_dump(front, allow_unicode=True, sort_keys=False)}---\n{title}.\n"
        (folder / "articles" / f"{article_id(intent)}.md").write_text(text, encoding="utf-8")
    return folder


def fewshot_kb(dataset: str, k: int, workdir: Path, embedder) -> tuple[Path, list[Case]]:
    train, test = load(dataset)
    rng = random.Random(f"{SEED}-{dataset}")     # K = 5 takes the first half of K = 10's examples
    examples = {intent: rng.sample(sorted(qs), len(qs))[:k] for intent, qs in sorted(train.items())}
    source = write_kb(workdir / f"{dataset}-k{k}", f"{dataset} K={k}", examples)
    snapshot = workdir / f"{dataset}-k{k}.sqlite"
    build(source, snapshot, version=1, embedder=embedder)
    cases = [Case(n, q, article_id(intent), "en") for n, (q, intent) in enumerate(test, 1)]
    if dataset == "clinc150":
        oos = [json.loads(line) for line in (SHARED / "clinc_oos_dev.jsonl").read_text().splitlines() if line]
        cases += [Case(len(cases) + n, row["q"], None, "en") for n, row in enumerate(oos, 1)]
    return snapshot, cases


def refused(result) -> float:
    return sum(1 for f in result.failures if f.expected and f.kind == "unknown") / max(1, result.in_scope)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--sets", nargs="+", default=list(SPLITS))
    parser.add_argument("--limit", type=int, default=0, help="ask only every n-th question (quick runs)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    workdir = ROOT / "build" / "bench" / "fewshot"
    embedder = CachingEmbedder(shared_embedder(), VectorCache(default_cache_path()))
    rows = []
    for dataset in args.sets:
        for k in args.k:
            started = time.perf_counter()
            snapshot, cases = fewshot_kb(dataset, k, workdir, embedder)
            if args.limit:
                cases = cases[::args.limit]
            kb = KnowledgeBase.open(snapshot, embedder=embedder)
            # the questions' vectors come from the cache too: the bench measures understanding here
            kb.warm_up()
            built = time.perf_counter() - started
            for name, system in (("Helpdesk Assistant", kb), (Fts5Peer.name, Fts5Peer(kb)),
                                 (RapidfuzzPeer.name, RapidfuzzPeer(kb))):
                result = evaluate(system, cases, use_lang=True)
                rows.append((dataset, k, name, result))
                print(f"{dataset:9} K={k:<3} {name:36} {result.describe()}; in-scope refused "
                      f"{refused(result):.1%} (build {built:.0f} s)", flush=True)
    if not args.no_write:
        write_results(rows, " ".join(["python -m bench.fewshot", *sys.argv[1:]]))
    return 0


def write_results(rows: list, command: str) -> None:
    lines = [START, "## Few-shot: knowledge bases nobody here wrote", "",
             f"Command: `{command}` (part of `make bench`), one core pinned, {time.strftime('%Y-%m-%d')}. "
             "One article per intent, K example questions per article drawn with a fixed seed from the "
             "set's training requests, every held-out request asked (CLINC150 `val`, 3,000, plus its 200 "
             "out-of-scope requests; HWU64 `test` fold, 1,076). Right first: the reply is not `unknown` "
             "and its first hit is right; confident wrong: a direct answer with the wrong article; refused: "
             "an in-scope request answered `unknown`; rejected: out-of-scope requests answered `unknown`. "
             "The peers always return their best match.", "",
             "| set | K | system | right first | top 3 | confident wrong | in-scope refused | out of scope rejected |",
             "|---|---|---|---|---|---|---|---|"]
    for dataset, k, name, r in rows:
        rejected = f"{r.rejection:.1%}" if r.out_of_scope else "–"
        lines.append(f"| {dataset} | {k} | {name} | {r.top1:.1%} | {r.top3:.1%} | {r.wrong:.1%} | "
                     f"{refused(r):.1%} | {rejected} |")
    lines.append(END)
    write_section("\n".join(lines), START, END)


if __name__ == "__main__":
    sys.exit(main())
