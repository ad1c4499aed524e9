"""A package's public names, imported from their modules on first use (PEP 562).

An `__init__` that imported its submodules would make every submodule import wait for
the package, and two threads importing at once (the tray app's GUI thread and a worker)
could each hold what the other waits for; Python then hands one of them a half-made
module. With this, a package's `__init__` imports nothing of its own.

    _EXPORTS = {"KnowledgeBase": "knowledge", "Reply": "reply"}
    __all__ = sorted(_EXPORTS)
    __getattr__ = exports_from(__name__, _EXPORTS)
"""
from __future__ import annotations

import importlib
from typing import Any, Callable


def exports_from(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` that finds `name` in `package.<exports[name]>`."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return __getattr__
