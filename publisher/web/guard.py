"""The request guard: an ASGI middleware that refuses bad requests before Django reads them.

Django's ASGI handler spools the whole request body to a temporary file
before routing or authentication run, so anyone who can reach the port could
make the publisher write as much as they liked. The guard answers first, from
the request line and headers alone:

- a URL longer than ``max_url_bytes`` → 414; a path segment longer than a file
  name can be → 404;
- a ``Host`` that is not one of this publisher's names → 400;
- a path no route matches → 404; a method the route does not take → 405;
- a body the route does not take, or a declared ``Content-Length`` over the
  route's cap → 413, without reading a byte of it; a body without a declared
  length (chunked) is read up to the cap and refused past it.

Each view declares what it takes with :func:`accepts` (methods, body cap);
a view that declares nothing takes ``GET``/``HEAD`` with no body. So a later
staff console declares its small form posts on its own views, and the guard
needs no list of routes. Refusals are logged as one bounded line (method,
truncated path without the query string, client address, reason), and at most
a few lines a second, so a flood of refusals cannot flood the log.

Usage::

    app = RequestGuard(get_asgi_application(), hosts=config.served_hosts())
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.urls import Resolver404, resolve

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Collection, MutableMapping

    Scope = MutableMapping[str, Any]
    Message = MutableMapping[str, Any]
    Receive = Callable[[], Awaitable[Message]]
    Send = Callable[[Message], Awaitable[None]]
    # Loose on purpose: Django's handler types its scope as a dict, uvicorn's as a TypedDict.
    ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]

__all__ = ["DEFAULT_ACCEPTS", "Accepts", "RequestGuard", "accepts"]

log = logging.getLogger("gongkai.serve")
_View = TypeVar("_View", bound="Callable[..., Any]")
#: Longest path segment served: a longer one cannot name a file (NAME_MAX).
MAX_SEGMENT = 255
#: Characters of a refused path kept in the log line.
LOGGED_PATH = 96


@dataclass(frozen=True, slots=True)
class Accepts:
    """What one route takes: its methods and the most body bytes it reads."""

    methods: frozenset[str]
    max_body: int = 0


DEFAULT_ACCEPTS = Accepts(frozenset({"GET", "HEAD"}))
_ATTRIBUTE = "gongkai_accepts"


def accepts(*methods: str, max_body: int = 0) -> Callable[[_View], _View]:
    """Declare the methods a view takes and the body bytes it may read (0: no body).

    Raises:
        ValueError: no method, or a negative ``max_body``.
    """
    if not methods or max_body < 0:
        raise ValueError("accepts() needs a method and a body cap >= 0")
    declared = Accepts(frozenset(m.upper() for m in methods), max_body)

    def mark(view: _View) -> _View:
        setattr(view, _ATTRIBUTE, declared)
        return view

    return mark


class RequestGuard:
    """ASGI middleware in front of Django (see the module docstring).

    Args:
        app: the ASGI application to guard.
        hosts: the ``Host`` names answered (without port), lowercase.
        max_url_bytes: the longest request target (path and query) accepted.
        route: the route lookup, path → what it accepts or None (no such route);
            Django's URL resolver by default.
        clock: monotonic seconds, for the log throttle.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        hosts: Collection[str],
        max_url_bytes: int = 2048,
        route: Callable[[str], Accepts | None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.hosts = frozenset(host.lower() for host in hosts)
        self.max_url_bytes = max_url_bytes
        self._route = route or _django_route
        self._log = _ThrottledLog(clock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a refused request here; pass the rest on, its body bounded."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal, cap = self._check(scope)
        if refusal is None and cap:
            body, over = await _read_body(receive, cap)
            if over:
                refusal = _Refusal(413, "body over the route's cap")
            else:
                receive = _replay(body, receive)
        if refusal is not None:
            self._log.refused(scope, refusal)
            await _answer(send, refusal)
            return
        await self.app(scope, receive, send)

    def _check(self, scope: Scope) -> tuple[_Refusal | None, int]:
        """The refusal of a request from its line and headers, else the body cap to read."""
        path: str = scope["path"]
        target = len(scope.get("raw_path") or path.encode()) + len(scope.get("query_string", b""))
        if target > self.max_url_bytes:
            return _Refusal(414, "URL too long"), 0
        headers = _headers(scope)
        host = _host_name(headers.get(b"host", [b""]))
        if host not in self.hosts:
            return _Refusal(400, "unknown host"), 0
        if any(len(segment.encode()) > MAX_SEGMENT for segment in path.split("/")):
            return _Refusal(404, "path segment too long"), 0
        route = self._route(path)
        if route is None:
            return _Refusal(404, "no such route"), 0
        method: str = scope["method"]
        if method not in route.methods:
            return _Refusal(405, "method not allowed", allow=sorted(route.methods)), 0
        return _body_check(headers, route)


@dataclass(frozen=True, slots=True)
class _Refusal:
    status: int
    reason: str
    allow: list[str] | None = None


class _ThrottledLog:
    """One bounded line per refusal, at most ``burst`` lines per ``window`` seconds."""

    def __init__(
        self, clock: Callable[[], float], *, burst: int = 20, window: float = 10.0
    ) -> None:
        self._clock = clock
        self._burst = burst
        self._window = window
        self._started = clock()
        self._lines = 0
        self._dropped = 0
        self._lock = threading.Lock()

    def refused(self, scope: Scope, refusal: _Refusal) -> None:
        now = self._clock()
        with self._lock:
            if now - self._started >= self._window:
                self._started, self._lines = now, 0
            if self._lines >= self._burst:
                self._dropped += 1
                return
            self._lines += 1
            dropped, self._dropped = self._dropped, 0
        client = scope.get("client") or ("?", 0)
        path = scope["path"]
        shown = path[:LOGGED_PATH] + ("…" if len(path) > LOGGED_PATH else "")
        more = f" ({dropped} more refusals not logged)" if dropped else ""
        log.warning(
            "refused %d %.10s %r from %s: %s%s",
            refusal.status,
            scope["method"],
            shown,
            client[0],
            refusal.reason,
            more,
        )


def _body_check(headers: dict[bytes, list[bytes]], route: Accepts) -> tuple[_Refusal | None, int]:
    """Refuse a body the route does not take, from its headers; else the bytes to read."""
    lengths = headers.get(b"content-length", [])
    chunked = b"transfer-encoding" in headers
    if len(lengths) > 1 or (lengths and chunked):
        return _Refusal(400, "ambiguous body length"), 0
    if lengths:
        declared = _length(lengths[0])
        if declared is None:
            return _Refusal(400, "bad Content-Length"), 0
        if declared > route.max_body:
            return _Refusal(413, "declared body over the route's cap"), 0
        return None, declared
    if chunked:
        if not route.max_body:
            return _Refusal(413, "the route takes no body"), 0
        return None, route.max_body
    return None, 0


def _django_route(path: str) -> Accepts | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    declared = getattr(match.func, _ATTRIBUTE, None)
    return declared if isinstance(declared, Accepts) else DEFAULT_ACCEPTS


def _headers(scope: Scope) -> dict[bytes, list[bytes]]:
    found: dict[bytes, list[bytes]] = {}
    for name, value in scope.get("headers", ()):
        found.setdefault(bytes(name).lower(), []).append(bytes(value))
    return found


def _host_name(values: list[bytes]) -> str:
    if len(values) != 1:
        return ""
    host = values[0].decode("latin-1").strip().lower()
    if host.startswith("["):  # [::1]:8700
        return host.partition("]")[0] + "]"
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def _length(value: bytes) -> int | None:
    text = value.strip()
    if not text.isdigit() or len(text) > 18:
        return None
    return int(text)


async def _read_body(receive: Receive, cap: int) -> tuple[bytes, bool]:
    """Read at most ``cap`` bytes of body; whether the client sent more."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"", True
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > cap:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _replay(body: bytes, receive: Receive) -> Receive:
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # the disconnect a streaming response listens for

    return replay


async def _answer(send: Send, refusal: _Refusal) -> None:
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"connection", b"close"),
    ]
    if refusal.allow:
        headers.append((b"allow", ", ".join(refusal.allow).encode()))
    body = f"{refusal.status} {refusal.reason}\n".encode()
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
