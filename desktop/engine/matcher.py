"""Ranking translation groups for a question, and deciding how sure we are.

Signals per group (a group is an article or tree with its translations):
- `semantic`: best cosine similarity between the question and the group's title,
  keywords and example phrasings (multilingual embeddings, so French meets English);
- `neighbours`: a soft vote of the nearest examples (log of the share of softmax
  weight that falls on the group): robust when one stray example is close by chance;
- `passages`: similarity between the question and the article body itself;
- `lexical`: BM25 over corrected, stemmed, synonym-mapped terms.
The ranking blends them. A logistic model over the best candidate's signals, its lead
over the runner-up and the share of the question's words the KB has never seen gives a
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
    neighbours: np.ndarray    # per group: log share of the nearest-example vote
    passages: np.ndarray      # per group: similarity to the article body
    lexical: np.ndarray       # per group: BM25
    unknown_ratio: float      # share of the question's content words unknown to the KB


@dataclass(frozen=True)
class Tuning:
    temperature: float = 0.02         # softmax temperature of the neighbour vote
    null_similarity: float = 0.84     # the "something else" pseudo-group of the vote...
    null_count: float = 5.0           # ...and how many examples it weighs
    rank_neighbours: float = 0.08     # ranking = semantic + these weights * other signals
    rank_lexical: float = 0.5
    rank_passages: float = 2.0
    lexical_half: float = 8.0         # BM25 score that counts for half in the saturated form
    # confidence = logistic(bias + w_sim*sim + w_vote*vote + w_lex*lex + w_passage*passage
    #                       + w_lead*lead + w_unknown*unknown)
    bias: float = -59.68
    w_sim: float = 46.882
    w_vote: float = 8.007
    w_lex: float = 7.625
    w_passage: float = 15.403
    w_lead: float = 4.711
    w_unknown: float = -2.444
    answer_at: float = 0.7347         # confidence for a direct answer
    choose_at: float = 0.2484         # confidence for "did you mean"
    choose_max: int = 3


DEFAULT_TUNING = Tuning()


def neighbour_vote(sims: np.ndarray, doc_groups: np.ndarray, n_groups: int, tuning: "Tuning") -> np.ndarray:
    """log(share of softmax(sims / temperature) per group), floored at log(1e-6).

    A "something else" pseudo-group of `null_count` examples at `null_similarity` takes
    part in the vote, so a question close to nothing (or a KB of one article) does not
    hand the whole vote to whatever group happens to be nearest. Examples further than
    12 temperatures below the best weigh under 1e-5 and are skipped (fast on big KBs).
    """
    top = max(float(sims.max()) if len(sims) else 0.0, tuning.null_similarity)
    near = np.flatnonzero(sims > top - 12 * tuning.temperature)
    weights = np.exp((sims[near] - top) / tuning.temperature)
    null = tuning.null_count * math.exp((tuning.null_similarity - top) / tuning.temperature)
    share = np.bincount(doc_groups[near], weights=weights, minlength=n_groups) / (weights.sum() + null)
    return np.log(np.maximum(share, 1e-6)).astype(np.float32)


def saturate(lexical: np.ndarray, tuning: Tuning) -> np.ndarray:
    return lexical / (lexical + tuning.lexical_half)


def blend(signals: Signals, tuning: Tuning) -> np.ndarray:
    return (signals.semantic + tuning.rank_neighbours * signals.neighbours
            + tuning.rank_lexical * saturate(signals.lexical, tuning)
            + tuning.rank_passages * signals.passages)


def features(signals: Signals, grp: int, lead: float, tuning: Tuning) -> tuple[float, ...]:
    """(sim, vote, lex, passage, lead, unknown) for one group: the confidence model's inputs."""
    lexical = float(signals.lexical[grp])
    return (float(signals.semantic[grp]), math.exp(float(signals.neighbours[grp])),
            lexical / (lexical + tuning.lexical_half), float(signals.passages[grp]), lead,
            signals.unknown_ratio)


def confidence_of(x: tuple[float, ...], tuning: Tuning) -> float:
    sim, vote, lex, passage, lead, unknown = x
    z = (tuning.bias + tuning.w_sim * sim + tuning.w_vote * vote + tuning.w_lex * lex
         + tuning.w_passage * passage + tuning.w_lead * lead + tuning.w_unknown * unknown)
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def confidences(signals: Signals, ranked: np.ndarray, scores: np.ndarray, tuning: Tuning) -> list[float]:
    """Confidence of each group in `ranked` (best first) being what the user meant."""
    top = float(scores[ranked[0]])
    runner_up = float(scores[ranked[1]]) if len(ranked) > 1 else top   # alone: no lead
    out = []
    for i, grp in enumerate(ranked):
        lead = float(scores[grp]) - (runner_up if i == 0 else top)
        out.append(confidence_of(features(signals, int(grp), lead, tuning), tuning))
    return out
