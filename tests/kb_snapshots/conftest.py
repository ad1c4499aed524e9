"""Fixtures for the knowledge-base builder: KB source folders in tmp_path, built snapshots."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable, Mapping

import pytest

from tests.kb_snapshots.kbfactory import HELPDESK_FILES, build_and_open, write_kb

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def make_kb(tmp_path: Path) -> Callable[[Mapping[str, str | None]], Path]:
    """`make_kb(files)`: a KB source folder holding `files` (plus a default kb.yaml)."""
    count = 0

    def make(files: Mapping[str, str | None]) -> Path:
        nonlocal count
        count += 1
        return write_kb(tmp_path / f"kb{count}", files)

    return make


@pytest.fixture
def build_kb(make_kb, tmp_path: Path):
    """`build_kb(files)`: build the KB into a snapshot and open it."""
    def build(files: Mapping[str, str | None]):
        root = make_kb(files)
        return build_and_open(root, root.with_suffix(".sqlite"))

    return build


@pytest.fixture(scope="session")
def helpdesk_snapshot(tmp_path_factory) -> Path:
    """The small bilingual helpdesk KB, built once for the whole session."""
    root = write_kb(tmp_path_factory.mktemp("helpdesk") / "kb", HELPDESK_FILES)
    output = root.with_suffix(".sqlite")
    build_and_open(root, output)
    return output


def run_cli(*args: str, cwd: Path | None = None, module: str = "kb_snapshots") -> subprocess.CompletedProcess:
    """`python -m MODULE ARGS` in a subprocess, as an admin would run it."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd or REPO, env=env,
                          capture_output=True, text=True, timeout=120)
