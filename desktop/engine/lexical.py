"""The lexical tier: BM25 over translation groups, with typo correction and synonyms.

Term counts are stored per group in the snapshot as hashed terms (stable across
builds, so a one-article change only touches that group's row). The inverted index is
assembled in memory with numpy when the knowledge base is first asked something.
"""
from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from desktop.engine.text import STOPWORDS, fold, terms

K1 = 1.2
B = 0.4


def index_terms(text: str) -> list[str]:
    return terms(text)


def term_hash(term: str) -> int:
    return zlib.crc32(term.encode("utf-8"))


def pack_counts(counts: dict[str, float]) -> tuple[bytes, bytes]:
    """(uint32 term hashes, float32 counts), sorted by hash."""
    items = sorted((term_hash(t), c) for t, c in counts.items())
    hashes = np.array([h for h, _ in items], dtype=np.uint32)
    weights = np.array([c for _, c in items], dtype=np.float32)
    return hashes.tobytes(), weights.tobytes()


class LexicalIndex:
    """BM25 scores of every group for a list of query terms."""

    def __init__(self, rows: list[tuple[bytes, bytes]]):
        hashes, weights, groups, lengths = [], [], [], []
        for grp, (hash_blob, weight_blob) in enumerate(rows):
            h = np.frombuffer(hash_blob, dtype=np.uint32)
            w = np.frombuffer(weight_blob, dtype=np.float32)
            hashes.append(h)
            weights.append(w)
            groups.append(np.full(len(h), grp, dtype=np.int32))
            lengths.append(float(w.sum()))
        self.n_groups = len(rows)
        if not rows:
            self._hashes = np.zeros(0, np.uint32)
            self._groups = np.zeros(0, np.int32)
            self._weights = np.zeros(0, np.float32)
            return
        all_hashes = np.concatenate(hashes)
        order = np.argsort(all_hashes, kind="stable")
        self._hashes = all_hashes[order]
        self._groups = np.concatenate(groups)[order]
        tf = np.concatenate(weights)[order]
        length = np.array(lengths, dtype=np.float32)
        avg = float(length.mean()) or 1.0
        norm = K1 * (1 - B + B * length[self._groups] / avg)
        unique, starts, df = np.unique(self._hashes, return_index=True, return_counts=True)
        idf_by_term = np.log(1 + (self.n_groups - df + 0.5) / (df + 0.5)).astype(np.float32)
        idf = np.repeat(idf_by_term, df)
        self._weights = (idf * tf * (K1 + 1) / (tf + norm)).astype(np.float32)
        self._unique, self._starts, self._df = unique, starts, df
        self.max_idf = float(math.log(1 + (self.n_groups - 0.5) / 1.5)) if self.n_groups else 1.0

    def known(self, term: str) -> bool:
        h = term_hash(term)
        i = np.searchsorted(self._unique, h)
        return bool(i < len(self._unique) and self._unique[i] == h)

    def score(self, query_terms: list[str]) -> np.ndarray:
        groups, weights = [], []
        for term in dict.fromkeys(query_terms):
            h = term_hash(term)
            i = int(np.searchsorted(self._unique, h))
            if i >= len(self._unique) or self._unique[i] != h:
                continue
            start, count = int(self._starts[i]), int(self._df[i])
            groups.append(self._groups[start:start + count])
            weights.append(self._weights[start:start + count])
        if not groups:
            return np.zeros(self.n_groups, dtype=np.float32)
        return np.bincount(np.concatenate(groups), weights=np.concatenate(weights),
                           minlength=self.n_groups).astype(np.float32)


@dataclass
class AnalysedQuery:
    """A question after synonyms and typo correction."""

    text: str                  # corrected text with synonyms mapped to their canonical form
    terms: list[str]           # stemmed content terms, fed to BM25
    corrections: dict[str, str]
    content_words: int         # words of the question that carry meaning
    unknown_words: int         # of those, how many the KB's vocabulary does not have as typed
    question: str = ""         # as typed
    respellings: list[tuple[int, int, str, str]] = field(default_factory=list)
    # (start, end, replacement, typed word or "" for an abbreviation), spans of `question`

    def reading(self, is_word: Callable[[str], bool] = lambda word: False) -> str:
        """The question for the semantic tier: as typed, with abbreviations spelt out and
        typos fixed, except words `is_word` knows (a word the KB does not use, such as
        "tune", is not a typo of "tuna"). Other synonyms stay as typed: the model knows
        them, and a canonical word can shift the sense."""
        text = self.question
        for start, end, replacement, typed in reversed(self.respellings):
            if not typed or not is_word(typed):
                text = text[:start] + replacement + text[end:]
        return text

    @property
    def meaning(self) -> str:
        """`reading()` with every typo fixed."""
        return self.reading()


_TOKEN_RE = re.compile(r"[\w']+|[^\w\s]", re.UNICODE)


