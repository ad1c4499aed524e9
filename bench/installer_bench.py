"""Installed app versus running from source: bundle size by part, start to first answer,
start to tray icon. Writes the "Installer" section of bench/RESULTS.md.

    make installer && sudo dpkg -i build/installer/helpdesk-assistant_*.deb
    .venv/bin/python -m bench.installer_bench --runs 10 [--cold] [--display :99]

Every run is a new process. `--cold` drops the page cache before each run (root, Linux:
`echo 3 > /proc/sys/vm/drop_caches`), the first start after a reboot or login; without it
the files are in the page cache (a second start). Start to tray icon needs an X display
with a system tray (.ci/services/xvfb.sh); the app writes when the icon is shown
(HELPDESK_UI_TIMINGS, see desktop/ui/app.py).
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "RESULTS.md"
HEADING = "## Installer"
QUESTION = "I forgot my password"
INSTALLED = ["/usr/bin/helpdesk-assistant"]
SOURCE = [sys.executable, "-m", "desktop"]


def drop_caches() -> None:
    subprocess.run(["sync"], check=True)
    Path("/proc/sys/vm/drop_caches").write_text("3\n")


def environment(home: str, display: str | None) -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "HELPDESK_HOME": f"{home}/data", "LANG": "C.UTF-8",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring", "PYTHONPATH": str(REPO)}
    env.update({"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"} if display else {"QT_QPA_PLATFORM": "offscreen"})
    return env


def time_answer(command: list[str], cold: bool) -> float:
    """Seconds from launch to the answer printed and the process gone."""
    with tempfile.TemporaryDirectory() as home:
        if cold:
            drop_caches()
        began = time.perf_counter()
        done = subprocess.run([*command, "ask", QUESTION, "--json"], env=environment(home, None), cwd=home,
                              capture_output=True, text=True, timeout=120)
        elapsed = time.perf_counter() - began
    if done.returncode != 0 or '"kind"' not in done.stdout:
        raise RuntimeError(f"{command} ask failed: {done.stderr[-500:]}")
    return elapsed


def time_tray(command: list[str], cold: bool, display: str) -> float:
    """Seconds from launch to the tray icon shown (the app's own note)."""
    with tempfile.TemporaryDirectory() as home:
        env = environment(home, display)
        notes = Path(home) / "timings"
        env["HELPDESK_UI_TIMINGS"] = str(notes)
        if cold:
            drop_caches()
        began = time.time()
        proc = subprocess.Popen([*command, "--minimised"], env=env, cwd=home,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                text = notes.read_text() if notes.exists() else ""
                if "tray_shown" in text:
                    shown = float(next(l for l in text.splitlines() if l.startswith("tray_shown")).split()[1])
                    return shown - began
                if proc.poll() is not None:
                    raise RuntimeError(f"{command} exited with {proc.returncode} before showing the icon")
                time.sleep(0.005)
            raise RuntimeError(f"{command}: no tray icon within 60 s")
        finally:
            proc.terminate()
            proc.wait(10)


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:,.0f} ms"


def measure(runs: int, cold_runs: int, display: str | None) -> list[tuple[str, str, str]]:
    rows = []
    kinds = [("first answer (`ask`)", lambda cmd, cold: time_answer(cmd, cold))]
    if display:
        kinds.append(("tray icon shown", lambda cmd, cold: time_tray(cmd, cold, display)))
    for label, fn in kinds:
        for cold, count in ((False, runs), (True, cold_runs)):
            if not count:
                continue
            installed = [fn(INSTALLED, cold) for _ in range(count)]
            source = [fn(SOURCE, cold) for _ in range(count)]
            state = "cold (page cache dropped)" if cold else "warm (files in page cache)"
            rows.append((f"start to {label}, {state}, median of {count}", median_ms(installed), median_ms(source)))
            print(rows[-1], file=sys.stderr)
    return rows


def size_table(bundle: Path) -> str:
    done = subprocess.run([sys.executable, str(REPO / "installer" / "size_report.py"), str(bundle), "--markdown",
                           "--top", "8"], capture_output=True, text=True, check=True)
    return done.stdout


def package_size() -> str:
    debs = sorted((REPO / "build" / "installer").glob("helpdesk-assistant_*.deb"))
    return f"{debs[-1].stat().st_size / 2**20:.0f} MiB ({debs[-1].name}, zstd -9)" if debs else "not built"


def write_section(section: str) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="warm starts per variant")
    parser.add_argument("--cold-runs", type=int, default=0, help="cold starts per variant (drops the page cache)")
    parser.add_argument("--display", default=os.environ.get("HELPDESK_TEST_XVFB_DISPLAY"),
                        help="X display with a tray for start to tray icon (default: HELPDESK_TEST_XVFB_DISPLAY)")
    parser.add_argument("--bundle", type=Path, default=Path("/opt/helpdesk-assistant"))
    parser.add_argument("--build-seconds", help="measured `make installer` time to report")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args(argv)
    if not Path(INSTALLED[0]).exists():
        print("error: install the package first (make installer; dpkg -i build/installer/*.deb)", file=sys.stderr)
        return 2
    rows = measure(args.runs, args.cold_runs, args.display)
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), "unknown CPU")
    lines = [HEADING, "",
             f"`python -m bench.installer_bench --runs {args.runs} --cold-runs {args.cold_runs}"
             f"{' --display ' + args.display if args.display else ''}` after `make installer` and "
             f"`dpkg -i`; {cpu}, {os.cpu_count()} cores, Debian 12. Each run is a new process; installed = "
             "`/usr/bin/helpdesk-assistant` (PyInstaller one-folder bundle in /opt), source = "
             "`.venv/bin/python -m desktop`. Same snapshot (the sample KB) and model in both.", "",
             "| measure | installed | from source |", "|---|---:|---:|"]
    lines += [f"| {label} | {inst} | {src} |" for label, inst, src in rows]
    lines += ["", f"Package: {package_size()}."
              + (f" `make installer` (bundle + size report + .deb) takes {args.build_seconds} s here "
                 "once the venv and the snapshot exist." if args.build_seconds else ""), "",
              f"Bundle ({args.bundle}) by part, `python installer/size_report.py {args.bundle} --markdown`:", "",
              size_table(args.bundle)]
    section = "\n".join(lines).rstrip("\n") + "\n\n"
    print(section)
    if not args.no_write:
        write_section(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
