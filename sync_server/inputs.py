"""Text types for request models: what a client may send in a field.

    title: Line = Field(max_length=120)      # one line: no control character at all
    body: Prose = ""                         # several lines: tab and line breaks allowed

Control characters (NUL above all: PostgreSQL cannot store it) have no business in a
title, a contact or an id; a field holding one is refused with 422 naming it.
`plain(text)` is the lenient form for free text worth keeping (a question typed in the
app): controls become spaces.
"""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_CONTROLS_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _line(value: str) -> str:
    if _CONTROLS.search(value):
        raise ValueError("must not contain control characters (NUL, line breaks, …)")
    return value


def _prose(value: str) -> str:
    if _CONTROLS_BUT_LINES.search(value):
        raise ValueError("must not contain control characters such as NUL")
    return value


def plain(text: str) -> str:
    """`text` with every control character replaced by a space."""
    return _CONTROLS.sub(" ", text)


Line = Annotated[str, AfterValidator(_line)]
Prose = Annotated[str, AfterValidator(_prose)]
