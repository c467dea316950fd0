"""Pokes: the publisher's server-sent events, a hint to refresh now.

``GET /api/channels/<channel>/events`` streams ``event: release`` / ``data: <version>``
messages (the first is the newest version, if any) and comments as keepalives.
A poke is only a hint: the agent still verifies everything through TUF, and
polling goes on whether or not the stream is up. ``SseParser`` is the pure
part (bytes in, events out); ``PokeListener`` is a daemon thread that keeps
the stream open, reconnecting with exponential backoff and jitter.
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import urllib3

from content.backoff import Backoff
from kiosk.agent.errors import FetchError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from kiosk.agent._http import HttpClient

__all__ = ["PokeListener", "SseEvent", "SseParser"]

log = logging.getLogger("gongkai.kiosk.agent")

#: The publisher sends a keepalive every 15 s; a silent minute means a dead stream.
STREAM_READ_TIMEOUT = 60.0
RECONNECT_FIRST = 1.0
RECONNECT_MAX = 300.0
_MAX_LINE = 64 * 1024


@dataclass(frozen=True, slots=True)
class SseEvent:
    """One dispatched server-sent event."""

    event: str
    data: str


class SseParser:
    """Incremental parser of a ``text/event-stream`` (the WHATWG rules the agent needs).

    Feed it bytes as they arrive; it yields each complete event. ``retry``
    holds the server's reconnection delay in seconds, once it has sent one.
    """

    def __init__(self) -> None:
        self._buffer = b""
        self._event = ""
        self._data: list[str] = []
        self.retry: float | None = None

    def feed(self, chunk: bytes) -> Iterator[SseEvent]:
        """Yield the events that ``chunk`` completes.

        Raises:
            ValueError: a line is absurdly long (not an event stream).
        """
        self._buffer += chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        while b"\n" in self._buffer:
            raw, self._buffer = self._buffer.split(b"\n", 1)
            event = self._line(raw.decode("utf-8", "replace"))
            if event is not None:
                yield event
        if len(self._buffer) > _MAX_LINE:
            raise ValueError("event-stream line too long")

    def _line(self, line: str) -> SseEvent | None:
        if not line:
            if not self._data:
                self._event = ""
                return None
            event = SseEvent(self._event or "message", "\n".join(self._data))
            self._event, self._data = "", []
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "retry" and value.isdigit():
            self.retry = int(value) / 1000
        return None


class PokeListener(threading.Thread):
    """Keeps a channel's poke stream open and calls ``on_poke(version)`` per release event.

    Args:
        http: the HTTP client.
        url: the channel's events URL.
        on_poke: called (from this thread) with each announced release version.
        rng: randomness for the reconnection jitter.
    """

    def __init__(
        self,
        http: HttpClient,
        url: str,
        on_poke: Callable[[int], None],
        *,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(name="gongkai-pokes", daemon=True)
        self._http = http
        self._url = url
        self._on_poke = on_poke
        self._rng = rng or random.Random()
        self._stop = threading.Event()
        self._response: urllib3.BaseHTTPResponse | None = None
        self._lock = threading.Lock()
        self.connected = threading.Event()

    def run(self) -> None:
        """Listen until ``stop``; reconnect with backoff."""
        failures = 0
        while not self._stop.is_set():
            parser = SseParser()
            try:
                self._listen(parser)
                failures = 0  # the stream ended cleanly: reconnect soon
            except (FetchError, urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
                failures += 1
                log.debug("poke stream: %s", exc)
            finally:
                self.connected.clear()
            # The server's own ``retry:`` hint, when longer, is the first wait.
            backoff = Backoff(
                base=max(RECONNECT_FIRST, parser.retry or 0), cap=RECONNECT_MAX, jitter=0.2
            )
            self._stop.wait(backoff.jittered(failures + 1, self._rng))

    def stop(self) -> None:
        """Stop listening (closes an open stream at once)."""
        self._stop.set()
        with self._lock:
            response = self._response
        if response is not None:
            response.shutdown()

    def _listen(self, parser: SseParser) -> None:
        response = self._http.stream(self._url, read_timeout=STREAM_READ_TIMEOUT)
        with self._lock:
            self._response = response
        try:
            if self._stop.is_set():
                return
            self.connected.set()
            log.info("listening for pokes on %s", self._url)
            while chunk := response.read1(4096):  # returns what has arrived, no waiting for more
                self._http.count(len(chunk))
                for event in parser.feed(chunk):
                    self._dispatch(event)
                if self._stop.is_set():
                    return
        finally:
            with self._lock:
                self._response = None
            response.close()  # never reused: a stream ends mid-body
            response.release_conn()

    def _dispatch(self, event: SseEvent) -> None:
        if event.event != "release":
            return
        try:
            version = int(event.data.strip())
        except ValueError:
            log.debug("poke with a bad version: %r", event.data[:40])
            return
        self._on_poke(version)
