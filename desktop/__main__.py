"""`python -m desktop`: the tray app, and the command line for scripts and IT."""
from __future__ import annotations

import sys

from desktop.cli import main

sys.exit(main())
