"""How HTTP answers become errors a user can act on (shared by every back-end)."""
from __future__ import annotations

import email.utils
import time

import pytest

from desktop.itsm.http import retry_after_seconds


@pytest.mark.parametrize("header, expected", [
    ("7", 7.0), ("0", 0.0), ("-3", 0.0), (None, None), ("", None), ("soon", None)])
def test_retry_after_in_seconds(header, expected):
    assert retry_after_seconds(header) == expected


def test_retry_after_as_an_http_date():
    when = email.utils.formatdate(time.time() + 120, usegmt=True)
    assert 110 <= retry_after_seconds(when) <= 121
    past = email.utils.formatdate(time.time() - 3600, usegmt=True)
    assert retry_after_seconds(past) == 0.0


def test_error_messages_never_carry_the_query_string(tmp_path):
    """Tokens sometimes travel in query strings (RT accepts ?token=); they must not
    reach an error message, which may be shown or logged."""
    from desktop.itsm import Unavailable
    from desktop.itsm.http import HttpClient

    client = HttpClient("http://127.0.0.1:9", timeout=0.5)
    with pytest.raises(Unavailable) as caught:
        client.json("GET", "/REST/2.0/rt?token=SECRET-123")
    assert "SECRET-123" not in str(caught.value) and "SECRET-123" not in caught.value.url
