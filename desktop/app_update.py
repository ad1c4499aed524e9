"""A newer app announced by the sync server: shown to the user, never installed by the app.

    >>> notice = update_notice()          # None, or an AppUpdate for a banner / doctor
    >>> notice.text
    'Helpdesk Assistant 0.2.0 is available (you have 0.1.0). Your IT department …'

Where the announcement comes from: the *signed* snapshot manifest may carry
`app_version` and `app_download_url` beside its other fields (the signature covers the
whole `signed` object, so a forged or altered server cannot point people at another
download). Sync records the manifest it verified next to the installed snapshot; this
module reads that record, so it does no network I/O and is cheap enough for the tray's
start-up. The download link must be https. The app never downloads or runs the package:
IT deploys updates (the .deb, the Inno Setup or .pkg installer), people are only told.

Not done here (see installer/README.md): `kb_snapshots sign` has no option to add the two
fields yet, and the tray shows no banner for it yet; `update_notice()` is what both need.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from desktop import __version__, paths

APP_NAME = "Helpdesk Assistant"


@dataclass(frozen=True)
class AppUpdate:
    version: str
    download_url: str
    current: str = __version__

    @property
    def text(self) -> str:
        where = f" or download it from {self.download_url}" if self.download_url else ""
        return (f"{APP_NAME} {self.version} is available (you have {self.current}). "
                f"Your IT department will install it{where}.")


def version_key(text: str) -> tuple[int, ...]:
    """'0.10.2' -> (0, 10, 2); anything after the numbers (e.g. 'rc1') is ignored."""
    match = re.match(r"\s*v?(\d+(?:\.\d+)*)", text or "")
    return tuple(int(part) for part in match.group(1).split(".")) if match else ()


def is_newer(candidate: str, current: str = __version__) -> bool:
    key = version_key(candidate)
    return bool(key) and key > version_key(current)


def announced(envelope: bytes) -> AppUpdate | None:
    """The app release a signed manifest envelope announces, or None (absent or unusable)."""
    try:
        signed = json.loads(envelope)["signed"]
    except (ValueError, KeyError, TypeError):
        return None
    version = signed.get("app_version") if isinstance(signed, dict) else None
    if not isinstance(version, str) or not version_key(version):
        return None
    url = signed.get("app_download_url", "")
    url = url if isinstance(url, str) and url.startswith("https://") else ""
    return AppUpdate(version=version, download_url=url)


def installed_manifest(target: Path | None = None) -> bytes | None:
    """The signed manifest sync verified and recorded for the installed snapshot."""
    from desktop.sync.installer import SnapshotInstaller

    installer = SnapshotInstaller(target or paths.installed_snapshot())
    installed = installer.installed()
    if installed is None:
        return None
    try:
        return (installer.manifests / f"{installed.sha256}.json").read_bytes()
    except OSError:
        return None


def update_notice(target: Path | None = None, current: str = __version__) -> AppUpdate | None:
    """A newer app the sync server announced, for the user to see; None when up to date."""
    envelope = installed_manifest(target)
    release = announced(envelope) if envelope else None
    if release is None or not is_newer(release.version, current):
        return None
    return AppUpdate(release.version, release.download_url, current)


def check_app_update(policy) -> object:
    """The doctor line: is a newer app announced? (never a failure: IT decides when)."""
    from desktop.doctor import OK, SKIPPED, WARNING, Check

    if not policy.sync.url:
        return Check("app_update", SKIPPED, "no sync server configured: app updates are announced through it")
    envelope = installed_manifest()
    if envelope is None:
        return Check("app_update", SKIPPED, "no synced snapshot yet: nothing announced")
    release = announced(envelope)
    details = {"current": __version__, "announced": release.version if release else None,
               "download_url": release.download_url if release else None}
    if release is not None and is_newer(release.version):
        return Check("app_update", WARNING, f"{APP_NAME} {release.version} announced by the sync server "
                     f"(this is {__version__}); deploy it{f' from {release.download_url}' if release.download_url else ''}"
                     " — the app never updates itself", details)
    return Check("app_update", OK, f"{__version__} is the newest version announced", details)
