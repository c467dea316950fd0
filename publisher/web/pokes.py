"""Server-sent "pokes": a hint to a channel's kiosks that a new release exists.

A poke is only a hint (the kiosk still verifies everything through TUF); losing
one costs latency, never integrity. Releases are built in a worker thread, so
``publish`` is thread-safe and hands over to the event loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

__all__ = ["PokeHub"]

KEEPALIVE_SECONDS = 15.0


class PokeHub:
    """Per-channel subscriber queues on one event loop."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queues: dict[str, set[asyncio.Queue[int]]] = defaultdict(set)
        self._latest: dict[str, int] = {}
        self._lock = threading.Lock()

    def publish(self, channel: str, version: int) -> None:
        """Poke every subscriber of ``channel`` (from any thread)."""
        with self._lock:
            self._latest[channel] = version
            loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._deliver, channel, version)

    def subscribers(self, channel: str) -> int:
        """How many kiosks listen on ``channel`` now."""
        return len(self._queues.get(channel, ()))

    async def stream(self, channel: str) -> AsyncIterator[bytes]:
        """The SSE byte stream for one subscriber: the latest version, then each poke."""
        self._loop = asyncio.get_running_loop()
        queue: asyncio.Queue[int] = asyncio.Queue(maxsize=16)
        self._queues[channel].add(queue)
        try:
            yield b"retry: 5000\n\n"
            with self._lock:
                latest = self._latest.get(channel)
            if latest is not None:
                yield _event(latest)
            while True:
                try:
                    version = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield b": keepalive\n\n"
                    continue
                yield _event(version)
        finally:
            self._queues[channel].discard(queue)

    def _deliver(self, channel: str, version: int) -> None:
        for queue in list(self._queues.get(channel, ())):
            if queue.full():  # a stuck subscriber only needs the newest hint
                queue.get_nowait()
            queue.put_nowait(version)


def _event(version: int) -> bytes:
    return f"event: release\ndata: {version}\n\n".encode()
