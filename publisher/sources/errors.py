"""Errors raised while fetching from county websites.

Hierarchy::

    SourceError                      root: couldn't reach or fetch a source
    ├── FetchError                   the request failed (url, reason): network failure
    │   │                            after retries, timeout, reset mid-body, TLS error
    │   ├── HTTPStatusError          final non-2xx/304 status after retries (status)
    │   ├── ResponseTooLargeError    the body exceeds the configured limit (limit)
    │   ├── RobotsDisallowedError    robots.txt forbids the URL; nothing was requested
    │   └── EmptyDownloadError       an attachment arrived with 0 bytes
    └── BlockedError                 the site shows an anti-bot page (signal, detail)

``BlockedError`` is deliberately not a ``FetchError``: the channel is blocked
(a WAF challenge or a rate-limit page, domain.md pitfalls 23-24), the site is
not down. The sync alerts a person and backs off; it never tries to get past
the challenge.

Every error carries its data as attributes, so callers never parse messages.
"""

from __future__ import annotations

import enum

from publisher.errors import UnavailableError

__all__ = [
    "BlockSignal",
    "BlockedError",
    "EmptyDownloadError",
    "FetchError",
    "HTTPStatusError",
    "ResponseTooLargeError",
    "RobotsDisallowedError",
    "SourceError",
]


class BlockSignal(enum.StrEnum):
    """What gave an anti-bot page away (the ``signal`` of a :class:`BlockedError`)."""

    CHALLENGE_412 = "412-challenge"
    """HTTP 412, typically with an inline ``$_ts`` script (瑞数 Ruishu)."""
    CHALLENGE_COOKIE = "challenge-cookie"
    """A WAF challenge cookie (Ruishu ``FSSBBIl1UgzbN7N80S/T``, Jiasule ``__jsluid``)
    set on a script-only challenge body."""
    TINY_BODY = "tiny-body"
    """An HTML 200 too short to be a real page: a rate-limit or anti-bot page."""
    EMPTY_BODY = "empty-body"
    """An HTML 200 with no body at all, which rate limiters send after a burst."""


class SourceError(UnavailableError):
    """Root of every "couldn't reach or fetch" error (a ``publisher.errors.UnavailableError``)."""


class FetchError(SourceError):
    """A request failed.

    Attributes:
        url: the requested URL.
        reason: what went wrong, in English.
    """

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"cannot fetch {url}: {reason}")


class HTTPStatusError(FetchError):
    """The server answered with a final status other than 2xx or 304.

    Attributes:
        status: the HTTP status code, e.g. 404 or 500.
    """

    def __init__(self, url: str, status: int) -> None:
        self.status = status
        super().__init__(url, f"HTTP status {status}")


class ResponseTooLargeError(FetchError):
    """The body is larger than the configured limit.

    Attributes:
        limit: the limit in bytes.
    """

    def __init__(self, url: str, limit: int) -> None:
        self.limit = limit
        super().__init__(url, f"body larger than {limit} bytes")


class RobotsDisallowedError(FetchError):
    """robots.txt does not allow the URL for our user agent; it was not requested."""

    def __init__(self, url: str) -> None:
        super().__init__(url, "disallowed by robots.txt")


class EmptyDownloadError(FetchError):
    """An attachment download produced 0 bytes (domain.md pitfall 20)."""

    def __init__(self, url: str) -> None:
        super().__init__(url, "empty body (0 bytes)")


class BlockedError(SourceError):
    """The site answered with an anti-bot or rate-limit page; never circumvented.

    Attributes:
        url: the requested URL.
        signal: what gave the page away, a short machine word (a ``BlockSignal``,
            which compares equal to its string value, e.g. ``"412-challenge"``).
        detail: a human-readable description of the evidence.
    """

    def __init__(self, url: str, signal: BlockSignal, detail: str) -> None:
        self.url = url
        self.signal = signal
        self.detail = detail
        super().__init__(f"blocked by {url} ({signal.value}): {detail}")
