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
          progress: Callable[[str], None] | None = None, limits: SourceLimits = DEFAULT_LIMITS) -> BuildReport:
    """Validate `src` and write the snapshot to `output`; raises BuildError listing problems.
    `limits` bounds what the source may hold (file and KB sizes, YAML nesting)."""
    started = time.perf_counter()
    config, entries, synonyms, problems = validate(read_source(Path(src), limits))
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
    groups = _groups(entries)
    total = sum(len(_documents(entry)) + 1 for entry in entries)
    done, started, reported = 0, time.perf_counter(), time.perf_counter()
    texts = Texts(np.zeros((0, embedder.dim), np.float32), np.zeros(0, np.int64), np.zeros(0, bool), [], [],
                  len(groups), [], [], np.zeros((0, embedder.dim), np.float32), np.zeros(0, np.int64))
    all_vectors, all_groups, questions, all_passages, passage_groups = [], [], [], [], []
    for grp, members in enumerate(groups):
        docs = [(entry, field, text) for entry in members for field, text in _documents(entry)]
        vectors = embedder.embed([text for _, _, text in docs]).astype(np.float16)
        passages = embedder.embed([f"{e['title']}\n{e['body']}" for e in members], passages=True).astype(np.float16)
        counts: dict[str, float] = {}
        for entry, field, text in docs:
            doc_counts: dict[str, float] = {}
            for term in lexical.index_terms(canonical(text, entry["lang"])):
                counts[term] = counts.get(term, 0.0) + 1.0
                doc_counts[term] = doc_counts.get(term, 0.0) + 1.0
            texts.terms.append(doc_counts)
            texts.words.append(set(words(text)))
        body_counts: dict[str, float] = {}
        for entry in members:
            for term in lexical.index_terms(canonical(entry["body"], entry["lang"])):
                counts[term] = counts.get(term, 0.0) + BODY_WEIGHT
                body_counts[term] = body_counts.get(term, 0.0) + BODY_WEIGHT
        texts.body_terms.append(body_counts)
        texts.body_words.append({word for entry in members for word in words(entry["body"])})
        all_vectors.append(vectors.astype(np.float32))
        all_groups += [grp] * len(docs)
        questions += [field == "question" for _, field, _ in docs]
        all_passages.append(passages.astype(np.float32))
        passage_groups += [grp] * len(members)
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
                json.dumps(entry["tree"], ensure_ascii=False) if entry["kind"] == "tree" else None,
                entry["path"]))
        done += len(docs) + len(members)
        now = time.perf_counter()
        if progress and (now - reported >= 2 or grp == 0):
            reported = now
            left = (now - started) / done * (total - done)
            progress(f"{done}/{total} texts embedded, about {left:.0f} s left")
    if groups:
        texts.vectors, texts.passages = np.concatenate(all_vectors), np.concatenate(all_passages)
    texts.groups, texts.is_question = np.array(all_groups, np.int64), np.array(questions, bool)
    texts.passage_groups = np.array(passage_groups, np.int64)
    if progress:
        progress(f"learning to tell {len(groups)} topics apart from {len(all_groups)} texts")
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
