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


START_UP = """
import sys, threading
from desktop.ui.app import import_windows
import_windows()                         # the GUI thread, before any worker starts (HelpdeskApp)
loaded = set(sys.modules)
names = sys.argv[1:]
barrier = threading.Barrier(len(names))
errors = []
def load(name):
    barrier.wait()
    try:
        __import__(name)
    except Exception as exc:
        errors.append(f"{name}: {type(exc).__name__}: {exc}")
threads = [threading.Thread(target=load, args=(n,)) for n in names]
[t.start() for t in threads]
[t.join() for t in threads]
late = sorted(m for m in set(sys.modules) - loaded if m.startswith("desktop."))
errors += [f"{m}: first imported by a worker thread, not at start-up" for m in late]
print("\\n".join(errors))
sys.exit(1 if errors else 0)
"""


@pytest.mark.parametrize("trial", range(4))
def test_worker_threads_find_every_module_imported_at_start(trial):
    """What the tray app does at start: the GUI thread imports the windows' modules and what
    the worker jobs use, then the workers start, all at once (engine, facade, sync, ITSMs,
    board). None of them imports a module of ours for the first time: two threads importing
    overlapping modules in different orders can be handed a half-made module (Python's
    import deadlock avoidance), and PySide6 does not support importing Qt off the GUI thread."""
    names = ["desktop.ui.facade", "desktop.engine", "desktop.engine.walker", "desktop.engine.knowledge",
             "desktop.engine.checks", "desktop.sync", "desktop.sync.board", "desktop.sync.service",
             "desktop.itsm", "desktop.itsm.service", "desktop.ui.board", "desktop.ui.ticketdesk"]
    names = names[trial:] + names[:trial]
    done = subprocess.run([sys.executable, "-c", START_UP, *names], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stdout + done.stderr
