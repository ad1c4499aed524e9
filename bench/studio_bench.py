"""What a KB admin waits for in the Studio after a one-article change: "Prepare a release"
(the server builds the KB, asks every test question and the questions people asked of the
published version and of the new one) on the sample KB, with the vector cache warm.

    .venv/bin/python -m bench.studio_bench [--runs 3] [--no-write]

A first release is prepared and published (signed with a throw-away key), then `--runs`
times one article gets a new example question and a new sentence, and a release is
prepared: wall and CPU time of the build, of the comparison, and in all; medians.
Rewrites the "Studio" section of bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import base64
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from nacl.signing import SigningKey

from bench.build_bench import _edit_one_article
from bench.results_file import write_section
from desktop.sync import manifest as mf
from sync_server.app import Settings, create_app
from sync_server.studio import accounts, releases
from sync_server.studio.source import SourceTree

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- studio:start -->", "<!-- studio:end -->"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _prepare(state, tree: SourceTree, user) -> tuple[releases.Release, float, float]:
    wall, cpu = time.perf_counter(), _cpu()
    release_id = releases.prepare(state, tree, user, background=False)
    release = releases.get(state.db, release_id)
    assert release.status == releases.READY, release.problems
    return release, time.perf_counter() - wall, _cpu() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.studio_bench")
    parser.add_argument("--src", type=Path, default=ROOT / "kb_snapshots" / "sample_kb")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        src = Path(work) / "kb"
        shutil.copytree(args.src, src)
        app = create_app(Settings(database_url=f"sqlite:///{work}/sync.sqlite", storage=Path(work) / "store",
                                  kb_source=src, patch_history=0))
        state, key = app.state, SigningKey.generate()
        with state.db.transaction() as tx:
            tx.execute("INSERT INTO trusted_keys (keyid, public_key, label, added_at) VALUES (?, ?, ?, ?)",
                       (mf.key_id(key.verify_key), mf.public_key_text(key.verify_key), "bench", "now"))
        accounts.add_user(state.db, "bench", "publisher", "a bench password")
        user = accounts.sign_in(state.db, "bench", "a bench password")
        tree = SourceTree(src)
        first, first_wall, _ = _prepare(state, tree, user)
        releases.publish(state, tree, first, base64.b64encode(key.sign(first.message).signature).decode(), user)
        runs = []
        for run in range(args.runs):
            _edit_one_article(src, which=run * 7)
            release, wall, cpu = _prepare(state, tree, user)
            found = release.findings
            build_seconds = float(release.progress.split("built in ")[1].split(" s")[0])
            runs.append({"wall": wall, "cpu": cpu, "build": build_seconds, "compare": found["seconds"],
                         "tests": found["tests"], "asked": found["asked"], "regressions": found["regressions"]})
            print(f"run {run + 1}: {wall:.1f} s wall, {cpu:.1f} s CPU (build {build_seconds:.0f} s, compare "
                  f"{found['seconds']:.1f} s, {found['tests']} test questions, {found['regressions']} regressions)")
    median = {k: statistics.median(r[k] for r in runs) for k in ("wall", "cpu", "build", "compare")}
    section = f"""{START}
## Studio: "Prepare a release" after a one-article change

`.venv/bin/python -m bench.studio_bench --runs {args.runs}` (sample KB, vector cache warm, SQLite; {time.strftime('%Y-%m-%d')}).
The server builds the KB and asks the {runs[0]['tests']} test questions of `tests/questions.jsonl` of the
published version and of the new one (their vectors are in the engine's question cache after the first
release, as on a running server). First release (nothing published yet): {first_wall:.1f} s.

| one article changed | median of {args.runs} |
|---|---|
| build (rounded to the second) | {median['build']:.0f} s |
| compare, question by question | {median['compare']:.1f} s |
| in all, wall | {median['wall']:.1f} s |
| in all, CPU | {median['cpu']:.1f} s |
{END}"""
    print(section)
    if not args.no_write:
        write_section(section, START, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
