"""Connection limits uvicorn lacks: a request deadline and caps on open sockets.

uvicorn's HTTP/1.1 protocol has a keep-alive timeout, but it starts only after
a response and any byte a client sends stops it; a fresh connection has no
timer at all. So a client that drips one header line every few seconds, or
opens sockets and sends nothing, holds them for as long as it likes, and
enough of them exhaust the process's open files. :func:`guarded_protocol`
makes a subclass of uvicorn's h11 protocol that:

- gives each request ``request_timeout`` seconds from the moment the
  connection waits for it (opened, or the previous response done) until its
  headers and body are in, then closes the connection;
- refuses a connection at once when ``max_connections`` are open, or when its
  address already holds ``max_per_address`` (a misbehaving client takes only
  its own share; the kiosks keep theirs). A reverse proxy's address
  (``proxies``: nginx in front speaks for every kiosk from 127.0.0.1) has no
  share of its own, only the total.

A response being sent (a long document, a server-sent events stream) is not
under the deadline: only what the client owes the server is.

Usage::

    uvicorn.Config(app, http=guarded_protocol(limits), ...)
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

if TYPE_CHECKING:
    import asyncio

__all__ = ["ConnectionLimits", "guarded_protocol"]

log = logging.getLogger("gongkai.serve")
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\n"
    b"content-length: 25\r\nconnection: close\r\n\r\ntoo many open connections"
)


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    """The bounds on sockets (see the ``[serve]`` section of ``gongkai.toml``)."""

    max_connections: int = 512
    max_per_address: int = 32
    request_timeout: float = 15.0
    #: Exempt from ``max_per_address`` (a proxy speaks for many clients).
    proxies: frozenset[str] = frozenset()


class _Registry:
    """Open connections, in total and per client address (one per server)."""

    def __init__(self, limits: ConnectionLimits) -> None:
        self.limits = limits
        self.total = 0
        self.by_address: Counter[str] = Counter()
        self.refused = 0
        self._lock = threading.Lock()

    def admit(self, address: str) -> bool:
        with self._lock:
            if self.total >= self.limits.max_connections or (
                self.by_address[address] >= self.limits.max_per_address
                and address not in self.limits.proxies
            ):
                self.refused += 1
                return False
            self.total += 1
            self.by_address[address] += 1
            return True

    def leave(self, address: str) -> None:
        with self._lock:
            self.total -= 1
            self.by_address[address] -= 1
            if self.by_address[address] <= 0:
                del self.by_address[address]


def guarded_protocol(limits: ConnectionLimits) -> type[H11Protocol]:
    """A uvicorn h11 protocol class enforcing ``limits`` (pass it as ``http=``)."""
    return type("GuardedH11Protocol", (_GuardedH11Protocol,), {"registry": _Registry(limits)})


class _GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a request deadline and connection caps."""

    registry: ClassVar[_Registry]
    _admitted: str | None = None
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        peer = transport.get_extra_info("peername")
        address = str(peer[0]) if isinstance(peer, tuple) and peer else "?"
        if not self.registry.admit(address):
            if self.registry.refused % 100 == 1:  # one line per hundred refusals
                log.warning("refused a connection from %s: too many open", address)
            transport.write(_BUSY)
            transport.close()
            return
        self._admitted = address
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._admitted is None:
            return
        self.registry.leave(self._admitted)
        self._admitted = None
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._admitted is None:
            return
        super().data_received(data)
        self._settle()

    def on_response_complete(self) -> None:
        self._disarm()  # the next request on this connection gets its own deadline
        super().on_response_complete()
        if not self.transport.is_closing():
            self._settle()

    def _settle(self) -> None:
        """Keep the deadline while the client owes a request; drop it once it is in."""
        if self.conn.their_state in {h11.IDLE, h11.SEND_BODY}:
            if self._deadline is None:
                self._arm()
        else:
            self._disarm()

    def _arm(self) -> None:
        self._disarm()
        timeout = self.registry.limits.request_timeout
        self._deadline = self.loop.call_later(timeout, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()
