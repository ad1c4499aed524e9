"""Access to the real services tests need (Request Tracker, PostgreSQL, Chromium, Xvfb).

`.ci/run` starts them and exports their addresses (see .ci/services/). A test asks for
one with `require_service("HELPDESK_TEST_RT_URL", "Request Tracker")`: outside CI a
missing service skips the test with the reason; in CI (`CI=true`) it fails it.
"""
from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_service(env_var: str, what: str) -> str:
    """The service address from `env_var`, or fail (CI) / skip (elsewhere) saying why."""
    value = os.environ.get(env_var, "")
    if value:
        return value
    message = f"{what} is not available: {env_var} is not set (.ci/run starts it)"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)
