"""`KnowledgeBase`: the offline knowledge base an employee asks questions of.

    >>> kb = KnowledgeBase.open("kb.sqlite")
    >>> reply = kb.ask("my printr wont print", lang="en")
    >>> reply.kind, reply.hits[0].id
    ('answer', 'printer-troubleshoot')

Opening only reads the metadata (fast); the indexes are assembled on the first `ask`
(or by `warm_up()` off the GUI thread), after every page of the file is checked: a
snapshot damaged on disk raises `SnapshotError` there, naming the file and the damage.
Everything is read-only and thread-safe.
"""
from __future__ import annotations

import json
import re
import sqlite3
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

import numpy as np

import desktop.engine.decision as decision
import desktop.engine.matcher as matcher
from desktop.engine.embedder import Embedder, shared_embedder
from desktop.engine.index import SearchIndex, release_free_memory
from desktop.engine.lexical import AnalysedQuery
from desktop.engine.reply import Hit, Reply
from desktop.engine.smalltalk import smalltalk
from desktop.engine.snapshot import SnapshotError, SnapshotInfo, connect
from desktop.engine.text import detect_language
from desktop.engine.variables import render

MAX_QUESTION_CHARS = 1000
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffd]")
# When the snapshot's vectors come from another model only the lexical tier can vote;
# the default calibration needs a semantic similarity, so it would never answer.
LEXICAL_ONLY_TUNING = replace(matcher.DEFAULT_TUNING, bias=-4.0, w_sim=0.0, w_vote=0.0, w_passage=0.0,
                              w_lex=10.0, w_lead=40.0 / matcher.DEFAULT_TUNING.rank_lexical, w_unknown=-3.0)

SIBLING_SURE = 0.5          # a runner-up this likely to be right turns an answer into a choice

MESSAGES = {
    "en": {
        "empty": "Type your IT question in your own words.",
        "unknown": "Sorry, I did not understand. Could you say it differently? "
                   "If it is urgent, I can open a ticket for you.",
        "choose": "Did you mean one of these?",
    },
    "fr": {
        "empty": "Posez votre question informatique avec vos mots.",
        "unknown": "Désolé, je n'ai pas compris. Pouvez-vous reformuler ? "
                   "Si c'est urgent, je peux ouvrir un ticket pour vous.",
        "choose": "Vouliez-vous dire l'un de ces sujets ?",
    },
}


@dataclass(frozen=True)
class Article:
    id: str
    kind: str
    lang: str
    title: str
    body: str
    team: str | None
    topic: str | None
    keywords: list[str]
    questions: list[str]
    translation_of: str | None
    tree: dict[str, Any] | None
    group: int


