"""Helpdesk Assistant, the desktop side: engine, ITSM layer, sync client and tray UI."""
from __future__ import annotations

__version__ = "0.1.0"
