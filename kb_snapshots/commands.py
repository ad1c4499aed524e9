"""The build, lint, eval and stats verbs of `python -m kb_snapshots`."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kb_snapshots.build import BuildError, build
from kb_snapshots.evaluate import EvalError, evaluate, load_cases
from kb_snapshots.lint import lint


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("build", help="validate a KB source folder and write a snapshot")
    p.add_argument("src", type=Path, help="KB source folder (kb.yaml, articles/, trees/)")
    p.add_argument("--output", "-o", type=Path, required=True, help="snapshot file to write (.sqlite)")
    p.add_argument("--version", type=int, help="snapshot version (default: the current Unix time)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")
    p.add_argument("--cache", type=Path, default=None,
                   help="vectors of earlier builds, reused for unchanged texts "
                        "(default: ~/.cache/helpdesk-assistant/vectors.sqlite)")
    p.add_argument("--no-cache", action="store_true", help="embed every text again")
    p.add_argument("--include-drafts", action="store_true",
                   help="include articles marked 'status: draft' (to try them; never publish such a build)")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="threads that embed texts (default: every core this machine gives the build)")
    p.set_defaults(func=run_build)

    p = subparsers.add_parser("lint", help="report what weakens a KB without blocking a build")
    p.add_argument("src", type=Path)
    p.add_argument("--strict", action="store_true", help="exit non-zero on warnings too")
    p.set_defaults(func=run_lint)

    p = subparsers.add_parser("eval", help="check a snapshot against a test file of questions")
    p.add_argument("snapshot", type=Path)
    p.add_argument("tests", type=Path, help='JSON lines: {"q": "...", "expected": "id" or null}')
    p.add_argument("--min-top1", type=float, default=None,
                   help="fail when the share of right first answers is below this (0..1)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_eval)

    p = subparsers.add_parser("stats", help="what a snapshot holds")
    p.add_argument("snapshot", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_stats)


def run_build(args: argparse.Namespace) -> int:
    def progress(message: str) -> None:
        if not args.quiet:
            print(f"  {message}", file=sys.stderr)

    from desktop.engine.embedder import Embedder, available_cores
    from kb_snapshots.vector_cache import CachingEmbedder, VectorCache, default_cache_path

    model = Embedder(workers=args.jobs or available_cores())
    embedder = model if args.no_cache else CachingEmbedder(model, VectorCache(args.cache or default_cache_path()))
    try:
        report = build(args.src, args.output, version=args.version, progress=progress, embedder=embedder,
                       include_drafts=args.include_drafts)
    except BuildError as exc:
        for problem in exc.problems:
            print(f"{args.src / problem.path if problem.path != str(args.src) else problem.path}"
                  f":{problem.line}: {problem.message}", file=sys.stderr)
        print(f"build failed: {len(exc.problems)} problem(s); nothing was written", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write {exc.filename or args.output}: {exc.strerror or exc}; nothing was written",
              file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"wrote {report.output}: {report.articles} articles, {report.trees} trees, "
              f"languages {', '.join(report.languages)}, content {report.content_hash[:12]}, "
              f"{report.seconds:.1f} s"
              + (f" ({embedder.computed} texts embedded, {embedder.reused} reused)"
                 if isinstance(embedder, CachingEmbedder) else ""))
    return 0


def run_lint(args: argparse.Namespace) -> int:
    errors, warnings = lint(args.src)
    for problem in errors + warnings:
        level = "error" if problem in errors else "warning"
        print(f"{args.src / problem.path}:{problem.line}: {level}: {problem.message}")
    print(f"{len(errors)} error(s), {len(warnings)} warning(s)", file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


def run_eval(args: argparse.Namespace) -> int:
    from desktop.engine import KnowledgeBase, SnapshotError

    try:
        kb = KnowledgeBase.open(args.snapshot)
        cases = load_cases(args.tests)
    except (SnapshotError, EvalError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        result = evaluate(kb, cases)
    except SnapshotError as exc:       # damage found past the metadata
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.summary(), indent=2))
    else:
        for failure in result.failures:
            print(f"{args.tests}:{failure.line}: expected {failure.expected or 'unknown'}, "
                  f"got {failure.got or 'unknown'} ({failure.kind}) for {failure.question!r}")
        print(result.describe())
    if args.min_top1 is not None and result.top1 < args.min_top1:
        print(f"regression: right first answers {result.top1:.1%} < {args.min_top1:.1%}", file=sys.stderr)
        return 1
    return 0


def run_stats(args: argparse.Namespace) -> int:
    from desktop.engine import KnowledgeBase, SnapshotError

    try:
        kb = KnowledgeBase.open(args.snapshot)
        kb.check()
        entries = kb.entries()
    except SnapshotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stats = {
        "name": kb.info.name, "version": kb.info.version, "content_hash": kb.info.content_hash,
        "built_at": kb.info.built_at, "model": kb.info.model,
        "articles": sum(e.kind == "article" for e in entries),
        "trees": sum(e.kind == "tree" for e in entries),
        "by_language": {lang: sum(e.lang == lang for e in entries) for lang in kb.info.languages},
        "example_questions": sum(len(e.questions) for e in entries),
        "by_team": {team: sum(e.team == team for e in entries) for team in kb.info.teams},
    }
    if args.json:
        print(json.dumps(stats, indent=2, ensure_ascii=False))
    else:
        for key, value in stats.items():
            print(f"{key:>18}: {value}")
    return 0
