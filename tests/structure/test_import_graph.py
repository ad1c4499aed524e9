"""The project's import graph has no cycles, also not through a package's `__init__`.

A cycle is harmless while one thread imports; when the tray app's GUI thread and a worker
import the same package at once, Python's per-module locks hand one of them a half-made
module ("cannot import name 'TreeError' from partially initialized module"). Importing
`a.b.c` runs `a/__init__` and `a/b/__init__` first, so those count as edges; imports inside
functions count too (they are the ones worker threads run).
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("desktop", "kb_snapshots", "sync_server")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "sample_kb" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _with_parents(name: str, modules: dict[str, Path]) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1) if ".".join(parts[:i]) in modules]


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = name.split(".") if is_package else name.split(".")[:-1]
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                for module in _with_parents(target, modules):
                    if module != name:
                        graph[name].add(module)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_is_built_from_the_real_files():
    graph = import_graph()
    assert "desktop.engine.checks" in graph["desktop.engine.walker"]
    assert {"desktop", "desktop.engine"} <= graph["desktop.engine.walker"]   # parents run first


def test_a_cycle_through_a_package_init_is_found():
    graph = {"pkg": {"pkg.a"}, "pkg.a": {"pkg.b"}, "pkg.b": {"pkg"}, "other": {"pkg.a"}}
    assert cycles(graph) == [["pkg", "pkg.a", "pkg.b"]]


def test_package_inits_import_none_of_their_own_modules():
    """Else any thread importing a submodule first waits for the package (see lazy_exports)."""
    graph = import_graph()
    for name, path in _modules().items():
        if path.name == "__init__.py":
            own = {m for m in graph[name] if m.startswith(name + ".") and m != "desktop.lazy_exports"}
            assert not own, f"{name}/__init__ imports {sorted(own)}"


def test_no_module_imports_its_way_back_to_itself():
    assert cycles(import_graph()) == []


IMPORT_RACE = """
import sys, threading
window_modules = [n[4:] for n in sys.argv[1:] if n.startswith("gui:")]
worker_modules = [n for n in sys.argv[1:] if not n.startswith("gui:")]
barrier = threading.Barrier(len(worker_modules) + 1)
errors = []
def load(name):
    try:
        __import__(name)
    except Exception as exc:
        errors.append(f"{name}: {type(exc).__name__}: {exc}")
def worker(name):
    barrier.wait()
    load(name)
threads = [threading.Thread(target=worker, args=(n,)) for n in worker_modules]
[t.start() for t in threads]
barrier.wait()
for name in window_modules:      # the GUI thread, as HelpdeskApp.start does (Qt is imported there only)
    load(name)
[t.join() for t in threads]
print("\\n".join(errors))
sys.exit(1 if errors else 0)
"""


@pytest.mark.parametrize("trial", range(4))
def test_windows_and_workers_importing_at_once_all_succeed(trial):
    """What the tray app does at start, all at the same moment: the windows' modules (Qt) on
    the GUI thread, the facade, the engine, sync and the ITSMs on worker threads. (Qt's own
    modules are imported on the GUI thread only: PySide6 does not support importing them
    from several threads at once.)"""
    names = ["gui:desktop.ui.chat", "desktop.ui.facade", "desktop.engine", "desktop.engine.walker",
             "gui:desktop.ui.form", "desktop.sync", "desktop.itsm", "desktop.engine.knowledge", "desktop.ui.board"]
    names = names[trial:] + names[:trial]
    done = subprocess.run([sys.executable, "-c", IMPORT_RACE, *names], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stdout + done.stderr
