"""The offline engine: opens a snapshot, understands questions, walks decision trees.

Pure Python, no Qt. The public surface:

    from desktop.engine import KnowledgeBase
    kb = KnowledgeBase.open("kb.sqlite")
    reply = kb.ask("my printr wont print", lang="en")

Errors: `SnapshotError` (the snapshot file cannot be used), `TreeError` (a dialogue
step that does not exist in the tree).
"""
from __future__ import annotations

from desktop.lazy_exports import exports_from

_EXPORTS = {
    "KnowledgeBase": "knowledge", "Article": "knowledge", "Hit": "reply", "Reply": "reply",
    "SnapshotError": "snapshot", "SnapshotInfo": "snapshot",
    "TreeError": "walker", "TreeWalker": "walker", "WalkState": "walker", "Dialogue": "dialogue",
}
__all__ = ["KnowledgeBase", "Article", "Hit", "Reply", "SnapshotError", "SnapshotInfo",
           "TreeError", "TreeWalker", "WalkState", "Dialogue"]
__getattr__ = exports_from(__name__, _EXPORTS)
