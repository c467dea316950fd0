"""Encoded frames shared by boards that show the same program in the same way.

A county pushes the same program to many boards of one model and size (every
hall board of a town shows that town's notices), and a driver's frames depend
only on the program's content and on what the board *is* (driver, size,
colours, font), never on who or where it is (id, name, address, hours).  So
the frames are encoded once per ``(board appearance, driver options, program
digest)`` and reused.  The cache is bounded by the bytes it holds and drops
the least recently used entries first; failures are never cached (their
messages name the board).  Thread-safe: the pusher encodes in worker threads,
and boards waiting for the same program wait for one encoding.

Usage::

    cache = EncodeCache(max_bytes=32 * 1024 * 1024)
    driver = make_driver(board, cache=cache)  # driver.encode / push use it
    frames = encode_only(board, program, cache=cache)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable

    from publisher.boards.program import BoardConfig, Program

DEFAULT_MAX_BYTES = 32 * 1024 * 1024

_Key = tuple["BoardConfig", "Hashable", str]


@dataclass(frozen=True)
class CacheStats:
    """Counters of one :class:`EncodeCache`."""

    hits: int
    encodes: int  # misses that were encoded (successfully)
    entries: int
    bytes: int
    evictions: int


class EncodeCache:
    """A bounded, thread-safe LRU of encoded frames.

    Args:
        max_bytes: the most frame bytes kept; a program bigger than this on its
            own is encoded every time and not kept.

    Raises:
        ValueError: ``max_bytes`` is negative.
    """

    def __init__(self, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        if max_bytes < 0:
            raise ValueError(f"max_bytes must be >= 0, not {max_bytes}")
        self.max_bytes = max_bytes
        self._entries: OrderedDict[_Key, tuple[bytes, ...]] = OrderedDict()
        self._gates: dict[_Key, threading.Lock] = {}
        self._lock = threading.Lock()
        self._bytes = 0
        self._hits = 0
        self._encodes = 0
        self._evictions = 0

    def frames(
        self,
        board: BoardConfig,
        program: Program,
        encode: Callable[[], list[bytes]],
        *,
        options: Hashable = (),
    ) -> list[bytes]:
        """The frames for ``program`` on ``board``: cached, or ``encode()`` once.

        ``options`` are the driver's own settings that change its bytes (its
        class, header, pixel format…); boards differing only in identity,
        address, hours or groups share an entry.

        Raises:
            Exception: whatever ``encode`` raises (nothing is cached then).
        """
        key: _Key = (_appearance(board), options, program.content_digest())
        with self._lock:
            cached = self._lookup(key)
            if cached is not None:
                return cached
            gate = self._gates.setdefault(key, threading.Lock())
        with gate:  # one encoding per key at a time; the others wait and then hit
            with self._lock:
                cached = self._lookup(key)
                if cached is not None:
                    return cached
            try:
                frames = tuple(encode())
            except BaseException:
                with self._lock:
                    self._gates.pop(key, None)
                raise
            with self._lock:
                self._encodes += 1
                self._store(key, frames)
                self._gates.pop(key, None)
        return list(frames)

    def stats(self) -> CacheStats:
        """The counters so far."""
        with self._lock:
            return CacheStats(
                hits=self._hits,
                encodes=self._encodes,
                entries=len(self._entries),
                bytes=self._bytes,
                evictions=self._evictions,
            )

    def clear(self) -> None:
        """Drop every entry (the counters stay)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _lookup(self, key: _Key) -> list[bytes] | None:
        frames = self._entries.get(key)
        if frames is None:
            return None
        self._entries.move_to_end(key)
        self._hits += 1
        return list(frames)

    def _store(self, key: _Key, frames: tuple[bytes, ...]) -> None:
        size = sum(map(len, frames))
        if size > self.max_bytes or key in self._entries:
            return
        self._entries[key] = frames
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= sum(map(len, dropped))
            self._evictions += 1


def _appearance(board: BoardConfig) -> BoardConfig:
    # What the board is, not who or where it is: equal for boards that encode alike.
    return replace(
        board, id="", name="", town="", place="", address="", baud=0, hours=("", ""), group=()
    )
