"""Ranking translation groups for a question, and deciding how sure we are.

Two tiers vote: the semantic tier (cosine similarity between the question and every
title and example phrasing, best per group) and the lexical tier (BM25 over corrected,
stemmed terms). Their blend ranks the groups; a logistic calibration of the blend,
the margin to the runner-up and how many of the question's words the KB knows gives
a confidence in 0..1, from which the reply kind follows. The constants were fitted on
the development half of bench/eval (see bench/tune.py); the held-out half never was.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Tuning:
    lexical_weight: float = 0.10      # weight of the saturated BM25 score in the blend
    lexical_half: float = 6.0         # BM25 score that counts for half of lexical_weight
    second_weight: float = 0.25       # weight of a group's second-best example
    bias: float = -40.0               # calibration: logistic(bias + slope*blend + ...)
    slope: float = 45.0
    margin_slope: float = 20.0
    unknown_words_penalty: float = 2.0
    answer_at: float = 0.55           # confidence for a direct answer
    choose_at: float = 0.25           # confidence for "did you mean"
    choose_max: int = 3


DEFAULT_TUNING = Tuning()


def group_similarity(sims: np.ndarray, starts: np.ndarray, second_weight: float) -> np.ndarray:
    """Best similarity per group, plus a share of the second best (groups with one doc: best)."""
    best = np.maximum.reduceat(sims, starts)
    if second_weight <= 0:
        return best
    masked = sims.copy()
    # knock out each group's best once, then take the max again for the runner-up
    ends = np.append(starts[1:], len(sims))
    for_group = np.repeat(np.arange(len(starts)), ends - starts)
    is_best = masked == best[for_group]
    first_best = np.zeros_like(is_best)
    idx = np.flatnonzero(is_best)
    _, first = np.unique(for_group[idx], return_index=True)
    first_best[idx[first]] = True
    masked[first_best] = -1.0
    second = np.maximum.reduceat(masked, starts)
    second = np.where(second < 0, best, second)
    return best + second_weight * (second - best)


def blend(semantic: np.ndarray, lexical: np.ndarray, tuning: Tuning) -> np.ndarray:
    saturated = lexical / (lexical + tuning.lexical_half)
    return semantic + tuning.lexical_weight * saturated


def confidence(top: float, runner_up: float, unknown_ratio: float, tuning: Tuning) -> float:
    z = (tuning.bias + tuning.slope * top + tuning.margin_slope * (top - runner_up)
         - tuning.unknown_words_penalty * unknown_ratio)
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))
