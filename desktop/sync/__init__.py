"""Keeping the local knowledge base current and reporting anonymised usage.

No Qt here: the UI runs these off the GUI thread.

    from desktop.sync import UsageStats, Scheduler, sync_once, HelpdeskBoard

Modules: `manifest` (signed manifests), `chunking` (content-defined chunks, patches),
`client` (HTTP and the error tree), `installer` (verify and swap), `service` (policy,
periodic sync), `stats` and `scrub` (anonymised statistics), `board` (banners and
appointments). Names are imported on first use, so `import desktop.sync` stays cheap
for the tray app's start-up.
"""
from __future__ import annotations

from desktop.lazy_exports import exports_from

_EXPORTS = {
    "SyncClient": "client", "SyncError": "client", "ServerUnreachable": "client", "ServerRefused": "client",
    "VerificationFailed": "client", "InstallFailed": "client",
    "SnapshotInstaller": "installer", "UpdateResult": "installer", "InstalledSnapshot": "installer",
    "sync_once": "service", "run_cycle": "service", "upload_stats": "service", "Scheduler": "service",
    "health": "service",
    "UsageStats": "stats", "scrub": "scrub", "HelpdeskBoard": "board", "SlotTaken": "board",
}
__all__ = sorted(_EXPORTS)

__getattr__ = exports_from(__name__, _EXPORTS)
