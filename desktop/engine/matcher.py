"""Ranking translation groups for a question, and deciding how sure we are.

Two tiers vote: the semantic tier (cosine similarity between the question and every
title and example phrasing, best per group) and the lexical tier (BM25 over corrected,
stemmed terms). Their blend ranks the groups. A logistic model over a few signals —
the best similarity, the lexical evidence, the lead over the runner-up, the share of
the question's words the KB has never seen — turns the best candidate into a
confidence in 0..1, from which the reply kind follows. The constants were fitted by
bench/tune.py on the development part of bench/eval; the held-out part never was.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Signals:
    """Everything the decision needs about one question."""

    semantic: np.ndarray      # per group: best cosine similarity (0 when the tier is off)
    lexical: np.ndarray       # per group: BM25
    unknown_ratio: float      # share of the question's content words unknown to the KB


@dataclass(frozen=True)
class Tuning:
    lexical_weight: float = 0.10      # weight of the saturated BM25 score in the ranking blend
    lexical_half: float = 6.0         # BM25 score that counts for half of lexical_weight
    # confidence = logistic(bias + w_sim*sim + w_lex*lex + w_lead*lead + w_unknown*unknown)
    bias: float = -40.0
    w_sim: float = 45.0
    w_lex: float = 2.0
    w_lead: float = 20.0
    w_unknown: float = -2.0
    answer_at: float = 0.55           # confidence for a direct answer
    choose_at: float = 0.25           # confidence for "did you mean"
    choose_max: int = 3


DEFAULT_TUNING = Tuning()


def saturate(lexical: np.ndarray, tuning: Tuning) -> np.ndarray:
    return lexical / (lexical + tuning.lexical_half)


def blend(signals: Signals, tuning: Tuning) -> np.ndarray:
    return signals.semantic + tuning.lexical_weight * saturate(signals.lexical, tuning)


def confidences(signals: Signals, ranked: np.ndarray, scores: np.ndarray, tuning: Tuning) -> list[float]:
    """Confidence of each group in `ranked` (best first) being what the user meant."""
    top = float(scores[ranked[0]])
    runner_up = float(scores[ranked[1]]) if len(ranked) > 1 else top   # a lone group leads nothing
    lex = saturate(signals.lexical[ranked], tuning)
    out = []
    for i, grp in enumerate(ranked):
        lead = float(scores[grp]) - (runner_up if i == 0 else top)
        z = (tuning.bias + tuning.w_sim * float(signals.semantic[grp]) + tuning.w_lex * float(lex[i])
             + tuning.w_lead * lead + tuning.w_unknown * signals.unknown_ratio)
        out.append(1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z)))))
    return out
