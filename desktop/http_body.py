"""Reading an HTTP reply's body with a size cap and a deadline, for every outside server.

    >>> response = session.get(url, stream=True, timeout=read_timeout)
    >>> body = read_body(response, limit=16 * 2**20, deadline=time.monotonic() + 30)

A declared Content-Length over `limit` is refused before reading anything; otherwise
the body is read piece by piece (each socket read returns what has arrived) and refused
as soon as it passes `limit` or the deadline, so a server that sends a gigabyte or one
byte every few seconds costs at most `limit` bytes and ends at the deadline (no socket
read waits past it). The headers' arrival is bounded only by the per-read timeout. The bytes are then cached on the response, so `.content`, `.text` and `.json()`
work as usual. `loads` parses JSON without letting a deeply nested document escape as a
RecursionError.
"""
from __future__ import annotations

import json
import time
from typing import Any, Callable

import requests
import urllib3.exceptions

PIECE = 64 * 1024


class BodyTooLarge(Exception):
    def __init__(self, limit: int, declared: int | None = None) -> None:
        said = f"declares {declared} bytes" if declared is not None else "goes on"
        super().__init__(f"the reply {said}, larger than the {limit} bytes accepted")
        self.limit = limit


class BodyTooSlow(Exception):
    def __init__(self, received: int) -> None:
        super().__init__(f"the reply did not arrive in time ({received} bytes received)")
        self.received = received


def read_body(response: requests.Response, limit: int, deadline: float,
              clock: Callable[[], float] = time.monotonic) -> bytes:
    """The body of a `stream=True` response; raises BodyTooLarge or BodyTooSlow (and
    closes the response) instead of reading more than `limit` bytes or past `deadline`."""
    if response._content is not False:                     # already read (not streamed)
        content = response._content or b""
        if len(content) > limit:
            raise BodyTooLarge(limit)
        return content
    declared = response.headers.get("Content-Length", "").strip()
    try:
        if declared.isdigit() and int(declared) > limit:
            raise BodyTooLarge(limit, int(declared))
        pieces: list[bytes] = []
        received = 0
        pieces_in_time = _pieces(response, deadline, clock)
        while True:
            try:
                piece = next(pieces_in_time)
            except StopIteration:
                break
            except BodyTooSlow:
                raise BodyTooSlow(received) from None
            received += len(piece)
            if received > limit:
                raise BodyTooLarge(limit)
            if clock() > deadline:
                raise BodyTooSlow(received)
            pieces.append(piece)
    except (BodyTooLarge, BodyTooSlow):
        response.close()
        raise
    content = b"".join(pieces)
    response._content = content
    response._content_consumed = True
    return content


def _pieces(response: requests.Response, deadline: float, clock: Callable[[], float]):
    """What has arrived, a socket read at a time (requests' iter_content waits for whole
    pieces), no read waiting past `deadline`; urllib3's errors turned into requests' as
    iter_content does."""
    read1 = getattr(response.raw, "read1", None)
    if read1 is None:
        yield from response.iter_content(PIECE)
        return
    sock = getattr(getattr(response.raw, "_connection", None), "sock", None)
    per_read = sock.gettimeout() if sock is not None else None
    try:
        while True:
            if sock is not None:
                left = max(0.01, deadline - clock())
                sock.settimeout(left if per_read is None else min(per_read, left))
            piece = read1(PIECE, decode_content=True)
            if not piece:
                return
            yield piece
    except urllib3.exceptions.ReadTimeoutError as exc:
        if clock() >= deadline - 0.05:
            raise BodyTooSlow(0) from None          # the count is filled in by read_body
        raise requests.exceptions.ReadTimeout(exc) from None
    except urllib3.exceptions.DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc) from None
    except (urllib3.exceptions.ProtocolError, urllib3.exceptions.SSLError, OSError) as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from None
    finally:
        if sock is not None and sock.fileno() != -1:
            sock.settimeout(per_read)


def loads(data: bytes | str) -> Any:
    """json.loads, with a too-deep document raised as ValueError like any other bad JSON."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
