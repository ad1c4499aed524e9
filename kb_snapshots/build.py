"""`build`: turn a validated KB source tree into one snapshot file.

The snapshot is SQLite, written to a temporary file and renamed into place, so a failed
build never leaves a half-written snapshot. It holds the entries, what the engine needs
precomputed (embedding vectors of every title and example question, lexical term
counts, the vocabulary for typo correction, synonyms), the model's identity and a
content hash. Rows are written in a stable order and per translation group, so a
one-article change touches few database pages (small deltas for sync).
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from desktop.engine import lexical
from desktop.engine.embedder import Embedder, shared_embedder
from desktop.engine.snapshot import FORMAT, SCHEMA_VERSION
from desktop.engine.text import words
from desktop.engine.decision import Calibration
from kb_snapshots import calibrate
from kb_snapshots.calibrate import Texts
from kb_snapshots.source import DEFAULT_LIMITS, Problem, SourceLimits, read_source
from kb_snapshots.validate import validate

BODY_WEIGHT = 0.25
EMBED_BATCH = 256    # texts per embedding call: progress every few seconds, and every core busy

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, lang TEXT NOT NULL, grp INTEGER NOT NULL,
    title TEXT NOT NULL, body TEXT NOT NULL, team TEXT, topic TEXT,
    keywords TEXT NOT NULL, questions TEXT NOT NULL, translation_of TEXT, tree TEXT, path TEXT
);
CREATE TABLE groups (grp INTEGER PRIMARY KEY, original_id TEXT NOT NULL,
                     vectors BLOB NOT NULL, doc_count INTEGER NOT NULL,
                     passages BLOB NOT NULL, passage_count INTEGER NOT NULL,
                     term_hashes BLOB NOT NULL, term_weights BLOB NOT NULL);
CREATE TABLE docs (grp INTEGER NOT NULL, seq INTEGER NOT NULL, entry_id TEXT NOT NULL,
                   field TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (grp, seq));
CREATE TABLE vocabulary (word TEXT PRIMARY KEY, frequency INTEGER NOT NULL);
CREATE TABLE language_words (lang TEXT NOT NULL, word TEXT NOT NULL, frequency INTEGER NOT NULL,
                             PRIMARY KEY (lang, word));
CREATE TABLE synonyms (lang TEXT NOT NULL, phrase TEXT NOT NULL, canonical TEXT NOT NULL,
                       PRIMARY KEY (lang, phrase));
CREATE TABLE head (grp INTEGER PRIMARY KEY, weights BLOB NOT NULL, bias REAL NOT NULL, centroid BLOB NOT NULL);
"""


class BuildError(Exception):
    """The source has problems; `problems` lists them as `file:line: message`."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the knowledge base")


@dataclass
class BuildReport:
    output: Path
    articles: int
    trees: int
    languages: list[str]
    content_hash: str
    seconds: float


def _groups(entries: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Translation groups: an original and its translations, in id order."""
    originals = sorted((e for e in entries if not e["translation_of"]), key=lambda e: e["id"])
    members: dict[str, list[dict[str, Any]]] = {e["id"]: [e] for e in originals}
    for entry in sorted(entries, key=lambda e: e["id"]):
        if entry["translation_of"]:
            members[entry["translation_of"]].append(entry)
    return [members[e["id"]] for e in originals]


def _without_drafts(entries: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Problem]]:
    drafts = {e["id"] for e in entries if e["draft"]}
    kept = [e for e in entries if not e["draft"]]
    problems = [Problem(e["path"], 1, f"translation of '{e['translation_of']}', which is a draft: publish both "
                                      "or neither") for e in kept if e["translation_of"] in drafts]
    if entries and not kept:
        problems.append(Problem("articles", 1, f"all {len(entries)} articles are drafts (status: draft): remove "
                                               "that line from those ready for employees, or build with "
                                               "--include-drafts to try them"))
    return kept, problems


def _documents(entry: dict[str, Any]) -> list[tuple[str, str]]:
    docs = [("title", entry["title"])]
    docs += [("question", q) for q in entry["questions"]]
    if entry["keywords"]:
        docs.append(("keywords", ", ".join(entry["keywords"])))
    return docs


