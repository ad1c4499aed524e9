"""Snapshots of the KB source built on the server, for the test console and for releases.

    builds = Builds(work=Path("store/studio"), cache=Path("~/.cache/…/vectors.sqlite"))
    job = builds.start(files, include_drafts=True)   # the same files give the same job
    job.state, job.progress, job.problems            # "building" → "ready" or "failed"
    kb = builds.open(job)                            # the real engine on that snapshot
    job = builds.run(files)                          # the same, in the caller's thread

One build runs at a time (the embedding model and the CPU are shared). Vectors are kept
in kb_snapshots' vector cache, so after one article changes only its texts are embedded
again and a build takes seconds. Sources are written to a fresh folder and built with the
builder's own code: what the console shows is what `kb_snapshots build` would publish.
"""
from __future__ import annotations

import hashlib
import json
import logging
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("sync_server.studio")
KEEP = 6                      # finished builds kept (their snapshots and open engines)


@dataclass
class Job:
    key: str
    include_drafts: bool
    state: str = "building"           # building, ready, failed
    progress: str = "waiting for another build to finish"
    problems: list[str] = field(default_factory=list)
    snapshot: Path | None = None
    started: float = field(default_factory=time.monotonic)
    seconds: float = 0.0
    done: threading.Event = field(default_factory=threading.Event)


def sources_key(files: dict[str, str], include_drafts: bool) -> str:
    return hashlib.sha256(json.dumps([files, include_drafts], sort_keys=True).encode("utf-8")).hexdigest()


class Builds:
    def __init__(self, work: Path, cache: Path | None = None) -> None:
        self.work, self.cache = Path(work), cache
        self._jobs: dict[str, Job] = {}
        self._engines: dict[str, object] = {}
        self._lock = threading.Lock()          # the job table
        self._building = threading.Lock()      # one build at a time
        self._embedder = None

    def start(self, files: dict[str, str], include_drafts: bool = False) -> Job:
        """The job building these sources: running, finished, or started now in the background."""
        job, new = self._job(files, include_drafts)
        if new:
            threading.Thread(target=self._build, args=(job, files), name="studio-build", daemon=True).start()
        return job

    def run(self, files: dict[str, str], include_drafts: bool = False,
            progress=None) -> Job:
        """Build these sources in this thread (or wait for the same build); returns the finished job."""
        job, new = self._job(files, include_drafts)
        if new:
            self._build(job, files, progress)
        job.done.wait()
        return job

    def find(self, key: str) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def open(self, job: Job):
        """The engine on a finished job's snapshot (kept open for the next question)."""
        from desktop.engine import KnowledgeBase  # noqa: PLC0415 - the model loads only when the Studio asks

        with self._lock:
            kb = self._engines.get(job.key)
        if kb is None:
            kb = KnowledgeBase.open(job.snapshot)
            with self._lock:
                self._engines[job.key] = kb
        return kb

    def _job(self, files: dict[str, str], include_drafts: bool) -> tuple[Job, bool]:
        key = sources_key(files, include_drafts)
        with self._lock:
            job = self._jobs.get(key)
            if job is not None:             # the same sources fail the same way: no second try
                return job, False
            job = self._jobs[key] = Job(key, include_drafts)
            self._forget_old()
        return job, True

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if j.done.is_set()]
        for job in sorted(finished, key=lambda j: j.started)[:-KEEP] if len(finished) > KEEP else []:
            del self._jobs[job.key]
            self._engines.pop(job.key, None)
            if job.snapshot is not None:
                job.snapshot.unlink(missing_ok=True)

    def _model(self):
        from desktop.engine.embedder import Embedder, available_cores  # noqa: PLC0415
        from kb_snapshots.vector_cache import CachingEmbedder, VectorCache, default_cache_path  # noqa: PLC0415

        if self._embedder is None:
            self._embedder = CachingEmbedder(Embedder(workers=available_cores()),
                                             VectorCache(self.cache or default_cache_path()))
        return self._embedder

    def _build(self, job: Job, files: dict[str, str], progress=None) -> None:
        from kb_snapshots.build import BuildError, build  # noqa: PLC0415

        def report(message: str) -> None:
            job.progress = message
            if progress is not None:
                progress(message)

        source = self.work / f"source-{job.key[:16]}"
        try:
            with self._building:
                started = time.monotonic()
                report("reading the knowledge base")
                shutil.rmtree(source, ignore_errors=True)
                for path, text in files.items():
                    if ".." in Path(path).parts or Path(path).is_absolute():
                        continue
                    target = source / path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(text, encoding="utf-8")
                output = self.work / f"build-{job.key[:16]}.sqlite"
                build(source, output, embedder=self._model(), progress=report, include_drafts=job.include_drafts)
                job.snapshot, job.state = output, "ready"
                job.seconds = time.monotonic() - started
                report(f"built in {job.seconds:.0f} s")
        except BuildError as exc:
            job.problems = [f"{p.path}:{p.line}: {p.message}" for p in exc.problems][:50]
            job.state = "failed"
        except Exception as exc:  # noqa: BLE001 - shown to the admin, logged in full
            log.exception("Studio build failed")
            job.problems, job.state = [f"the build stopped: {exc.__class__.__name__}: {str(exc)[:200]}"], "failed"
        finally:
            shutil.rmtree(source, ignore_errors=True)
            job.done.set()
