"""`python -m desktop`: the tray app, and the command line for scripts and IT."""
from __future__ import annotations

import os
import sys

# The engine's matrix products are small: extra BLAS threads would only spin on the
# user's cores. Set before numpy is first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from desktop.cli import main  # noqa: E402

sys.exit(main())
