"""Fit the matcher's constants on the development questions only.

    .venv/bin/python -m bench.tune build/sample_kb.sqlite

Reads the `dev` split of bench/eval (in scope and out of scope) plus the public
development sets in ../shared/eval-data, computes both tiers' signals once per
question, then (1) picks the ranking blend that puts the right topic first most often,
(2) fits the logistic confidence model, (3) picks the thresholds: "choose" rejects at
least 96% of out-of-scope questions, "answer" keeps confident wrong answers at or
under 1.5%. Prints the `Tuning(...)` to paste into desktop/engine/matcher.py.
The `test` split is never read here.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from desktop.engine import KnowledgeBase, matcher
from desktop.engine.text import detect_language

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "bench" / "eval"
SHARED = ROOT.parent / "shared" / "eval-data"


def load_jsonl(path: Path, split: str | None = "dev", limit: int | None = None) -> list[dict]:
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if split is None or r.get("split", split) == split]
    return rows[:limit] if limit else rows


def dev_questions() -> tuple[list[dict], list[dict]]:
    in_scope = load_jsonl(EVAL / "questions.jsonl")
    oos = load_jsonl(EVAL / "out_of_scope.jsonl")
    oos += load_jsonl(SHARED / "clinc_oos_dev.jsonl", split=None)
    oos += load_jsonl(SHARED / "clinc_offtopic_dev.jsonl", split=None)[::3]
    return in_scope, oos


class Collected:
    """Raw signals of every question, computed once (the expensive part: embeddings)."""

    def __init__(self, kb: KnowledgeBase, rows: list[dict]):
        index = kb.search_index()
        self.starts = index.starts
        self.doc_groups = index.doc_groups
        group_of = {}
        for grp, members in index.members.items():
            for entry_id in members.values():
                group_of[entry_id] = grp
        sims, passages, lexical, unknown, expected, lang_ok = [], [], [], [], [], []
        queries = kb._embedder.embed([row["q"] for row in rows])
        for row, query in zip(rows, queries):
            hint = detect_language(row["q"], kb.info.languages, kb.info.default_lang)
            detected = index.languages.guess(row["q"], default=hint)
            analysed = index.analyser.analyse(row["q"], detected)
            sims.append(index.vectors @ query)
            passages.append(np.maximum.reduceat(index.passages @ query, index.passage_starts))
            lexical.append(index.lexical.score(analysed.terms))
            unknown.append(analysed.unknown_words / analysed.content_words if analysed.content_words else 1.0)
            target = row.get("expected")
            expected.append(group_of.get(target, -2) if target else -1)
            lang_ok.append(target is None or row.get("lang", detected) == detected
                           or len(index.members.get(group_of.get(target, -2), {})) < 2)
        self.sims, self.passages, self.lexical = np.array(sims), np.array(passages), np.array(lexical)
        self.unknown, self.expected, self.lang_ok = np.array(unknown), np.array(expected), np.array(lang_ok)

    def signals(self, i: int, t: matcher.Tuning) -> matcher.Signals:
        sims = self.sims[i]
        return matcher.Signals(np.maximum.reduceat(sims, self.starts),
                               matcher.neighbour_vote(sims, self.doc_groups, len(self.starts), t),
                               self.passages[i], self.lexical[i], float(self.unknown[i]))


def ranking(c: Collected, t: matcher.Tuning) -> tuple[np.ndarray, None]:
    """Best group per question (vectorised: the grid search calls this often)."""
    semantic = np.maximum.reduceat(c.sims, c.starts, axis=1)
    top = np.maximum(c.sims.max(1, keepdims=True), t.null_similarity)
    weights = np.exp((c.sims - top) / t.temperature)
    null = t.null_count * np.exp((t.null_similarity - top) / t.temperature)
    share = np.add.reduceat(weights, c.starts, axis=1) / (weights.sum(1, keepdims=True) + null)
    scores = (semantic + t.rank_neighbours * np.log(np.maximum(share, 1e-6))
              + t.rank_lexical * c.lexical / (c.lexical + t.lexical_half) + t.rank_passages * c.passages)
    return scores.argmax(1), None


def features(c: Collected, t: matcher.Tuning) -> tuple[np.ndarray, np.ndarray]:
    """(best group per question, feature matrix of the confidence model)."""
    best, x = [], []
    for i in range(len(c.sims)):
        signals = c.signals(i, t)
        scores = matcher.blend(signals, t)
        first, second = np.argsort(-scores)[:2]
        best.append(first)
        x.append(matcher.features(signals, int(first), float(scores[first] - scores[second]), t))
    return np.array(best), np.array(x)


def fit_logistic(x: np.ndarray, y: np.ndarray, steps: int = 4000, l2: float = 1e-3) -> np.ndarray:
    mean, std = x.mean(0), x.std(0) + 1e-9
    z = (x - mean) / std
    w = np.zeros(z.shape[1] + 1)
    zb = np.hstack([np.ones((len(z), 1)), z])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(zb @ w)))
        w -= 0.5 * (zb.T @ (p - y) / len(y) + l2 * np.r_[0, w[1:]])
    scale = w[1:] / std   # back to raw feature units
    bias = w[0] - float((w[1:] * mean / std).sum())
    return np.r_[bias, scale]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=Path)
    args = parser.parse_args()
    kb = KnowledgeBase.open(args.snapshot)
    in_scope, oos = dev_questions()
    print(f"dev: {len(in_scope)} in scope, {len(oos)} out of scope")
    c_in, c_out = Collected(kb, in_scope), Collected(kb, oos)

    best_t, best_acc = matcher.DEFAULT_TUNING, -1.0
    for temperature, null in ((0.02, 0.84), (0.03, 0.84), (0.03, 0.87), (0.05, 0.87)):
        for neighbours in (0.02, 0.04, 0.08):
            for lexical in (0.2, 0.3, 0.5):
                for passages in (1.0, 2.0, 3.0):
                    for half in (8.0, 16.0, 32.0):
                        t = replace(matcher.DEFAULT_TUNING, temperature=temperature, null_similarity=null,
                                    rank_neighbours=neighbours,
                                    rank_lexical=lexical, rank_passages=passages, lexical_half=half)
                        top, _ = ranking(c_in, t)
                        acc = float(((top == c_in.expected) & c_in.lang_ok).mean())
                        if acc > best_acc:
                            best_t, best_acc = t, acc
    print(f"ranking: {best_t} -> right topic first {best_acc:.1%} (before rejection)")

    top_in, x_in = features(c_in, best_t)
    _, x_out = features(c_out, best_t)
    right = (top_in == c_in.expected) & c_in.lang_ok
    x = np.vstack([x_in, x_out])
    y = np.r_[right.astype(float), np.zeros(len(x_out))]
    w = fit_logistic(x, y)
    conf_in = 1 / (1 + np.exp(-(w[0] + x_in @ w[1:])))
    conf_out = 1 / (1 + np.exp(-(w[0] + x_out @ w[1:])))
    choose_at = float(np.quantile(conf_out, 0.96))
    wrong_conf = np.sort(conf_in[~right])[::-1]
    allowed = int(0.015 * len(conf_in))
    answer_at = max(choose_at, float(wrong_conf[allowed]) + 1e-6 if len(wrong_conf) > allowed else choose_at)
    names = ("w_sim", "w_vote", "w_lex", "w_passage", "w_lead", "w_unknown")
    tuned = replace(best_t, bias=round(float(w[0]), 3), **{n: round(float(v), 3) for n, v in zip(names, w[1:])},
                    answer_at=round(answer_at, 4), choose_at=round(choose_at, 4))
    top1 = float((right & (conf_in >= choose_at)).mean())
    wrong = float((~right & (conf_in >= answer_at)).mean())
    rejected = float((conf_out < choose_at).mean())
    print(f"dev with these constants: right first {top1:.1%}, confident wrong {wrong:.1%}, "
          f"out of scope rejected {rejected:.1%}, answered directly {(conf_in >= answer_at).mean():.1%}")
    print(tuned)


if __name__ == "__main__":
    main()
