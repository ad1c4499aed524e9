"""bench/RESULTS.md: each bench rewrites its own marked section and leaves the others."""
from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(section: str, start: str, end: str, path: Path = RESULTS) -> None:
    """Replace the text from `start` to `end` (markers included in `section`), or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if start in text and end in text:
        text = text[:text.index(start)] + section + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
