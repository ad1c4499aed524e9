"""How sure the engine is, learned from each knowledge base at build time.

The builder fits, on the KB's own example questions (see kb_snapshots/calibrate.py):
- a *head*: one weight vector and bias per translation group, a softmax classifier over
  the question's embedding (`log_probs`), and the groups' centroids;
- a `Calibration`: how to blend the signals into one ranking, a logistic model that turns
  the best candidate's signals into a confidence, and the thresholds for "answer" and
  "did you mean", chosen on held-out folds of the examples and on whole articles left out
  (questions the KB has no answer for).

Everything here is plain numpy, shared by the builder and the engine so both compute the
same numbers. A snapshot without a calibration (built by an older builder) is answered
with the fixed constants of `desktop.engine.matcher`.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields

import numpy as np

FEATURES = ("log_prob", "lead", "centroid", "nearest", "lexical", "passage", "unknown", "runner_up_share")
LEXICAL_HALF = 8.0          # BM25 score that counts for half in the saturated form
HEAD_SCALE = 16.0           # logits = HEAD_SCALE * question . weights + bias
ABSENT = -1e4               # signal of a group that does not exist (in a held-out fold)


@dataclass(frozen=True)
class Calibration:
    """What the builder learned about one KB; stored as JSON in the snapshot's meta."""

    w_log_prob: float = 1.0 / HEAD_SCALE   # ranking = w · (log_prob, centroid, nearest, lexical, passage)
    w_centroid: float = 1.0
    w_nearest: float = 0.5
    w_lexical: float = 0.2
    w_passage: float = 0.5
    # confidence = logistic(bias + coef · FEATURES). The defaults, for KBs too small to learn
    # from, only trust a close example: answer from similarity 0.93, choose from 0.90.
    bias: float = -46.0
    coef: tuple[float, ...] = (0.0, 0.0, 0.0, 50.0, 0.0, 0.0, 0.0, 0.0)
    scope_bias: float = -46.0              # in scope = logistic(scope_bias + scope_coef · FEATURES):
    scope_coef: tuple[float, ...] = (0.0, 0.0, 0.0, 50.0, 0.0, 0.0, 0.0, 0.0)   # the KB has an answer
    answer_at: float = 0.65                # confidence for a direct answer
    choose_at: float = 0.2                 # in-scope likelihood for "did you mean"
    sibling_share: float = 0.5             # runner-up this close (share of the top's probability): choose
    samples: int = 0                       # held-out questions it was fitted on (0: defaults)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Calibration":
        """Parse and check; ValueError naming what is wrong (a snapshot is outside input)."""
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("calibration is not an object")
        values = {}
        for f in fields(cls):
            if f.name not in raw:
                raise ValueError(f"calibration lacks {f.name}")
            value = raw[f.name]
            if f.name in ("coef", "scope_coef"):
                if not isinstance(value, list) or len(value) != len(FEATURES):
                    raise ValueError(f"calibration {f.name} has the wrong length")
                value = tuple(_finite(v, f.name) for v in value)
            elif f.name == "samples":
                if not isinstance(value, int) or value < 0:
                    raise ValueError("calibration samples is not a count")
            else:
                value = _finite(value, f.name)
            values[f.name] = value
        return cls(**values)


def _finite(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or abs(value) > 1e6:
        raise ValueError(f"calibration {name} is not a finite number")
    return float(value)


@dataclass(frozen=True)
class Head:
    """The per-KB classifier: weights (d, groups), bias (groups,), centroids (groups, d)."""

    weights: np.ndarray
    bias: np.ndarray
    centroids: np.ndarray

    def log_probs(self, query: np.ndarray) -> np.ndarray:
        logits = HEAD_SCALE * (query @ self.weights) + self.bias
        logits = logits - logits.max()
        return (logits - np.log(np.exp(logits).sum())).astype(np.float32)


@dataclass(frozen=True)
class GroupSignals:
    """Per group, for one question (see FEATURES)."""

    log_prob: np.ndarray
    centroid: np.ndarray
    nearest: np.ndarray     # best cosine similarity to one of the group's texts
    lexical: np.ndarray     # saturated BM25, 0..1
    passage: np.ndarray
    unknown: float          # share of the question's content words the KB never uses


def saturate(bm25: np.ndarray) -> np.ndarray:
    return (bm25 / (bm25 + LEXICAL_HALF)).astype(np.float32)


def ranking(s: GroupSignals, c: Calibration) -> np.ndarray:
    return (c.w_log_prob * s.log_prob + c.w_centroid * s.centroid + c.w_nearest * s.nearest
            + c.w_lexical * s.lexical + c.w_passage * s.passage)


def features(s: GroupSignals, scores: np.ndarray, top: int, second: int | None) -> np.ndarray:
    """The confidence model's inputs for candidate `top` against `second` (see FEATURES)."""
    lead = float(scores[top] - scores[second]) if second is not None else 0.0
    share = math.exp(float(s.log_prob[second] - s.log_prob[top])) if second is not None else 0.0
    return np.array([max(float(s.log_prob[top]), -20.0), lead, s.centroid[top], s.nearest[top],
                     s.lexical[top], s.passage[top], s.unknown, min(share, 1.0)], dtype=np.float64)


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def confidence(x: np.ndarray, c: Calibration) -> float:
    """How likely the candidate whose features are `x` is what the question asks."""
    return _logistic(c.bias + float(np.dot(c.coef, x)))


def in_scope(x: np.ndarray, c: Calibration) -> float:
    """How likely the KB answers the question at all (whichever candidate)."""
    return _logistic(c.scope_bias + float(np.dot(c.scope_coef, x)))


def candidates_to_offer(scores: np.ndarray, log_prob: np.ndarray, ranked: np.ndarray, limit: int = 3) -> int:
    """How many of the best candidates a "did you mean" shows: two at least (a single
    suggestion is an answer in disguise), three when the third is still plausible."""
    if len(ranked) < 3:
        return len(ranked)
    third = float(log_prob[ranked[2]] - log_prob[ranked[0]])
    return min(limit, 3 if third > math.log(0.02) else 2)