def is_abbreviation(short: str, long: str) -> bool:
    """Whether `short` is a shortened or misspelt way of writing `long`: one word, same
    first letter, and its letters are the initials of `long`'s words ("mdp", "mot de
    passe") or appear in `long` in order ("pwd", "password"; "printr", "printer")."""
    letters = long.replace(" ", "").replace("-", "")
    if " " in short or not short or len(short) >= len(letters) or short[0] != letters[0]:
        return False
    if short == "".join(word[0] for word in long.split() if word):
        return True
    rest = iter(letters)
    return all(ch in rest for ch in short)


class QueryAnalyser:
    """Applies the KB's synonyms and corrects typos against the KB's own vocabulary.

    Synonyms are per language (`{"fr": {"mdp": "mot de passe"}}`): "pc" may mean one
    thing in an English group and another in a French one. Typo correction only maps a
    word the KB has never seen to a KB word with the same first letter, one edit away
    (a swap of two letters is one edit; two for words of eight letters or more), never to
    a stop word. Among equally close words, one that forms a known phrase with its
    neighbours wins ("mot de pase" → "passe", from "mot de passe"), then the most frequent.
    Every word of a question is corrected, so several typos at once are all mended.
    """

    def __init__(self, vocabulary: dict[str, int], synonyms: dict[str, dict[str, str]]):
        self.vocabulary = vocabulary
        self._words = [w for w in vocabulary if w not in STOPWORDS]
        self.synonyms = synonyms
        self._max_phrase = max((p.count(" ") + 1 for table in synonyms.values() for p in table), default=1)
        self._pairs = {pair for table in synonyms.values() for phrase in (*table, *table.values())
                       for pair in zip(phrase.split(), phrase.split()[1:])}
        self._cache: dict[str, list[tuple[str, int]]] = {}

    def _candidates(self, word: str) -> list[tuple[str, int]]:
        """Vocabulary words `word` may be a typo of, with their edit distance."""
        if word in self._cache:
            return self._cache[word]
        found: list[tuple[str, int]] = []
        if len(word) >= 4 and not word.isdigit():
            limit = 1 if len(word) <= 7 else 2
            found = [(c[0], int(c[1])) for c in process.extract(word, self._words, scorer=OSA.distance,
                                                               score_cutoff=limit, limit=12) if c[0][0] == word[0]]
        self._cache[word] = found
        return found

    def correct(self, word: str, before: str = "", after: str = "") -> str | None:
        """The vocabulary word `word` was probably meant to be (between the words `before`
        and `after`), or None."""
        candidates = self._candidates(word)
        if not candidates:
            return None

        def rank(candidate: tuple[str, int]) -> tuple[int, bool, int]:
            known_phrase = (before, candidate[0]) in self._pairs or (candidate[0], after) in self._pairs
            return candidate[1], not known_phrase, -self.vocabulary[candidate[0]]
        return min(candidates, key=rank)[0]

    def canonical(self, text: str, lang: str | None) -> str:
        """`text` with synonym phrases replaced by their canonical form (no typo correction)."""
        return self.analyse(text, lang, correct=False).text

    def analyse(self, question: str, lang: str | None = None, correct: bool = True) -> AnalysedQuery:
        table = self.synonyms.get(lang or "", {}) if lang else {k: v for t in self.synonyms.values() for k, v in t.items()}
        matches = [m for m in _TOKEN_RE.finditer(question) if m.group().strip()]
        raw = [m.group() for m in matches]
        folded = [" ".join(re.findall(r"[a-z0-9]+", fold(t))) for t in raw]
        out: list[str] = []
        corrections: dict[str, str] = {}
        spelt: list[tuple[int, int, str, str]] = []    # see AnalysedQuery.respellings
        content = unknown = 0
        i = 0
        while i < len(raw):
            for size in range(min(self._max_phrase, len(raw) - i), 0, -1):
                phrase = " ".join(f for f in folded[i:i + size] if f)
                if phrase and folded[i + size - 1] and phrase in table:   # never ends on punctuation
                    out.append(table[phrase])
                    corrections[" ".join(raw[i:i + size])] = table[phrase]
                    if is_abbreviation(phrase, table[phrase]):
                        spelt.append((matches[i].start(), matches[i + size - 1].end(), table[phrase], ""))
                    content += 1
                    i += size
                    break
            else:
                token, word = raw[i], folded[i]
                meaningful = bool(word) and word not in STOPWORDS and (len(word) > 1 or word.isdigit())
                content += meaningful
                if meaningful and " " not in word and word not in self.vocabulary:
                    unknown += 1
                    fixed = self.correct(word, folded[i - 1] if i else "",
                                         folded[i + 1] if i + 1 < len(folded) else "") if correct else None
                    if fixed:
                        spelt.append((matches[i].start(), matches[i].end(), fixed, word))
                        fixed = table.get(fixed, fixed)
                        corrections[token] = fixed
                        token = fixed
                out.append(token)
                i += 1
        text = " ".join(out)
        return AnalysedQuery(text=text, terms=terms(text), corrections=corrections, content_words=content,
                             unknown_words=unknown, question=question, respellings=spelt)