class KnowledgeBase:
    """A read-only snapshot you can ask questions of."""

    def __init__(self, db, info: SnapshotInfo, embedder: Embedder | None = None,
                 tuning: matcher.Tuning = matcher.DEFAULT_TUNING):
        self._db = db
        self.info = info
        self.tuning = tuning
        self._embedder = embedder or shared_embedder()
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()
        self._db_lock = threading.Lock()
        self.warnings: list[str] = []
        self._requests_by_article: dict | None = None
        if info.model != self._embedder.identity:
            self.warnings.append(
                f"{info.path}: vectors were made by '{info.model}', this app uses "
                f"'{self._embedder.identity}'; semantic matching is off until the snapshot is rebuilt")

    @classmethod
    def open(cls, path: str | Path, embedder: Embedder | None = None) -> "KnowledgeBase":
        """Open a snapshot read-only; raises SnapshotError with a clear reason."""
        db, info = connect(path)
        return cls(db, info, embedder)

    # -- reading entries ------------------------------------------------------------
    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._db_lock:
            try:
                return self._db.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as exc:
                raise SnapshotError(f"{self.info.path}: damaged snapshot ({exc})") from None

    def _article(self, row: tuple) -> Article:
        (entry_id, kind, lang, grp, title, body, team, topic, keywords, questions,
         translation_of, tree, _path) = row
        try:
            return Article(entry_id, kind, lang, title, body, team, topic, json.loads(keywords),
                           json.loads(questions), translation_of, json.loads(tree) if tree else None, grp)
        except (TypeError, ValueError, RecursionError) as exc:    # bytes changed inside a row
            raise SnapshotError(f"{self.info.path}: damaged snapshot (entry {entry_id!r}: {exc})") from None

    def article(self, entry_id: str) -> Article:
        """An article or tree by id; KeyError if absent."""
        rows = self._rows("SELECT * FROM entries WHERE id = ?", (entry_id,))
        if not rows:
            raise KeyError(entry_id)
        return self._article(rows[0])

    def tree(self, entry_id: str) -> Article:
        """A decision tree, or a service request item (walked as its one-step form)."""
        entry = self.article(entry_id)
        if entry.kind not in ("tree", "request"):
            raise KeyError(f"{entry_id} is not a decision tree")
        return entry

    def request_for(self, article_id: str) -> Article | None:
        """The service request item an article offers (the item names it as its `article`);
        read once, since the chat asks on every keystroke."""
        if self._requests_by_article is None:
            self._requests_by_article = {((item.tree or {}).get("request") or {}).get("article"): item
                                         for item in self.request_items()}
        return self._requests_by_article.get(article_id) if article_id else None

    def request_items(self) -> list[Article]:
        """The service catalog: every request item (its `tree["request"]` is the item)."""
        return [self._article(row) for row in self._rows("SELECT * FROM entries WHERE kind = 'request' ORDER BY id")]

    def entries(self) -> list[Article]:
        return [self._article(row) for row in self._rows("SELECT * FROM entries ORDER BY id")]

    def translation(self, entry_id: str, lang: str) -> str:
        """The id of `entry_id`'s version in `lang`, or `entry_id` itself."""
        group = self.article(entry_id).group
        return self.search_index().members.get(group, {}).get(lang, entry_id)

    def render(self, text: str, values: Mapping[str, str | None], lang: str | None = None,
               markdown: bool = False) -> str:
        """`text` with its variables filled (see `variables.render`); `lang` picks the
        fallback wording, the KB's default language when not given."""
        return render(text, values, lang=lang or self.info.default_lang, markdown=markdown)

    def check(self) -> None:
        """Read every page of the file once; SnapshotError naming the file and the damage.
        `search_index` does this before the first answer; `stats` calls it directly."""
        with self._db_lock:
            try:
                _check_pages(self._db)
            except (SnapshotError, sqlite3.DatabaseError) as exc:
                raise SnapshotError(f"{self.info.path}: damaged snapshot ({exc})") from None

    # -- asking ---------------------------------------------------------------------
    def warm_up(self) -> None:
        """Build the in-memory indexes and load the model now (call off the GUI thread)."""
        self.search_index()
        if self._index and self._index.semantic:
            self._embedder.embed(["warm up"])
        release_free_memory()

    def search_index(self) -> SearchIndex:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self.check()
                    with self._db_lock:
                        try:
                            index = SearchIndex(self._db, self._embedder, self.info.model)
                        except (sqlite3.DatabaseError, ValueError, KeyError, TypeError, IndexError,
                                OverflowError, MemoryError) as exc:
                            raise SnapshotError(f"{self.info.path}: damaged snapshot ({exc})") from None
                    if index.semantic and len(index.starts) and int(index.starts[-1]) >= len(index.vectors):
                        raise SnapshotError(f"{self.info.path}: damaged snapshot (fewer vectors than texts)")
                    self._index = index
                    release_free_memory()
        return self._index

    def ask(self, text: str, lang: str | None = None, limit: int = 5, prefer: str | None = None) -> Reply:
        """Understand a question: see `Reply` for the kinds of answer.

        `lang` forces the language; otherwise it is detected, and `prefer` (the language
        the employee uses the app in) decides when the question says too little to tell,
        as "wifi" or "VPN" do; without it the KB's default language does.
        """
        question = _clean(text)
        lang = lang if lang in self.info.languages else None
        index = self.search_index()
        if not lang:
            default = prefer if prefer in self.info.languages else self.info.default_lang
            hint = detect_language(question, self.info.languages, default)
            lang = index.languages.guess(question, default=hint)
        messages = MESSAGES.get(lang, MESSAGES["en"])
        if not question:
            return Reply("unknown", lang=lang, message=messages["empty"])
        chat = smalltalk(question, lang)
        if chat:
            return Reply("smalltalk", lang=lang, message=chat)
        if not index.group_ids:
            return Reply("unknown", lang=lang, message=messages["unknown"])
        if index.head is not None and index.calibration is not None:
            return self._decide(question, index, lang, max(1, limit))
        t = self.tuning if index.semantic else LEXICAL_ONLY_TUNING
        signals, analysed = self.signals(question, index, lang)
        if analysed.content_words == 0:       # punctuation, emoji, stop words only
            return Reply("unknown", lang=lang, message=messages["unknown"])
        scores = matcher.blend(signals, t)
        limit = max(1, limit)
        ranked = np.argsort(-scores)[: max(limit, 2)]      # the runner-up counts even when limit is 1
        confidence = matcher.confidences(signals, ranked, scores, t)
        hits = [self._hit(int(grp), lang, c, index) for grp, c in zip(ranked[:limit], confidence)]
        if hits[0].score >= t.answer_at:
            return Reply("answer", hits=hits, lang=lang, corrections=analysed.corrections)
        if hits[0].score >= t.choose_at:
            candidates = [h for h in hits if h.score >= t.choose_at / 4][: t.choose_max]
            return Reply("choose", hits=candidates, lang=lang, message=messages["choose"],
                         corrections=analysed.corrections)
        return Reply("unknown", hits=hits[:3], lang=lang, message=messages["unknown"],
                     corrections=analysed.corrections)

    def nearest_examples(self, question: str, limit: int = 5) -> list[tuple[str, str, str, float]]:
        """Why an answer came: the example questions and texts most like `question`
        (entry id, field, text, cosine similarity), best first. Empty without vectors."""
        index = self.search_index()
        if not index.semantic or not len(index.vectors):
            return []
        analysed = index.analyser.analyse(_clean(question), None)
        is_word = getattr(self._embedder, "is_word", None) or (lambda word: False)
        query = self._embedder.embed([analysed.reading(is_word) or question])[0]
        sims = index.vectors @ query
        best = [int(i) for i in np.argsort(-sims)[:max(1, limit)]]
        docs = self._rows("SELECT entry_id, field, text FROM docs ORDER BY grp, seq")
        return [(docs[i][0], docs[i][1], docs[i][2], round(float(sims[i]), 3)) for i in best if i < len(docs)]

    def group_signals(self, question: str, index: SearchIndex | None = None,
                      lang: str | None = None) -> tuple[decision.GroupSignals, AnalysedQuery]:
        """Every group's signals for the learned decision (see decision.GroupSignals)."""
        index = index or self.search_index()
        analysed = index.analyser.analyse(question, lang)
        is_word = getattr(self._embedder, "is_word", None) or (lambda word: False)
        query = self._embedder.embed([analysed.reading(is_word) or question])[0]
        nearest = np.maximum.reduceat(index.vectors @ query, index.starts)
        passages = np.maximum.reduceat(index.passages @ query, index.passage_starts)
        # words still unknown once typos are mended: several typos in a clear question are no doubt
        mended = sum(1 for *_, typed in analysed.respellings if typed)
        unknown = max(0, analysed.unknown_words - mended) / analysed.content_words if analysed.content_words else 1.0
        signals = decision.GroupSignals(index.head.log_probs(query), index.head.centroids @ query, nearest,
                                        decision.saturate(index.lexical.score(analysed.terms)), passages,
                                        unknown)
        return signals, analysed

    def _decide(self, question: str, index: SearchIndex, lang: str, limit: int) -> Reply:
        """Answer, offer a choice or say "not understood", as this KB's calibration says."""
        messages = MESSAGES.get(lang, MESSAGES["en"])
        signals, analysed = self.group_signals(question, index, lang)
        if analysed.content_words == 0:       # punctuation, emoji, stop words only
            return Reply("unknown", lang=lang, message=messages["unknown"])
        c = index.calibration
        scores = decision.ranking(signals, c)
        ranked = np.argsort(-scores)[: max(limit, 3)]
        second = int(ranked[1]) if len(ranked) > 1 else None
        x = decision.features(signals, scores, int(ranked[0]), second)
        sure = decision.confidence(x, c)
        # the others' confidence: the same model, as if each were the best candidate
        scores_of = [sure] + [decision.confidence(decision.features(signals, scores, int(g), int(ranked[0])), c)
                              for g in ranked[1:]]
        hits = [self._hit(int(g), lang, s, index) for g, s in zip(ranked, scores_of)]
        # a sibling topic about as likely, or sure enough to be an answer itself: let the person choose
        sibling = second is not None and (
            float(np.exp(signals.log_prob[second] - signals.log_prob[ranked[0]])) >= c.sibling_share
            or scores_of[1] >= SIBLING_SURE)
        if sure >= c.answer_at and not sibling:
            return Reply("answer", hits=hits[:limit], lang=lang, corrections=analysed.corrections)
        if decision.in_scope(x, c) >= c.choose_at:
            offered = decision.candidates_to_offer(scores, signals.log_prob, ranked)
            return Reply("choose", hits=hits[:min(offered, limit)], lang=lang, message=messages["choose"],
                         corrections=analysed.corrections)
        return Reply("unknown", hits=hits[:min(3, limit)], lang=lang, message=messages["unknown"],
                     corrections=analysed.corrections)

    def signals(self, question: str, index: SearchIndex | None = None,
                lang: str | None = None) -> tuple[matcher.Signals, AnalysedQuery]:
        """What both tiers say about every group (see matcher.Signals)."""
        index = index or self.search_index()
        analysed = index.analyser.analyse(question, lang)
        lexical = index.lexical.score(analysed.terms)
        n = len(index.group_ids)
        if index.semantic:
            is_word = getattr(self._embedder, "is_word", None) or (lambda word: False)
            query = self._embedder.embed([analysed.reading(is_word) or question])[0]
            sims = index.vectors @ query
            semantic = np.maximum.reduceat(sims, index.starts)
            neighbours = matcher.neighbour_vote(sims, index.doc_groups, n, self.tuning)
            passages = np.maximum.reduceat(index.passages @ query, index.passage_starts)
        else:
            semantic = neighbours = passages = np.zeros(n, dtype=np.float32)
        unknown = analysed.unknown_words / analysed.content_words if analysed.content_words else 1.0
        return matcher.Signals(semantic, neighbours, passages, lexical, unknown), analysed

    def _hit(self, grp: int, lang: str, score: float, index: SearchIndex) -> Hit:
        members = index.members.get(grp, {})
        entry_id = members.get(lang) or members.get(self.info.default_lang) or next(iter(members.values()))
        entry = self.article(entry_id)
        return Hit(id=entry.id, title=entry.title, score=round(score, 4), kind=entry.kind,
                   lang=entry.lang, team=entry.team)


def _check_pages(db: sqlite3.Connection) -> None:
    """Read every page once (SQLite's quick_check: a few milliseconds per megabyte) so a
    page damaged on disk is found before the first answer, not in the middle of one.
    Raises SnapshotError with SQLite's first complaint."""
    rows = db.execute("PRAGMA quick_check(1)").fetchall()
    verdict = str(rows[0][0]) if rows else "no answer from the integrity check"
    if verdict != "ok":
        raise SnapshotError(" ".join(verdict.replace("*** in database main ***", "").split()))


def _clean(text: Any) -> str:
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = _CONTROL_RE.sub(" ", text)[:MAX_QUESTION_CHARS]
    return " ".join(text.split())


__all__ = ["KnowledgeBase", "Article", "SnapshotError"]
