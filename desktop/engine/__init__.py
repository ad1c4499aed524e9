"""The offline engine: opens a snapshot, understands questions, walks decision trees.

Pure Python, no Qt. The public surface:

    from desktop.engine import KnowledgeBase
    kb = KnowledgeBase.open("kb.sqlite")
    reply = kb.ask("my printr wont print", lang="en")

Errors: `SnapshotError` (the snapshot file cannot be used), `TreeError` (a dialogue
step that does not exist in the tree).
"""
from __future__ import annotations

from desktop.engine.knowledge import Article, KnowledgeBase
from desktop.engine.reply import Hit, Reply
from desktop.engine.snapshot import SnapshotError, SnapshotInfo
from desktop.engine.walker import TreeError, TreeWalker, WalkState
from desktop.engine.dialogue import Dialogue

__all__ = ["KnowledgeBase", "Article", "Hit", "Reply", "SnapshotError", "SnapshotInfo",
           "TreeError", "TreeWalker", "WalkState", "Dialogue"]
