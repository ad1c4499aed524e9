"""Text types for request models: what a client may send in a field.

    title: Line = Field(max_length=120)      # one line: no control character at all
    body: Prose = ""                         # several lines: tab and line breaks allowed

Control characters (NUL above all: PostgreSQL cannot store it) have no business in a
title or a contact; a field holding one is refused with 422 naming it (a counter key
holding one is no published id, so statistics leave it out).
`plain(text)` is the lenient form for free text worth keeping (a question typed in the
app): controls become spaces. `spreadsheet_safe(cell)` is what every CSV export writes.
"""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import StringConstraints

_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")

# As patterns, so /openapi.json tells clients (and schemathesis) what is refused.
Line = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]*$")]
Prose = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$")]


def plain(text: str) -> str:
    """`text` with every control character replaced by a space."""
    return _CONTROLS.sub(" ", text)


_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A CSV cell no spreadsheet runs as a formula: text starting with = + - @ tab or CR
    gets a leading single quote (OWASP's advice against CSV injection); numbers stay."""
    if isinstance(value, str) and value.startswith(_FORMULA_LEADS):
        return "'" + value
    return value
