"""One HTTP exchange with an ITSM, turned into data or into the right `ItsmError`.

    >>> client = HttpClient("https://rt.example.com/REST/2.0", session, timeout=15)
    >>> client.json("GET", "/ticket/7", auth=("jdoe", "s3cret"))

401 -> AuthError, 403 -> Forbidden, 404 -> NotFound, 429 -> RateLimited (Retry-After in
seconds or as an HTTP date), 5xx and EasyVista's 590 -> Unavailable, 400/409/422 ->
Rejected, refused connections -> Unavailable, no answer in time -> TimedOut, unparsable JSON -> BadResponse.
Secrets never appear in messages: only the method, URL (without query) and status do.

Every reply is bounded: its body is read as it arrives, refused past `MAX_BODY` bytes
(BadResponse, from Content-Length alone when it declares more) and past a total deadline
of `timeout` seconds (TimedOut: `timeout` is also each socket read's limit); JSON nested
too deeply is BadResponse too; Retry-After counts for at most `MAX_RETRY_AFTER`. A
request with a body (POST, PUT…) follows a 307/308 only to the same origin (scheme, host,
port), at most `MAX_REDIRECTS` times; any other redirect is refused, so a ticket is never
re-sent somewhere else.
"""
from __future__ import annotations

import email.utils
import time
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from desktop.http_body import BodyTooLarge, BodyTooSlow, loads, read_body

from desktop.itsm.errors import (
    AuthError, BadResponse, Forbidden, ItsmError, NotFound, RateLimited, Rejected, TimedOut,
    Unavailable,
)

MAX_BODY = 32 * 1024 * 1024          # the biggest reply read from an ITSM
MAX_RETRY_AFTER = 3600.0             # "come back in 31 years" means "in an hour"
MAX_REDIRECTS = 3


class HttpClient:
    def __init__(self, base_url: str, session: Any = None, *, timeout: float = 15.0,
                 verify: bool = True, headers: dict[str, str] | None = None, auth: Any = None):
        self.base_url = base_url.rstrip("/")
        self.session = session if session is not None else requests.Session()
        self.timeout = timeout
        self.verify = verify
        self.headers = dict(headers or {})
        self.auth = auth

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        headers = {**self.headers, **kwargs.pop("headers", {})}
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("auth", self.auth)
        deadline = time.monotonic() + _seconds(kwargs["timeout"])
        has_body = method.upper() not in ("GET", "HEAD", "OPTIONS")
        for _ in range(MAX_REDIRECTS + 1):
            response = self._exchange(method, url, headers, deadline, has_body, kwargs)
            if not (has_body and response.is_redirect):
                break
            shown = url.split("?", 1)[0]
            target = urljoin(url, response.headers.get("Location", ""))
            if response.status_code not in (307, 308) or _origin(target) != _origin(url):
                raise ItsmError(f"{method} {shown}: the ITSM redirected the request ({response.status_code}) to "
                                f"{target.split('?', 1)[0]}; it was not sent there (check itsm.url)",
                                method=method, url=shown, status=response.status_code)
            url = target
        else:
            raise ItsmError(f"{method} {url.split('?', 1)[0]}: too many redirects", method=method,
                            url=url.split("?", 1)[0], status=response.status_code)
        raise_for_status(response, method, url.split("?", 1)[0])
        return response

    def _exchange(self, method: str, url: str, headers: dict, deadline: float, has_body: bool,
                  kwargs: dict) -> requests.Response:
        """One request and its whole body, within `deadline` and MAX_BODY."""
        shown = url.split("?", 1)[0]
        try:
            response = self.session.request(method, url, headers=headers, verify=self.verify, stream=True,
                                            allow_redirects=not has_body, **kwargs)
            read_body(response, MAX_BODY, deadline)
        except BodyTooLarge as exc:
            raise BadResponse(f"{method} {shown}: {exc}", method=method, url=shown) from None
        except BodyTooSlow as exc:
            raise TimedOut(f"{method} {shown}: no complete answer within {kwargs['timeout']} s ({exc})",
                           method=method, url=shown) from None
        except requests.ConnectTimeout:
            raise Unavailable(f"{method} {shown}: cannot connect to the ITSM (timed out)",
                              method=method, url=shown) from None
        except requests.Timeout:
            raise TimedOut(f"{method} {shown}: no answer within {kwargs['timeout']} s",
                           method=method, url=shown) from None
        except requests.ConnectionError:
            raise Unavailable(f"{method} {shown}: cannot connect to the ITSM",
                              method=method, url=shown) from None
        except requests.RequestException as exc:
            raise Unavailable(f"{method} {shown}: {type(exc).__name__}",
                              method=method, url=shown) from None
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return None
        return parse_json(response, method, path)


def authenticated_client(config: Any, credential: Any, session: Any, base_path: str,
                         token_header: str) -> HttpClient:
    """The client most back-ends need: basic auth, or `Authorization: <token_header>` with a token.

    `token_header` is a template with `{token}`, e.g. `"Bearer {token}"` or `"token {token}"`.
    """
    headers = {"Accept": "application/json"}
    auth = None
    if config.auth == "token":
        headers["Authorization"] = token_header.format(token=credential.secret)
    else:
        auth = (credential.username, credential.secret)
    return HttpClient(f"{config.url}{base_path}", session, timeout=config.timeout,
                      verify=config.verify_tls, headers=headers, auth=auth)


def _seconds(timeout: Any) -> float:
    """The total deadline for a `timeout` (seconds, or requests' (connect, read) pair)."""
    if isinstance(timeout, (tuple, list)):
        return float(sum(t for t in timeout if t is not None))
    return float(timeout) if timeout is not None else 300.0


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def parse_json(response: requests.Response, method: str, url: str) -> Any:
    try:
        return loads(response.content)
    except ValueError:
        raise BadResponse(f"{method} {url}: the ITSM's answer is not valid JSON "
                          f"({response.content[:60]!r})", method=method, url=url,
                          status=response.status_code) from None


def raise_for_status(response: requests.Response, method: str, url: str) -> None:
    status = response.status_code
    if status < 400:
        return
    where = {"method": method, "url": url, "status": status}
    detail = _detail(response)
    if status == 401:
        raise AuthError(f"the ITSM refused the user name or password (401){detail}", **where)
    if status == 403:
        raise Forbidden(f"the ITSM account lacks the right for this (403){detail}", **where)
    if status == 404:
        raise NotFound(f"{method} {url}: not found (404){detail}", **where)
    if status == 429:
        retry = retry_after_seconds(response.headers.get("Retry-After"))
        raise RateLimited(f"the ITSM asks to slow down (429); retry in {retry or '?'} s",
                          retry_after=retry, **where)
    if status >= 500:
        raise Unavailable(f"the ITSM failed on its side ({status}){detail}", **where)
    if status in (400, 409, 422):
        raise Rejected(f"the ITSM refused the request ({status}){detail}", **where)
    raise ItsmError(f"{method} {url}: unexpected HTTP {status}{detail}", **where)


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, OverflowError):
            return None
    if seconds != seconds:                       # NaN
        return None
    return min(MAX_RETRY_AFTER, max(0.0, seconds))


def _detail(response: requests.Response) -> str:
    try:
        body = loads(response.content)
    except ValueError:
        return ""
    if isinstance(body, dict):
        for key in ("message", "error", "errorMessage", "detail"):
            value = body.get(key)
            if isinstance(value, dict):
                value = value.get("message") or value.get("detail")
            if isinstance(value, str) and value:
                return f": {value[:200]}"
    return ""