def content_hash(config: dict[str, Any], entries: list[dict[str, Any]], synonyms: dict) -> str:
    canonical = json.dumps({"config": config, "synonyms": synonyms,
                            "entries": sorted(({k: v for k, v in e.items() if k != "path"} for e in entries),
                                              key=lambda e: e["id"])},
                           sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def build(src: Path, output: Path, version: int | None = None, embedder: Embedder | None = None,
          progress: Callable[[str], None] | None = None, limits: SourceLimits = DEFAULT_LIMITS,
          include_drafts: bool = False) -> BuildReport:
    """Validate `src` and write the snapshot to `output`; raises BuildError listing problems.
    `limits` bounds what the source may hold (file and KB sizes, YAML nesting). Articles
    marked `status: draft` are checked but left out, unless `include_drafts` (to try them)."""
    started = time.perf_counter()
    config, entries, synonyms, problems = validate(read_source(Path(src), limits))
    if problems:
        raise BuildError(problems)
    if not include_drafts:
        entries, problems = _without_drafts(entries)
        if problems:
            raise BuildError(problems)
    embedder = embedder or shared_embedder()
    output = Path(output)
    if output.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a snapshot file name", str(output))
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    digest = content_hash(config, entries, synonyms)
    db = sqlite3.connect(tmp)
    try:
        db.executescript(SCHEMA)
        calibration = _write(db, config, entries, synonyms, embedder, progress)
        meta = {
            "format": FORMAT, "schema_version": str(SCHEMA_VERSION),
            "kb_name": config["name"], "default_lang": config["default_lang"],
            "languages": json.dumps(config["languages"]), "teams": json.dumps(config["teams"]),
            "variables": json.dumps(config.get("variables", {}), ensure_ascii=False, sort_keys=True),
            "content_hash": digest, "kb_version": str(version if version is not None else int(time.time())),
            "model": embedder.identity, "calibration": calibration.to_json(), "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        db.commit()
        db.execute("VACUUM")
        db.close()
        os.replace(tmp, output)
    except BaseException:
        db.close()
        tmp.unlink(missing_ok=True)   # a failed build leaves nothing behind
        raise
    return BuildReport(output, sum(e["kind"] == "article" for e in entries),
                       sum(e["kind"] == "tree" for e in entries), config["languages"], digest,
                       time.perf_counter() - started)


def _embed_all(embedder: Embedder, queries: list[str], passages: list[str],
               progress: Callable[[str], None] | None) -> tuple[np.ndarray, np.ndarray]:
    """Every question and passage vector (float16), in batches, saying how far it got."""
    total, done = len(queries) + len(passages), 0
    started = reported = time.perf_counter()
    parts: dict[bool, list[np.ndarray]] = {False: [], True: []}
    for is_passage, texts in ((False, queries), (True, passages)):
        for start in range(0, len(texts), EMBED_BATCH):
            batch = texts[start:start + EMBED_BATCH]
            parts[is_passage].append(embedder.embed(batch, passages=is_passage).astype(np.float16))
            done += len(batch)
            now = time.perf_counter()
            if progress and (now - reported >= 2 or done == total or (start == 0 and not is_passage)):
                reported = now
                left = (now - started) / done * (total - done)
                progress(f"{done}/{total} texts embedded" + (f", about {left:.0f} s left" if done < total else ""))
    empty = np.zeros((0, embedder.dim), np.float16)
    return (np.concatenate(parts[False]) if parts[False] else empty,
            np.concatenate(parts[True]) if parts[True] else empty)


def synonym_tables(synonyms: dict[str, list[list[str]]]) -> dict[str, dict[str, str]]:
    """{lang: {folded phrase: folded canonical}} from synonyms.yaml groups."""
    tables: dict[str, dict[str, str]] = {}
    for lang, lang_groups in synonyms.items():
        table = tables.setdefault(lang, {})
        for group in lang_groups:
            canonical = " ".join(words(group[0]))
            for phrase in group[1:]:
                folded = " ".join(words(phrase))
                if folded and folded != canonical:
                    table[folded] = canonical
    return tables


def _write(db: sqlite3.Connection, config: dict[str, Any], entries: list[dict[str, Any]],
           synonyms: dict, embedder: Embedder, progress: Callable[[str], None] | None) -> Calibration:
    vocabulary: dict[str, int] = {}
    by_language: dict[tuple[str, str], int] = {}
    tables = synonym_tables(synonyms)
    canonical = lexical.QueryAnalyser({}, tables).canonical
    linked = {e["id"] for e in entries if e.get("article")}               # an item with an article rides on it
    apart = [e for e in entries if e["id"] in linked or e["translation_of"] in linked]
    groups = _groups([e for e in entries if e not in apart])
    group_docs = [[(entry, field, text) for entry in members for field, text in _documents(entry)]
                  for members in groups]
    group_of = {entry["id"]: grp for grp, members in enumerate(groups) for entry in members}
    for item in apart:                   # "I need a new laptop" also finds the article the item rides on
        if item.get("article") in group_of:
            group_docs[group_of[item["article"]]] += [(item, "question", q) for q in item["questions"]]
    query_vectors, passage_vectors = _embed_all(
        embedder, [text for docs in group_docs for _, _, text in docs],
        [f"{e['title']}\n{e['body']}" for members in groups for e in members], progress)
    text_terms: list[dict[str, float]] = []
    text_words: list[set[str]] = []
    body_terms: list[dict[str, float]] = []
    body_words: list[set[str]] = []
    next_query = next_passage = 0
    for grp, members in enumerate(groups):
        docs = group_docs[grp]
        vectors = query_vectors[next_query:next_query + len(docs)]
        passages = passage_vectors[next_passage:next_passage + len(members)]
        next_query, next_passage = next_query + len(docs), next_passage + len(members)
        counts: dict[str, float] = {}
        for entry, field, text in docs:
            doc_counts: dict[str, float] = {}
            for term in lexical.index_terms(canonical(text, entry["lang"])):
                counts[term] = counts.get(term, 0.0) + 1.0
                doc_counts[term] = doc_counts.get(term, 0.0) + 1.0
            text_terms.append(doc_counts)
            text_words.append(set(words(text)))
        body_counts: dict[str, float] = {}
        for entry in members:
            for term in lexical.index_terms(canonical(entry["body"], entry["lang"])):
                counts[term] = counts.get(term, 0.0) + BODY_WEIGHT
                body_counts[term] = body_counts.get(term, 0.0) + BODY_WEIGHT
        body_terms.append(body_counts)
        body_words.append({word for entry in members for word in words(entry["body"])})
        for entry in members:
            for word in words(" ".join([entry["title"], *entry["questions"], *entry["keywords"], entry["body"]])):
                vocabulary[word] = vocabulary.get(word, 0) + 1
                by_language[(entry["lang"], word)] = by_language.get((entry["lang"], word), 0) + 1
        hashes, weights = lexical.pack_counts(counts)
        db.execute("INSERT INTO groups VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (grp, members[0]["id"], vectors.tobytes(), len(docs), passages.tobytes(), len(members),
                    hashes, weights))
        db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
                       [(grp, seq, entry["id"], field, text) for seq, (entry, field, text) in enumerate(docs)])
        for entry in members:
            db.execute("INSERT INTO entries VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", (
                entry["id"], entry["kind"], entry["lang"], grp, entry["title"], entry["body"],
                entry["team"], entry["topic"], json.dumps(entry["keywords"], ensure_ascii=False),
                json.dumps(entry["questions"], ensure_ascii=False), entry["translation_of"],
                json.dumps(entry["tree"], ensure_ascii=False) if entry["kind"] in ("tree", "request") else None,
                entry["path"]))
    for entry in apart:                                                  # not matched apart: no group
        db.execute("INSERT INTO entries VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", (
            entry["id"], entry["kind"], entry["lang"], -1, entry["title"], entry["body"], entry["team"],
            entry["topic"], json.dumps(entry["keywords"], ensure_ascii=False),
            json.dumps(entry["questions"], ensure_ascii=False), entry["translation_of"],
            json.dumps(entry["tree"], ensure_ascii=False), entry["path"]))
    texts = Texts(
        vectors=query_vectors.astype(np.float32),
        groups=np.array([grp for grp, docs in enumerate(group_docs) for _ in docs], np.int64),
        is_question=np.array([field == "question" for docs in group_docs for _, field, _ in docs], bool),
        terms=text_terms, words=text_words, n_groups=len(groups), body_terms=body_terms, body_words=body_words,
        passages=passage_vectors.astype(np.float32),
        passage_groups=np.array([grp for grp, members in enumerate(groups) for _ in members], np.int64))
    if progress:
        progress(f"learning to tell {len(groups)} topics apart from {len(texts.groups)} texts")
    head, calibration = calibrate.fit(texts)
    db.executemany("INSERT INTO head VALUES (?, ?, ?, ?)",
                   [(grp, head.weights[:, grp].astype(np.float16).tobytes(), float(head.bias[grp]),
                     head.centroids[grp].astype(np.float16).tobytes()) for grp in range(len(groups))])
    db.executemany("INSERT INTO vocabulary VALUES (?, ?)", sorted(vocabulary.items()))
    db.executemany("INSERT INTO language_words VALUES (?, ?, ?)",
                   sorted((lang, word, n) for (lang, word), n in by_language.items()))
    db.executemany("INSERT INTO synonyms VALUES (?, ?, ?)",
                   sorted((lang, phrase, canon) for lang, table in tables.items() for phrase, canon in table.items()))
    return calibration
