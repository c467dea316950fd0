"""Choose a driver by ``board.driver``; encode without sending for benchmarks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from publisher.boards.drivers.flaschen import FlaschenDriver
from publisher.boards.drivers.onbon_g6 import OnbonG6Driver
from publisher.boards.drivers.onbon_k import OnbonKDriver
from publisher.boards.drivers.preview import PreviewDriver

if TYPE_CHECKING:
    from publisher.boards.drivers._cache import EncodeCache
    from publisher.boards.drivers.base import Driver
    from publisher.boards.program import BoardConfig, Program


# Drivers whose bytes depend only on the program and the board's appearance: they
# take an EncodeCache.  The preview driver's files name the board, so it does not.
_CACHING: dict[str, type[OnbonKDriver | OnbonG6Driver | FlaschenDriver]] = {
    "onbon-k": OnbonKDriver,
    "onbon-g6": OnbonG6Driver,
    "flaschen-taschen": FlaschenDriver,
}
_KNOWN = sorted([*_CACHING, "preview"])


def make_driver(
    board: BoardConfig, *, timeout: float = 5.0, cache: EncodeCache | None = None
) -> Driver:
    """The driver for ``board``; it connects lazily, on the first push.

    ``cache``, shared by the drivers of many boards, encodes a program once per
    board model and size (see :class:`EncodeCache`); the preview driver, whose
    files name the board, does not use it.

    Raises:
        ValueError: ``board.driver`` names no known driver.
    """
    return _make(board, timeout=timeout, cache=cache)


def encode_only(
    board: BoardConfig, program: Program, *, cache: EncodeCache | None = None
) -> list[bytes]:
    """What pushing ``program`` to ``board`` would send, without any I/O.

    Onbon drivers return protocol frames, Flaschen-Taschen its datagrams,
    the preview driver its file contents.  For benchmarks and tests; with a
    ``cache``, as a pusher sharing one does.

    Raises:
        BoardContentError: the program cannot be shown on this board.
        ValueError: ``board.driver`` names no known driver.
    """
    return _make(board, timeout=5.0, cache=cache).encode(program)


_AnyDriver = OnbonKDriver | OnbonG6Driver | FlaschenDriver | PreviewDriver


def _make(board: BoardConfig, *, timeout: float, cache: EncodeCache | None) -> _AnyDriver:
    if board.driver == "preview":
        return PreviewDriver(board, timeout=timeout)
    try:
        cls = _CACHING[board.driver]
    except KeyError:
        raise ValueError(
            f"board {board.id}: unknown driver {board.driver!r} (known: {', '.join(_KNOWN)})"
        ) from None
    return cls(board, timeout=timeout, cache=cache)
