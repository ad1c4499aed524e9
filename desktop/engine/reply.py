"""What `KnowledgeBase.ask` returns.

`kind` is "answer" (one confident hit), "choose" (a few candidates to pick from),
"unknown" (not understood) or "smalltalk" (a greeting, thanks or "what can you do?",
answered by `message`). `hits` are best first.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

ReplyKind = Literal["answer", "choose", "unknown", "smalltalk"]


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    score: float            # 0..1, calibrated confidence
    kind: Literal["article", "tree", "request"]
    lang: str
    team: str | None = None


@dataclass(frozen=True)
class Reply:
    kind: ReplyKind
    hits: list[Hit] = field(default_factory=list)
    lang: str = "en"
    message: str = ""
    corrections: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)
