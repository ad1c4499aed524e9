"""The sample knowledge base the tests share: `build/sample_kb.sqlite` (`make snapshot`;
`make test` builds it first), built here once if a test runs without it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE_SNAPSHOT = REPO / "build" / "sample_kb.sqlite"


def sample_snapshot() -> Path:
    """The sample snapshot's path, built from kb_snapshots/sample_kb when absent."""
    if not SAMPLE_SNAPSHOT.exists():
        SAMPLE_SNAPSHOT.parent.mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-m", "kb_snapshots", "build", str(REPO / "kb_snapshots/sample_kb"),
                        "--output", str(SAMPLE_SNAPSHOT)], check=True, cwd=REPO)
    return SAMPLE_SNAPSHOT
