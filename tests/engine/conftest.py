"""Fixtures for the offline engine: small KBs built in tmp_path (see tests/kb_snapshots/kbfactory.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from desktop.engine import KnowledgeBase
from tests.kb_snapshots.conftest import build_kb, helpdesk_snapshot, make_kb, run_cli  # noqa: F401 - fixtures

__all__ = ["build_kb", "helpdesk_snapshot", "make_kb", "run_cli"]


@pytest.fixture(scope="session")
def helpdesk(helpdesk_snapshot: Path) -> KnowledgeBase:
    """The bilingual helpdesk KB, opened once (KnowledgeBase is read-only and thread-safe)."""
    return KnowledgeBase.open(helpdesk_snapshot)
