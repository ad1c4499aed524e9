"""The names the UI and the engine import from desktop.sync: pinned, and cheap to import."""
from __future__ import annotations

import subprocess
import sys

import desktop.sync as sync

PUBLIC = ["HelpdeskBoard", "InstallFailed", "InstalledSnapshot", "Scheduler", "ServerRefused",
          "ServerUnreachable", "SlotTaken", "SnapshotInstaller", "SyncClient", "SyncError", "UpdateResult",
          "UsageStats", "VerificationFailed", "health", "run_cycle", "scrub", "sync_once", "upload_stats"]


def test_public_names_are_pinned_and_all_resolve():
    assert sync.__all__ == PUBLIC
    for name in PUBLIC:
        assert getattr(sync, name) is not None
    assert issubclass(sync.VerificationFailed, sync.SyncError) and issubclass(sync.SlotTaken, sync.ServerRefused)


def test_importing_the_package_loads_no_network_or_numpy_code():
    code = "import sys, desktop.sync; print(any(m in sys.modules for m in ('requests', 'numpy', 'nacl')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
