"""The kiosk's latest screenshot, sent with a heartbeat when it is new (and allowed).

The kiosk app writes ``HOME/screen.png`` (``kiosk.app.screenshots``): a small
PNG of what the screen shows now, which is public information only. The agent
adds it to a heartbeat as ``"screenshot": {"png": "<base64>", "taken_at": …}``
when the file changed since it was last sent, at most once per
``min_interval`` and never larger than ``max_bytes``. The publisher's answer
says (``Gongkai-Screenshots: off``) when the county turned screenshots off;
then none are sent until it says ``on`` again.
"""

from __future__ import annotations

import base64
import logging
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

__all__ = ["SCREENSHOTS_HEADER", "SCREEN_FILE", "ScreenshotOutbox"]

log = logging.getLogger("gongkai.kiosk.agent")
#: The file the kiosk app keeps its latest screenshot in, in the kiosk home.
SCREEN_FILE = "screen.png"
#: The heartbeat answer's header (lower-case) saying whether to send screenshots.
SCREENSHOTS_HEADER = "gongkai-screenshots"
_PNG = b"\x89PNG\r\n\x1a\n"


class ScreenshotOutbox:
    """Decides whether a heartbeat carries the latest screenshot, and which.

    Args:
        home: the kiosk home (where the app writes ``screen.png``).
        min_interval: least seconds between two screenshots sent.
        max_bytes: the largest screenshot sent (the publisher's default cap).
        clock: monotonic seconds (tests pass their own).
    """

    def __init__(
        self,
        home: Path,
        *,
        min_interval: float = 120.0,
        max_bytes: int = 65_536,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = home / SCREEN_FILE
        self.min_interval = min_interval
        self.max_bytes = max_bytes
        self.enabled = True
        self._clock = clock
        self._sent_stamp: int | None = None
        self._sent_at: float | None = None
        self._offered: int | None = None

    def take(self) -> dict[str, Any] | None:
        """The screenshot for the next heartbeat, or None (off, unchanged, too soon, bad)."""
        if not self.enabled:
            return None
        if self._sent_at is not None and self._clock() - self._sent_at < self.min_interval:
            return None
        try:
            info = self.path.stat()
            if info.st_mtime_ns == self._sent_stamp or info.st_size > self.max_bytes:
                return None
            data = self.path.read_bytes()
        except OSError:
            return None  # no screenshot yet
        if len(data) > self.max_bytes or not data.startswith(_PNG):
            log.warning("screenshot %s is not a small PNG; not sent", self.path)
            return None
        self._offered = info.st_mtime_ns
        taken = datetime.fromtimestamp(info.st_mtime_ns / 1e9, tz=UTC)
        return {"png": base64.b64encode(data).decode(), "taken_at": taken.isoformat()}

    def answered(self, status: int, headers: Mapping[str, str]) -> None:
        """Note the publisher's answer to a heartbeat that may have carried a screenshot."""
        said = headers.get(SCREENSHOTS_HEADER, "").strip().lower()
        if said in ("on", "off"):
            self.enabled = said == "on"
        if status in {200, 204} and self._offered is not None:
            self._sent_stamp, self._sent_at = self._offered, self._clock()
        self._offered = None
