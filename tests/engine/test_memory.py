"""The engine's own memory after about 20 questions asked the way the chat window asks them
stays bounded and does not creep up as the session goes on (the model's pages are given
back). What this test bounds is the process's anonymous memory (its heap: the part the app
controls); the resident total also counts file pages the kernel may keep or drop (the
mapped model, Qt's libraries), which varies from machine to machine, so the ≤ 150 MB
resident target is measured in bench/ (`python -m bench.memory`, `make bench-ui`)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine.test_understanding import REPO, sample  # noqa: F401 - fixture

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")


def test_twenty_questions_keep_the_heap_bounded_and_do_not_creep(sample, tmp_path):  # noqa: F811
    env = {**os.environ, "HELPDESK_HOME": str(tmp_path / "home"), "HELPDESK_POLICY": str(tmp_path / "none.toml"),
           "QT_QPA_PLATFORM": "offscreen", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    (tmp_path / "none.toml").write_text("")
    done = subprocess.run([sys.executable, "-m", "bench.memory", "--snapshot", str(sample.info.path)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    anonymous = {m.group(1): float(m.group(2)) for m in
                 re.finditer(r"^after (\d+) questions\s+VmRSS\s+[\d.]+ MB \(anonymous\s+([\d.]+)", done.stdout, re.M)}
    assert anonymous["20"] <= 90, done.stdout
    assert anonymous["40"] <= anonymous["20"] + 5, done.stdout      # twenty more questions: no creep
