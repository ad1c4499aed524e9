"""Render the sync benchmark's figures as the "Sync server" section of bench/RESULTS.md,
leaving every other section as it is."""
from __future__ import annotations

import os
import platform
import re
from datetime import datetime, timezone
from pathlib import Path

HEADING = "## Sync server"


def _kib(n: int) -> str:
    return f"{n / 1024:,.1f} KiB"


def render(sizes: dict, poll: dict, stats: dict | None, command: str) -> str:
    full = sizes["full"]
    lines = [
        HEADING, "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} vCPU, "
        f"Python {platform.python_version()}; server pinned to one core (`taskset -c 0`), "
        "`wrk` on another, loopback. Command:", "", f"    {command}", "",
        "| what | figure |", "| --- | --- |",
        f"| snapshot size (old → new) | {_kib(sizes['old_size'])} → {_kib(sizes['new_size'])} |",
        f"| full download (manifest + all chunks, zstd) | {_kib(full)} |",
        f"| one-article update, signed patch (default) | {_kib(sizes['delta'])} = **{sizes['delta'] / full:.2%}** of full |",
        f"| one-article update, chunks only (no patch for the installed version) | {_kib(sizes['chunks'])} = "
        f"{sizes['chunks'] / full:.1%} of full |",
        f"| manifest polls on the 304 path, one core | **{poll['rate']:,.0f}/s** (p99 {poll['p99']}, "
        f"{poll['total']:,} requests, {poll['errors']} errors) |",
    ]
    if stats:
        lines.append(f"| statistics batches into PostgreSQL, one server core | **{stats['rate']:,.0f}/s** "
                     f"(p99 {stats['p99']}, {stats['stored']:,} batches stored, {stats['errors']} errors) |")
    lines += ["", "Bytes are HTTP bodies received by the real `desktop.sync` client. Targets: one-article "
              "update ≤ 5% of a full snapshot; ≥ 1,000 polls/s on one core.", ""]
    return "\n".join(lines)


def write_section(path: Path, sizes: dict, poll: dict, stats: dict | None, command: str) -> None:
    text = path.read_text() if path.exists() else "# Benchmark results\n\n"
    section = render(sizes, poll, stats, command)
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    path.write_text(text)
