"""The bundle's entry point: exactly `python -m desktop` (tray app, or a verb)."""
from __future__ import annotations

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
