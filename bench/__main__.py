"""`make bench`: comprehension and speed of the engine against its peers, in one run.

    .venv/bin/python -m bench [--snapshot build/sample_kb.sqlite] [--quick]

Pins itself to one core. Prints a table and rewrites the "Comprehension and speed"
section of bench/RESULTS.md (other sections are left as they are).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # one core: no BLAS helper threads

from bench.generated_kb import build_generated  # noqa: E402
from bench.results_file import write_section  # noqa: E402
from bench.peers import Fts5Peer, RapidfuzzPeer
from desktop.engine import KnowledgeBase
from kb_snapshots.evaluate import Case, evaluate

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "bench" / "eval"
SHARED = ROOT.parent / "shared" / "eval-data"
RESULTS = ROOT / "bench" / "RESULTS.md"
START, END = "<!-- comprehension:start -->", "<!-- comprehension:end -->"


def cases(path: Path, **match: str) -> list[Case]:
    out = []
    if not path.exists():
        return out
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if all(row.get(k, v) == v for k, v in match.items()):
            out.append(Case(n, row["q"], row.get("expected"), row.get("lang"), row.get("split")))
    return out


def question_sets(quick: bool) -> dict[str, list[Case]]:
    sets = {}
    for split in ("dev", "test"):
        for lang in ("en", "fr"):
            sets[f"{lang} {split}"] = cases(EVAL / "questions.jsonl", lang=lang, split=split)
        sets[f"out of scope {split}"] = cases(EVAL / "out_of_scope.jsonl", split=split)
    sets["CLINC out of scope"] = cases(SHARED / "clinc_oos_dev.jsonl")
    offtopic = cases(SHARED / "clinc_offtopic_dev.jsonl")
    sets["CLINC other domains"] = offtopic[::5] if quick else offtopic
    if quick:
        sets = {k: v[::3] for k, v in sets.items()}
    return sets


def median_ms(fn, repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def latency(kb: KnowledgeBase, questions: list[str]) -> tuple[float, float, float, float]:
    """(wall p50, wall p99, CPU p50, CPU p99) in ms: CPU time shows the cost when the machine is busy."""
    kb.warm_up()
    wall, cpu = [], []
    for question in questions:
        kb._embedder.forget()   # every question pays for its embedding, as a new one would
        started, started_cpu = time.perf_counter(), time.process_time()
        kb.ask(question)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return (*percentiles(wall), *percentiles(cpu))


def percentiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return values[len(values) // 2], values[min(len(values) - 1, int(0.99 * (len(values) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", type=Path, default=ROOT / "build" / "sample_kb.sqlite")
    parser.add_argument("--quick", action="store_true", help="a third of the questions, no 20,000-article KB")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    kb = KnowledgeBase.open(args.snapshot)
    kb.warm_up()
    systems = {"Helpdesk Assistant": kb, Fts5Peer.name: Fts5Peer(kb), RapidfuzzPeer.name: RapidfuzzPeer(kb)}
    sets = question_sets(args.quick)
    rows = []
    for set_name, set_cases in sets.items():
        for system_name, system in systems.items():
            result = evaluate(system, set_cases)
            rows.append((set_name, system_name, result.summary()))
            print(f"{set_name:22} {system_name:36} {result.describe()}", flush=True)

    all_questions = [c.question for c in sets["en dev"] + sets["fr dev"] + sets["en test"] + sets["fr test"]]
    speed = {"sample": (len(kb.entries()), *latency(kb, all_questions))}
    speed["open_ms"] = median_ms(lambda: KnowledgeBase.open(args.snapshot))
    workdir = ROOT / "build" / "bench"
    workdir.mkdir(parents=True, exist_ok=True)
    for size in ((500,) if args.quick else (500, 20000)):
        started = time.perf_counter()
        snapshot = build_generated(kb, size, workdir)
        built = time.perf_counter() - started
        big = KnowledgeBase.open(snapshot)
        warm = median_ms(big.warm_up, repeat=1)
        speed[size] = (size, *latency(big, all_questions[:400]))
        print(f"{size} articles: p50 {speed[size][1]:.1f} ms, p99 {speed[size][2]:.1f} ms, "
              f"CPU p50 {speed[size][3]:.1f} ms, p99 {speed[size][4]:.1f} ms "
              f"(index warm-up {warm:.0f} ms, build {built:.0f} s)", flush=True)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    write_results(rows, speed, rss_mb, " ".join(["python -m bench", *sys.argv[1:]]))
    return 0


def pct(value: float) -> str:
    return f"{value:.1%}"


def write_results(rows: list, speed: dict, rss_mb: float, command: str) -> None:
    lines = [START, "## Comprehension and speed", "",
             f"Command: `make bench` (`{command}`), one core pinned, "
             f"{time.strftime('%Y-%m-%d')}. Right first: the reply is not `unknown` and its first hit is "
             "the expected article or tree (in the question's language). Confident wrong: a direct "
             "answer with the wrong id. Rejected: out-of-scope questions answered `unknown`. "
             "The `test` rows are held out: never used to write the KB or tune the engine.", "",
             "| questions | system | n | right first | top 3 | confident wrong | rejected | p50 ms | p99 ms |",
             "|---|---|---|---|---|---|---|---|---|"]
    for set_name, system, s in rows:
        n = s["in_scope"] or s["out_of_scope"]
        if s["in_scope"]:
            cells = [pct(s["top1"]), pct(s["top3"]), pct(s["confident_wrong"]), "–"]
        else:
            cells = ["–", "–", "–", pct(s["rejected"])]
        lines.append(f"| {set_name} | {system} | {n} | {' | '.join(cells)} | {s['p50_ms']} | {s['p99_ms']} |")
    lines += ["", "| knowledge base | entries | ask p50 ms | ask p99 ms | CPU p50 ms | CPU p99 ms |",
              "|---|---|---|---|---|---|"]
    for key, value in speed.items():
        if key == "open_ms":
            continue
        label = "sample KB (real vectors)" if key == "sample" else f"generated, {key} articles"
        lines.append(f"| {label} | {value[0]} | {value[1]:.1f} | {value[2]:.1f} | {value[3]:.1f} | {value[4]:.1f} |")
    lines += ["", f"Snapshot open (median): {speed['open_ms']:.2f} ms. Peak RSS of the whole bench process: "
              f"{rss_mb:.0f} MB.", END]
    write_section("\n".join(lines), START, END)


if __name__ == "__main__":
    sys.exit(main())
