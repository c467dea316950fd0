"""Choose a driver by ``board.driver``; encode without sending for benchmarks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from publisher.boards.drivers.flaschen import FlaschenDriver
from publisher.boards.drivers.onbon_g6 import OnbonG6Driver
from publisher.boards.drivers.onbon_k import OnbonKDriver
from publisher.boards.drivers.preview import PreviewDriver

if TYPE_CHECKING:
    from publisher.boards.drivers.base import Driver
    from publisher.boards.program import BoardConfig, Program


_DRIVERS: dict[str, type[OnbonKDriver | OnbonG6Driver | FlaschenDriver | PreviewDriver]] = {
    "onbon-k": OnbonKDriver,
    "onbon-g6": OnbonG6Driver,
    "flaschen-taschen": FlaschenDriver,
    "preview": PreviewDriver,
}


def make_driver(board: BoardConfig, *, timeout: float = 5.0) -> Driver:
    """The driver for ``board``; it connects lazily, on the first push.

    Raises:
        ValueError: ``board.driver`` names no known driver.
    """
    return _make(board, timeout=timeout)


def encode_only(board: BoardConfig, program: Program) -> list[bytes]:
    """What pushing ``program`` to ``board`` would send, without any I/O.

    Onbon drivers return protocol frames, Flaschen-Taschen its datagrams,
    the preview driver its file contents.  For benchmarks and tests.

    Raises:
        BoardContentError: the program cannot be shown on this board.
        ValueError: ``board.driver`` names no known driver.
    """
    return _make(board, timeout=5.0).encode(program)


_AnyDriver = OnbonKDriver | OnbonG6Driver | FlaschenDriver | PreviewDriver


def _make(board: BoardConfig, *, timeout: float) -> _AnyDriver:
    try:
        cls = _DRIVERS[board.driver]
    except KeyError:
        known = ", ".join(sorted(_DRIVERS))
        raise ValueError(
            f"board {board.id}: unknown driver {board.driver!r} (known: {known})"
        ) from None
    return cls(board, timeout=timeout)
