"""Learn, at build time, how this KB's questions are told apart and when to say "I don't know".

    head, calibration = fit(texts)

1. The head: a softmax classifier over the embeddings of every title, keyword line and
   example question, one class per translation group, started at the groups' centroids
   (Nesterov gradient descent, L2 pull towards the centroids, a fixed compute budget).
2. Held-out folds: the same fit without one example in five of every group, and without
   one group in ten altogether. The left-out examples are asked as the engine asks them,
   with every signal computed from the fold's KB: those of present groups are questions
   the KB was written for, those of left-out groups questions it has no answer for (they
   are the hardest kind: a neighbour's topic).
3. From them: the ranking blend that puts the right group first most often; a logistic
   confidence over `decision.FEATURES`, pulled towards the defaults when the KB has few
   examples; "answer" where held-out wrong answers stay rare, "choose" where most
   questions without an answer are refused.
Nothing is fitted to a test set: only the KB's own texts are read.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np

from desktop.engine.decision import (ABSENT, HEAD_SCALE, Calibration, GroupSignals, Head, confidence, features,
                                     in_scope, ranking, saturate)
from desktop.engine.lexical import LexicalIndex, pack_counts

FOLDS = 5
ABSENT_EVERY = 10           # one group in ten is left out in each fold
FLOPS_BUDGET = 1.5e11       # per head fit; more examples or groups: fewer iterations
MAX_ITERATIONS = 300
MIN_ITERATIONS = 20
L2 = 1e-3
TARGET_WRONG = 0.03        # held-out in-scope questions answered wrongly, at most
TARGET_ABSENT_ANSWERED = 0.15   # questions without an answer, answered directly, at most
TARGET_ABSENT_REFUSED = 0.62    # questions without an answer refused (neighbours' topics: questions
                                # from outside the KB's field are refused far more often, about 90%)
MAX_RIGHT_REFUSED = 0.04        # ...unless that refuses more of the held-out questions ranked right
MAX_ASKED_PER_FOLD = 800    # held-out questions asked per fold, at most
PRIOR_SAMPLES = 200         # ...and the default thresholds as this many
PRIOR_WEIGHT = 3.0         # the defaults count as this many held-out questions


@dataclass
class Texts:
    """What the builder knows about each text of the KB (row i = one title/keywords/question)."""

    vectors: np.ndarray            # (n, d) float32, unit length
    groups: np.ndarray             # (n,) group of each text
    is_question: np.ndarray        # (n,) bool: an example question (may be held out)
    terms: list[dict[str, float]]  # lexical term counts of each text
    words: list[set[str]]          # folded words of each text
    n_groups: int
    body_terms: list[dict[str, float]]   # per group: the bodies' weighted term counts
    body_words: list[set[str]]
    passages: np.ndarray           # (m, d) body vectors
    passage_groups: np.ndarray     # (m,)


def centroids(vectors: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    sums = np.zeros((n_groups, vectors.shape[1]), np.float32)
    np.add.at(sums, groups, vectors)
    return sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-9)


def fit_head(vectors: np.ndarray, groups: np.ndarray, n_groups: int) -> Head:
    """Softmax regression started at the centroids; the cost is bounded by FLOPS_BUDGET."""
    n, d = vectors.shape
    means = centroids(vectors, groups, n_groups)
    weights, bias = means.T.copy(), np.zeros(n_groups, np.float32)
    iterations = int(min(MAX_ITERATIONS, FLOPS_BUDGET / max(1.0, 4.0 * n * d * n_groups)))
    if n == 0 or n_groups < 2 or iterations < MIN_ITERATIONS:
        return Head(weights, bias, means)      # too big to fit in the budget: the centroids
    target = np.zeros((n, n_groups), np.float32)
    target[np.arange(n), groups] = 1.0
    x = (vectors * HEAD_SCALE).astype(np.float32)
    top = float(np.linalg.eigvalsh((vectors.T @ vectors) / n).max())
    step = 1.0 / (0.5 * HEAD_SCALE ** 2 * top + L2)
    prev_w, prev_b = weights.copy(), bias.copy()
    for t in range(1, iterations + 1):
        mu = (t - 1) / (t + 2)
        w = weights + mu * (weights - prev_w)
        b = bias + mu * (bias - prev_b)
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - target) / n
        prev_w, prev_b = weights, bias
        weights = (w - step * (x.T @ grad + L2 * (w - means.T))).astype(np.float32)
        bias = (b - step * grad.sum(axis=0)).astype(np.float32)
    return Head(weights, bias, means)


@dataclass
class Sample:
    signals: GroupSignals
    target: int                 # the group it belongs to; -1 when that group was left out


def _fold_samples(t: Texts, fold: int) -> list[Sample]:
    rank_in_group = np.zeros(len(t.groups), np.int64)
    seen: dict[int, int] = {}
    for i, g in enumerate(t.groups):
        rank_in_group[i] = seen.get(int(g), 0)
        seen[int(g)] = rank_in_group[i] + 1
    absent = np.zeros(t.n_groups, bool)
    absent[fold::ABSENT_EVERY] = True
    held = t.is_question & ((rank_in_group % FOLDS) == fold) & ~absent[t.groups]
    asked_absent = t.is_question & absent[t.groups] & ((rank_in_group % 2) == 0)
    train = ~held & ~absent[t.groups]
    if held.sum() == 0 or train.sum() == 0:
        return []
    head = fit_head(t.vectors[train], t.groups[train], t.n_groups)
    train_idx = np.flatnonzero(train)             # texts are stored group by group
    present_groups, starts = np.unique(t.groups[train_idx], return_index=True)
    present = np.zeros(t.n_groups, bool)
    present[present_groups] = True
    counts: list[dict[str, float]] = [dict(t.body_terms[g]) if present[g] else {} for g in range(t.n_groups)]
    vocabulary = set().union(*(t.body_words[g] for g in present_groups)) if len(present_groups) else set()
    for i in train_idx:
        group_counts = counts[t.groups[i]]
        for term, c in t.terms[i].items():
            group_counts[term] = group_counts.get(term, 0.0) + c
        vocabulary |= t.words[i]
    lexical = LexicalIndex([pack_counts(c) for c in counts])
    passage_ok = present[t.passage_groups]
    asked = np.flatnonzero(held | asked_absent)
    if len(asked) > MAX_ASKED_PER_FOLD:           # big KBs: an even sample of them
        asked = asked[np.linspace(0, len(asked) - 1, MAX_ASKED_PER_FOLD).astype(np.int64)]
    samples = []
    for i in asked:
        q = t.vectors[i]
        nearest = np.full(t.n_groups, ABSENT, np.float32)
        nearest[present_groups] = np.maximum.reduceat(t.vectors[train_idx] @ q, starts)
        passage = np.full(t.n_groups, ABSENT, np.float32)
        np.maximum.at(passage, t.passage_groups[passage_ok], t.passages[passage_ok] @ q)
        log_prob = head.log_probs(q)
        log_prob[~present] = ABSENT
        centroid = head.centroids @ q
        centroid[~present] = ABSENT
        words = t.words[i]
        unknown = len(words - vocabulary) / len(words) if words else 0.0
        signals = GroupSignals(log_prob, centroid, nearest, saturate(lexical.score(list(t.terms[i]))),
                               passage, unknown)
        samples.append(Sample(signals, int(t.groups[i]) if held[i] else -1))
    return samples


def _top_two(scores: np.ndarray) -> tuple[int, int | None]:
    if len(scores) < 2:
        return int(np.argmax(scores)), None
    top2 = np.argpartition(-scores, 1)[:2]
    a, b = (int(top2[0]), int(top2[1])) if scores[top2[0]] >= scores[top2[1]] else (int(top2[1]), int(top2[0]))
    return a, b


def _best_blend(samples: list[Sample], base: Calibration) -> Calibration:
    inscope = [s for s in samples if s.target >= 0]
    if not inscope:
        return base
    best, best_right = base, -1
    for nearest, lex, passage in itertools.product((0.0, 0.5, 1.0), (0.0, 0.2, 0.5), (0.0, 0.5, 1.0)):
        c = replace(base, w_nearest=nearest, w_lexical=lex, w_passage=passage)
        right = sum(int(np.argmax(ranking(s.signals, c))) == s.target for s in inscope)
        if right > best_right:
            best, best_right = c, right
    return best


def _logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, prior: np.ndarray, prior_weight: float) -> np.ndarray:
    """Weighted logistic regression pulled towards `prior` (bias first): damped Newton
    steps, each halved until the penalised loss goes down."""
    xb = np.hstack([np.ones((len(x), 1)), x])

    def loss(beta: np.ndarray) -> float:
        z = xb @ beta
        return float(np.sum(w * (np.logaddexp(0, z) - y * z)) + 0.5 * prior_weight * np.sum((beta - prior) ** 2))

    beta = prior.copy()
    current = loss(beta)
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(xb @ beta, -30, 30)))
        grad = xb.T @ (w * (p - y)) + prior_weight * (beta - prior)
        hess = (xb * (w * p * (1 - p))[:, None]).T @ xb + prior_weight * np.eye(len(beta))
        delta = np.linalg.solve(hess, grad)
        step = 1.0
        while step > 1e-4 and loss(beta - step * delta) > current:
            step /= 2
        if step <= 1e-4:
            break
        beta = beta - step * delta
        previous, current = current, loss(beta)
        if previous - current < 1e-7 * max(1.0, abs(current)):
            break
    return beta


def fit(t: Texts) -> tuple[Head, Calibration]:
    head = fit_head(t.vectors, t.groups, t.n_groups)
    samples = [s for fold in range(FOLDS) for s in _fold_samples(t, fold)]
    base = Calibration()
    if len(samples) < 20 or t.n_groups < 3:
        return head, base
    c = _best_blend(samples, base)
    x, y, kinds = [], [], []
    for s in samples:
        scores = ranking(s.signals, c)
        top, second = _top_two(scores)
        x.append(features(s.signals, scores, top, second))
        y.append(1.0 if top == s.target else 0.0)
        kinds.append(0 if s.target < 0 else (1 if top == s.target else 2))   # 0 absent, 1 right, 2 wrong
    x, y, kinds = np.array(x), np.array(y), np.array(kinds)
    inscope = kinds > 0
    weight = np.where(inscope, 1.0, inscope.sum() / max(1, (~inscope).sum()) * 0.5)
    prior = np.array([c.bias, *c.coef])
    beta = _logistic(x, y, weight, prior, PRIOR_WEIGHT)
    scope_weight = np.where(inscope, 1.0, inscope.sum() / max(1, (~inscope).sum()))
    scope = _logistic(x, inscope.astype(float), scope_weight, np.array([c.scope_bias, *c.scope_coef]), PRIOR_WEIGHT)
    c = replace(c, bias=float(beta[0]), coef=tuple(float(v) for v in beta[1:]), scope_bias=float(scope[0]),
                scope_coef=tuple(float(v) for v in scope[1:]), samples=int(len(samples)))
    fitted = _thresholds(np.array([confidence(row, c) for row in x]), np.array([in_scope(row, c) for row in x]),
                         kinds)
    share = len(samples) / (len(samples) + PRIOR_SAMPLES)     # few held-out questions: mostly the defaults
    c = replace(c, **{name: share * value + (1 - share) * getattr(base, name) for name, value in fitted.items()})
    return head, c


def _thresholds(conf: np.ndarray, scope: np.ndarray, kinds: np.ndarray) -> dict[str, float]:
    """answer_at: the lowest confidence at which held-out wrong answers and answered
    questions without an answer stay under their targets; choose_at: refuses
    TARGET_ABSENT_REFUSED of the questions without an answer, or MAX_RIGHT_REFUSED of those
    ranked right, whichever refuses less."""
    n_in = max(1, int((kinds > 0).sum()))
    absent = conf[kinds == 0]
    answer_at = 0.99
    for threshold in np.linspace(0.3, 0.99, 70):
        wrong = ((conf >= threshold) & (kinds == 2)).sum() / n_in
        answered_absent = (absent >= threshold).mean() if len(absent) else 0.0
        if wrong <= TARGET_WRONG and answered_absent <= TARGET_ABSENT_ANSWERED:
            answer_at = float(threshold)
            break
    right, outside = scope[kinds == 1], scope[kinds == 0]
    choose_at = float(np.quantile(outside, TARGET_ABSENT_REFUSED)) if len(outside) else 0.3
    if len(right):          # never refuse more than a few of the questions it would get right
        choose_at = min(choose_at, float(np.quantile(right, MAX_RIGHT_REFUSED)))
    return {"answer_at": answer_at, "choose_at": choose_at}
