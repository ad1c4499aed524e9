"""The peers an admin could pick instead of our engine, run on the same snapshot and questions.

- SQLite FTS5 with BM25 ranking over title, example questions, keywords and body;
- rapidfuzz `token_set_ratio` of the question against every title.
Both always return their best match (neither can say "I don't know" unless nothing
at all matches), which is how they are used in practice.
"""
from __future__ import annotations

import re
import sqlite3

from rapidfuzz import fuzz, process

from desktop.engine import Hit, KnowledgeBase, Reply


class Fts5Peer:
    name = "SQLite FTS5 BM25"

    def __init__(self, kb: KnowledgeBase):
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, kind UNINDEXED, title, "
                        "questions, keywords, body, tokenize='unicode61 remove_diacritics 2')")
        self.titles = {}
        for entry in kb.entries():
            self.titles[entry.id] = (entry.title, entry.kind, entry.lang)
            self.db.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)",
                            (entry.id, entry.kind, entry.title, "\n".join(entry.questions),
                             " ".join(entry.keywords), entry.body))

    def ask(self, text: str, lang: str | None = None) -> Reply:
        tokens = re.findall(r"\w+", text.lower())
        if not tokens:
            return Reply("unknown")
        query = " OR ".join(f'"{t}"' for t in tokens[:64])
        rows = self.db.execute("SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 5",
                               (query,)).fetchall()
        if not rows:
            return Reply("unknown")
        hits = [Hit(r[0], self.titles[r[0]][0], 1.0, self.titles[r[0]][1], self.titles[r[0]][2]) for r in rows]
        return Reply("answer", hits=hits)


class RapidfuzzPeer:
    name = "rapidfuzz token_set_ratio (titles)"

    def __init__(self, kb: KnowledgeBase):
        self.entries = [(e.id, e.title, e.kind, e.lang) for e in kb.entries()]
        self.titles = [e[1].lower() for e in self.entries]

    def ask(self, text: str, lang: str | None = None) -> Reply:
        if not text.strip():
            return Reply("unknown")
        matches = process.extract(text.lower(), self.titles, scorer=fuzz.token_set_ratio, limit=5)
        hits = [Hit(self.entries[i][0], self.entries[i][1], score / 100, self.entries[i][2], self.entries[i][3])
                for _, score, i in matches]
        return Reply("answer", hits=hits)
