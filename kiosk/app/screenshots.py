"""The kiosk keeps a small screenshot of its current screen for the fleet page.

Every few minutes, and shortly after the visitor changes page, the app
writes ``HOME/screen.png``: the window shrunk to :data:`WIDTH` pixels wide and
reduced to a small palette, at most :data:`MAX_BYTES`. The update agent sends
it with its next heartbeat (``kiosk.agent.screenshots``). A kiosk screen
shows only public information (docs/operations.md); nothing a visitor types
is kept beyond the screen itself, and the county can turn screenshots off
at the publisher.

A page change is captured at most once per ``min_gap`` seconds (the next
tick after the gap catches the latest page), so a visitor paging quickly
costs one capture, not one per tap.
"""

from __future__ import annotations

import io
import logging
from time import monotonic
from typing import TYPE_CHECKING

from PIL import Image

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

__all__ = ["MAX_BYTES", "SCREEN_FILE", "WIDTH", "ScreenCapture", "thumbnail", "window_grab"]

log = logging.getLogger(__name__)
#: The file, in the kiosk home, that the agent reads (``kiosk.agent.screenshots``).
SCREEN_FILE = "screen.png"
#: Width of the kept screenshot in pixels (a portrait 1080x1920 panel becomes 360x640).
WIDTH = 360
#: The most bytes a kept screenshot takes (the publisher's default cap is 64 KiB).
MAX_BYTES = 60_000
_COLOURS = 64


def thumbnail(image: Image.Image, *, width: int = WIDTH, max_bytes: int = MAX_BYTES) -> bytes:
    """``image`` as a small palette PNG at most ``width`` wide and ``max_bytes`` long.

    Raises:
        ValueError: it cannot be made that small (even at a quarter of ``width``).
    """
    target = width
    while target >= width // 4:
        scale = min(1.0, target / image.width)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        # Box-average by a whole factor first (cheap), then the exact size.
        factor = max(1, image.width // size[0])
        small = image.convert("RGB").reduce(factor).resize(size, Image.Resampling.BILINEAR)
        out = io.BytesIO()
        small.quantize(colors=_COLOURS).save(out, format="PNG")
        if out.tell() <= max_bytes:
            return out.getvalue()
        target = target * 3 // 4
    raise ValueError(f"a screenshot does not fit in {max_bytes} bytes")


class ScreenCapture:
    """When to take the screenshot, and taking it.

    Args:
        home: the kiosk home (``screen.png`` goes there).
        grab: the window's pixels now (:func:`window_grab` in the app).
        every: seconds between two captures when nothing changes.
        min_gap: least seconds between two captures after page changes.
        clock: monotonic seconds (the pilot's virtual time in tests).
    """

    def __init__(
        self,
        home: Path,
        grab: Callable[[], Image.Image],
        *,
        every: float = 300.0,
        min_gap: float = 20.0,
        clock: Callable[[], float] = monotonic,
    ) -> None:
        self.path = home / SCREEN_FILE
        self._grab = grab
        self._every = every
        self._min_gap = min_gap
        self._clock = clock
        # Not during start-up (the release is being read then): the first screen
        # is captured one gap after the app started.
        self._last: float | None = clock()
        self._pending = True
        self.captures = 0

    def page_changed(self) -> None:
        """The visitor (or the attract loop) changed page: capture it soon."""
        self._pending = True

    def due(self) -> bool:
        """Whether :meth:`tick` would capture now."""
        if self._last is None:
            return True
        since = self._clock() - self._last
        return since >= self._every or (self._pending and since >= self._min_gap)

    def tick(self) -> bool:
        """Capture when due (the app calls it every second); True when it did."""
        if not self.due():
            return False
        self._last = self._clock()
        self._pending = False
        try:
            data = thumbnail(self._grab())
            temporary = self.path.with_name(f".{SCREEN_FILE}.tmp")
            temporary.write_bytes(data)
            temporary.replace(self.path)  # the agent never reads half a file
        except (OSError, ValueError) as exc:
            log.warning("screenshot not kept: %s", exc)
            return False
        self.captures += 1
        return True


def window_grab() -> Image.Image:
    """The window's pixels as drawn last (read back from OpenGL; no file, no PNG of it).

    RGBA keeps every row aligned to 4 bytes whatever the width.
    """
    from kivy.core.window import Window  # noqa: PLC0415
    from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels  # noqa: PLC0415

    width, height = (int(side) for side in Window.size)
    data = glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE)
    # OpenGL counts rows from the bottom.
    return Image.frombytes("RGBA", (width, height), data).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
