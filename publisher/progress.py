"""Progress reporting for long commands: a bar on a terminal, silence elsewhere."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from tqdm import tqdm

__all__ = ["TerminalProgress"]


class TerminalProgress:
    """A tqdm bar per source when ``stream`` is a terminal; nothing otherwise."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._enabled = self._stream.isatty()
        self._bar: tqdm[Any] | None = None

    def start(self, source: str, total: int | None) -> None:
        """Begin a bar for ``source``."""
        if self._enabled:
            self._bar = tqdm(total=total, desc=source, unit="条", file=self._stream, leave=False)

    def advance(self, count: int = 1) -> None:
        """Count ``count`` more items done."""
        if self._bar is not None:
            self._bar.update(count)

    def total(self, total: int) -> None:
        """Set the expected number of items, once known."""
        if self._bar is not None:
            self._bar.total = total
            self._bar.refresh()

    def finish(self) -> None:
        """Close the bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
