"""`Checker`: the problems of one KB source file, each with its line."""
from __future__ import annotations

from desktop.engine.variables import KNOWN_VARIABLES, find_variables
from kb_snapshots.source import LineDict, Problem, SourceFile, boolean_hint


class Checker:
    """Collects problems for one file."""

    def __init__(self, file: SourceFile, problems: list[Problem]):
        self.file = file
        self.problems = problems

    def add(self, message: str, key: str | None = None, within: LineDict | None = None) -> None:
        self.problems.append(Problem(self.file.path, self.file.line(key, within), message))

    def text(self, data: LineDict, key: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(f"'{key}' is required", key if key in data else None, data)
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            hint = boolean_hint(data, key)
            self.add(f"'{key}' must be text" + (f": {hint}" if hint else ""), key, data)
            return ""
        return str(value).strip()

    def text_list(self, data: LineDict, key: str) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.add(f"'{key}' must be a list of texts", key, data)
            return []
        for item in value:
            if isinstance(item, dict):
                line = getattr(item, "start_line", None)
                text = ", ".join(f"{k}: {v}" for k, v in item.items())
                self.problems.append(Problem(self.file.path, (line or self.file.line(key, data)) + self.file.offset,
                                             f"'{key}' item '{text}' was read as a mapping because of "
                                             "': ' inside it; put it in quotes"))
                return []
            if not isinstance(item, (str, int, float)):
                self.add(f"'{key}' must be a list of texts", key, data)
                return []
        return [str(v).strip() for v in value if str(v).strip()]

    def variables(self, text: str, key: str, within: LineDict | None = None) -> None:
        for name in find_variables(text):
            if name not in KNOWN_VARIABLES:
                self.add(f"unknown variable {{{{{name}}}}} (known: {', '.join(sorted(KNOWN_VARIABLES))})",
                         key, within)
