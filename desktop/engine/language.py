"""Which of the KB's languages a question is written in.

A naive-Bayes guess over the KB's own words: the knowledge base knows how its English
and French articles are written, so "imprimante bloquee" and "printer stuck" are told
apart even without accents or grammar words. Too little evidence gives the default.
"""
from __future__ import annotations

import locale
import math
import os

from desktop.engine.text import words

MIN_EVIDENCE = 1.0  # log-likelihood lead needed to override the default language


class LanguageGuesser:
    def __init__(self, counts: dict[str, dict[str, int]]):
        """`counts[lang][word]`: how often each folded word appears in that language's entries."""
        self.counts = counts
        self.totals = {lang: sum(c.values()) for lang, c in counts.items()}
        self.vocabulary = len({w for c in counts.values() for w in c}) or 1

    def scores(self, text: str) -> dict[str, float]:
        # A word no entry uses says nothing about the language; smoothed, it would vote for
        # the language with the fewest words ("good morning" came out French).
        tokens = [t for t in words(text) if any(t in counts for counts in self.counts.values())]
        result = {}
        for lang, counts in self.counts.items():
            total = self.totals[lang] + 0.5 * self.vocabulary
            result[lang] = sum(math.log((counts.get(t, 0) + 0.5) / total) for t in tokens)
        return result

    def guess(self, text: str, default: str) -> str:
        scores = self.scores(text)
        if len(scores) < 2:
            return next(iter(scores), default)
        ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
        (best, best_score), (_, second_score) = ranked[0], ranked[1]
        return best if best_score - second_score >= MIN_EVIDENCE else default


def system_language() -> str:
    """"fr" when the session is French (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as Qt reads
    them; the system locale elsewhere), else "en"."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            return "fr" if value.lower().startswith("fr") else "en"
    try:
        name = locale.getlocale()[0] or ""
    except ValueError:
        name = ""
    return "fr" if name.lower().startswith(("fr", "french")) else "en"
