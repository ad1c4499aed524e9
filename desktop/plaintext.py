"""Markdown as a person reads it where no Markdown is rendered (a plain-text ticket, a line
of "what you already tried"). No dependencies: the engine and the ITSMs both use it.

    >>> plain_text("Tap **Register badge**, see [the guide](https://x.example)")
    'Tap Register badge, see the guide (https://x.example)'
"""
from __future__ import annotations

import re


def plain_text(markdown: str) -> str:
    """Markdown as an agent reads it in a plain-text ticket: no `**`, `__`, backticks or
    `#` headings; `[text](url)` becomes `text (url)`; list items and line breaks stay."""
    text = re.sub(r"!?\[([^\]]*)\]\(([^)\s]+)\)", lambda m: f"{m[1]} ({m[2]})" if m[1] else m[2],
                  markdown)
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])", r"\1", text)
    text = re.sub(r"`+([^`\n]+)`+", r"\1", text)
    text = re.sub(r"(?m)^\s{0,3}#{1,6}\s+", "", text)
    text = re.sub(r"(?m)^(\s*)[*+]\s+", r"\1- ", text)
    return text.replace("**", "")
