"""Read the active release off the UI thread, and hand it to the UI thread.

Reading a release (its manifest and indexes) takes long enough to stall a
frame, so a thread reads it and the result travels back through Kivy's clock:
the app only ever sees a finished ``Library`` (or the reason there is none) on
the UI thread.  ``post`` and ``read`` are injected for tests.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from kiosk.viewmodels.library import Library

__all__ = ["ReleaseLoader", "read_release"]

log = logging.getLogger(__name__)

#: Shown under 正在获取内容 while there is nothing to show.
NO_RELEASE = "尚未收到内容"
READ_FAILED = "内容读取失败，正在重试"


def read_release(home: Path) -> tuple[Library | None, str]:
    """The active release of the kiosk home, or None and why not (in words for the screen)."""
    from kiosk.agent.errors import NoReleaseError, StorageError  # noqa: PLC0415 - startup
    from kiosk.agent.reader import ReleaseReader  # noqa: PLC0415
    from kiosk.viewmodels.library import Library  # noqa: PLC0415

    try:
        return Library(ReleaseReader(home)), ""
    except NoReleaseError:
        return None, NO_RELEASE
    except (StorageError, OSError) as exc:
        log.warning("cannot read the active release: %s", exc)
        return None, READ_FAILED


class ReleaseLoader:
    """One background read at a time; the result is delivered by ``post`` to ``on_loaded``.

    Args:
        home: the kiosk home whose ``active`` release is read.
        on_loaded: called on the UI thread with the new library, or with None
            when there still is none (``reason`` says why).
        post: runs a callable on the UI thread (by default: Kivy's next frame).
        read: reads a release (by default ``read_release``).
    """

    def __init__(
        self,
        home: Path,
        on_loaded: Callable[[Library | None], None],
        *,
        post: Callable[[Callable[[], None]], None] | None = None,
        read: Callable[[Path], tuple[Library | None, str]] = read_release,
    ) -> None:
        self.home = home
        self.library: Library | None = None
        self.reason = ""
        self._on_loaded = on_loaded
        self._post = post or _next_frame
        self._read = read
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def busy(self) -> bool:
        """A read is under way (or its result not yet delivered)."""
        return self._thread is not None

    def stale(self) -> bool:
        """Nothing is shown yet, or ``active`` has moved to another release."""
        return self.library is None or self.library.reader.changed()

    def load(self) -> None:
        """Start a read unless one is under way (or the loader is closed)."""
        if self._thread is not None or self._closed:
            return
        self._thread = threading.Thread(target=self._run, name="release-loader", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Deliver nothing more (a read under way finishes on its own)."""
        self._closed = True

    def join(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a read under way; True when none is left."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _run(self) -> None:
        library, reason = self._read(self.home)
        self._post(lambda: self._deliver(library, reason))

    def _deliver(self, library: Library | None, reason: str) -> None:
        self._thread = None
        if self._closed:
            return
        self.reason = reason
        if library is None:
            if self.library is None:
                self._on_loaded(None)  # still nothing: show why
            return  # a failed re-read keeps showing the release read before
        self.library = library
        self._on_loaded(library)


def _next_frame(action: Callable[[], None]) -> None:
    from kivy.clock import Clock  # noqa: PLC0415 - the window exists by now

    Clock.schedule_once(lambda _dt: action())
