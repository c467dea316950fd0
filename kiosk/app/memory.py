"""Give a replaced screen's memory back, so a kiosk that runs for months stays small.

Kivy widgets hold each other in reference cycles (parent and children,
bindings), so a screen that is replaced is freed only by Python's cyclic
collector, and its textures with it. The collector runs by Python allocation
counts and does not see texture memory (megabytes each under software GL), so
without help a few screens' worth of dead textures pile up between its rare
full passes. Here a full pass runs when a screen is replaced, made cheap by
freezing the long-lived objects (the release's entries and index) out of the
collector's generations; and, on glibc, freed heap is handed back to the
system once the textures are gone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["Reclaimer", "glibc_trim"]


class Reclaimer:
    """When to collect and when to trim.

    Args:
        trim: hands freed heap back to the system (``glibc_trim()``), or None.
    """

    def __init__(self, trim: Callable[[], object] | None = None) -> None:
        self._trim = trim
        self._freed = False  # screens freed since the last tick
        self._textures_gone = False  # ... and a frame has passed since: trim now

    def settle(self) -> None:
        """After a release is swapped in: free the old one, freeze the new one.

        Frozen objects are skipped by every later collection, so collecting
        after each screen costs what the screens allocate, not the release.
        """
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._freed = True

    def screen_replaced(self) -> None:
        """A screen was taken down: free its widgets (their textures go at the next frame)."""
        gc.collect()
        self._freed = True

    def tick(self) -> None:
        """Once a second: trim the heap a tick after screens were freed.

        Kivy deletes a dead texture at the next frame, so the trim waits a tick.
        """
        if self._textures_gone and self._trim is not None:
            self._trim()
        self._textures_gone, self._freed = self._freed, False


def glibc_trim() -> Callable[[], object] | None:
    """The C library's ``malloc_trim(0)`` (glibc), or None on another C library."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return lambda: trim(0)
