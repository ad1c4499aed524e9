"""What the live-chat bench reads off the machine: CPU time of a process and of
PostgreSQL's, how busy a core is, percentiles, and the bench's own event-loop lag."""
from __future__ import annotations

import asyncio
import os
import resource
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(pid: int, children: bool = False) -> float:
    """utime+stime of a process in seconds (and of its reaped children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if children else 0)
    return ticks / TICK

def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL process, backends that exited included (the
    postmaster's reaped children)."""
    total = 0.0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        if "(postgres)" not in stat:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        parent = fields[1]
        try:
            is_postmaster = "(postgres)" not in Path(f"/proc/{parent}/stat").read_text()
        except OSError:
            is_postmaster = True
        total += cpu_of(int(entry.name), children=is_postmaster)
    return total

def core_busy(core: int = 1) -> float:
    """Seconds core `core` has spent not idle (anyone's work: the server, PostgreSQL, others)."""
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith(f"cpu{core} "):
            ticks = [int(x) for x in line.split()[1:]]
            return (sum(ticks[:8]) - ticks[3] - ticks[4]) / TICK
    return 0.0

def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime

def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]

async def cpu_samples(server, samples: list[tuple], stop) -> None:
    """(time, server pid, server CPU, PostgreSQL CPU, own CPU) every 0.25 s."""
    while not stop():
        process = server.process
        if process is not None and process.poll() is None:
            samples.append((time.time(), process.pid, cpu_of(process.pid), postgres_cpu(), own_cpu(), core_busy()))
        await asyncio.sleep(0.25)

def cpu_between(samples: list[tuple], start: float, end: float) -> tuple[float, ...]:
    """CPU seconds (server, PostgreSQL, clients, core 1 busy) and wall seconds from the first
    sample at or after `start` to the last at or before `end`, both of the same server process."""
    inside = [x for x in samples if start <= x[0] <= end]
    if len(inside) < 2 or inside[0][1] != inside[-1][1]:
        return 0.0, 0.0, 0.0, 0.0, 0.0
    first, last = inside[0], inside[-1]
    return (last[2] - first[2], last[3] - first[3], last[4] - first[4], last[5] - first[5], last[0] - first[0])

async def loop_lag(samples: list[float], stop) -> None:
    """How late this process's event loop wakes a 20 ms sleep: the clients' own queueing."""
    while not stop():
        began = time.perf_counter()
        await asyncio.sleep(0.02)
        samples.append(time.perf_counter() - began - 0.02)
