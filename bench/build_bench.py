"""Full build against rebuilds that reuse the vector cache, in one run, on the sample KB.

    .venv/bin/python -m bench.build_bench [--src kb_snapshots/sample_kb] [--no-write]

1. full build with an empty cache on one thread; 2. the same on every core; 3. the same KB
again; 4. after editing one article (a new sentence and a new example question). Then the
check a KB admin waits for before publishing a one-article change ("draft check"): the
rebuild and an eval of test questions (their vectors cached from the previous check), on
the sample KB and on a generated 480-article KB. Wall and CPU time of each; rewrites the
"Builder" section of bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bench.generated_kb import generate
from desktop.engine.embedder import Embedder, available_cores
from desktop.engine.knowledge import KnowledgeBase
from kb_snapshots.evaluate import evaluate, load_cases
from kb_snapshots.build import build
from bench.results_file import write_section
from kb_snapshots.vector_cache import CachingEmbedder, VectorCache

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- build:start -->", "<!-- build:end -->"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(src: Path, output: Path, model: Embedder, cache: VectorCache) -> dict:
    embedder = CachingEmbedder(model, cache)
    wall, cpu = time.perf_counter(), _cpu()
    build(src, output, version=1, embedder=embedder)
    return {"wall": time.perf_counter() - wall, "cpu": _cpu() - cpu,
            "computed": embedder.computed, "reused": embedder.reused}


def _draft_check(src: Path, output: Path, model: Embedder, cache: VectorCache, cases: list, edit: int) -> dict:
    """Edit one article, rebuild, and evaluate `cases` on the new snapshot."""
    _edit_one_article(src, edit)
    wall, cpu = time.perf_counter(), _cpu()
    built = _timed(src, output, model, cache)
    kb = KnowledgeBase.open(output, embedder=CachingEmbedder(model, cache))
    result = evaluate(kb, cases, use_lang=True)
    return {"build": built["wall"], "wall": time.perf_counter() - wall, "cpu": _cpu() - cpu,
            "questions": len(cases), "right": result.top1_hits}


def _edit_one_article(src: Path, which: int = 0) -> str:
    """A new example question and a new sentence in one article, as an admin's edit."""
    article = sorted((src / "articles").rglob("*.md"))[which]
    _, matter, body = article.read_text(encoding="utf-8").split("---\n", 2)
    front = yaml.safe_load(matter)
    front["questions"] = [*front.get("questions", []), "is there a newer fix for this since last week"]
    article.write_text(f"---\n{yaml.safe_dump(front, sort_keys=False, allow_unicode=True)}---\n{body}"
                       "\nIf this did not help, restart the computer once and try again.\n", encoding="utf-8")
    return str(article.relative_to(src))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.build_bench")
    parser.add_argument("--src", type=Path, default=ROOT / "kb_snapshots" / "sample_kb")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    cores = available_cores()
    single, model = Embedder(workers=1), Embedder(workers=cores)
    for embedder in (single, model):
        embedder.embed(["warm up"] * 64)          # model loading is not the build's cost
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        src = work_dir / "kb"
        shutil.copytree(args.src, src)
        one_thread = _timed(src, work_dir / "single.sqlite", single, VectorCache(work_dir / "single.sqlite.cache"))
        cache = VectorCache(work_dir / "vectors.sqlite")
        full = _timed(src, work_dir / "full.sqlite", model, cache)
        same = _timed(src, work_dir / "same.sqlite", model, cache)
        edited = _edit_one_article(src)
        one = _timed(src, work_dir / "one.sqlite", model, cache)
        cases = [c for c in load_cases(ROOT / "bench" / "eval" / "questions.jsonl") if c.expected]
        _draft_check(src, work_dir / "check0.sqlite", model, cache, cases, 3)        # question vectors cached
        sample_check = _draft_check(src, work_dir / "check1.sqlite", model, cache, cases, 5)
        generated = generate(KnowledgeBase.open(work_dir / "one.sqlite"), 480, work_dir / "gen480")
        gen_full = _timed(generated, work_dir / "gen-full.sqlite", model, cache)
        _draft_check(generated, work_dir / "gen0.sqlite", model, cache, cases[:300], 1)
        gen_check = _draft_check(generated, work_dir / "gen1.sqlite", model, cache, cases[:300], 2)
    rows = [("full build, empty cache, one thread", one_thread),
            (f"full build, empty cache, {cores} threads", full), ("same KB again", same),
            (f"one article edited ({edited})", one)]
    lines = ["| build | wall | CPU | texts embedded | reused | wall vs one-thread full build |", "|---|---|---|---|---|---|"]
    lines += [f"| {name} | {r['wall']:.1f} s | {r['cpu']:.1f} s | {r['computed']} | {r['reused']} | "
              f"{r['wall'] / one_thread['wall']:.1%} |" for name, r in rows]
    lines += ["", "| draft check after a one-article edit | rebuild | eval | questions | total wall | CPU |",
              "|---|---|---|---|---|---|"]
    lines += [f"| {name} | {c['build']:.1f} s | {c['wall'] - c['build']:.1f} s | {c['questions']} | {c['wall']:.1f} s | "
              f"{c['cpu']:.1f} s |" for name, c in (("sample KB (158 articles, 32 trees)", sample_check),
                                                   (f"generated, 480 articles (first build {gen_full['wall']:.0f} s)",
                                                    gen_check))]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        section = (f"{START}\n## Builder: full build against rebuilds from the vector cache\n\n"
                   f"`.venv/bin/python -m bench.build_bench` ({time.strftime('%Y-%m-%d')}, sample KB, "
                   f"one process, model loaded before timing, {cores} cores):\n\n" + table +
                   "\n\nThe build embeds on one thread per core, each with its own copy of the model's working "
                   "state; the rest of the build (the learned head and its calibration, ~20 s) is numpy.\n"
                   + f"{END}")
        write_section(section, START, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
