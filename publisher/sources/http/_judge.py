"""Judging an answer: an anti-bot page (domain.md pitfalls 23-24), an error status, a size.

``block_signal`` is the pure rule (status, headers and the body's start in, a
signal or None out); ``judge`` applies it to a ``requests`` response and raises.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import urllib3

from publisher.sources.errors import (
    BlockedError,
    BlockSignal,
    HTTPStatusError,
    ResponseTooLargeError,
)
from publisher.sources.http._messages import media_type

if TYPE_CHECKING:
    import requests

__all__ = ["block_signal", "check_declared_length", "judge"]

_log = logging.getLogger("gongkai.http")
_CHALLENGE_PAGE_MAX = 8 * 1024  # a script-only WAF challenge page is smaller than this
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", None})  # None: undeclared
_CHALLENGE_COOKIES = ("FSSBBIl1UgzbN7N80S", "FSSBBIl1UgzbN7N80T")  # and __jsluid*
_COOKIE_NAME = re.compile(r"(?:^|,)\s*([^=;,\s]+)=")


def judge(resp: requests.Response, url: str, head: bytes, size: int, tiny: int | None) -> None:
    """Raise BlockedError for an anti-bot page, HTTPStatusError for an error status.

    ``head`` is the start of the body, ``size`` its length; ``tiny`` is the
    tiny-body threshold (None turns the tiny/empty HTML rule off).
    """
    content_type, cookies = resp.headers.get("Content-Type"), _set_cookie_names(resp)
    found = block_signal(resp.status_code, content_type, cookies, head, size, tiny)
    if found is not None:
        _log.warning("blocked by %s (%s): %s", url, found[0].value, found[1])
        raise BlockedError(url, *found)
    if not 200 <= resp.status_code < 300:
        raise HTTPStatusError(url, resp.status_code)


def check_declared_length(resp: requests.Response, url: str, limit: int) -> None:
    """Refuse a body whose Content-Length already exceeds ``limit``.

    Raises:
        ResponseTooLargeError: it does.
    """
    declared = resp.headers.get("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > limit:
        raise ResponseTooLargeError(url, limit)


def block_signal(  # noqa: PLR0917
    status: int,
    content_type: str | None,
    cookies: list[str],
    head: bytes,
    size: int,
    tiny_body: int | None,
) -> tuple[BlockSignal, str] | None:
    """Recognise an anti-bot page (domain.md pitfalls 23-24); None when it is not one.

    ``head`` is the start of the body and ``size`` its length. A challenge body
    holds a ``$_ts`` script or is a small page with a script. ``tiny_body``
    None turns the tiny/empty HTML rule off.
    """
    if status == 412:
        script = " with a $_ts challenge script" if b"$_ts" in head else ""
        return BlockSignal.CHALLENGE_412, f"HTTP 412{script}"
    challenge = b"$_ts" in head or (size <= _CHALLENGE_PAGE_MAX and b"<script" in head.lower())
    for name in cookies:
        if challenge and (name in _CHALLENGE_COOKIES or name.startswith("__jsluid")):
            return BlockSignal.CHALLENGE_COOKIE, f"HTTP {status} sets {name} on a script challenge"
    if tiny_body is None or status != 200 or media_type(content_type) not in _HTML_TYPES:
        return None
    if size == 0:
        return BlockSignal.EMPTY_BODY, "HTML 200 with an empty body"
    if size < tiny_body:
        return BlockSignal.TINY_BODY, f"HTML 200 of only {size} bytes (< {tiny_body})"
    return None


def _set_cookie_names(resp: requests.Response) -> list[str]:
    raw_headers = getattr(resp.raw, "headers", None)
    if isinstance(raw_headers, urllib3.HTTPHeaderDict):
        values = raw_headers.getlist("Set-Cookie")
    else:  # not urllib3 underneath; requests joins repeated headers with ", "
        values = [resp.headers.get("Set-Cookie", "")]
    return [name for value in values for name in _COOKIE_NAME.findall(value)]
